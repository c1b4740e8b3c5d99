import {
  CC_INITIAL_WINDOW_DATAGRAMS,
  CC_INITIAL_WINDOW_FLOOR_BYTES,
  CC_LOSS_REDUCTION,
  CC_MAXIMUM_WINDOW_BYTES,
  CC_MINIMUM_WINDOW_DATAGRAMS,
} from '../constants.js';

/** What the bulk path asks of a congestion controller: NewReno (here) or CUBIC (cubic.ts). Bytes and ms. */
export interface CongestionController {
  readonly window: number;
  readonly ssthresh: number;
  readonly inFlight: number;
  readonly minimumWindow: number;
  canSend(bytes: number): boolean;
  onSent(bytes: number): void;
  /** `now` and the smoothed RTT are CUBIC's (its curve runs on time); NewReno needs neither. */
  onAcked(bytes: number, sentAt: number, now?: number, srttMs?: number | null): void;
  onLost(bytes: number, sentAt: number, now: number): void;
  onDiscarded(bytes: number): void;
  onPersistentCongestion(): void;
  setMaxDatagramBytes(bytes: number): void;
}

/** Which controller the bulk path runs (ConnectionOptions.congestionControl); CUBIC by default. */
export type CongestionAlgorithm = 'cubic' | 'newreno';

/**
 * NewReno congestion control for bulk data, as RFC 9002 §7 and its
 * Appendix B write it (QUIC's default; TCP's since RFC 6582). Pure: times
 * come in as arguments, nothing is sent from here. Chat frames are not
 * counted: they are few and small, and go first anyway (send-path.ts).
 *
 *   slow start           window < ssthresh: each acked byte adds a byte
 *                        (the window doubles per round trip)
 *   congestion avoidance window ≥ ssthresh: each acked window adds one
 *                        datagram (size · acked / window per ack)
 *   recovery             a loss of a datagram sent after the current
 *                        recovery began: ssthresh = window · 0.5, window =
 *                        max(ssthresh, minimum); losses and acks of datagrams
 *                        sent before it began change nothing more (one
 *                        reduction per round trip, however many were lost)
 *   persistent congestion every datagram over a long stretch was lost (the
 *                        caller decides, RFC 9002 §7.6): window = minimum
 *
 * App-limited (RFC 9002 §7.8): an ack grows the window only while at least
 * half of it was in use, so a sender that had nothing to send (the disk was
 * slow, the receiver's credit ran out) does not earn a window it never tried.
 */
export class NewReno implements CongestionController {
  private datagramBytes: number;
  private cwnd: number;
  private threshold = Number.POSITIVE_INFINITY;
  private flight = 0;
  /** When the current recovery period began, or null outside one. */
  private recoveryStart: number | null = null;

  constructor(maxDatagramBytes: number) {
    checkSize(maxDatagramBytes);
    this.datagramBytes = maxDatagramBytes;
    this.cwnd = initialWindow(maxDatagramBytes);
  }

  /** The congestion window, in bytes. */
  get window(): number {
    return this.cwnd;
  }

  /** Slow start threshold, in bytes (Infinity until the first loss). */
  get ssthresh(): number {
    return this.threshold;
  }

  /** Bytes sent and neither acknowledged, lost nor discarded. */
  get inFlight(): number {
    return this.flight;
  }

  /** The smallest window, in bytes. */
  get minimumWindow(): number {
    return CC_MINIMUM_WINDOW_DATAGRAMS * this.datagramBytes;
  }

  /** May a datagram of `bytes` leave now? Always when nothing is in flight, so a window smaller than one datagram cannot stall. */
  canSend(bytes: number): boolean {
    return this.flight === 0 || this.flight + bytes <= this.cwnd;
  }

  onSent(bytes: number): void {
    checkBytes(bytes);
    this.flight += bytes;
  }

  /** A datagram of `bytes` sent at `sentAt` was acknowledged. */
  onAcked(bytes: number, sentAt: number): void {
    checkBytes(bytes);
    const usedBefore = this.flight;
    this.flight = Math.max(0, this.flight - bytes);
    if (this.inRecovery(sentAt)) return;
    // App-limited: less than half the window was in use when this ack came.
    if (usedBefore * 2 < this.cwnd) return;
    if (this.cwnd < this.threshold) this.cwnd += bytes;
    else this.cwnd += (this.datagramBytes * bytes) / this.cwnd;
    this.cwnd = Math.min(this.cwnd, CC_MAXIMUM_WINDOW_BYTES);
  }

  /** A datagram of `bytes` sent at `sentAt` was declared lost at `now`. */
  onLost(bytes: number, sentAt: number, now: number): void {
    checkBytes(bytes);
    this.flight = Math.max(0, this.flight - bytes);
    if (this.inRecovery(sentAt)) return;
    this.recoveryStart = now;
    this.threshold = Math.max(this.cwnd * CC_LOSS_REDUCTION, this.minimumWindow);
    this.cwnd = this.threshold;
  }

  /** Bytes that left the flight with no signal about the path (their stream was closed, the peer restarted). */
  onDiscarded(bytes: number): void {
    checkBytes(bytes);
    this.flight = Math.max(0, this.flight - bytes);
  }

  /** Everything sent over a long stretch was lost (RFC 9002 §7.6.2): start again from the minimum. */
  onPersistentCongestion(): void {
    this.cwnd = this.minimumWindow;
    this.recoveryStart = null;
  }

  /**
   * The datagram size changed (path MTU). The window keeps its bytes but
   * never falls below the new minimum; before any loss or ack it is the new
   * size's initial window.
   */
  setMaxDatagramBytes(bytes: number): void {
    checkSize(bytes);
    const fresh = this.threshold === Number.POSITIVE_INFINITY && this.cwnd === initialWindow(this.datagramBytes);
    this.datagramBytes = bytes;
    this.cwnd = fresh ? initialWindow(bytes) : Math.max(this.cwnd, this.minimumWindow);
  }

  private inRecovery(sentAt: number): boolean {
    return this.recoveryStart !== null && sentAt <= this.recoveryStart;
  }
}

/** RFC 9002 §7.2: min(10 · size, max(14720, 2 · size)). */
export function initialWindow(datagramBytes: number): number {
  return Math.min(CC_INITIAL_WINDOW_DATAGRAMS * datagramBytes, Math.max(CC_INITIAL_WINDOW_FLOOR_BYTES, 2 * datagramBytes));
}

function checkSize(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 1) throw new TypeError(`NewReno: the datagram size must be a positive integer, got ${bytes}`);
}

function checkBytes(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 0) throw new TypeError(`NewReno: bytes must be a non-negative integer, got ${bytes}`);
}
