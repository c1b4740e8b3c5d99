import { FlightRing } from './flight-ring.js';
import {
  FAST_RETRANSMIT_REORDER_FRAMES,
  RTO_MAX_MS,
  SEND_QUEUE_CONTROL_RESERVE,
  SEND_QUEUE_CONTROL_RESERVE_BYTES,
  SEND_QUEUE_MAX_BYTES,
  SEND_QUEUE_MAX_MESSAGES,
  SEND_WINDOW_FRAMES,
} from '../constants.js';

/**
 * The send window of the reliable wire: the queue of user messages not yet
 * acknowledged, their fragments numbered with data seqs, and the timers that
 * say when a fragment goes out again. Pure: time comes in as arguments, the
 * caller encrypts and sends what poll() returns.
 *
 * Seqs are assigned when a fragment first leaves, consecutively, so a message
 * occupies [firstSeq, firstSeq + fragments). A message is delivered when the
 * peer's cumulative ack passes its last fragment: only then has the receiver
 * surely handed it up (SACKed fragments could still die with a restarting
 * receiver).
 *
 * Two ways a fragment is sent again:
 *  - its retransmission timer expires: rto × 2^retries, capped at RTO_MAX_MS
 *    (the backoff is per fragment, so one unlucky fragment on a lossy link
 *    does not slow down all the others). SACK is advisory (RFC 2018 §8): a
 *    SACKed fragment is only trusted for one more backoff step, then resent
 *    like any other, so a false SACK (a confused or lying peer, a receiver
 *    that restarted) costs a delay, never a wedged stream;
 *  - it is known lost: it lies below the highest SACKed seq, was not SACKed,
 *    and a transmission made at least FAST_RETRANSMIT_REORDER_FRAMES later
 *    already arrived (TCP's dupthresh, counted in transmissions, so a
 *    retransmitted fragment is judged by its newest copy).
 */

export interface OutMessage {
  id: string;
  text: string;
  /** Bytes charged to the queue (UTF-8 text). */
  size: number;
  fragments: Buffer[];
  /** Seq of fragment 0, or -1 while none of it was sent. */
  firstSeq: number;
  /** Next fragment to send for the first time. */
  nextFrag: number;
  /** A transfer control message (xfer:*), not a chat line: its fate is told as xfer:control-failed, never as message:*. */
  control: boolean;
}

export interface OutFrame {
  seq: number;
  fragIndex: number;
  fragCount: number;
  payload: Buffer;
  retransmit: boolean;
  /** Leaves in the same datagram (a pack) as the frame before it; false without a packer. */
  joins: boolean;
}

/** Decides which fragments share a datagram (pack.ts DatagramPacker). */
export interface Packer {
  joins(payloadBytes: number): boolean;
}

/** Without a packer every fragment is its own datagram. */
const ALONE: Packer = { joins: () => false };

interface Flight {
  msg: OutMessage;
  fragIndex: number;
  sentAt: number;
  /** Transmission counter of the newest copy. */
  tx: number;
  retries: number;
  sacked: boolean;
  /** Known lost, or re-armed: send at the next poll. */
  due: boolean;
}

export type EnqueueResult = { ok: true } | { ok: false; reason: string };

export interface SendWindowOptions {
  /** Most fragments in flight (default SEND_WINDOW_FRAMES). */
  windowFrames?: number;
  /** Most unacknowledged messages (default SEND_QUEUE_MAX_MESSAGES). */
  maxMessages?: number;
  /** Most unacknowledged bytes (default SEND_QUEUE_MAX_BYTES). */
  maxBytes?: number;
}

export class SendWindow {
  private readonly windowFrames: number;
  private readonly maxMessages: number;
  private readonly maxBytes: number;
  private readonly queue: OutMessage[] = [];
  private readonly flights: FlightRing<Flight>;
  /** Index in `queue` of the first message with unsent fragments. */
  private cursor = 0;
  private nextSeq = 0;
  private acked = 0;
  private txCounter = 0;
  private highestDeliveredTx = 0;
  private bytes = 0;
  /**
   * Cache of the earliest retransmission (what nextDeadline returns, Infinity
   * for none), valid while !timerStale and for the rto it was computed with:
   * a streaming sender polls once per message, and a scan of the whole window
   * each time cost more than everything else on its send path.
   */
  private timerAt = Number.POSITIVE_INFINITY;
  private timerRto = Number.NaN;
  private timerStale = false;

