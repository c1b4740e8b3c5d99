/**
 * Tab completion of the path after `/send `, as a shell completes a file
 * name. Pure: the directory listing and the home directory are injected
 * (fs-lister.ts has the real ones), so every rule is tested without a disk.
 *
 *   /send rep⇥          → /send report.pdf        one match: completed
 *   /send do⇥           → /send docs/             a directory gets a trailing /
 *   /send ~⇥            → /send ~/                ~ and ~/ are the home directory
 *   /send r⇥            → /send re                several: their longest common prefix,
 *                         report.pdf  results/    and the candidates listed (dirs with /)
 *
 * The typed text stays as typed (`~` is not replaced in the line: the
 * transfer service expands it). Names starting with `.` are offered only
 * when the typed name starts with `.`, as in bash. The cursor must be at the
 * end of the line; anything else, or nothing that fits, completes nothing
 * (null), so Tab falls through to what it did before.
 */
import { PATH_COMPLETE_LISTED } from '../constants.js';

export interface DirEntry {
  name: string;
  /** A directory (or a link to one): completed with a trailing `/`. */
  dir: boolean;
}

export interface PathCompleteDeps {
  /** The entries of a directory (a path as typed after `~` expansion; '.' for the working directory), or null when it cannot be read. */
  list(dir: string): readonly DirEntry[] | null;
  /** The home directory, for `~`; null: `~` is not completed. */
  home: string | null;
}

export interface PathCompletion {
  text: string;
  cursor: number;
  /** When several names fit: how the shell would list them (directories with `/`), at most PATH_COMPLETE_LISTED then "… N more". */
  matches: string[];
}

const SEND = /^(\/send\s+)(.*)$/is;

export function completePath(text: string, cursor: number, deps: PathCompleteDeps): PathCompletion | null {
  if (typeof text !== 'string' || !Number.isInteger(cursor) || cursor < 0 || cursor > text.length) {
    throw new TypeError(`completePath: cursor must be an integer in 0..${String(text?.length)}, got ${cursor}`);
  }
  if (text.slice(cursor).trim() !== '') return null;
  const m = SEND.exec(text.slice(0, cursor));
  if (m === null) return null;
  const head = m[1]!;
  const typed = m[2]!;
  // `~` alone: first the slash, as a shell does; the next Tab lists the home directory.
  if (typed === '~') return deps.home === null ? null : done(`${head}~/`);
  const slash = typed.lastIndexOf('/');
  const dirPart = typed.slice(0, slash + 1);
  const prefix = typed.slice(slash + 1);
  const dir = expandDir(dirPart, deps.home);
  if (dir === null) return null;
  const entries = deps.list(dir);
  if (entries === null) return null;
  const hidden = prefix.startsWith('.');
  const fits = entries
    .filter((e) => e.name !== '.' && e.name !== '..' && e.name.startsWith(prefix) && (hidden || !e.name.startsWith('.')))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const first = fits[0];
  if (first === undefined) return null;
  if (fits.length === 1) return done(head + dirPart + first.name + (first.dir ? '/' : ''));
  let common = first.name;
  for (const e of fits) while (!e.name.startsWith(common)) common = common.slice(0, -1);
  const shown = fits.slice(0, PATH_COMPLETE_LISTED).map((e) => e.name + (e.dir ? '/' : ''));
  if (fits.length > PATH_COMPLETE_LISTED) shown.push(`… ${fits.length - PATH_COMPLETE_LISTED} more`);
  const completed = head + dirPart + common;
  return { text: completed, cursor: completed.length, matches: shown };
}

function done(text: string): PathCompletion {
  return { text, cursor: text.length, matches: [] };
}

/** The directory to list for the typed directory part: '' is the working directory, `~/…` is under home. */
function expandDir(dirPart: string, home: string | null): string | null {
  if (dirPart === '') return '.';
  if (dirPart.startsWith('~/')) return home === null ? null : `${home.replace(/\/+$/, '')}/${dirPart.slice(2)}`;
  if (dirPart.startsWith('~')) return null; // ~user/: not completed
  return dirPart;
}
