/**
 * Room invite codes (#15): one line that lets several people join a room
 * until it expires. Same shape and checks as the 1:1 code (invite.ts):
 *
 *   fc2.<payload>.<check>
 *
 * payload = base64url (no padding) of:
 *   32 bytes room key | 8 bytes invite id | 8 bytes inviter member id |
 *   u64 expiry, ms since the epoch | u16 port | u8 n, n bytes host |
 *   u8 m, m bytes room name (UTF-8) | u8 k, k bytes inviter nick (UTF-8)
 * check   = base64url of the first 4 bytes of SHA-256("fc2." + payload text)
 *
 * (all integers big-endian). fc2 is a format of its own, not a later 1:1
 * code: a fernchat that reads only fc1 answers it with "update fernchat".
 * The checksum catches a copy cut short or mangled; it is no signature —
 * whoever holds the code holds the room key anyway. The expiry is checked
 * apart from decoding (checkRoomInviteTime), against the joiner's clock.
 * Pure, no I/O.
 */
import { FERNET_KEY_BYTES } from '../crypto/format.js';
import { MAX_ROOM_INVITE_S, ROOM_INVITE_CLOCK_SLACK_MS } from '../constants.js';
import type { Address } from '../address/address.js';
import { checksum, decodeInvite, type Invite, InviteCodeError, strictBase64Url } from './invite.js';
import { formatExpiry, isInviteId, isMemberId, type MemberId, roomNameProblem } from './room.js';
import { checkHost, checkNick, checkPort } from './schema.js';

export const ROOM_INVITE_PREFIX = 'fc2.';
const ID_BYTES = 8;
/** Largest length byte of a variable field. */
const MAX_FIELD_BYTES = 255;

export interface RoomInvite {
  /** The room's name. */
  room: string;
  /** The raw 32-byte room key. */
  key: Buffer;
  /** Where the inviter listens, as a joiner should dial it. */
  address: Address;
  /** This invite's id (16 hex digits): the joiner's first hello presents it. */
  inviteId: string;
  /** The inviter's member id (16 hex digits). */
  inviter: MemberId;
  /** The inviter's nick. */
  nick: string;
  /** Expiry, in ms since the epoch. */
  expires: number;
}

/** What a code turned out to be: a 1:1 invite (fc1) or a room invite (fc2). */
export type AnyInvite = { kind: 'chat'; invite: Invite } | { kind: 'room'; invite: RoomInvite };

const DAMAGED = 'room invite code is truncated or damaged';
const COPY = 'copy the whole line';

function field(text: string, what: string): Buffer {
  const b = Buffer.from(text, 'utf8');
  if (b.length > MAX_FIELD_BYTES) throw new TypeError(`encodeRoomInvite: ${what} is over ${MAX_FIELD_BYTES} bytes`);
  return Buffer.concat([Buffer.of(b.length), b]);
}

export function encodeRoomInvite(inv: RoomInvite): string {
  if (!Buffer.isBuffer(inv.key) || inv.key.length !== FERNET_KEY_BYTES) throw new TypeError('encodeRoomInvite: key must be 32 bytes');
  if (!isInviteId(inv.inviteId) || !isMemberId(inv.inviter)) throw new TypeError('encodeRoomInvite: invite id and inviter are 16 hex digits');
  if (!Number.isSafeInteger(inv.expires) || inv.expires < 0) throw new TypeError('encodeRoomInvite: expires must be ms since the epoch');
  const problem = roomNameProblem(inv.room);
  if (problem !== null) throw new TypeError(`encodeRoomInvite: the room name ${problem}`);
  const host = checkHost(inv.address.host, 'invite host');
  const port = checkPort(inv.address.port, 'invite port');
  const nick = checkNick(inv.nick, 'invite nick');
  const fixed = Buffer.alloc(ID_BYTES * 3 + 2);
  Buffer.from(inv.inviteId, 'hex').copy(fixed, 0);
  Buffer.from(inv.inviter, 'hex').copy(fixed, ID_BYTES);
  fixed.writeBigUInt64BE(BigInt(inv.expires), ID_BYTES * 2);
  fixed.writeUInt16BE(port, ID_BYTES * 3);
  const payload = Buffer.concat([inv.key, fixed, field(host, 'host'), field(inv.room, 'room name'), field(nick, 'nick')]);
  const head = ROOM_INVITE_PREFIX + payload.toString('base64url');
  return `${head}.${checksum(head)}`;
}

