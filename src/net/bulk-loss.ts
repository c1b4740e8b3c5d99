import {
  BULK_INITIAL_RTT_MS,
  BULK_LOSS_GRANULARITY_MS,
  BULK_LOSS_PACKET_THRESHOLD,
  BULK_LOSS_TIME_THRESHOLD,
  BULK_ACK_DELAY_MS,
  BULK_PTO_MAX_MS,
} from '../constants.js';
import type { PnRange } from './bulk-codec.js';

/**
 * Loss detection for bulk packets, RFC 9002 §6 (as quinn-proto's): every
 * bulk frame has its own packet number, a retransmission a new one, so an
 * ack names exactly one transmission. Pure.
 *
 *  - acked: a packet number inside a range of a bulk-ack;
 *  - lost:  unacked and BULK_LOSS_PACKET_THRESHOLD numbers below the largest
 *           acked, or sent BULK_LOSS_TIME_THRESHOLD × max(srtt, latest rtt)
 *           before the largest acked one was (§6.1); the loss timer fires
 *           for the second rule;
 *  - PTO:   nothing acked for srtt + max(4·rttvar, 1) + BULK_ACK_DELAY_MS,
 *           doubled per consecutive PTO (§6.2): the caller resends the
 *           oldest chunk still in flight as a probe.
 *
 * Packets live in an array indexed by packet number − base; acked, lost and
 * discarded ones become null and the base moves over them.
 */

export interface SentChunk {
  pn: number;
  stream: number;
  offset: number;
  length: number;
  /** The datagram's size: what the congestion window counts. */
  bytes: number;
  sentAt: number;
}

export interface RttView {
  srtt: number | null;
  rttvar: number | null;
  latest: number | null;
}

export class LossDetector {
  private sent: Array<SentChunk | null> = [];
  private base = 0;
  private largestAcked = -1;
  private largestAckedSentAt = 0;
  /** Consecutive PTOs without an ack. */
  ptoCount = 0;
  private lastSentAt: number | null = null;
  private count = 0;

  get inFlight(): number {
    return this.count;
  }

  onSent(c: SentChunk): void {
    if (c.pn !== this.base + this.sent.length) throw new TypeError(`LossDetector: packet ${c.pn} out of order`);
    this.sent.push(c);
    this.count += 1;
    this.lastSentAt = c.sentAt;
  }

  /** Apply a bulk-ack's ranges: the packets it newly acknowledges, and those it shows lost. */
  onAck(ranges: readonly PnRange[], now: number, rtt: RttView): { acked: SentChunk[]; lost: SentChunk[] } {
    const acked: SentChunk[] = [];
    const top = this.base + this.sent.length;
    for (const [start, end] of ranges) {
      for (let pn = Math.max(start, this.base); pn < Math.min(end, top); pn++) {
        const c = this.sent[pn - this.base];
        if (c === null || c === undefined) continue;
        this.sent[pn - this.base] = null;
        this.count -= 1;
        acked.push(c);
        if (pn > this.largestAcked) {
          this.largestAcked = pn;
          this.largestAckedSentAt = c.sentAt;
        }
      }
    }
    if (acked.length > 0) this.ptoCount = 0;
    const lost = this.detect(now, rtt);
    this.compact();
    return { acked, lost };
  }

  /** §6.1: the packets below the largest acked that are lost by either threshold. */
  detect(now: number, rtt: RttView): SentChunk[] {
    const lost: SentChunk[] = [];
    const delay = lossDelay(rtt);
    for (let pn = this.base; pn < this.largestAcked; pn++) {
      const c = this.sent[pn - this.base];
      if (c === null || c === undefined) continue;
      if (this.largestAcked - pn >= BULK_LOSS_PACKET_THRESHOLD || c.sentAt <= now - delay) {
        this.sent[pn - this.base] = null;
        this.count -= 1;
        lost.push(c);
      }
    }
    this.compact();
    return lost;
  }

  /** When the time threshold will declare the oldest packet below the largest acked lost, or null. */
  lossTime(rtt: RttView): number | null {
    const delay = lossDelay(rtt);
    for (let pn = this.base; pn < this.largestAcked; pn++) {
      const c = this.sent[pn - this.base];
      if (c !== null && c !== undefined) return c.sentAt + delay;
    }
    return null;
  }

  /** The probe timeout, or null with nothing in flight. */
  ptoAt(rtt: RttView): number | null {
    if (this.count === 0 || this.lastSentAt === null) return null;
    const srtt = rtt.srtt ?? BULK_INITIAL_RTT_MS;
    const rttvar = rtt.rttvar ?? BULK_INITIAL_RTT_MS / 2;
    const pto = (srtt + Math.max(4 * rttvar, BULK_LOSS_GRANULARITY_MS) + BULK_ACK_DELAY_MS) * 2 ** this.ptoCount;
    return this.lastSentAt + Math.min(pto, BULK_PTO_MAX_MS);
  }

  /** A PTO fired: count it; the oldest packet still in flight (its chunk is resent as the probe), or null. */
  onPto(now: number): SentChunk | null {
    this.ptoCount += 1;
    // The timer restarts from now: the probe about to leave is the newest send.
    this.lastSentAt = now;
    for (const c of this.sent) if (c !== null) return c;
    return null;
  }

  /** Forget the packets of `stream` (closed): what they held in flight. */
  discardStream(stream: number): SentChunk[] {
    const out: SentChunk[] = [];
    for (let i = 0; i < this.sent.length; i++) {
      const c = this.sent[i];
      if (c === null || c === undefined || c.stream !== stream) continue;
      this.sent[i] = null;
      this.count -= 1;
      out.push(c);
    }
    this.compact();
    return out;
  }

  /** Forget everything (a new peer session); numbering goes on. */
  discardAll(): SentChunk[] {
    const out = this.sent.filter((c): c is SentChunk => c !== null);
    this.base += this.sent.length;
    this.sent = [];
    this.count = 0;
    this.ptoCount = 0;
    return out;
  }

  private compact(): void {
    let n = 0;
    while (n < this.sent.length && this.sent[n] === null) n++;
    if (n === 0) return;
    // Splice in bulk only now and then: a steady sender acks one packet at a time from the front.
    if (n === this.sent.length) this.sent = [];
    else if (n >= 1024 || n * 2 >= this.sent.length) this.sent = this.sent.slice(n);
    else return;
    this.base += n;
  }
}

/** §6.1.2: 9/8 × max(srtt, latest rtt), at least the granularity. */
export function lossDelay(rtt: RttView): number {
  const r = Math.max(rtt.srtt ?? BULK_INITIAL_RTT_MS, rtt.latest ?? 0);
  return Math.max(BULK_LOSS_TIME_THRESHOLD * r, BULK_LOSS_GRANULARITY_MS);
}
