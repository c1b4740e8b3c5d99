/**
 * The real directory listing and home directory for path-complete.ts (Tab
 * after /send). The one place the UI reads the disk, synchronously: a
 * keystroke lists one directory, read at most PATH_COMPLETE_MAX_ENTRIES
 * entries deep. An unreadable directory completes nothing.
 */
import { opendirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PATH_COMPLETE_MAX_ENTRIES } from '../constants.js';
import type { DirEntry, PathCompleteDeps } from './path-complete.js';

export function listDir(dir: string, max = PATH_COMPLETE_MAX_ENTRIES): DirEntry[] | null {
  let d;
  try {
    d = opendirSync(dir);
  } catch {
    return null;
  }
  const out: DirEntry[] = [];
  try {
    for (let e = d.readSync(); e !== null && out.length < max; e = d.readSync()) {
      // A link to a directory completes as a directory, as in the shell.
      out.push({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && isDir(join(dir, e.name))) });
    }
  } catch {
    // What was read is still offered.
  } finally {
    d.closeSync();
  }
  return out;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The real disk: the working directory's relative paths, the user's home for `~`. */
export function fsPathDeps(): PathCompleteDeps {
  let home: string | null;
  try {
    home = homedir();
  } catch {
    home = null;
  }
  return { list: (dir) => listDir(dir), home };
}
