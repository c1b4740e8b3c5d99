import { RTO_INITIAL_MS, RTO_MAX_MS, RTO_MIN_MS, RTT_ALPHA, RTT_BETA, RTT_GRANULARITY_MS, RTT_K } from '../constants.js';

/**
 * Retransmission timeout from measured round trips, RFC 6298:
 *
 *   first sample R:   SRTT = R, RTTVAR = R / 2                      (2.2)
 *   later sample R':  RTTVAR = (1 - β) RTTVAR + β |SRTT - R'|        (2.3)
 *                     SRTT   = (1 - α) SRTT + α R'   (RTTVAR first, with the old SRTT)
 *   RTO = SRTT + max(G, K · RTTVAR), clamped to [RTO_MIN_MS, RTO_MAX_MS]   (2.4, 2.5)
 *   each retransmission timeout doubles it, up to RTO_MAX_MS              (5.5)
 *
 * RFC 6298 puts the floor at 1 s; fernchat's is lower (RTO_MIN_MS), as mosh's
 * is, because a chat on a LAN should not wait a second to resend.
 *
 * Samples come from echoed timestamps (mosh), never from the ack of a
 * retransmitted frame, so Karn's ambiguity does not arise and a fresh sample
 * may safely clear the backoff.
 */
export class RtoEstimator {
  private srttMs: number | null = null;
  private rttvarMs: number | null = null;
  private last: number | null = null;
  private backoffs = 0;

  sample(rttMs: number): void {
    if (!Number.isFinite(rttMs) || rttMs < 0) return;
    if (this.srttMs === null || this.rttvarMs === null) {
      this.srttMs = rttMs;
      this.rttvarMs = rttMs / 2;
    } else {
      this.rttvarMs = (1 - RTT_BETA) * this.rttvarMs + RTT_BETA * Math.abs(this.srttMs - rttMs);
      this.srttMs = (1 - RTT_ALPHA) * this.srttMs + RTT_ALPHA * rttMs;
    }
    this.last = rttMs;
    this.backoffs = 0;
  }

  /** The current retransmission timeout, in ms. */
  get rto(): number {
    const base =
      this.srttMs === null || this.rttvarMs === null
        ? RTO_INITIAL_MS
        : clamp(this.srttMs + Math.max(RTT_GRANULARITY_MS, RTT_K * this.rttvarMs), RTO_MIN_MS, RTO_MAX_MS);
    return Math.min(base * 2 ** this.backoffs, RTO_MAX_MS);
  }

  /** A retransmission timer expired: double the timeout (RFC 6298 5.5). */
  backoff(): void {
    // Stop counting once the cap is reached, so 2^n cannot grow without bound.
    if (this.rto < RTO_MAX_MS) this.backoffs += 1;
  }

  /** Smoothed RTT in ms, null before the first sample. */
  get srtt(): number | null {
    return this.srttMs;
  }

  /** RTT variation in ms, null before the first sample. */
  get rttvar(): number | null {
    return this.rttvarMs;
  }

  /** The latest accepted sample in ms, null before the first. */
  get lastSample(): number | null {
    return this.last;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
