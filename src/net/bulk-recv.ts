import {
  BULK_ACK_CREDITS_MAX,
  BULK_ACK_DELAY_MS,
  BULK_ACK_EVERY_BYTES,
  BULK_ACK_EVERY_PACKETS,
  BULK_CREDIT_REPEAT_MAX_MS,
  BULK_CREDIT_REPEAT_MS,
  BULK_CREDIT_UPDATE_FRACTION,
  BULK_RECV_WINDOW_BYTES,
  BULK_STREAMS_MAX,
} from '../constants.js';
import type { BulkAck, BulkChunk, BulkCredit } from './bulk-codec.js';
import { PnRanges } from './bulk-ranges.js';
import { Reassembly } from './bulk-reassembly.js';

/**
 * The receiving side of a connection's bulk streams (PROTOCOL.md "Bulk
 * streams"). Pure: chunks and times in; in-order bytes out through
 * `deliver` (the connection makes them `bulk:data`), and the bulk-ack the
 * connection should send, when it should.
 *
 *  1. chunk()    every bulk packet number is recorded (PnRanges) and owes
 *                an ack, whatever its stream; the data of a stream opened
 *                with open() goes to its Reassembly, bounded by the
 *                stream's credit; any other stream's is dropped and counted
 *                (it arrived: the packet is acked, the bytes are not ours).
 *  2. ack policy at the end of a receive batch (ackAtBatchEnd): at once
 *                when BULK_ACK_EVERY_PACKETS packets wait, or one datagram
 *                of BULK_ACK_EVERY_BYTES (a large path MTU: waiting for a
 *                second would add its whole serialisation time to every
 *                round trip the sender measures), or a credit grew
 *                by BULK_CREDIT_UPDATE_FRACTION of the window, or a stream
 *                was opened; else BULK_ACK_DELAY_MS after the first packet
 *                waiting (tick). While a stream is owed data and nothing
 *                came since the last ack, the ack (with its credits) is
 *                repeated from BULK_CREDIT_REPEAT_MS, doubling: a lost
 *                credit never stalls a stream.
 *  3. takeAck()  the ranges (newest first) and up to BULK_ACK_CREDITS_MAX
 *                credits, grown ones first, the others in turn.
 * Credit of a stream = consumed offset + BULK_RECV_WINDOW_BYTES (QUIC's
 * MAX_STREAM_DATA); it only grows.
 */

interface RecvStream {
  id: number;
  bytes: Reassembly;
  consumed: number;
  /** The credit last put in a bulk-ack. */
  advertised: number;
  /** Highest byte end seen on it: the stream is owed data while it is below `advertised`. */
  seen: number;
}

export class BulkReceiver {
  private readonly pns = new PnRanges();
  private readonly streams = new Map<number, RecvStream>();
  /** Bulk packets (new or repeated) since the last bulk-ack. */
  private unacked = 0;
  private unackedBytes = 0;
  private ackAt: number | null = null;
  /** A credit grew enough, or a stream opened: ack at the end of this batch. */
  private creditNews = false;
  private repeatAt: number | null = null;
  private repeatMs = BULK_CREDIT_REPEAT_MS;
  /** Rotates the credits of an ack when more streams are open than fit. */
  private creditTurn = 0;
  /** Chunks of streams not open here (never opened, closed, ended by a restart). */
  unknownStreamChunks = 0;

  constructor(
    private readonly deliver: (stream: number, offset: number, data: Buffer) => void,
    private readonly window: number = BULK_RECV_WINDOW_BYTES,
  ) {}

  get openStreams(): number {
    return this.streams.size;
  }

  /** Accept stream `id` from `offset`; TypeError if it is open already or too many are. */
  open(id: number, offset: number, now: number): void {
    if (this.streams.has(id)) throw new TypeError(`bulk:open-recv: stream ${id} is open already`);
    if (this.streams.size >= BULK_STREAMS_MAX) throw new TypeError(`bulk:open-recv: at most ${BULK_STREAMS_MAX} incoming streams`);
    this.streams.set(id, { id, bytes: new Reassembly(offset), consumed: offset, advertised: offset, seen: offset });
    this.creditNews = true;
    this.repeatMs = BULK_CREDIT_REPEAT_MS;
    this.ackAt = now;
  }

