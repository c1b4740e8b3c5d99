import { CC_MAXIMUM_WINDOW_BYTES, CUBIC_BETA, CUBIC_C } from '../constants.js';
import { initialWindow, type CongestionController } from './congestion.js';

/**
 * CUBIC congestion control for bulk data (RFC 9438; Linux's default, and
 * QUIC's in most stacks). Pure: times come in as arguments. Same shape as
 * NewReno (congestion.ts), which it replaces on the bulk path: a loss costs
 * 30 % of the window instead of half, and the window grows back along a
 * cubic curve centred on where the last loss happened.
 *
 *   slow start         as NewReno, until the first loss
 *   congestion event   once per recovery period (a datagram sent after the
 *                      last event began was lost):
 *                        W_max = cwnd, or cwnd·(1+β)/2 when the window is
 *                        still below the last W_max (fast convergence, §4.7)
 *                        cwnd = ssthresh = max(cwnd·β, minimum), β = 0.7
 *                        K = ∛(W_max·(1−β)/C)   (in datagrams and seconds)
 *   avoidance, per ack W_cubic(t) = C·(t−K)³ + W_max, t since the event;
 *                      the target is W_cubic(t + srtt), clamped to
 *                      [cwnd, 1.5·cwnd]; cwnd moves (target − cwnd)/cwnd per
 *                      datagram acked. Reno-friendly region (§4.3): W_est
 *                      grows α = 3(1−β)/(1+β) datagrams per window acked (1
 *                      once it passed W_max); when W_cubic is below W_est,
 *                      cwnd = W_est — on short fat-free paths (a few
 *                      datagrams in flight) CUBIC is this AIMD(0.53, 0.7)
 *   persistent         cwnd = minimum, ssthresh = max(cwnd·β, minimum), the
 *   congestion         curve starts again (§4.8)
 *
 * App-limited as NewReno: an ack grows nothing while less than half the
 * window was in use.
 */
export class Cubic implements CongestionController {
  private datagramBytes: number;
  private cwnd: number;
  private threshold = Number.POSITIVE_INFINITY;
  private flight = 0;
  private recoveryStart: number | null = null;
  /** The window before the last reduction, in bytes (W_max). */
  private wMax = 0;
  /** When the current curve began (the last congestion event), ms; null in slow start. */
  private epochStart: number | null = null;
  /** K, in ms. */
  private kMs = 0;
  /** The Reno-friendly estimate, in bytes (W_est). */
  private wEst = 0;

  constructor(maxDatagramBytes: number) {
    checkSize(maxDatagramBytes);
    this.datagramBytes = maxDatagramBytes;
    this.cwnd = initialWindow(maxDatagramBytes);
  }

  get window(): number {
    return this.cwnd;
  }

  get ssthresh(): number {
    return this.threshold;
  }

  get inFlight(): number {
    return this.flight;
  }

  get minimumWindow(): number {
    return 2 * this.datagramBytes;
  }

  canSend(bytes: number): boolean {
    return this.flight === 0 || this.flight + bytes <= this.cwnd;
  }

  onSent(bytes: number): void {
    checkBytes(bytes);
    this.flight += bytes;
  }

  onAcked(bytes: number, sentAt: number, now: number = sentAt, srttMs: number | null = null): void {
    checkBytes(bytes);
    const usedBefore = this.flight;
    this.flight = Math.max(0, this.flight - bytes);
    if (this.recoveryStart !== null && sentAt <= this.recoveryStart) return;
    if (usedBefore * 2 < this.cwnd) return;
    if (this.cwnd < this.threshold) {
      this.cwnd = Math.min(this.cwnd + bytes, CC_MAXIMUM_WINDOW_BYTES);
      return;
    }
    if (this.epochStart === null) this.startEpoch(now, this.cwnd);
    const d = this.datagramBytes;
    // Reno-friendly estimate: α datagrams per window acknowledged (α = 1 past W_max).
    const alpha = this.wEst >= this.wMax ? 1 : (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);
    this.wEst += (alpha * d * bytes) / this.cwnd;
    const t = now - this.epochStart! + (srttMs ?? 0);
    const target = Math.min(Math.max(this.wCubic(t), this.cwnd), 1.5 * this.cwnd);
    if (this.wCubic(now - this.epochStart!) < this.wEst) this.cwnd = Math.max(this.cwnd, this.wEst);
    else this.cwnd += ((target - this.cwnd) * bytes) / this.cwnd;
    this.cwnd = Math.min(this.cwnd, CC_MAXIMUM_WINDOW_BYTES);
  }

  onLost(bytes: number, sentAt: number, now: number): void {
    checkBytes(bytes);
    this.flight = Math.max(0, this.flight - bytes);
    if (this.recoveryStart !== null && sentAt <= this.recoveryStart) return;
    this.recoveryStart = now;
    // Fast convergence: a flow whose window is below its last maximum releases bandwidth to newcomers.
    this.wMax = this.cwnd < this.wMax ? (this.cwnd * (1 + CUBIC_BETA)) / 2 : this.cwnd;
    this.threshold = Math.max(this.cwnd * CUBIC_BETA, this.minimumWindow);
    this.cwnd = this.threshold;
    this.startEpoch(now, this.cwnd);
  }

  onDiscarded(bytes: number): void {
    checkBytes(bytes);
    this.flight = Math.max(0, this.flight - bytes);
  }

  onPersistentCongestion(): void {
    this.wMax = this.cwnd;
    this.threshold = Math.max(this.cwnd * CUBIC_BETA, this.minimumWindow);
    this.cwnd = this.minimumWindow;
    this.recoveryStart = null;
    this.epochStart = null;
  }

  setMaxDatagramBytes(bytes: number): void {
    checkSize(bytes);
    const fresh = this.threshold === Number.POSITIVE_INFINITY && this.cwnd === initialWindow(this.datagramBytes);
    this.datagramBytes = bytes;
    this.cwnd = fresh ? initialWindow(bytes) : Math.max(this.cwnd, this.minimumWindow);
    // The curve is in datagrams of the old size: start it again from here.
    if (this.epochStart !== null) this.startEpoch(this.epochStart, this.cwnd);
  }

  /** W_cubic at `tMs` after the epoch began, in bytes. */
  private wCubic(tMs: number): number {
    const t = (tMs - this.kMs) / 1000;
    return CUBIC_C * t * t * t * this.datagramBytes + this.wMax;
  }

  private startEpoch(now: number, cwnd: number): void {
    this.epochStart = now;
    this.wEst = cwnd;
    if (this.wMax < cwnd) this.wMax = cwnd;
    // K = ∛(W_max·(1−β)/C) with W in datagrams, but from the window now (it may not be W_max·β after fast convergence or a late start).
    this.kMs = 1000 * Math.cbrt(Math.max(0, this.wMax - cwnd) / this.datagramBytes / CUBIC_C);
  }
}

function checkSize(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 1) throw new TypeError(`Cubic: the datagram size must be a positive integer, got ${bytes}`);
}

function checkBytes(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 0) throw new TypeError(`Cubic: bytes must be a non-negative integer, got ${bytes}`);
}
