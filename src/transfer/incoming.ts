/**
 * The receiving side of one transfer. After an accept, bytes arrive in
 * order on a bulk stream: each is hashed as it arrives and written to
 * `NAME.part` (0600) in batches; `bulk:consumed` grants the sender more room
 * once a batch is on disk. When the last byte is written and the SHA-256 of
 * the whole file matches the offer, the file takes its final name (never
 * overwriting: `NAME (1).ext`) and the sender hears `done`.
 *
 * Resume: the .part file holds a verified-later prefix; an accept says how
 * long it is and its SHA-256, and the sender starts there (or at 0 if the
 * prefixes differ, and the .part is truncated).
 *
 * Every file-system call goes through the host's `fs` (node:fs/promises, or
 * a test's full disk).
 */
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { TRANSFER_WRITE_BATCH_BYTES } from '../constants.js';
import { codeOf, describeFsError } from '../config/fs.js';
import type { ReceiverFs } from './api.js';
import { hashPrefix } from './hash.js';
import { insideDir, uniqueName, UNIQUE_NAME_TRIES } from './names.js';
import { DONE_RECORDS_MAX, type InRecord } from './records.js';
import { Transfer, type Host } from './transfer.js';

/** The part file's mode: only the user reads a file that is still arriving. */
export const PART_FILE_MODE = 0o600;

export class Incoming extends Transfer {
  readonly direction = 'in' as const;
  /** The .part file once accepted; the final file once done. */
  private where: string;
  private fh: FileHandle | null = null;
  private hash: Hash | null = null;
  /** The stream bytes arrive on, or null. */
  private stream: number | null = null;
  /** An accept went out; the sender's start is awaited. */
  private awaitingStart = false;
  /** Next byte expected from the stream / next byte to write to the file. */
  private received = 0;
  private written = 0;
  private pending: Buffer[] = [];
  private writing: Promise<void> | null = null;
  /** Bumped at every new run and at the end: an await that comes back to another run stops. */
  private run = 0;

  constructor(
    host: Host,
    n: number,
    id: string,
    name: string,
    size: number,
    sha256: string,
    /** The record of an earlier accept of this file (resume), if any. */
    private record: InRecord | null,
    /** `paused`: restored at start from an accepted record, waiting for the peer's re-offer. */
    state: 'offered' | 'paused' = 'offered',
  ) {
    super(host, n, id, name, size, sha256, state);
    this.where = record?.part ?? '';
  }

  /** Bytes arrive on an open stream (the link may still be quiet). */
  get flowing(): boolean {
    return this.stream !== null;
  }

  get path(): string {
    return this.where;
  }

  /** True when an earlier accept means: resume without asking. */
  get resumable(): boolean {
    return this.record?.accepted === true;
  }

  /**
   * Accept into `dir` (the user's /accept, the auto-accept) or resume the
   * record's .part. Errors before anything is promised leave it offered
   * (the user can /accept into another directory).
   */
  async accept(dir: string | null): Promise<boolean> {
    if (this.ended) return false;
    const run = ++this.run;
    await this.settle();
    if (run !== this.run || this.ended) return false;
    const fs = this.host.fs;
    try {
      if (this.fh === null) {
        const reuse = this.record !== null && (dir === null || path.dirname(this.record.part) === path.resolve(dir)) ? this.record.part : null;
        if (reuse !== null && (await exists(fs, reuse))) {
          this.fh = await fs.open(reuse, 'r+');
          this.where = reuse;
        } else {
          if (dir === null) throw new Error('no directory to save into');
          await checkRoom(fs, dir, this.size);
          const { fh, part } = await openNewPart(fs, dir, this.name);
          this.fh = fh;
          this.where = part;
        }
        let held = (await this.fh.stat()).size;
        if (held > this.size) {
          await this.fh.truncate(0);
          held = 0;
        }
        this.hash = await hashPrefix(this.fh, held);
        this.received = held;
        this.written = held;
      }
    } catch (err) {
      await this.closeFile();
      if (run === this.run)
        this.host.say('warning', `cannot accept ${this.name}: ${err instanceof Error && codeOf(err) === undefined ? err.message : describeFsError(err)}`);
      return false;
    }
    if (run !== this.run || this.ended || this.hash === null) return false;
    this.keepRecord(true);
    this.closeStream();
    this.awaitingStart = true;
    this.host.control(this, { t: 'accept', id: this.id, offset: this.written, prefix: this.hash.copy().digest('hex') });
    this.bytes = this.written;
    this.resumedFrom = this.written;
    this.to('accept');
    return true;
  }