  /** Bytes below `offset` are on disk. Unknown stream or an older offset: nothing. TypeError past what was handed up. */
  consumed(id: number, offset: number): void {
    const s = this.streams.get(id);
    if (s === undefined || offset <= s.consumed) return;
    if (offset > s.bytes.delivered) throw new TypeError(`bulk:consumed: stream ${id} offset ${offset} is beyond the ${s.bytes.delivered} bytes handed up`);
    s.consumed = offset;
    if (this.credit(s) - s.advertised >= this.window * BULK_CREDIT_UPDATE_FRACTION) this.creditNews = true;
  }

  close(id: number): void {
    this.streams.delete(id);
  }

  /** A new peer session: every stream and packet number of the old one is gone. */
  reset(): void {
    this.streams.clear();
    this.pns.reset();
    this.unacked = 0;
    this.unackedBytes = 0;
    this.ackAt = null;
    this.creditNews = false;
    this.repeatAt = null;
  }

  // 1 --------------------------------------------------------------------
  chunk(c: BulkChunk, now: number): void {
    this.pns.add(c.pn);
    this.unacked += 1;
    this.unackedBytes += c.data.length;
    this.ackAt ??= now + BULK_ACK_DELAY_MS;
    this.repeatAt = null;
    this.repeatMs = BULK_CREDIT_REPEAT_MS;
    const s = this.streams.get(c.stream);
    if (s === undefined) {
      this.unknownStreamChunks += 1;
      return;
    }
    s.seen = Math.max(s.seen, c.offset + c.data.length);
    s.bytes.push(c.offset, c.data, this.credit(s), (offset, data) => this.deliver(s.id, offset, data));
  }

  // 2 --------------------------------------------------------------------
  /** End of a receive batch: should a bulk-ack go now? */
  ackAtBatchEnd(): boolean {
    return this.unacked >= BULK_ACK_EVERY_PACKETS || this.unackedBytes >= BULK_ACK_EVERY_BYTES || this.creditNews;
  }

  /** tick: the delayed ack or a credit repeat is due. */
  ackDue(now: number): boolean {
    return (this.ackAt !== null && now >= this.ackAt) || (this.repeatAt !== null && now >= this.repeatAt);
  }

  nextDeadline(): number | null {
    if (this.ackAt === null) return this.repeatAt;
    return this.repeatAt === null ? this.ackAt : Math.min(this.ackAt, this.repeatAt);
  }

  // 3 --------------------------------------------------------------------
  /** The bulk-ack to send now; the duties it settles are cleared. */
  takeAck(now: number): BulkAck {
    const repeating = this.repeatAt !== null && now >= this.repeatAt;
    this.unacked = 0;
    this.unackedBytes = 0;
    this.ackAt = null;
    this.creditNews = false;
    const credits = this.pickCredits();
    let owed = false;
    for (const s of this.streams.values()) if (s.seen < s.advertised) owed = true;
    if (repeating) this.repeatMs = Math.min(this.repeatMs * 2, BULK_CREDIT_REPEAT_MAX_MS);
    this.repeatAt = owed ? now + this.repeatMs : null;
    return { ranges: this.pns.ranges(), credits };
  }

  private pickCredits(): BulkCredit[] {
    const all = [...this.streams.values()];
    const grown = all.filter((s) => this.credit(s) > s.advertised);
    const rest = all.filter((s) => this.credit(s) <= s.advertised);
    // The unchanged ones take turns, so each is repeated now and then (a lost ack loses no credit for good).
    const turn = rest.length === 0 ? 0 : this.creditTurn++ % rest.length;
    const order = grown.concat(rest.slice(turn), rest.slice(0, turn)).slice(0, BULK_ACK_CREDITS_MAX);
    return order.map((s) => {
      s.advertised = Math.max(s.advertised, this.credit(s));
      return { stream: s.id, max: s.advertised };
    });
  }

  private credit(s: RecvStream): number {
    return s.consumed + this.window;
  }
}
