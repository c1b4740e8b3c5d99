/**
 * `fernchat invite` and `fernchat join`: set up two machines with one
 * copy-paste. The inviter prints a code holding its reachable address, port,
 * key and nick; the other side turns it into a profile whose peer is the
 * inviter. The inviter needs nothing back: it learns the joiner's address
 * from the joiner's first authenticated datagram.
 *
 * A room profile's invite is a room code (config/room-invite.ts): several
 * people may join with it until it expires (--expires), and `join` turns it
 * into a room profile whose contact is the inviter (room-invite.ts).
 *
 * The code format and the profile operations are imported by the handlers:
 * cli.ts loads this file for every command.
 */
import { isIP } from 'node:net';
import os from 'node:os';
import { parseHost, parseNick, parsePort, parseProfileName } from '../config/flags.js';
import { profileNameProblem } from '../config/schema.js';
import { DEFAULT_PORT, MAX_PROFILE_NAME_CHARS } from '../constants.js';
import { encodeKey, fingerprint, parseKey } from '../crypto/keys.js';
import { ConfigError, UsageError } from '../errors.js';
import { formatAddress } from '../address/address.js';
import type { Profile } from '../config/schema.js';
import { STDIN_ARG } from './argv.js';
import { loadProfile, loginNick, note, openStore, out } from './common.js';
import { defineCommand, FLAGS, flag, requiredPositional } from './flags.js';
import type { CliIo } from './io.js';
import { inviteLifetime, inviteToRoom, joinRoom } from './room-invite.js';

export const inviteCommand = defineCommand({
  command: 'invite',
  describe: 'print a one-line code for your peer to `fernchat join` (it holds the key)',
  builder: (y) =>
    y
      // Not FLAGS.host: here it is the address the peer dials, not one to listen on.
      .options({
        host: { type: 'string', describe: 'address your peer should use to reach you (default: guessed)' },
        expires: { type: 'string', describe: 'room invites: valid for this long, e.g. 30m, 24h, 7d (default 24h, at most 30d)' },
      })
      .example('$0 invite', 'code for the default profile')
      .example('$0 invite --profile work --host 203.0.113.5', 'say which address the peer should dial')
      .example('$0 invite --profile club --expires 7d', 'a room code several people may use for a week'),
  handler: async (a) => {
    const { chosen, store } = await loadProfile(a);
    if (chosen === null) {
      throw new ConfigError('no profile to invite with: create one first with fernchat profile add NAME (a key is generated), or pass --profile NAME');
    }
    const p = chosen.profile;
    if (p.room !== undefined) {
      // --expires first: a bad one is the only line, without the note on the address guessed.
      const lifetimeS = await inviteLifetime(a.expires);
      await inviteToRoom(a.io, store, chosen.name, await inviteHost(a.io, a.host, chosen.name, p), lifetimeS);
      return;
    }
    if (a.expires !== undefined) {
      throw new UsageError(`--expires is for room invites: profile ${chosen.name} is a 1:1 chat, and its code works as long as its key does`);
    }
    const { encodeInvite } = await import('../config/invite.js');
    const host = await inviteHost(a.io, a.host, chosen.name, p);
    const code = encodeInvite({ address: { host, port: p.listen.port }, key: parseKey(p.key), nick: p.nick });
    // The code goes to stdout only: stderr often ends up in logs, and the code holds the key.
    out(a.io, code);
    note(
      a.io,
      `the code (on stdout) holds the key: share it only with your peer; on their machine: fernchat join - --name ${nameFromNick(p.nick)} (then paste it)`,
    );
  },
});

/** The host to put in a code: --host, checked against what the profile's socket hears, else guessed (with a note). */
async function inviteHost(io: CliIo, flag: string | undefined, name: string, p: Profile): Promise<string> {
  const { inviteHostProblem, pickInviteHost } = await import('../config/invite.js');
  if (flag !== undefined) {
    const host = parseHost(flag);
    const problem = inviteHostProblem(p.listen.host, host);
    if (problem !== null) {
      const fix = isIP(host) === 6 ? 'an IPv4 --host' : 'an IPv6 --host';
      throw new UsageError(`${problem}: pass ${fix}, or listen on both with fernchat profile set ${name} --host ::`);
    }
    return host;
  }
  const pick = pickInviteHost(p.listen.host, os.networkInterfaces());
  if (pick === null) throw new UsageError('no network address found to put in the invite: pass --host ADDR (an address your peer can reach)');
  if (pick.iface !== null) note(io, `the invite uses ${pick.host} (interface ${pick.iface}); if your peer reaches you at another address, pass --host ADDR`);
  return pick.host;
}