  /** The sender starts the bytes on `stream` from `offset`. */
  async start(stream: number, offset: number): Promise<void> {
    if (this.ended || !this.awaitingStart || this.fh === null || this.hash === null) {
      this.host.say('info', `ignored a start for ${this.name} that no accept asked for`);
      return;
    }
    this.awaitingStart = false;
    if (offset !== this.written) {
      if (offset !== 0) return this.fail(`the sender started at byte ${offset}, not at ${this.written} as asked`, true);
      // Our .part does not match the sender's file: start over.
      const run = this.run;
      try {
        await this.fh.truncate(0);
      } catch (err) {
        return this.fail(`cannot write ${this.where}: ${describeFsError(err)}`, true);
      }
      if (run !== this.run || this.ended) return;
      this.hash = createHash('sha256');
      this.received = 0;
      this.written = 0;
    }
    if (!this.host.bindRecv(stream, this)) return this.fail(`the sender reused stream ${stream} of another transfer`, true);
    this.stream = stream;
    this.host.bus.emit('bulk:open-recv', { stream, offset });
    this.resumedFrom = offset;
    this.bytes = offset;
    this.progress.restart(this.host.now(), offset);
    if (!this.to('resume')) this.host.changed(this, true); // the run's start (and resumedFrom) is news either way
    if (offset === this.size) void this.finish(this.run);
  }

  /** The next bytes of the stream (in order, each once). */
  data(offset: number, data: Buffer): void {
    if (this.ended || this.hash === null) return;
    if (offset !== this.received) return this.fail(`bytes arrived at ${offset}, expected ${this.received}`, true);
    if (this.received + data.length > this.size) return this.fail(`the sender sent more than the ${this.size} bytes it offered`, true);
    this.hash.update(data);
    this.received += data.length;
    this.pending.push(data);
    this.writing ??= this.drain(this.run);
  }

  /** The peer restarted: its stream is gone; wait for its re-offer. */
  peerRestarted(): void {
    if (this.ended) return;
    this.closeStream();
    this.awaitingStart = false;
    this.to('pause');
  }

  /** The peer offered this file again (it restarted, or sends it again): resume from what is written. */
  async reoffered(): Promise<void> {
    if (this.ended) return;
    if (this.state === 'offered' && this.fh === null) return; // still waiting for the user's answer
    await this.accept(null);
  }

  /** Declined without asking (too large, too many at once): `reason` goes to the peer. */
  refuse(reason: string): void {
    if (this.ended) return;
    this.host.control(this, { t: 'decline', id: this.id, reason });
    this.to('decline', reason, 'local');
  }

  /** Restored at start: `bytes` are in the .part file. */
  restoredBytes(bytes: number): void {
    this.bytes = Math.min(bytes, this.size);
    this.resumedFrom = this.bytes;
    this.host.changed(this, true);
  }

  decline(): void {
    if (this.ended) return;
    this.host.control(this, { t: 'decline', id: this.id, reason: 'declined' });
    this.to('decline', 'declined here', 'local');
    void this.end(false);
  }

  /** /cancel N here: the .part file is deleted. */
  cancel(): void {
    if (this.ended) return;
    this.host.control(this, { t: 'cancel', id: this.id, by: 'receiver' });
    this.to('cancel', 'cancelled here', 'local');
    void this.end(false);
  }

