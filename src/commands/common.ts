/**
 * What every command handler shares: the global flags, the profile store,
 * the login name as a default nick, and the two output streams (of io.ts:
 * the process's, or a test's buffers).
 *
 * stdout carries results only (a key, a code, a list), so scripts can use
 * it; stderr carries notes, warnings and errors.
 *
 * The store (conf, ajv, atomically: about 150 files, a third of the start
 * time) and the profile operations are imported only when a command opens
 * the store: cli.ts loads this file for every command, and `keygen`,
 * `--version`, `--help` or the demo read no profile.
 */
import os from 'node:os';
import type { CliIo } from './io.js';
import { MAX_NICK_CHARS } from '../constants.js';
import type { Profile } from '../config/schema.js';
import type { ProfileStore } from '../config/store.js';
import { resolveHistoryDir } from '../history/paths.js';

/** The global flags (flags.ts's GLOBAL_OPTIONS) as the handlers read them. */
export interface GlobalArgs {
  profile?: string;
  configDir?: string;
  debug?: boolean;
  /** Not a flag: the run's streams and environment (defineCommand). */
  io: CliIo;
}

export async function openStore(args: GlobalArgs): Promise<ProfileStore> {
  const { ProfileStore } = await import('../config/store.js');
  const { io } = args;
  return new ProfileStore({ dir: args.configDir ?? null, env: io.env, homedir: io.homedir, warn: (line) => note(io, line) });
}

/** The directory of the history files for these flags (history/paths.ts: follows --config-dir). */
export function historyDir(args: GlobalArgs): string {
  return resolveHistoryDir(args.configDir ?? null, { env: args.io.env, platform: process.platform, homedir: args.io.homedir });
}

/** The profile a command runs with (--profile, else the default), or null. Reads, never writes. */
export async function loadProfile(args: GlobalArgs): Promise<{ store: ProfileStore; chosen: { name: string; profile: Profile } | null }> {
  const [store, { chooseProfile }] = await Promise.all([openStore(args), import('../config/profiles.js')]);
  return { store, chosen: chooseProfile(store.read(), args.profile) };
}

/**
 * A nick from the login name, made valid (no spaces, at most
 * MAX_NICK_CHARS); "me" when there is nothing usable (containers often have
 * no passwd entry, and os.userInfo() throws then).
 */
export function loginNick(env: CliIo['env']): string {
  let name: string;
  try {
    name = os.userInfo().username;
  } catch {
    name = env.USER ?? env.LOGNAME ?? '';
  }
  const cleaned = [...name.replace(/[\s\p{C}]/gu, '')].slice(0, MAX_NICK_CHARS).join('');
  return cleaned === '' ? 'me' : cleaned;
}

/** A result line on stdout. */
export function out(io: CliIo, line: string): void {
  io.stdout.write(`${line}\n`);
}

/** A note for the user on stderr, prefixed like every fernchat message. */
export function note(io: CliIo, line: string): void {
  io.stderr.write(`fernchat: ${line}\n`);
}
