/**
 * The room halves of `fernchat invite` and `fernchat join` (#15); invite.ts
 * sends a room profile or a room code here.
 *
 *   invite: --expires → new invite id → recorded in the profile (expired
 *           ones dropped) → the code on stdout. The record is written
 *           first: a code is never printed that the profile does not know.
 *   join:   expiry checked against this clock → a room profile with a new
 *           member id, the inviter as its contact, the invite kept for the
 *           first hello.
 *
 * The config modules are imported by the functions: cli.ts loads this file
 * for every command.
 */
import { parseHost, parseNick, parsePort } from '../config/flags.js';
import type { RoomInvite } from '../config/room-invite.js';
import type { ProfileStore } from '../config/store.js';
import { DEFAULT_PORT, DEFAULT_ROOM_INVITE_S, MAX_ROOM_INVITE_S, MIN_ROOM_INVITE_S } from '../constants.js';
import { encodeKey, fingerprint, parseKey } from '../crypto/keys.js';
import { ConfigError, UsageError } from '../errors.js';
import { formatAddress } from '../address/address.js';
import { quoteValue } from '../text/quote.js';
import { loginNick, note, out } from './common.js';
import type { CliIo } from './io.js';

/** The --expires value in seconds; absent: DEFAULT_ROOM_INVITE_S. */
export async function inviteLifetime(text: string | undefined): Promise<number> {
  if (text === undefined) return DEFAULT_ROOM_INVITE_S;
  const { parseLifetime } = await import('../config/room.js');
  const s = parseLifetime(text);
  if (s === null) {
    throw new UsageError(
      `--expires must be a duration from ${MIN_ROOM_INVITE_S / 60}m to ${MAX_ROOM_INVITE_S / 86_400}d, such as 30m, 24h or 7d, got ${quoteValue(text)}`,
    );
  }
  return s;
}

/** `fernchat invite` on room profile `name`: record a new invite valid for `lifetimeS` seconds, then print its code. */
export async function inviteToRoom(io: CliIo, store: ProfileStore, name: string, host: string, lifetimeS: number, now = Date.now()): Promise<void> {
  const [{ encodeRoomInvite }, { formatExpiry, formatLifetime, randomId }, { getRoomProfile, recordRoomInvite }] = await Promise.all([
    import('../config/room-invite.js'),
    import('../config/room.js'),
    import('../config/room-profiles.js'),
  ]);
  const invite = { id: randomId(), expires: now + lifetimeS * 1000 };
  // Read, encode and record in one update: the code printed is made from the profile as written.
  const code = store.update((cfg) => {
    const p = getRoomProfile(cfg, name);
    const text = encodeRoomInvite({
      room: p.room.name,
      key: parseKey(p.key),
      address: { host, port: p.listen.port },
      inviteId: invite.id,
      inviter: p.room.memberId,
      nick: p.nick,
      expires: invite.expires,
    });
    recordRoomInvite(cfg, name, invite, now);
    return { text, room: p.room.name };
  });
  // The code goes to stdout only: stderr often ends up in logs, and the code holds the room key.
  out(io, code.text);
  note(
    io,
    `the code (on stdout) holds the room key; anyone who has it can join ${JSON.stringify(code.room)} until ${formatExpiry(invite.expires)} ` +
      `(${formatLifetime(lifetimeS)}): share it only with the people you invite; on their machine: fernchat join - --name ${name} (then paste it)`,
  );
}

export interface RoomJoinFlags {
  /** The profile name, checked. */
  name: string;
  port?: string;
  host?: string;
  nick?: string;
  force?: boolean;
}

/** `fernchat join` with a room code: a new room profile, or a refusal with one line. */
export async function joinRoom(io: CliIo, store: ProfileStore, inv: RoomInvite, a: RoomJoinFlags, now = Date.now()): Promise<void> {
  const [{ checkRoomInviteTime }, { formatExpiry, newRoom }, { addProfile }, { newRoomProfile }] = await Promise.all([
    import('../config/room-invite.js'),
    import('../config/room.js'),
    import('../config/profiles.js'),
    import('../config/room-profiles.js'),
  ]);
  checkRoomInviteTime(inv, now);
  const name = a.name;
  const profile = newRoomProfile({
    nick: a.nick !== undefined ? parseNick(a.nick) : loginNick(io.env),
    key: encodeKey(inv.key),
    listenPort: a.port !== undefined ? parsePort(a.port) : DEFAULT_PORT,
    ...(a.host !== undefined ? { listenHost: parseHost(a.host) } : {}),
    room: newRoom(inv.room, { contacts: [inv.address], joinedWith: { invite: inv.inviteId, inviter: inv.inviter, expires: inv.expires } }),
  });
  const { madeDefault } = store.update((cfg) => {
    if (Object.hasOwn(cfg.profiles, name) && !a.force) {
      throw new ConfigError(`profile "${name}" already exists: pass --force to replace it, or --name OTHER`);
    }
    return addProfile(cfg, name, profile, { force: true });
  });
  note(
    io,
    `created room profile ${name}${madeDefault ? ' (now the default)' : ''}: room ${JSON.stringify(inv.room)}, invited by ${inv.nick} ` +
      `at ${formatAddress(inv.address)} (invite valid until ${formatExpiry(inv.expires)}), listening on port ${profile.listen.port}, ` +
      `key fingerprint ${fingerprint(inv.key)}`,
  );
  note(io, roomSaved(name));
}

/** What a room profile can do in this version: said after create and join (profile names need no quoting: A-Z a-z 0-9 _ . -). */
export function roomSaved(profile: string): string {
  return `chat in the room with fernchat chat --profile ${profile} (full screen), or fernchat chat --headless --profile ${profile} (lines in, lines out)`;
}
