/**
 * The sending side of one transfer: offer, then on each accept a run from
 * the offset the receiver holds (after checking that its prefix hash matches
 * ours: if not, from 0), reading the file in pieces and writing them to a
 * bulk stream, never more than BULK_SEND_BUFFER_BYTES ahead of what the
 * receiver acknowledged. `done` from the receiver ends it.
 */
import fs from 'node:fs/promises';
import { BULK_SEND_BUFFER_BYTES, TRANSFER_READ_CHUNK_BYTES } from '../constants.js';
import { codeOf, describeFsError } from '../config/fs.js';
import { hashPrefix, ShortFileError } from './hash.js';
import type { OutRecord } from './records.js';
import { Transfer, type Host } from './transfer.js';

/** The reason of a `done` that moved nothing: the peer held the verified file from an earlier run. */
const ALREADY_HELD = 'the peer already has it';

export class Outgoing extends Transfer {
  readonly direction = 'out' as const;
  private fh: fs.FileHandle | null = null;
  /** The bulk stream of the current run, or null between runs. */
  stream: number | null = null;
  /** Next file offset to read and write to the stream. */
  private written = 0;
  private acked = 0;
  private pumping = false;
  /** Bumped at every new run and at the end: an await that comes back to another run stops. */
  private run = 0;

  constructor(
    host: Host,
    n: number,
    readonly record: OutRecord,
  ) {
    super(host, n, record.id, record.name, record.size, record.sha256, 'offered');
  }

  get path(): string {
    return this.record.path;
  }

  get flowing(): boolean {
    return this.stream !== null;
  }

  /** Sends the offer (first time, after a restart of either side). */
  offer(): void {
    const { id, name, size, sha256 } = this.record;
    this.host.control(this, { t: 'offer', id, name, size, sha256 });
  }

  /** The peer restarted: its streams are gone; offer again, it resumes from what it holds. */
  peerRestarted(): void {
    if (this.ended) return;
    this.stream = null;
    this.run += 1;
    this.to('pause');
    this.offer();
  }

  /** The receiver accepted, from `offset` whose SHA-256 it says is `prefix`. */
  async accepted(offset: number, prefix: string): Promise<void> {
    if (this.ended) return;
    if (offset > this.size) return this.fail(`the peer asked to resume at byte ${offset} of a ${this.size}-byte file`, true);
    const run = ++this.run;
    let from = offset;
    try {
      this.fh ??= await fs.open(this.record.path, 'r');
      const st = await this.fh.stat();
      if (st.size !== this.size || st.mtimeMs !== this.record.mtimeMs) {
        return this.fail(`${this.record.path} changed since it was offered (send it again)`, true);
      }
      if (offset > 0 && (await hashPrefix(this.fh, offset)).digest('hex') !== prefix) from = 0;
    } catch (err) {
      const why = codeOf(err) === 'ENOENT' ? 'it is gone (moved or deleted since it was offered; send it again)' : describeFsError(err);
      return this.fail(`cannot read ${this.record.path}: ${why}`, true);
    }
    if (run !== this.run || this.ended) return;
    if (this.stream !== null) this.host.bus.emit('bulk:close', { stream: this.stream, direction: 'send' });
    const stream = this.host.newSendStream();
    this.stream = stream;
    this.written = from;
    this.acked = from;
    this.resumedFrom = from;
    this.bytes = from;
    this.progress.restart(this.host.now(), from);
    this.host.control(this, { t: 'start', id: this.id, stream, offset: from });
    this.host.bus.emit('bulk:open-send', { stream, offset: from });
    this.to('accept');
    if (from === this.size) this.to('all-held');
    void this.pump();
  }

  /** The receiving transport holds every byte below `offset`. */
  ackedTo(offset: number): void {
    if (this.ended || offset <= this.acked) return;
    this.acked = Math.min(offset, this.size);
    this.advance(this.acked);
    if (this.acked === this.size) this.to('all-held');
    else void this.pump();
  }

  /** The receiver holds the whole file and its hash matched. */
  done(): void {
    if (this.ended) return;
    // In a run of this process every byte must have been handed to the stream first (its last acks may
    // still be on the way: `done` rides the chat stream, the bulk-ack its own frame); after a restart here
    // (offered, paused without a stream) the receiver may have finished it before, and says so again.
    if (this.stream !== null && this.written < this.size) {
      return this.fail(`the peer said it has the whole file after only ${this.acked} of ${this.size} bytes`, true);
    }
    // No stream in this run: the receiver answered the offer from its list of files it already holds.
    const already = this.stream === null && this.resumedFrom === 0 ? ALREADY_HELD : undefined;
    this.bytes = this.size;
    this.acked = this.size;
    this.to('all-held');
    this.to('done', already, 'peer');
    this.finish();
  }

  /** The peer declined, cancelled or failed it. */
  endedByPeer(event: 'decline' | 'cancel' | 'fail', reason: string): void {
    if (this.ended) return;
    if (!this.to(event, reason, 'peer')) this.to('fail', reason, 'peer');
    this.finish();
  }

  /** /cancel N here. */
  cancel(): void {
    if (this.ended) return;
    this.host.control(this, { t: 'cancel', id: this.id, by: 'sender' });
    this.to('cancel', 'cancelled here', 'local');
    this.finish();
  }

  /** Ends it here with `reason` (one line), telling the peer when `tell`. */
  fail(reason: string, tell: boolean): void {
    if (this.ended) return;
    if (tell) this.host.control(this, { t: 'fail', id: this.id, by: 'sender', reason: `the sender: ${reason}`.slice(0, 200) });
    this.to('fail', reason, 'local');
    this.finish();
  }

  /** The service closes: files closed, the record kept for the next start. */
  async close(): Promise<void> {
    this.run += 1;
    await this.closeFile();
  }

  private finish(): void {
    this.run += 1;
    if (this.stream !== null) this.host.bus.emit('bulk:close', { stream: this.stream, direction: 'send' });
    this.stream = null;
    const records = this.host.records;
    records.out = records.out.filter((r) => r.id !== this.id);
    this.host.saveRecords();
    void this.closeFile();
  }

  private async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
  }

  /** Reads and writes while the stream is open and the buffer has room. One pump at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const run = this.run;
    try {
      while (run === this.run && this.stream !== null && this.fh !== null && this.written < this.size) {
        const room = BULK_SEND_BUFFER_BYTES - (this.written - this.acked);
        if (room <= 0) break;
        const len = Math.min(TRANSFER_READ_CHUNK_BYTES, this.size - this.written, room);
        const buf = Buffer.allocUnsafe(len);
        let got = 0;
        while (got < len) {
          const { bytesRead } = await this.fh.read(buf, got, len - got, this.written + got);
          if (bytesRead === 0) throw new ShortFileError(this.written + got, this.size);
          got += bytesRead;
        }
        if (run !== this.run || this.stream === null) break;
        this.host.bus.emit('bulk:write', { stream: this.stream, data: buf });
        this.written += len;
      }
    } catch (err) {
      if (run === this.run) {
        const why = err instanceof ShortFileError ? `it shrank while being sent (${err.message})` : describeFsError(err);
        this.fail(`cannot read ${this.record.path}: ${why}`, true);
      }
    } finally {
      this.pumping = false;
    }
    // Acks that came while we were reading may have made room for more.
    if (run === this.run && this.stream !== null && this.written < this.size && this.written - this.acked < BULK_SEND_BUFFER_BYTES) void this.pump();
  }
}
