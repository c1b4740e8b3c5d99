/**
 * What survives a restart: the unfinished transfers of a profile, in
 * `<configDir>/<profile>.transfers.json` (0600, written whole through a
 * temporary file and a rename, so a kill never leaves half a file).
 *
 *   out   files we offered and the peer has not finished: re-offered at start
 *   in    offers we accepted and have not finished: resumed from the .part
 *         file when the peer offers again (`accepted: false` — the transfer
 *         failed here, e.g. the disk was full — keeps the .part for when the
 *         user accepts the next offer of the same file)
 *   done  the newest received files, so a repeated offer of one of them is
 *         answered `done` (the peer missed our answer) instead of asking again
 *
 * No key material. A file that cannot be read as this shape is moved aside
 * (never deleted) and the service starts empty, with one line saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_MODE } from '../config/paths.js';
import { describeFsError } from '../config/fs.js';

export interface OutRecord {
  id: string;
  /** The source file, absolute. */
  path: string;
  name: string;
  size: number;
  sha256: string;
  /** The source's modification time when it was hashed: a different one means the file changed. */
  mtimeMs: number;
}

export interface InRecord {
  id: string;
  /** The name as sanitised for the disk. */
  name: string;
  size: number;
  sha256: string;
  /** The .part file, absolute. */
  part: string;
  /** True: resume without asking when the peer offers again. */
  accepted: boolean;
}

export interface DoneRecord {
  id: string;
  path: string;
}

export interface Records {
  out: OutRecord[];
  in: InRecord[];
  done: DoneRecord[];
}

export const RECORDS_VERSION = 1;
/** Received files remembered for repeated offers. */
export const DONE_RECORDS_MAX = 64;

export function transfersStateFile(configDir: string, profile: string): string {
  return path.join(configDir, `${profile}.transfers.json`);
}

export function emptyRecords(): Records {
  return { out: [], in: [], done: [] };
}

/** Reads and writes the records; with file null, keeps them in memory only. */
export class RecordStore {
  constructor(
    private readonly file: string | null,
    private readonly warn: (line: string) => void,
  ) {}

  load(): Records {
    if (this.file === null) return emptyRecords();
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyRecords();
      this.warn(`transfers: cannot read ${this.file} (${describeFsError(err)}): unfinished transfers start over`);
      return emptyRecords();
    }
    const parsed = parseRecords(text);
    if (parsed !== null) return parsed;
    const aside = `${this.file}.unreadable-${Date.now()}`;
    try {
      fs.renameSync(this.file, aside);
      this.warn(`transfers: ${this.file} is not a transfer list; moved aside to ${aside}, unfinished transfers start over`);
    } catch (err) {
      this.warn(`transfers: ${this.file} is not a transfer list and could not be moved aside (${describeFsError(err)})`);
    }
    return emptyRecords();
  }

  /** Writes the records whole; a failure is one warning (the transfers go on, a restart would start them over). */
  save(records: Records): void {
    if (this.file === null) return;
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(tmp, `${JSON.stringify({ v: RECORDS_VERSION, ...records }, null, 2)}\n`, { mode: CONFIG_FILE_MODE });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing more to do
      }
      this.warn(`transfers: cannot save ${this.file} (${describeFsError(err)}): a restart would start unfinished transfers over`);
    }
  }
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** The records in `text`, or null when it is not a records file. Entries with a wrong field are left out. */
export function parseRecords(text: string): Records | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const r = o as Record<string, unknown>;
  if (r['v'] !== RECORDS_VERSION) return null;
  const list = (x: unknown): unknown[] | null => (x === undefined ? [] : Array.isArray(x) ? x : null);
  const out = list(r['out']);
  const inn = list(r['in']);
  const done = list(r['done']);
  if (out === null || inn === null || done === null) return null;
  return {
    out: out.filter(isOutRecord),
    in: inn.filter(isInRecord),
    done: done.filter(isDoneRecord).slice(-DONE_RECORDS_MAX),
  };
}

type Rec = Record<string, unknown>;
const isObj = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const isSize = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isAbs = (x: unknown): x is string => typeof x === 'string' && path.isAbsolute(x);

function isOutRecord(x: unknown): x is OutRecord {
  return (
    isObj(x) &&
    typeof x['id'] === 'string' &&
    HEX32.test(x['id']) &&
    isAbs(x['path']) &&
    typeof x['name'] === 'string' &&
    isSize(x['size']) &&
    typeof x['sha256'] === 'string' &&
    HEX64.test(x['sha256']) &&
    typeof x['mtimeMs'] === 'number'
  );
}

function isInRecord(x: unknown): x is InRecord {
  return (
    isObj(x) &&
    typeof x['id'] === 'string' &&
    HEX32.test(x['id']) &&
    typeof x['name'] === 'string' &&
    isSize(x['size']) &&
    typeof x['sha256'] === 'string' &&
    HEX64.test(x['sha256']) &&
    isAbs(x['part']) &&
    typeof x['accepted'] === 'boolean'
  );
}

function isDoneRecord(x: unknown): x is DoneRecord {
  return isObj(x) && typeof x['id'] === 'string' && HEX32.test(x['id']) && isAbs(x['path']);
}
