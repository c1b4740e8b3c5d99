/**
 * File-system helpers shared by the config store and the history file (both
 * make a private directory and explain an fs failure in a few words).
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p`, one level at a time from the nearest existing ancestor. Not
 * Node's recursive mkdir: where the file system answers ENOENT for a child
 * of a directory that exists (/proc, /sys), that one retries the parent
 * forever at 100 % CPU, deaf to SIGTERM. Here such an answer is an error
 * naming the directory that could not be made.
 */
export function mkdirSteps(dir: string, mode: number): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!fs.existsSync(at)) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d, { mode });
    } catch (err) {
      if (codeOf(err) === 'EEXIST') continue;
      if (codeOf(err) === 'ENOENT') throw new CannotCreateDir(`${path.dirname(d)} does not take new directories`);
      throw err;
    }
  }
}

/** mkdirSteps' own refusal, with its reason. */
class CannotCreateDir extends Error {}

export function modeOf(p: string): number | null {
  try {
    return fs.statSync(p).mode;
  } catch {
    return null;
  }
}

export function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

const FS_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'the path exists and is not a directory',
  EISDIR: 'it is a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the path is too long',
};

/** A short reason for an fs failure; never the library's multi-line text. */
export function describeFsError(err: unknown): string {
  if (err instanceof CannotCreateDir) return err.message;
  const code = codeOf(err);
  if (code !== undefined) return (Object.hasOwn(FS_PROBLEMS, code) ? FS_PROBLEMS[code] : undefined) ?? code;
  return err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
}