  /** The peer cancelled (the .part is deleted), failed (kept for resume) or said done (a sender never does). */
  endedByPeer(event: 'cancel' | 'fail', reason: string): void {
    if (this.ended) return;
    this.to(event, reason, 'peer');
    void this.end(event === 'fail');
  }

  /** Ends it here (one line), telling the peer when `tell`; the .part is kept for resume. */
  fail(reason: string, tell: boolean): void {
    if (this.ended) return;
    if (tell) this.host.control(this, { t: 'fail', id: this.id, by: 'receiver', reason: `the receiver: ${reason}`.slice(0, 200) });
    this.to('fail', reason, 'local');
    void this.end(true);
  }

  /** The service closes: what arrived is written, the file closed, the record kept. */
  async close(): Promise<void> {
    await this.settle();
    this.run += 1;
    await this.closeFile();
  }

  /** Every byte received so far is written (or failed). */
  private async settle(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  private async drain(run: number): Promise<void> {
    // Never finish synchronously: the caller stores this promise in this.writing, and this function clears it.
    await Promise.resolve();
    try {
      while (this.pending.length > 0 && run === this.run && this.fh !== null) {
        let take = 0;
        let len = 0;
        while (take < this.pending.length && (take === 0 || len + this.pending[take]!.length <= TRANSFER_WRITE_BATCH_BYTES))
          len += this.pending[take++]!.length;
        const batch = take === 1 ? this.pending[0]! : Buffer.concat(this.pending.slice(0, take), len);
        this.pending = this.pending.slice(take);
        let done = 0;
        while (done < len) done += (await this.fh.write(batch, done, len - done, this.written + done)).bytesWritten;
        this.written += len;
        if (this.stream !== null) this.host.bus.emit('bulk:consumed', { stream: this.stream, offset: this.written });
        this.advance(this.written);
      }
    } catch (err) {
      this.pending = [];
      this.writing = null;
      if (run === this.run) {
        const full = codeOf(err) === 'ENOSPC' || codeOf(err) === 'EDQUOT';
        this.fail(
          `cannot write ${this.where}: ${describeFsError(err)}${full ? ' (what arrived is kept: accept the next offer of this file to resume)' : ''}`,
          true,
        );
      }
      return;
    }
    this.writing = null;
    if (run === this.run && this.written === this.size && this.received === this.size) await this.finish(run);
  }

  /** Every byte is on disk: compare the hash, give the file its name, tell the sender. */
  private async finish(run: number): Promise<void> {
    if (this.hash === null || this.fh === null || !this.to('all-held')) return;
    const digest = this.hash.digest('hex');
    this.hash = null;
    if (digest !== this.sha256) {
      this.host.control(this, {
        t: 'fail',
        id: this.id,
        by: 'receiver',
        reason: 'the receiver: SHA-256 mismatch — the file changed while it was sent, or was corrupted (start again)',
      });
      this.to('fail', `SHA-256 mismatch: got ${digest.slice(0, 12)}…, offered ${this.sha256.slice(0, 12)}… (the partial file was deleted)`, 'local');
      await this.end(false);
      return;
    }
    // A cancel may come while we sync and link: each await is followed by a look at the run.
    const fh = this.fh;
    try {
      await fh.sync();
      if (run !== this.run) return;
      await this.closeFile();
      const final = await linkUnique(this.host.fs, this.where, path.dirname(this.where), this.name);
      if (run !== this.run) {
        await this.host.fs.unlink(final).catch(() => undefined);
        return;
      }
      await this.host.fs.unlink(this.where).catch(() => undefined);
      this.where = final;
    } catch (err) {
      if (run === this.run) this.fail(`cannot save ${this.name}: ${describeFsError(err)}`, true);
      return;
    }
    this.host.control(this, { t: 'done', id: this.id });
    this.to('done');
    const r = this.host.records;
    r.in = r.in.filter((x) => x.id !== this.id);
    r.done = [...r.done.filter((x) => x.id !== this.id), { id: this.id, path: this.where }].slice(-DONE_RECORDS_MAX);
    this.host.saveRecords();
  }

  /** After the end: stream closed, file closed; the .part kept (`keep`, with a record that asks before resuming) or deleted. */
  private async end(keep: boolean): Promise<void> {
    this.run += 1;
    this.awaitingStart = false;
    this.closeStream();
    this.pending = [];
    const writing = this.writing;
    if (writing !== null) await writing;
    await this.closeFile();
    if (keep && this.where !== '') this.keepRecord(false);
    else {
      if (this.where !== '' && this.state !== 'done') await this.host.fs.unlink(this.where).catch(() => undefined);
      const r = this.host.records;
      r.in = r.in.filter((x) => x.id !== this.id);
      this.host.saveRecords();
    }
  }

  private keepRecord(accepted: boolean): void {
    const rec: InRecord = { id: this.id, name: this.name, size: this.size, sha256: this.sha256, part: this.where, accepted };
    this.record = rec;
    const r = this.host.records;
    r.in = [...r.in.filter((x) => x.id !== this.id), rec];
    this.host.saveRecords();
  }

  private closeStream(): void {
    if (this.stream === null) return;
    this.host.bus.emit('bulk:close', { stream: this.stream, direction: 'recv' });
    this.host.bindRecv(this.stream, null);
    this.stream = null;
  }

  private async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
  }
}

