/**
 * Invite codes: one line that carries what the other side needs to reach
 * us — address, port, key, and our nick.
 *
 *   fc1.<payload>.<check>
 *
 * payload = base64url (no padding) of:
 *   32 bytes key | u16 port (big-endian) | u8 n, n bytes host | u8 m, m bytes nick (UTF-8)
 * check   = base64url of the first 4 bytes of SHA-256("fc1." + payload text)
 *
 * A code is copied between terminals by hand, so it must fail loudly when
 * it is cut short or mangled: the checksum covers the prefix and the
 * payload, base64 is decoded strictly (canonical form only, so no two texts
 * decode to the same bytes), and the payload must be exactly as long as its
 * fields say. Whitespace is removed first: a terminal may wrap a long line.
 * Pure, no I/O.
 *
 * The prefix names the format: fc1 is this 1:1 code, fc2 a room invite
 * (room-invite.ts, which reads both: decodeAnyInvite). A fernchat that
 * knows only fc1 answers an fc2 code with "update fernchat".
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { FERNET_KEY_BYTES } from '../crypto/format.js';
import { UsageError } from '../errors.js';
import type { Address } from '../address/address.js';
import { checkHost, checkNick, checkPort } from './schema.js';

export const INVITE_PREFIX = 'fc1.';
const CHECK_BYTES = 4;

export interface Invite {
  /** Where the inviter listens, as the invitee should dial it. */
  address: Address;
  /** The raw 32-byte key. */
  key: Buffer;
  /** The inviter's nick. */
  nick: string;
}

/** A code that cannot be read. Exit 2, like any other bad input. */
export class InviteCodeError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'InviteCodeError';
  }
}

const DAMAGED = 'invite code is truncated or damaged';
const COPY = 'copy the whole line';

/** The check part of a code: the first CHECK_BYTES of SHA-256 over everything before it. Shared with room-invite.ts. */
export function checksum(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest().subarray(0, CHECK_BYTES).toString('base64url');
}

export function encodeInvite(inv: Invite): string {
  if (!Buffer.isBuffer(inv.key) || inv.key.length !== FERNET_KEY_BYTES) throw new TypeError('encodeInvite: key must be 32 bytes');
  const host = Buffer.from(checkHost(inv.address.host, 'invite host'), 'utf8');
  const nick = Buffer.from(checkNick(inv.nick, 'invite nick'), 'utf8');
  checkPort(inv.address.port, 'invite port');
  if (host.length > 255 || nick.length > 255) throw new TypeError('encodeInvite: host or nick too long');
  const port = Buffer.alloc(2);
  port.writeUInt16BE(inv.address.port);
  const payload = Buffer.concat([inv.key, port, Buffer.of(host.length), host, Buffer.of(nick.length), nick]);
  const head = INVITE_PREFIX + payload.toString('base64url');
  return `${head}.${checksum(head)}`;
}

/** Strict base64url: only the alphabet, no padding, and the canonical spelling of its bytes. */
export function strictBase64Url(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

export function decodeInvite(code: string): Invite {
  if (typeof code !== 'string') throw new TypeError('decodeInvite: code must be a string');
  const text = code.replace(/\s+/g, '');
  if (text === '') throw new InviteCodeError('invite code is empty — paste the line that fernchat invite printed');
  if (!text.startsWith(INVITE_PREFIX)) {
    if (INVITE_PREFIX.startsWith(text)) throw new InviteCodeError(`${DAMAGED} (it ends after "${text}") — ${COPY}`);
    const version = /^fc(\d+)\./.exec(text);
    if (version) throw new InviteCodeError(`invite code version fc${version[1]} is not supported by this fernchat (it reads fc1) — update fernchat`);
    throw new InviteCodeError(`this is not a fernchat invite code (those start with ${INVITE_PREFIX}) — ${COPY} printed by fernchat invite`);
  }
  const parts = text.split('.');
  if (parts.length !== 3) throw new InviteCodeError(`${DAMAGED} (the checksum part is missing) — ${COPY}`);
  const [, body, check] = parts;
  if (body === undefined || check !== checksum(`${INVITE_PREFIX}${body}`)) throw new InviteCodeError(`${DAMAGED} (checksum mismatch) — ${COPY}`);
  // Past the checksum the text is what fernchat wrote; anything odd now is a forged or buggy code.
  const payload = strictBase64Url(body);
  if (payload === null) throw new InviteCodeError(`${DAMAGED} (not base64url) — ${COPY}`);
  return parsePayload(payload);
}

function parsePayload(p: Buffer): Invite {
  const bad = (what: string): InviteCodeError => new InviteCodeError(`${DAMAGED} (${what}) — ${COPY}`);
  let off = 0;
  const take = (n: number, what: string): Buffer => {
    if (off + n > p.length) throw bad(`${what} is cut short`);
    const b = p.subarray(off, off + n);
    off += n;
    return b;
  };
  const key = Buffer.from(take(FERNET_KEY_BYTES, 'key'));
  const port = take(2, 'port').readUInt16BE(0);
  const host = take(take(1, 'host length').readUInt8(0), 'host').toString('utf8');
  const nick = take(take(1, 'nick length').readUInt8(0), 'nick').toString('utf8');
  if (off !== p.length) throw bad('extra bytes after the nick');
  try {
    return { address: { host: checkHost(host, 'host'), port: checkPort(port, 'port') }, key, nick: checkNick(nick, 'nick') };
  } catch (err) {
    throw bad(err instanceof Error ? `its ${err.message}` : 'bad field');
  }
}

/** Hosts that mean "every interface": useless as an address to dial. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

export interface HostChoice {
  host: string;
  /** Interface it came from, when picked from the interface list. */
  iface: string | null;
}

/**
 * The address to put in an invite for a profile listening on `listenHost`:
 * that host itself, unless it is a wildcard; then the first non-internal
 * IPv4 address (an IPv6 one, not link-local, if there is no IPv4). Null when
 * the machine has no usable address (then the user must pass --host).
 */
export function pickInviteHost(listenHost: string, interfaces: Record<string, NetworkInterfaceInfo[] | undefined>): HostChoice | null {
  if (!isWildcardHost(listenHost)) return { host: listenHost, iface: null };
  const all = Object.entries(interfaces).flatMap(([name, infos]) => (infos ?? []).map((info) => ({ name, info })));
  const usable = all.filter(({ info }) => !info.internal);
  const v4 = usable.find(({ info }) => info.family === 'IPv4');
  if (v4) return { host: v4.info.address, iface: v4.name };
  const v6 = usable.find(({ info }) => info.family === 'IPv6' && !info.address.toLowerCase().startsWith('fe80:'));
  if (v6) return { host: v6.info.address, iface: v6.name };
  return null;
}

/**
 * Why a peer could not reach a profile listening on `listenHost` at
 * `inviteHost`, or null when it can (or a host name leaves it open). A
 * socket bound to 0.0.0.0 or another IPv4 address hears IPv4 only; one
 * bound to a particular IPv6 address hears IPv6 only; '::' hears both.
 */
export function inviteHostProblem(listenHost: string, inviteHost: string): string | null {
  const listen = isIP(listenHost);
  const dial = isIP(inviteHost);
  if (dial === 0 || listenHost === '::') return null;
  if (listen === 4 && dial === 6) return `the profile listens on ${listenHost} (IPv4 only), so a peer cannot reach it at the IPv6 address ${inviteHost}`;
  if (listen === 6 && dial === 4) return `the profile listens on ${listenHost} (IPv6 only), so a peer cannot reach it at the IPv4 address ${inviteHost}`;
  return null;
}
