/**
 * A profile's history file on disk: the thin I/O around record.ts and
 * scan.ts.
 *
 * Writing (HistoryAppender): the directory is made 0700 and the file 0600,
 * and a looser mode on either is one warning line (config/paths.ts's, as for
 * config.json). Each record goes out in one write() on an O_APPEND
 * descriptor, so a kill leaves at most the last record torn, never an
 * earlier one. Opening cuts such a torn tail off (it is an incomplete
 * record, which every reader skips anyway) so the next record starts on a
 * line of its own; bytes after the last newline that cannot be the start of
 * a record are not ours, and the file is then left alone (HistoryError).
 * Not fsynced per record: a kill loses nothing written, a power cut may lose
 * the last seconds. A file removed or replaced under an open appender
 * (history --clear, another process's rotation) is noticed by fstat's link
 * count at the next record, which goes to the file now at the path.
 *
 * Rotation: when an append takes the file past its cap, the whole file is
 * read and checked; its newest records, at most HISTORY_KEEP_FRACTION of the
 * cap, are written to NAME.history.jsonl.tmp (created 0600, never reused
 * while another session writes it; fsynced) and renamed over it, so a kill
 * at any moment leaves the old file or the new one. A
 * file with a bad line is never rewritten: rotation refuses (HistoryError)
 * and the caller stops keeping history. Records of a later version are
 * copied as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HISTORY_READ_CHUNK_BYTES, HISTORY_TEMP_STALE_MS } from '../constants.js';
import { codeOf, describeFsError, mkdirSteps, modeOf } from '../config/fs.js';
import { permissionWarning } from '../config/paths.js';
import { encodeRecord, type HistoryRecord } from './record.js';
import { HISTORY_DIR_MODE, HISTORY_FILE_MODE, historyFileName } from './paths.js';
import { keepBytesFor, looksLikeTornRecord, newestPart, type Scan, scanHistory } from './scan.js';

/** The history file cannot be read or written, or is corrupt. The message names the file; it never quotes a message. */
export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

/** Where one profile's history is. */
export class HistoryFile {
  readonly path: string;

  constructor(
    readonly dir: string,
    readonly profile: string,
  ) {
    this.path = path.join(dir, historyFileName(profile));
  }

  /** The temp file of a rotation (left behind only by a kill in the middle of one). */
  get tempPath(): string {
    return `${this.path}.tmp`;
  }

  exists(): boolean {
    return modeOf(this.path) !== null;
  }

  /** One warning line when the directory or the file is open to other users, else null. */
  permissionWarning(): string | null {
    if (process.platform === 'win32') return null;
    return permissionWarning(this.dir, modeOf(this.dir), this.path, modeOf(this.path));
  }

  /** Every record; an absent file is an empty history. */
  read(): Scan {
    const buf = this.readBytes(0);
    return scanHistory(buf ?? Buffer.alloc(0));
  }

  /** The newest `count` records (and what the tail read says), reading back from the end only as far as needed. */
  readTail(count: number): Scan {
    let size: number;
    try {
      size = fs.statSync(this.path).size;
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return scanHistory(Buffer.alloc(0));
      throw new HistoryError(`cannot read ${this.path}: ${describeFsError(err)}`);
    }
    for (let want = HISTORY_READ_CHUNK_BYTES; ; want *= 4) {
      const from = Math.max(0, size - want);
      const buf = this.readBytes(from) ?? Buffer.alloc(0);
      const scan = scanHistory(buf, { partialStart: from > 0 });
      if (scan.records.length >= count || from === 0) {
        scan.records = scan.records.slice(-count);
        return scan;
      }
    }
  }

  /** Erase: the file (and a rotation's leftover temp file) removed. Returns whether there was a file. */
  clear(): boolean {
    const existed = this.exists();
    for (const p of [this.path, this.tempPath]) {
      try {
        fs.rmSync(p, { force: true });
      } catch (err) {
        throw new HistoryError(`cannot remove ${p}: ${describeFsError(err)}`);
      }
    }
    return existed;
  }