/** A file is there (any error but "no such file" counts as there: opening it will say what is wrong). */
async function exists(fs: ReceiverFs, file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    (err: unknown) => codeOf(err) !== 'ENOENT',
  );
}

/** Refuses a directory that is missing, not a directory, or has less free space than `size`. */
async function checkRoom(fs: ReceiverFs, dir: string, size: number): Promise<void> {
  const st = await fs.stat(dir).catch((err: unknown) => {
    throw new Error(`${dir}: ${codeOf(err) === 'ENOENT' ? 'no such directory' : describeFsError(err)}`);
  });
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  const fsStat = await fs.statfs(dir).catch(() => null);
  if (fsStat !== null) {
    const free = fsStat.bavail * fsStat.bsize;
    if (free < size) throw new Error(`not enough space in ${dir}: the file needs ${size} bytes, ${free} are free`);
  }
}

/** Creates `NAME.part` (or `NAME (1).part`, …) in `dir`, 0600, never an existing file (O_EXCL). */
async function openNewPart(fs: ReceiverFs, dir: string, name: string): Promise<{ fh: FileHandle; part: string }> {
  const got = await uniqueName(name, async (candidate) => {
    const part = insideDir(dir, `${candidate}.part`);
    try {
      return { fh: await fs.open(part, 'wx+', PART_FILE_MODE), part };
    } catch (err) {
      if (codeOf(err) === 'EEXIST') return null;
      throw err;
    }
  });
  if (got === null) throw new Error(`${dir} has ${UNIQUE_NAME_TRIES} partial files named like ${name}`);
  return got;
}

/** Gives `part` the name `NAME`, or `NAME (1)`, … in `dir` — a hard link fails rather than replace a file. */
async function linkUnique(fs: ReceiverFs, part: string, dir: string, name: string): Promise<string> {
  const final = await uniqueName(name, async (candidate) => {
    const full = insideDir(dir, candidate);
    try {
      await fs.link(part, full);
      return full;
    } catch (err) {
      const code = codeOf(err);
      if (code === 'EEXIST') return null;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw err;
      // A file system without hard links: rename, after checking (a small window, but never over a file we saw).
      if (await exists(fs, full)) return null;
      await fs.rename(part, full);
      return full;
    }
  });
  if (final === null) throw new Error(`${dir} already has ${UNIQUE_NAME_TRIES} files named like ${name}`);
  return final;
}
