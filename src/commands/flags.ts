/**
 * Every flag of the `fernchat` command, described once, and the typed shape
 * of a command module.
 *
 * A flag that several commands take (--host, --port, --nick, …) has one spec
 * here; a command adds a note where the flag means something more there
 * (chat's --peer is learned when absent, profile add generates a missing
 * --key). Values stay strings: config/flags.ts parses and checks them, so
 * "--port abc" is refused with a sentence instead of becoming NaN.
 */
import type { ArgumentsCamelCase, Argv, CommandModule, InferredOptionTypes, Options } from 'yargs';
import type { CommandIo } from './io.js';
import { DEFAULT_HISTORY_MAX_BYTES, DEFAULT_LINGER_S, DEFAULT_LISTEN_HOST, DEFAULT_PORT, MAX_LINGER_S } from '../constants.js';

/** Flags accepted by every command. */
export const GLOBAL_OPTIONS = {
  profile: { type: 'string', describe: 'profile to use (default: the default profile)', global: true },
  'config-dir': { type: 'string', describe: 'directory of config.json (default: $FERNCHAT_CONFIG_DIR, else the per-user config dir)', global: true },
  debug: { type: 'boolean', describe: 'show stack traces on errors', global: true },
} as const satisfies Record<string, Options>;

/** The global flags as yargs types them: what every builder starts from. */
export type GlobalOptions = InferredOptionTypes<typeof GLOBAL_OPTIONS>;

/** The flags more than one command takes. */
export const FLAGS = {
  host: { type: 'string', describe: `address to listen on (default ${DEFAULT_LISTEN_HOST}, :: for IPv6)` },
  port: { type: 'string', describe: `UDP port to listen on (default ${DEFAULT_PORT})` },
  peer: { type: 'string', describe: 'peer address HOST:PORT, IPv6 as [::1]:7755' },
  key: { type: 'string', describe: 'Fernet key, urlsafe base64' },
  'key-file': { type: 'string', describe: 'read the key from FILE (one line, mode 600): unlike --key, not visible in ps or shell history' },
  nick: { type: 'string', describe: 'your nick' },
  wire: { type: 'string', describe: 'reliable (acks, order, long messages) or raw (one token per message, for simple scripts)' },
  'clock-skew': { type: 'string', describe: 'allowed clock difference with the peer, seconds' },
  term: { type: 'string', describe: 'terminal type for the UI (default $TERM)' },
  mouse: { type: 'boolean', describe: 'mouse support in the UI (--no-mouse to turn off)' },
} as const satisfies Record<string, Options>;

type Flags = typeof FLAGS;

/** A flag of FLAGS with a note on what it means in one command, e.g. ` (default: the profile's)`, appended as it is. */
export function flag<K extends keyof Flags>(name: K, note: string): Omit<Flags[K], 'describe'> & { describe: string } {
  return { ...FLAGS[name], describe: `${FLAGS[name].describe}${note}` };
}

/** File transfer flags: `chat` and `send` take them for one run, `profile add|set` keep them (profiles.NAME.files). */
export const FILE_FLAGS = {
  'download-dir': { type: 'string', describe: 'where accepted files are saved (default ~/Downloads if it exists, else the current directory)' },
  'accept-files': { type: 'string', describe: 'accept every file offer into DIR without asking (within --max-file-size)' },
  'max-file-size': { type: 'string', describe: 'decline offers larger than this: bytes, or 500K, 200M, 2G (binary; default 16G)' },
} as const satisfies Record<string, Options>;

/** Turns the path MTU search of file transfers off (chat, send). */
export const PMTU_FLAG = {
  'pmtu-probe': { type: 'boolean', describe: 'file transfers: search for larger datagrams than 1200 bytes (--no-pmtu-probe keeps them at 1200)' },
} as const satisfies Record<string, Options>;

/** The flags of `chat` beside the profile's fields. */
export const CHAT_ONLY_FLAGS = {
  headless: { type: 'boolean', describe: 'no UI: lines on stdin are sent, messages printed on stdout' },
  json: { type: 'boolean', describe: 'headless: one JSON object per line' },
  linger: { type: 'string', describe: `headless: at end of input, wait this many seconds for acks (default ${DEFAULT_LINGER_S}, max ${MAX_LINGER_S})` },
} as const satisfies Record<string, Options>;

/** The profile's own settings, as `profile add` and `profile set` take them. */
export const PROFILE_ONLY_FLAGS = {
  'token-ttl': { type: 'string', describe: 'drop messages older than this, seconds' },
  scrollback: { type: 'string', describe: 'chat scrollback, lines' },
  bell: { type: 'boolean', describe: 'bell on a mention of your nick, and on new messages while scrolled up or out of focus' },
  title: { type: 'boolean', describe: 'terminal title: unread messages (scrolled up or out of focus) and mentions' },
  seconds: { type: 'boolean', describe: 'show seconds in timestamps' },
  history: { type: 'string', describe: 'keep the conversation on disk: on or off (default off; README, "History")' },
  'history-max': {
    type: 'string',
    describe: `cap of the history file, e.g. 10MiB or 512KiB (default ${DEFAULT_HISTORY_MAX_BYTES / 1024 / 1024} MiB); past it only the newest half is kept`,
  },
} as const satisfies Record<string, Options>;

/**
 * A command whose handler gets the flags its builder declared, typed: no
 * `argv as …` in the handlers. `U` is inferred from the builder. Beside the
 * flags, the handler gets the run's streams and environment as `io`
 * (main.ts passes them to yargs as the parse context).
 */
export function defineCommand<U>(m: {
  command: string | readonly string[];
  describe: string;
  builder: (y: Argv<GlobalOptions>) => Argv<U>;
  handler: (args: ArgumentsCamelCase<U> & { io: CommandIo }) => void | Promise<void>;
}): CommandModule<GlobalOptions, U> {
  return { ...m, handler: (args) => m.handler(args as ArgumentsCamelCase<U> & { io: CommandIo }) };
}

/**
 * A required positional (`<name>` in the command string) as a string:
 * yargs refuses the command without it ("missing argument"), so the
 * handler never sees it undefined.
 */
export function requiredPositional<T, K extends string>(y: Argv<T>, key: K, describe: string): Argv<T & { [k in K]: string }> {
  return y.positional(key, { type: 'string', describe }) as Argv<T & { [k in K]: string }>;
}
