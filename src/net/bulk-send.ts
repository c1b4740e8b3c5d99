import { BULK_STREAMS_MAX } from '../constants.js';
import type { BulkAck } from './bulk-codec.js';
import type { BulkGate } from './bulk-gate.js';
import { LossDetector, type RttView, type SentChunk } from './bulk-loss.js';
import { SendStream } from './bulk-stream.js';

/**
 * The sending side of a connection's bulk streams (PROTOCOL.md "Bulk
 * streams"). Pure: writes, acks and times in; chunks to send out, one per
 * datagram, and `acked(stream, offset)` when a stream's acknowledged prefix
 * grows (the connection makes it `bulk:acked`).
 *
 *  1. next()    the next chunk, if the gate (window, pacer) lets a datagram
 *               of `datagramBytes` out — or a PTO probe is owed, which goes
 *               regardless: the streams in turn, one chunk per datagram
 *               (two transfers share fairly), each stream's lost chunks
 *               before its new bytes, never a byte at or beyond its credit.
 *  2. sent()    the datagram left: numbered, in flight, told to the gate.
 *  3. onAck()   a bulk-ack: its ranges acknowledge packets (their chunks,
 *               the gate) and show others lost (re-queued on their stream,
 *               the gate told); its credits raise streams' limits — a credit
 *               for a stream not open yet waits for bulk:open-send.
 *  4. tick()    the loss timer and the PTO (bulk-loss.ts).
 */

export interface BulkNext {
  pn: number;
  stream: number;
  offset: number;
  parts: Buffer[];
  length: number;
}

export class BulkSender {
  private readonly streams = new Map<number, SendStream>();
  /** Round-robin position in the stream order. */
  private turn = 0;
  /** The turn before the last next(): unsent() gives it back. */
  private turnBefore = 0;
  /** Credits that came before their stream was opened here. */
  private readonly early = new Map<number, number>();
  private pn = 0;
  private loss = new LossDetector();
  /** PTO probes owed: they leave whatever the gate says (RFC 9002 §6.2.4). */
  private probes = 0;

  constructor(
    private readonly gate: BulkGate,
    private readonly acked: (stream: number, offset: number) => void,
  ) {}

  get openStreams(): number {
    return this.streams.size;
  }

  get inFlightPackets(): number {
    return this.loss.inFlight;
  }

  get ptoCount(): number {
    return this.loss.ptoCount;
  }

  /** Stream `id` sends from `offset`; nothing leaves before the peer's credit for it. TypeError if open already or too many. */
  open(id: number, offset: number): void {
    if (this.streams.has(id)) throw new TypeError(`bulk:open-send: stream ${id} is open already`);
    if (this.streams.size >= BULK_STREAMS_MAX) throw new TypeError(`bulk:open-send: at most ${BULK_STREAMS_MAX} outgoing streams`);
    const credit = this.early.get(id) ?? offset;
    this.early.delete(id);
    this.streams.set(id, new SendStream(id, offset, Math.max(credit, offset)));
  }

  /** False when the stream is not open (closed, or ended by a peer restart): the bytes are dropped. */
  write(id: number, data: Buffer): boolean {
    const s = this.streams.get(id);
    if (s === undefined) return false;
    s.write(data);
    return true;
  }

  /** Forget a stream; its packets in flight leave the window without a verdict. */
  close(id: number): void {
    if (!this.streams.delete(id)) return;
    for (const c of this.loss.discardStream(id)) this.gate.onDiscarded(c.bytes);
  }

  /** A new peer session: every stream ends, nothing in flight counts any more. */
  reset(): void {
    this.streams.clear();
    this.early.clear();
    this.probes = 0;
    for (const c of this.loss.discardAll()) this.gate.onDiscarded(c.bytes);
    this.pn = 0;
    this.loss = new LossDetector();
  }

  /** Some stream has something to send (ignoring the gate). */
  get sendable(): boolean {
    for (const s of this.streams.values()) if (s.sendable) return true;
    return false;
  }

  // 1 --------------------------------------------------------------------
  next(now: number, datagramBytes: number, maxChunk: number): BulkNext | null {
    if (this.probes === 0 && !this.gate.canSend(datagramBytes, now)) return null;
    const order = [...this.streams.values()];
    for (let i = 0; i < order.length; i++) {
      const s = order[(this.turn + i) % order.length]!;
      const c = s.take(maxChunk);
      if (c === null) continue;
      this.turnBefore = this.turn;
      this.turn = (this.turn + i + 1) % order.length;
      return { pn: this.pn, stream: s.id, ...c };
    }
    return null;
  }

  // 2 --------------------------------------------------------------------
  sent(n: BulkNext, bytes: number, now: number): void {
    this.pn += 1;
    if (this.probes > 0) this.probes -= 1;
    this.loss.onSent({ pn: n.pn, stream: n.stream, offset: n.offset, length: n.length, bytes, sentAt: now });
    this.gate.onSent(bytes, now);
  }

  /** The datagram for `n` could not leave: its bytes go back to the front of its stream (its number was not used). */
  unsent(n: BulkNext): void {
    this.streams.get(n.stream)?.onLost(n.offset, n.length);
    this.turn = this.turnBefore;
  }

  // 3 --------------------------------------------------------------------
  onAck(a: BulkAck, now: number, rtt: RttView): void {
    for (const c of a.credits) {
      const s = this.streams.get(c.stream);
      if (s !== undefined) s.credit = Math.max(s.credit, c.max);
      else if (this.early.size < BULK_STREAMS_MAX || this.early.has(c.stream)) this.early.set(c.stream, Math.max(this.early.get(c.stream) ?? 0, c.max));
    }
    if (a.ranges.length === 0) return;
    const { acked, lost } = this.loss.onAck(a.ranges, now, rtt);
    const grown = new Map<number, number>();
    for (const c of acked) {
      this.gate.onAcked(c.bytes, c.sentAt, now);
      const s = this.streams.get(c.stream);
      if (s !== undefined && s.onAcked(c.offset, c.length)) grown.set(s.id, s.acked);
    }
    this.lost(lost, now);
    for (const [id, offset] of grown) this.acked(id, offset);
  }

  // 4 --------------------------------------------------------------------
  /** The loss timer or the PTO, if due. True when a PTO fired (the caller counts black holes). */
  tick(now: number, rtt: RttView): boolean {
    const lossAt = this.loss.lossTime(rtt);
    if (lossAt !== null) {
      if (now >= lossAt) this.lost(this.loss.detect(now, rtt), now);
      return false;
    }
    const ptoAt = this.loss.ptoAt(rtt);
    if (ptoAt === null || now < ptoAt) return false;
    const oldest = this.loss.onPto(now);
    if (oldest !== null) this.streams.get(oldest.stream)?.onLost(oldest.offset, oldest.length);
    this.probes = 2;
    return true;
  }

  /** The loss timer, the PTO, or (something to send) the gate's next send time. */
  nextDeadline(now: number, rtt: RttView): number | null {
    const timer = this.loss.lossTime(rtt) ?? this.loss.ptoAt(rtt);
    if (!this.sendable) return timer;
    const send = this.probes > 0 ? now : this.gate.nextSendAt(now);
    if (send === null) return timer;
    return timer === null ? send : Math.min(timer, send);
  }

  private lost(lost: SentChunk[], now: number): void {
    for (const c of lost) {
      this.gate.onLost(c.bytes, c.sentAt, now);
      this.streams.get(c.stream)?.onLost(c.offset, c.length);
    }
  }
}