  /** The bytes from `from` to the end, or null when there is no file. */
  private readBytes(from: number): Buffer | null {
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return null;
      throw new HistoryError(`cannot read ${this.path}: ${describeFsError(err)}`);
    }
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - from));
      let got = 0;
      while (got < buf.length) {
        const n = fs.readSync(fd, buf, got, buf.length - got, from + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    } catch (err) {
      throw new HistoryError(`cannot read ${this.path}: ${describeFsError(err)}`);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * Appends records to a history file, rotating it at its cap. A file removed
 * or replaced meanwhile (history --clear, another session's rotation) is
 * noticed at the next record, which goes to the file now at the path.
 */
export class HistoryAppender {
  private fd: number;
  private size: number;

  private constructor(
    readonly file: HistoryFile,
    private readonly maxBytes: number,
    opened: { fd: number; size: number },
  ) {
    this.fd = opened.fd;
    this.size = opened.size;
  }

  /** Make the directory (0700) and the file (0600), cut a torn last record off, and open for appending. Throws HistoryError. */
  static open(file: HistoryFile, maxBytes: number): HistoryAppender {
    try {
      mkdirSteps(file.dir, HISTORY_DIR_MODE);
    } catch (err) {
      throw new HistoryError(`cannot create the history directory ${file.dir}: ${describeFsError(err)}`);
    }
    return new HistoryAppender(file, maxBytes, openForAppend(file));
  }

  /** Current size of the file, in bytes (as this appender wrote it). */
  get bytes(): number {
    return this.size;
  }

  /** Append one record; rotate when the file passed its cap. Throws HistoryError (the record may then be lost; earlier ones are not). */
  append(r: HistoryRecord): void {
    const data = Buffer.from(encodeRecord(r));
    try {
      // The file was removed (history --clear, rm) or replaced (another process rotated it) under us: write to the one at the path.
      if (fs.fstatSync(this.fd).nlink === 0) this.reopen();
      let at = 0;
      while (at < data.length) at += fs.writeSync(this.fd, data, at, data.length - at);
    } catch (err) {
      if (err instanceof HistoryError) throw err;
      throw new HistoryError(`cannot write ${this.file.path}: ${describeFsError(err)}`);
    }
    this.size += data.length;
    if (this.size > this.maxBytes) this.rotate();
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // nothing left to lose: every record went out in its own write
    }
    this.fd = -1;
  }

  /** Keep the newest part of the file (see the top of this file). */
  private rotate(): void {
    let whole: Buffer;
    try {
      whole = fs.readFileSync(this.file.path);
    } catch (err) {
      throw new HistoryError(`cannot read ${this.file.path}: ${describeFsError(err)}`);
    }
    const scan = scanHistory(whole);
    if (scan.bad !== null) {
      throw new HistoryError(
        `${this.file.path} line ${scan.bad.line}: ${scan.bad.problem} — the file is corrupt there, so it was not rotated and was not changed; move it away to keep history again`,
      );
    }
    const kept = newestPart(whole.subarray(0, scan.completeBytes), keepBytesFor(this.maxBytes));
    const tmp = this.file.tempPath;
    let fd: number;
    try {
      fd = openTemp(tmp);
    } catch (err) {
      // Another session of this profile is rotating the file right now: it will be replaced, and the next append follows it.
      if (codeOf(err) === 'EEXIST') return;
      throw new HistoryError(`cannot rotate ${this.file.path}: ${describeFsError(err)}`);
    }
    try {
      try {
        fs.writeFileSync(fd, kept);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file.path);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw new HistoryError(`cannot rotate ${this.file.path}: ${describeFsError(err)}`);
    }
    this.reopen();
  }

  private reopen(): void {
    this.close();
    const reopened = openForAppend(this.file);
    this.fd = reopened.fd;
    this.size = reopened.size;
  }
}

/**
 * The rotation's temp file, created (never opened if it exists: two sessions
 * must not write one temp file at once). One left by a kill in the middle of
 * a rotation, older than HISTORY_TEMP_STALE_MS, is removed first.
 */
function openTemp(tmp: string): number {
  try {
    const age = Date.now() - fs.statSync(tmp).mtimeMs;
    if (age > HISTORY_TEMP_STALE_MS) fs.rmSync(tmp, { force: true });
  } catch {
    // no temp file: the usual case
  }
  return fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, HISTORY_FILE_MODE);
}

function openForAppend(file: HistoryFile): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file.path, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, HISTORY_FILE_MODE);
  } catch (err) {
    throw new HistoryError(`cannot open ${file.path}: ${describeFsError(err)}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    return { fd, size: cutTornTail(file, fd, size) };
  } catch (err) {
    fs.closeSync(fd);
    throw err instanceof HistoryError ? err : new HistoryError(`cannot open ${file.path}: ${describeFsError(err)}`);
  }
}

/** Size of the file once a torn last record is cut off. */
function cutTornTail(file: HistoryFile, fd: number, size: number): number {
  if (size === 0) return 0;
  // The tail after the last newline: read back until a newline (a torn record is at most one message long).
  const tail = tailAfterLastNewline(file.path, size);
  if (tail.length === 0) return size;
  if (!looksLikeTornRecord(tail)) {
    throw new HistoryError(
      `${file.path} does not end with a complete record and what follows is not one — it was not changed; move it away to keep history again`,
    );
  }
  fs.ftruncateSync(fd, size - tail.length);
  return size - tail.length;
}

function tailAfterLastNewline(p: string, size: number): Buffer {
  const rfd = fs.openSync(p, 'r');
  try {
    for (let want = HISTORY_READ_CHUNK_BYTES; ; want *= 4) {
      const from = Math.max(0, size - want);
      const buf = Buffer.alloc(size - from);
      fs.readSync(rfd, buf, 0, buf.length, from);
      const nl = buf.lastIndexOf(0x0a);
      if (nl !== -1) return buf.subarray(nl + 1);
      if (from === 0) return buf;
    }
  } finally {
    fs.closeSync(rfd);
  }
}
