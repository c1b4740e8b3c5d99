import { MAX_SACK_RANGES, RECV_BUFFER_MAX_FRAMES } from '../constants.js';

/**
 * The receive window of the reliable wire: one per peer session (a restarted
 * peer gets a fresh one). Pure: no I/O, no clock.
 *
 * Data frames carry a sequence number per (sender session → receiver
 * session) pair, starting at 0. The window remembers `ack`, the next seq it
 * expects (every seq below it was received), and buffers frames that came
 * early. It hands frames out strictly in order, so the reassembler above it
 * only ever sees fragments in order, and a duplicate is never handed out
 * twice.
 *
 * SACK: the ranges reported are the LOWEST ones above `ack`, ascending, so
 * the sender knows the state of every seq from `ack` up to the end of the
 * last range exactly (see reliable-send.ts: it only infers a loss below that
 * point). Ranges higher up are left to the retransmission timer.
 */

export interface RecvFrame {
  seq: number;
  fragIndex: number;
  fragCount: number;
  payload: Buffer;
}

/** What push() made of a frame: `new` (kept), `duplicate` (seen before: the sender missed our ack), `beyond` (too far ahead to buffer). */
export type PushResult = 'new' | 'duplicate' | 'beyond';

export class RecvWindow {
  private expected = 0;
  private readonly early = new Map<number, RecvFrame>();
  private readonly ready: RecvFrame[] = [];
  private ranges: Array<[number, number]> | null = [];

  /** maxBuffered: most frames held above `ack` (default RECV_BUFFER_MAX_FRAMES). */
  constructor(private readonly maxBuffered: number = RECV_BUFFER_MAX_FRAMES) {
    if (!Number.isInteger(maxBuffered) || maxBuffered < 1) {
      throw new TypeError(`RecvWindow: maxBuffered must be a positive integer, got ${maxBuffered}`);
    }
  }

  /** Cumulative ack: the next seq expected; every seq below it was received. */
  get ack(): number {
    return this.expected;
  }

  /** Frames held above `ack`, waiting for a gap to fill. */
  get buffered(): number {
    return this.early.size;
  }

  push(frame: RecvFrame): PushResult {
    const { seq } = frame;
    if (!Number.isInteger(seq) || seq < 0) throw new TypeError(`RecvWindow.push: bad seq ${seq}`);
    if (seq < this.expected || this.early.has(seq)) return 'duplicate';
    if (seq >= this.expected + this.maxBuffered) return 'beyond';
    if (seq === this.expected) {
      this.ready.push(frame);
      this.expected += 1;
      // The gap this frame filled may release frames that came early.
      for (let next = this.early.get(this.expected); next !== undefined; next = this.early.get(this.expected)) {
        this.early.delete(this.expected);
        this.ready.push(next);
        this.expected += 1;
      }
    } else {
      this.early.set(seq, frame);
    }
    this.ranges = null;
    return 'new';
  }

  /** Frames now deliverable, in seq order; each frame is returned once. */
  drain(): RecvFrame[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** Selective acks: up to `max` half-open [start, end) ranges above `ack`, lowest first. */
  sack(max: number = MAX_SACK_RANGES): Array<[number, number]> {
    // Every frame sent asks; in order (the usual case) there is nothing above the ack.
    if (this.early.size === 0) return [];
    if (this.ranges === null) this.ranges = this.computeRanges();
    return this.ranges.slice(0, max).map(([a, b]) => [a, b]);
  }

  /** Forget everything (a new peer session starts at seq 0). */
  reset(): void {
    this.expected = 0;
    this.early.clear();
    this.ready.length = 0;
    this.ranges = [];
  }

  private computeRanges(): Array<[number, number]> {
    const seqs = [...this.early.keys()].sort((a, b) => a - b);
    const out: Array<[number, number]> = [];
    for (const s of seqs) {
      const last = out[out.length - 1];
      if (last !== undefined && last[1] === s) last[1] = s + 1;
      else out.push([s, s + 1]);
    }
    return out;
  }
}