/** A room code (fc2.…); anything else is refused with the line that says what it is. */
export function decodeRoomInvite(code: string): RoomInvite {
  const any = decodeAnyInvite(code);
  if (any.kind !== 'room') throw new InviteCodeError('this is an invite to a 1:1 chat, not to a room');
  return any.invite;
}

/** A 1:1 code (fc1) or a room code (fc2); every other text is refused with one line saying why. */
export function decodeAnyInvite(code: string): AnyInvite {
  if (typeof code !== 'string') throw new TypeError('decodeAnyInvite: code must be a string');
  const text = code.replace(/\s+/g, '');
  if (!text.startsWith(ROOM_INVITE_PREFIX)) {
    const version = /^fc(\d+)\./.exec(text);
    if (version && version[1] !== '1') {
      throw new InviteCodeError(`invite code version fc${version[1]} is not supported by this fernchat (it reads fc1 and fc2) — update fernchat`);
    }
    return { kind: 'chat', invite: decodeInvite(code) };
  }
  const parts = text.split('.');
  if (parts.length !== 3) throw new InviteCodeError(`${DAMAGED} (the checksum part is missing) — ${COPY}`);
  const [, body, check] = parts;
  if (body === undefined || check !== checksum(`${ROOM_INVITE_PREFIX}${body}`)) throw new InviteCodeError(`${DAMAGED} (checksum mismatch) — ${COPY}`);
  const payload = strictBase64Url(body);
  if (payload === null) throw new InviteCodeError(`${DAMAGED} (not base64url) — ${COPY}`);
  return { kind: 'room', invite: parsePayload(payload) };
}

function parsePayload(p: Buffer): RoomInvite {
  const bad = (what: string): InviteCodeError => new InviteCodeError(`${DAMAGED} (${what}) — ${COPY}`);
  let off = 0;
  const take = (n: number, what: string): Buffer => {
    if (off + n > p.length) throw bad(`${what} is cut short`);
    const b = p.subarray(off, off + n);
    off += n;
    return b;
  };
  const text = (what: string): string => {
    const b = take(take(1, `${what} length`).readUInt8(0), what);
    const s = b.toString('utf8');
    if (!Buffer.from(s, 'utf8').equals(b)) throw bad(`its ${what} is not UTF-8`);
    return s;
  };
  const key = Buffer.from(take(FERNET_KEY_BYTES, 'key'));
  const inviteId = take(ID_BYTES, 'invite id').toString('hex');
  const inviter = take(ID_BYTES, 'inviter id').toString('hex');
  const expires = take(8, 'expiry').readBigUInt64BE(0);
  const port = take(2, 'port').readUInt16BE(0);
  const host = text('host');
  const room = text('room name');
  const nick = text('nick');
  if (off !== p.length) throw bad('extra bytes after the nick');
  if (expires > BigInt(Number.MAX_SAFE_INTEGER)) throw bad('its expiry is not a date');
  const problem = roomNameProblem(room);
  if (problem !== null) throw bad(`its room name ${problem}`);
  try {
    return {
      room,
      key,
      address: { host: checkHost(host, 'host'), port: checkPort(port, 'port') },
      inviteId,
      inviter,
      nick: checkNick(nick, 'nick'),
      expires: Number(expires),
    };
  } catch (err) {
    throw bad(err instanceof Error ? `its ${err.message}` : 'bad field');
  }
}

/**
 * Refuses a room invite that has expired at `now`, or whose expiry lies
 * further ahead than any fernchat issues (a clock far off, or a forged
 * code). One line naming the inviter and what to do.
 */
export function checkRoomInviteTime(inv: RoomInvite, now: number): void {
  if (inv.expires <= now) {
    throw new InviteCodeError(
      `this invite to room ${JSON.stringify(inv.room)} expired at ${formatExpiry(inv.expires)}: ask ${inv.nick} for a new one (fernchat invite --profile ROOM)`,
    );
  }
  if (inv.expires > now + MAX_ROOM_INVITE_S * 1000 + ROOM_INVITE_CLOCK_SLACK_MS) {
    throw new InviteCodeError(
      `this invite to room ${JSON.stringify(inv.room)} claims to be valid until ${formatExpiry(inv.expires)}, longer than fernchat issues: check this machine's clock, or ask ${inv.nick} for a new code`,
    );
  }
}