export const joinCommand = defineCommand({
  command: 'join <code>',
  describe: 'create a profile from an invite code (its peer is the inviter; a room code makes a room profile)',
  builder: (y) =>
    requiredPositional(y, 'code', 'the line printed by fernchat invite, or - to read it from stdin (keeps it out of ps and shell history)')
      .options({
        name: { type: 'string', describe: "profile name (default: the inviter's nick)" },
        port: FLAGS.port,
        host: FLAGS.host,
        nick: flag('nick', ' (default: your login name)'),
        force: { type: 'boolean', describe: 'replace an existing profile of that name' },
      })
      .example('$0 join - --name alice', 'paste the code alice sent you, then Enter')
      .example('$0 join - --name alice --port 7002 < code.txt', 'listen on another port (two peers on one machine)'),
  handler: async (a) => {
    const [{ decodeAnyInvite }, { addProfile, newProfile }] = await Promise.all([import('../config/room-invite.js'), import('../config/profiles.js')]);
    const any = decodeAnyInvite(a.code === STDIN_ARG ? await readCodeFromStdin(a.io) : a.code);
    if (any.kind === 'room') {
      const name = a.name !== undefined ? parseProfileName(a.name) : nameFromNick(any.invite.room, 'room');
      await joinRoom(a.io, await openStore(a), any.invite, { ...a, name });
      return;
    }
    const inv = any.invite;
    const name = a.name !== undefined ? parseProfileName(a.name) : nameFromNick(inv.nick);
    const profile = newProfile({
      nick: a.nick !== undefined ? parseNick(a.nick) : loginNick(a.io.env),
      key: encodeKey(inv.key),
      peer: inv.address,
      listenPort: a.port !== undefined ? parsePort(a.port) : DEFAULT_PORT,
      ...(a.host !== undefined ? { listenHost: parseHost(a.host) } : {}),
    });
    const { madeDefault } = (await openStore(a)).update((cfg) => {
      if (Object.hasOwn(cfg.profiles, name) && !a.force) {
        throw new ConfigError(`profile "${name}" already exists: pass --force to replace it, or --name OTHER`);
      }
      return addProfile(cfg, name, profile, { force: true });
    });
    note(
      a.io,
      `created profile ${name}${madeDefault ? ' (now the default)' : ''}: peer ${inv.nick} at ${formatAddress(inv.address)}, ` +
        `listening on port ${profile.listen.port}, key fingerprint ${fingerprint(inv.key)}`,
    );
    note(a.io, `start chatting: fernchat chat${madeDefault ? '' : ` --profile ${name}`}`);
  },
});

/** Longest stdin fernchat reads for a code: an invite is a few hundred characters. */
const MAX_CODE_INPUT_CHARS = 64 * 1024;

/**
 * `join -`: the first non-empty line of stdin (a terminal: the pasted line,
 * ended by Enter). Empty input is the decoder's "invite code is empty".
 */
async function readCodeFromStdin(io: CliIo): Promise<string> {
  const { stdin } = io;
  if (stdin.isTTY) note(io, 'paste the invite code, then press Enter');
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    const line = text.split('\n').find((l) => l.trim() !== '');
    if (line !== undefined && (text.trimStart().includes('\n') || text.length > MAX_CODE_INPUT_CHARS)) {
      stdin.pause?.();
      return line.slice(0, MAX_CODE_INPUT_CHARS);
    }
  }
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, MAX_CODE_INPUT_CHARS);
}

/** A profile name made from a nick (or a room name): invalid characters dropped; `fallback` when nothing is left. */
export function nameFromNick(nick: string, fallback = 'peer'): string {
  const cleaned = nick.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, MAX_PROFILE_NAME_CHARS);
  return profileNameProblem(cleaned) === null ? cleaned : fallback;
}
