/**
 * Profile + command-line flags → ChatOptions, flags winning. Pure: the
 * profile was read and the default nick looked up by the caller.
 *
 * The file settings' directories are checked here (config/files.ts: the
 * one part that looks at the disk).
 *
 * Every bad value is a UsageError with one line naming the flag; a missing
 * key says how to get one. The key Buffer is parsed here, once, so a chat
 * never starts with a key it cannot use.
 */
import os from 'node:os';
import type { ChatOptions } from './chat-options.js';
import { resolveFiles, type FileFlags } from './files.js';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_LINGER_S, DEFAULT_LISTEN_HOST, DEFAULT_PORT, DEFAULT_TOKEN_TTL_S } from '../constants.js';
import { parseKey } from '../crypto/keys.js';
import { UsageError } from '../errors.js';
import { parseClockSkew, parseHost, parseHostPort, parseKeyFlag, parseLinger, parseNick, parsePort, parseTerm, parseWire } from './flags.js';
import { DEFAULT_UI, type Profile } from './schema.js';

/** The `chat` command's flags as yargs gives them. */
export interface ChatFlags extends FileFlags {
  host?: string;
  port?: string;
  peer?: string;
  key?: string;
  /** What names the key in an error ('--key', 'FERNCHAT_KEY', 'key file F'); default '--key'. */
  keyLabel?: string;
  nick?: string;
  wire?: string;
  headless?: boolean;
  json?: boolean;
  linger?: string;
  clockSkew?: string;
  term?: string;
  mouse?: boolean;
  debug?: boolean;
  /** --no-pmtu-probe gives false. */
  pmtuProbe?: boolean;
}

export interface ResolveInput {
  /** The profile in use and its name, or null for flags only. */
  profileName: string | null;
  profile: Profile | null;
  flags: ChatFlags;
  /** Nick when neither the flags nor a profile give one (the login name). */
  defaultNick: string;
  /** For `~` and relative directories; default os.homedir() and process.cwd(). */
  home?: string;
  cwd?: string;
}

export const NO_PROFILE_HINT =
  'no key: create a profile (fernchat profile add NAME --peer HOST:PORT, or fernchat join -), ' +
  'or give one with --key-file FILE or $FERNCHAT_KEY (and --peer HOST:PORT)';

export function resolveChatOptions({ profileName, profile, flags, defaultNick, home, cwd }: ResolveInput): ChatOptions {
  if ((profile === null) !== (profileName === null)) throw new TypeError('resolveChatOptions: profile and profileName go together');
  const p = profile;

  if (flags.key === undefined && p === null) throw new UsageError(NO_PROFILE_HINT);
  const keyText = flags.key !== undefined ? parseKeyFlag(flags.key, flags.keyLabel ?? '--key') : (p as Profile).key;
  if (flags.json && !flags.headless) throw new UsageError('--json works only with --headless');

  const ui = { ...(p?.ui ?? DEFAULT_UI) };
  if (flags.term !== undefined) ui.term = parseTerm(flags.term);
  if (flags.mouse !== undefined) ui.mouse = flags.mouse;

  const opts: ChatOptions = {
    profileName,
    nick: flags.nick !== undefined ? parseNick(flags.nick) : (p?.nick ?? parseNick(defaultNick, 'default nick')),
    listen: {
      host: flags.host !== undefined ? parseHost(flags.host) : (p?.listen.host ?? DEFAULT_LISTEN_HOST),
      port: flags.port !== undefined ? parsePort(flags.port) : (p?.listen.port ?? DEFAULT_PORT),
    },
    peer: flags.peer !== undefined ? parseHostPort(flags.peer) : (p?.peer ?? null),
    key: parseKey(keyText),
    wire: flags.wire !== undefined ? parseWire(flags.wire) : (p?.wire ?? 'reliable'),
    clockSkewS: flags.clockSkew !== undefined ? parseClockSkew(flags.clockSkew) : (p?.clockSkewS ?? DEFAULT_CLOCK_SKEW_S),
    tokenTtlS: p?.tokenTtlS ?? DEFAULT_TOKEN_TTL_S,
    ui,
    headless: flags.headless ?? false,
    json: flags.json ?? false,
    lingerS: flags.linger !== undefined ? parseLinger(flags.linger) : DEFAULT_LINGER_S,
    debug: flags.debug ?? false,
    files: resolveFiles(p?.files ?? null, flags, { home: home ?? os.homedir(), cwd: cwd ?? process.cwd(), profileName }),
    pmtuProbe: flags.pmtuProbe ?? true,
  };
  // A copy: the runner may change its contacts and invites without touching the profile read.
  if (p?.room !== undefined) {
    const r = p.room;
    opts.room = {
      ...r,
      contacts: r.contacts.map((c) => ({ ...c })),
      invites: r.invites.map((i) => ({ ...i })),
      joinedWith: r.joinedWith && { ...r.joinedWith },
    };
  }
  return opts;
}

/**
 * Whether a rotated key may be written back to the profile: only when the
 * key came from it. A one-off --key must not overwrite the profile's key
 * with a key derived from something else.
 */
export function keyCameFromProfile(input: ResolveInput): boolean {
  return input.profile !== null && input.flags.key === undefined;
}
