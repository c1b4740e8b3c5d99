import type { CongestionController } from './congestion.js';
import type { Pacer } from './pacer.js';

/**
 * What the bulk sender asks before each datagram, and tells after: the seam
 * between loss detection (bulk-loss.ts) and congestion control + pacing
 * (congestion.ts, pacer.ts, the lead's). Chat never asks: it has its own
 * window and always goes first.
 */
export interface BulkGate {
  /** May a datagram of `bytes` leave at `now` (window and pacer)? */
  canSend(bytes: number, now: number): boolean;
  /** When a datagram of the current size may leave, if the window allows one; null: only an ack opens the window. */
  nextSendAt(now: number): number | null;
  onSent(bytes: number, now: number): void;
  onAcked(bytes: number, sentAt: number, now: number): void;
  onLost(bytes: number, sentAt: number, now: number): void;
  /** Left the flight without a signal about the path (stream closed, peer restarted). */
  onDiscarded(bytes: number): void;
  /** The bulk datagram size changed (path MTU). */
  setDatagramBytes(bytes: number): void;
  /** Nothing got through for a long stretch (RFC 9002 §7.6): the window to its minimum. */
  onPersistentCongestion(): void;
}

/** The gate over a congestion controller (CUBIC, RFC 9438, or NewReno, RFC 9002 §7) and the pacer (§7.7); the smoothed RTT from the connection's estimator. */
export class CongestionGate implements BulkGate {
  constructor(
    private readonly cc: CongestionController,
    private readonly pacer: Pacer,
    private readonly srtt: () => number | null,
    private datagramBytes: number,
  ) {}

  canSend(bytes: number, now: number): boolean {
    return this.cc.canSend(bytes) && this.pacer.nextSendTime(now, bytes, this.cc.window, this.srtt()) <= now;
  }

  nextSendAt(now: number): number | null {
    if (!this.cc.canSend(this.datagramBytes)) return null;
    // Whole ms: the connection's clock (and its timer) runs in them.
    return Math.ceil(this.pacer.nextSendTime(now, this.datagramBytes, this.cc.window, this.srtt()));
  }

  onSent(bytes: number, now: number): void {
    this.cc.onSent(bytes);
    this.pacer.onSent(now, bytes, this.cc.window, this.srtt());
  }

  onAcked(bytes: number, sentAt: number, now: number): void {
    this.cc.onAcked(bytes, sentAt, now, this.srtt());
  }

  onLost(bytes: number, sentAt: number, now: number): void {
    this.cc.onLost(bytes, sentAt, now);
  }

  onDiscarded(bytes: number): void {
    this.cc.onDiscarded(bytes);
  }

  setDatagramBytes(bytes: number): void {
    this.datagramBytes = bytes;
    this.cc.setMaxDatagramBytes(bytes);
  }

  onPersistentCongestion(): void {
    this.cc.onPersistentCongestion();
  }

  /** Bytes in flight and the window (stats, tests). */
  get flight(): { inFlight: number; window: number } {
    return { inFlight: this.cc.inFlight, window: this.cc.window };
  }
}
