/**
 * A profile's file settings and the chat flags → the transfer service's
 * settings (transfer/api.ts TransferSettings): `~` expanded, relative paths
 * taken from the directory fernchat was started in, and every directory
 * given checked once, at startup: one that does not exist or cannot be
 * written to is a UsageError (exit 2) naming the flag or field, not a
 * transfer that fails an hour later.
 *
 * The download directory by default: ~/Downloads when it exists, else the
 * directory fernchat was started in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { TransferSettings } from '../transfer/api.js';
import { describeFsError } from './fs.js';
import { parseDirSetting, parseMaxFileSize } from './flags.js';
import { DEFAULT_FILES, type FileSettings } from './schema.js';

/** The flags that change the file settings for one run. */
export interface FileFlags {
  downloadDir?: string;
  acceptFiles?: string;
  maxFileSize?: string;
}

export interface FilesEnv {
  home: string;
  cwd: string;
  /** The profile's name, to name its fields in a message (profiles.NAME.files.downloadDir); null: no profile. */
  profileName: string | null;
}

/** `~`, `~/x`, relative or absolute → absolute. */
export function expandDir(typed: string, home: string, cwd: string): string {
  const t = typed.trim();
  if (t === '~') return home;
  if (t.startsWith('~/')) return path.join(home, t.slice(2));
  return path.resolve(cwd, t);
}

/** Why `dir` cannot receive files (one phrase), or null when it can. */
export function dirProblem(dir: string): string | null {
  try {
    if (!fs.statSync(dir).isDirectory()) return 'is not a directory';
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'does not exist';
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'is not writable';
    return `cannot be used: ${describeFsError(err)}`;
  }
}

/** The settings for a run: flags over the profile over the defaults, directories checked. */
export function resolveFiles(profile: FileSettings | null, flags: FileFlags, env: FilesEnv): TransferSettings {
  const p = profile ?? DEFAULT_FILES;
  const field = (f: string): string => (env.profileName === null ? f : `profiles.${env.profileName}.files.${f}`);
  const pick = (flagText: string | undefined, flag: string, fromProfile: string | null, name: string): { dir: string | null; label: string } =>
    flagText !== undefined ? { dir: parseDirSetting(flagText, flag), label: flag } : { dir: fromProfile, label: field(name) };
  const checked = (dir: string | null, label: string): string | null => {
    if (dir === null) return null;
    const abs = expandDir(dir, env.home, env.cwd);
    const problem = dirProblem(abs);
    if (problem !== null) throw new UsageError(`${label}: ${abs} ${problem}`);
    return abs;
  };
  const download = pick(flags.downloadDir, '--download-dir', p.downloadDir, 'downloadDir');
  const accept = pick(flags.acceptFiles, '--accept-files', p.acceptDir, 'acceptDir');
  return {
    downloadDir: checked(download.dir, download.label) ?? defaultDownloadDir(env.home, env.cwd),
    acceptDir: checked(accept.dir, accept.label),
    maxFileBytes: flags.maxFileSize !== undefined ? parseMaxFileSize(flags.maxFileSize) : p.maxFileSize,
  };
}

/** ~/Downloads when it is a directory, else `cwd`. */
export function defaultDownloadDir(home: string, cwd: string): string {
  const downloads = path.join(home, 'Downloads');
  try {
    if (fs.statSync(downloads).isDirectory()) return downloads;
  } catch {
    // none: the start directory
  }
  return cwd;
}
