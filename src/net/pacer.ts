import { PACING_BURST_DATAGRAMS, PACING_GAIN, PACING_MIN_RTT_MS, PACING_TIMER_SLACK_MS } from '../constants.js';

/**
 * Pacing for bulk data (RFC 9002 §7.7): datagrams leave at
 * PACING_GAIN × window / smoothed RTT instead of in window-sized bursts,
 * which a bottleneck's queue would drop. A token bucket, as quinn-proto's
 * pacer: tokens (bytes) refill at the rate, up to a burst; a datagram leaves
 * when the bucket holds its size. Pure: the caller passes the time, the
 * window and the RTT at each call (they change as acks arrive).
 *
 * The burst is PACING_BURST_DATAGRAMS datagrams, or what the rate carries
 * in PACING_TIMER_SLACK_MS when that is more: the shell's one timer cannot
 * wake more often than every millisecond, and a pacer stricter than its
 * timer only slows the sender down.
 *
 * Before the first RTT sample there is no rate and nothing is paced (the
 * initial window may leave at once, as RFC 9002 allows).
 */
export class Pacer {
  private tokens = 0;
  private lastAt: number | null = null;

  /** The earliest time a datagram of `bytes` may leave: `now` or earlier means now. */
  nextSendTime(now: number, bytes: number, cwnd: number, srttMs: number | null): number {
    const rate = pacingRate(cwnd, srttMs);
    if (rate === null) return now;
    const have = this.refilled(now, bytes, rate);
    return have >= bytes ? now : now + (bytes - have) / rate;
  }

  /** A datagram of `bytes` left at `now`. */
  onSent(now: number, bytes: number, cwnd: number, srttMs: number | null): void {
    const rate = pacingRate(cwnd, srttMs);
    if (rate === null) {
      this.lastAt = now;
      this.tokens = 0;
      return;
    }
    this.tokens = Math.max(0, this.refilled(now, bytes, rate) - bytes);
    this.lastAt = now;
  }

  /** The bucket at `now`, refilled at `rate` since the last send and capped at the burst. */
  private refilled(now: number, bytes: number, rate: number): number {
    const burst = Math.max(PACING_BURST_DATAGRAMS * bytes, rate * PACING_TIMER_SLACK_MS);
    // First use (or after an unpaced stretch): a full bucket.
    if (this.lastAt === null) return burst;
    return Math.min(burst, this.tokens + Math.max(0, now - this.lastAt) * rate);
  }
}

/** Bytes per ms at which a window paces out over the RTT, or null without an RTT sample. */
export function pacingRate(cwnd: number, srttMs: number | null): number | null {
  if (srttMs === null || !Number.isFinite(srttMs)) return null;
  return (PACING_GAIN * cwnd) / Math.max(srttMs, PACING_MIN_RTT_MS);
}