  constructor(opts: SendWindowOptions = {}) {
    this.windowFrames = opts.windowFrames ?? SEND_WINDOW_FRAMES;
    this.maxMessages = opts.maxMessages ?? SEND_QUEUE_MAX_MESSAGES;
    this.maxBytes = opts.maxBytes ?? SEND_QUEUE_MAX_BYTES;
    for (const [k, v] of Object.entries({ windowFrames: this.windowFrames, maxMessages: this.maxMessages, maxBytes: this.maxBytes })) {
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`SendWindow: ${k} must be a positive integer, got ${v}`);
    }
    this.flights = new FlightRing(this.windowFrames);
  }

  /** Messages not yet acknowledged (queued or in flight). */
  get pendingMessages(): number {
    return this.queue.length;
  }

  get pendingBytes(): number {
    return this.bytes;
  }

  /** Fragments sent and not yet covered by the cumulative ack. */
  get inFlight(): number {
    return this.flights.size;
  }

  /** True when a fragment has never been sent yet (the window may be full). */
  get hasUnsent(): boolean {
    return this.cursor < this.queue.length;
  }

  enqueue(id: string, text: string, fragments: Buffer[], size: number, control = false): EnqueueResult {
    if (fragments.length === 0) throw new TypeError('SendWindow.enqueue: a message has at least one fragment');
    // A control may use the reserve past a queue full of chat lines (constants.ts).
    const extra = control ? { messages: SEND_QUEUE_CONTROL_RESERVE, bytes: SEND_QUEUE_CONTROL_RESERVE_BYTES } : { messages: 0, bytes: 0 };
    if (this.queue.length >= this.maxMessages + extra.messages) {
      return { ok: false, reason: `send queue full (${this.queue.length} messages waiting) — the peer is unreachable` };
    }
    if (this.bytes + size > this.maxBytes + extra.bytes) {
      return { ok: false, reason: `send queue full (${this.queue.length} messages, ${this.bytes} bytes waiting) — the peer is unreachable` };
    }
    this.queue.push({ id, text, size, fragments, firstSeq: -1, nextFrag: 0, control });
    this.bytes += size;
    return { ok: true };
  }

  /**
   * What to transmit at `now`: due retransmissions (lowest seq first), then
   * new fragments the window allows. `packer` groups them into datagrams; the
   * fragments of one datagram share one transmission number, so fast
   * retransmit still counts datagrams that overtook a fragment, not fragments.
   */
  poll(now: number, rtoMs: number, packer: Packer = ALONE): OutFrame[] {
    const out: OutFrame[] = [];
    if (this.earliest(rtoMs) <= now) {
      let next = Number.POSITIVE_INFINITY;
      for (let seq = this.flights.firstSeq; seq < this.flights.endSeq; seq++) {
        const f = this.flights.get(seq)!;
        if (f.due || now >= this.expiry(rtoMs, f)) {
          if (!f.due) f.retries += 1;
          f.due = false;
          f.sacked = false;
          f.sentAt = now;
          const joins = packer.joins(f.msg.fragments[f.fragIndex]!.length);
          f.tx = joins ? this.txCounter : ++this.txCounter;
          out.push(this.frameOf(seq, f, true, joins));
        }
        next = Math.min(next, this.expiry(rtoMs, f));
      }
      this.timerAt = next;
    }
    const firstTimer = now + this.timeout(rtoMs, 0);
    while (this.cursor < this.queue.length && this.nextSeq < this.acked + this.windowFrames) {
      const msg = this.queue[this.cursor]!;
      const seq = this.nextSeq++;
      if (msg.nextFrag === 0) msg.firstSeq = seq;
      const joins = packer.joins(msg.fragments[msg.nextFrag]!.length);
      const tx = joins ? this.txCounter : ++this.txCounter;
      const f: Flight = { msg, fragIndex: msg.nextFrag, sentAt: now, tx, retries: 0, sacked: false, due: false };
      msg.nextFrag += 1;
      if (msg.nextFrag === msg.fragments.length) this.cursor += 1;
      this.flights.push(seq, f);
      if (firstTimer < this.timerAt) this.timerAt = firstTimer;
      out.push(this.frameOf(seq, f, false, joins));
    }
    return out;
  }

  /**
   * Apply the peer's cumulative ack and SACK ranges. Returns the messages now
   * fully acknowledged, in order. An ack for seqs never sent is ignored whole
   * (a confused or stale peer), never trusted.
   */
  onAck(ack: number, sack: ReadonlyArray<readonly [number, number]>): OutMessage[] {
    if (ack > this.nextSeq || ack < 0) return [];
    this.flights.removeBelow(ack, (f) => {
      if (!f.sacked) {
        this.highestDeliveredTx = Math.max(this.highestDeliveredTx, f.tx);
        this.timerStale = true;
      }
    });
    if (ack > this.acked) this.acked = ack;
    let sackTop = this.acked;
    for (const [start, end] of sack) {
      if (end > this.nextSeq) break;
      sackTop = Math.max(sackTop, end);
      for (let s = Math.max(start, this.acked); s < end; s++) {
        const f = this.flights.get(s);
        if (f === undefined || f.sacked) continue;
        f.sacked = true;
        this.timerStale = true;
        this.highestDeliveredTx = Math.max(this.highestDeliveredTx, f.tx);
      }
    }
    this.flights.forEach(
      (f) => {
        if (!f.sacked && !f.due && f.tx + FAST_RETRANSMIT_REORDER_FRAMES <= this.highestDeliveredTx) {
          f.due = true;
          if (f.sentAt < this.timerAt) this.timerAt = f.sentAt;
        }
      },
      this.flights.firstSeq,
      sackTop,
    );
    const delivered: OutMessage[] = [];
    while (this.queue.length > 0) {
      const m = this.queue[0]!;
      if (m.firstSeq < 0 || m.nextFrag < m.fragments.length || m.firstSeq + m.fragments.length > this.acked) break;
      this.queue.shift();
      this.cursor -= 1;
      this.bytes -= m.size;
      delivered.push(m);
    }
    return delivered;
  }

  /** Earliest retransmission due, in ms (absolute), or null when nothing waits for a timer. */
  nextDeadline(rtoMs: number): number | null {
    const t = this.earliest(rtoMs);
    return t === Number.POSITIVE_INFINITY ? null : t;
  }

  /** The peer restarted: its new session knows nothing, so every unacknowledged message is renumbered from seq 0 and sent whole again. */
  restart(): void {
    this.flights.clear();
    this.timerStale = true;
    for (const m of this.queue) {
      m.firstSeq = -1;
      m.nextFrag = 0;
    }
    this.cursor = 0;
    this.nextSeq = 0;
    this.acked = 0;
    this.highestDeliveredTx = 0;
  }

  /** The peer came back after being offline: resend everything in flight now, without the backoff it piled up. */
  rearm(): void {
    this.flights.forEach((f) => {
      f.retries = 0;
      if (!f.sacked) f.due = true;
    });
    this.timerStale = true;
  }

  /** Remove and return every message not yet acknowledged (the transport is closing). */
  takeAll(): OutMessage[] {
    const all = this.queue.splice(0, this.queue.length);
    this.flights.clear();
    this.timerStale = true;
    this.cursor = 0;
    this.bytes = 0;
    return all;
  }

  /** The earliest retransmission (a due fragment: its last send), from the cache or a scan that refreshes it. */
  private earliest(rtoMs: number): number {
    if (this.timerStale || rtoMs !== this.timerRto) {
      let best = Number.POSITIVE_INFINITY;
      this.flights.forEach((f) => {
        const t = f.due ? f.sentAt : this.expiry(rtoMs, f);
        if (t < best) best = t;
      });
      this.timerAt = best;
      this.timerRto = rtoMs;
      this.timerStale = false;
    }
    return this.timerAt;
  }

  /** When the flight's timer expires: a SACKed one is trusted one backoff step longer (SACK is advisory). */
  private expiry(rtoMs: number, f: Flight): number {
    return f.sentAt + this.timeout(rtoMs, f.sacked ? f.retries + 1 : f.retries);
  }

  private timeout(rtoMs: number, retries: number): number {
    return Math.min(RTO_MAX_MS, rtoMs * 2 ** retries);
  }

  private frameOf(seq: number, f: Flight, retransmit: boolean, joins: boolean): OutFrame {
    return { seq, fragIndex: f.fragIndex, fragCount: f.msg.fragments.length, payload: f.msg.fragments[f.fragIndex]!, retransmit, joins };
  }
}
