/**
 * File names and paths of transfers. Pure.
 *
 * A name offered by the peer is never a path: sanitiseName keeps one safe
 * file name (no separators, no `.`/`..`, no control, bidi or invisible
 * characters, at most TRANSFER_NAME_MAX_BYTES of UTF-8, its extension kept
 * when cut). `uniqueName` takes `NAME (1).ext`, `NAME (2).ext`, … when the
 * name is taken: a received file never overwrites one.
 */
import path from 'node:path';
import { TRANSFER_NAME_MAX_BYTES } from '../constants.js';
import { sanitizeInline } from '../text/sanitize.js';

/** What a name that sanitises to nothing becomes. */
export const FALLBACK_NAME = 'file';

/** The most ` (N)` suffixes tried before giving up. */
export const UNIQUE_NAME_TRIES = 999;

/** The peer's file name → one safe file name for the disk. */
export function sanitiseName(offered: string): string {
  let name = sanitizeInline(offered.normalize('NFC')).replaceAll('⏎', ' ').replace(/[/\\]/g, '_').replace(/\s+/g, ' ').trim();
  // A name made of dots is `.` or `..` or worse; a trailing dot or space is invisible in most listings.
  name = name.replace(/[. ]+$/, '');
  if (/^\.*$/.test(name)) return FALLBACK_NAME;
  return cutToBytes(name, TRANSFER_NAME_MAX_BYTES);
}

/** `name` cut to `max` UTF-8 bytes on a character boundary, keeping a short extension. */
export function cutToBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const ext = path.extname(name);
  const keep = ext.length > 0 && Buffer.byteLength(ext) <= 16 ? ext : '';
  const stem = keep === '' ? name : name.slice(0, -keep.length);
  let out = '';
  for (const ch of stem) {
    if (Buffer.byteLength(out + ch) + Buffer.byteLength(keep) > max) break;
    out += ch;
  }
  return (out.trimEnd() || FALLBACK_NAME) + keep;
}

/** `report.pdf`, 2 → `report (2).pdf`; `archive.tar.gz` → `archive.tar (2).gz`; `.bashrc` → `.bashrc (2)`. */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name;
  const ext = path.extname(name);
  const stem = ext === '' ? name : name.slice(0, -ext.length);
  return `${stem} (${n})${ext}`;
}

/**
 * Claims the first free one of `name`, `name (1)`, …: `claim` takes a
 * candidate in one atomic step (an O_EXCL open, a hard link) and returns
 * what it got, or null when the name is taken. Null after
 * UNIQUE_NAME_TRIES; whatever `claim` throws passes through. Never a check
 * followed by a use: another process may take a name in between.
 */
export async function uniqueName<T>(name: string, claim: (candidate: string) => Promise<T | null>): Promise<T | null> {
  for (let n = 0; n <= UNIQUE_NAME_TRIES; n++) {
    const got = await claim(numberedName(name, n));
    if (got !== null) return got;
  }
  return null;
}

/** `dir/name`, checked to be directly inside `dir` (a second line of defence behind sanitiseName). */
export function insideDir(dir: string, name: string): string {
  const base = path.resolve(dir);
  const full = path.resolve(base, name);
  if (path.dirname(full) !== base || path.basename(full) !== name) throw new Error(`refusing a file name that leaves ${base}: ${JSON.stringify(name)}`);
  return full;
}

/** A path as the user typed it: `~` and `~/x` are the home directory, a relative path is from `cwd`. */
export function expandPath(typed: string, home: string, cwd: string): string {
  const t = typed.trim();
  if (t === '~') return home;
  if (t.startsWith('~/')) return path.join(home, t.slice(2));
  return path.resolve(cwd, t);
}
