import {
  MAX_ACCEPTED_DATAGRAM_BYTES,
  MAX_DATAGRAM_BYTES,
  PMTU_CANDIDATES_BYTES,
  PMTU_MAX_PROBES,
  PMTU_PROBE_TIMEOUT_MS,
  PMTU_RAISE_INTERVAL_MS,
  PMTU_SEARCH_STEP_BYTES,
} from '../constants.js';

/**
 * Datagram packetization layer path MTU discovery (RFC 8899, as QUIC does
 * it): how large a bulk datagram may be on this path. Pure: the caller
 * sends the probes it asks for (padded to exactly `size` bytes on the wire),
 * reports their acknowledgements, and passes the time.
 *
 * Every path carries the base size (1200 bytes: chat uses nothing larger, and
 * the chat works). Larger sizes must be proven: one probe at a time, each
 * unanswered probe tried again up to PMTU_MAX_PROBES times, then the size
 * counts as too big. A lost probe says nothing about congestion, so the
 * congestion controller never hears of probes.
 *
 *   searching  the PMTU_CANDIDATES_BYTES above the confirmed size, in turn
 *              (Ethernet, jumbo, loopback sizes); once one fails, halving
 *              the gap between the confirmed size and the failed one until
 *              it is under PMTU_SEARCH_STEP_BYTES
 *   complete   nothing to probe; after PMTU_RAISE_INTERVAL_MS the search
 *              starts again from the confirmed size (the path may have grown)
 *
 * Black holes (RFC 8899 §4.3): a path that carried a size stops carrying it
 * (a route change). The bulk sender notices (datagrams of the confirmed size
 * keep getting lost while the link is alive) and calls onBlackHole(): the
 * size falls back to the base at once and the search starts again, below the
 * size that vanished.
 */

/** Probes remembered after they were sent, so a late answer is still recognised. */
const PMTU_REMEMBERED_PROBES = 8;

export type PmtuPhase = 'searching' | 'complete';

export interface PmtuProbe {
  id: number;
  /** The whole datagram's size, in bytes. */
  size: number;
}

interface Outstanding {
  id: number;
  size: number;
  deadline: number;
}

export class PmtuSearch {
  private confirmed: number;
  /** The smallest size known (or assumed) too big; null while none failed. */
  private tooBig: number | null = null;
  private phaseNow: PmtuPhase = 'searching';
  private outstanding: Outstanding | null = null;
  /** Probes sent for the size being tried. */
  private attempts = 0;
  private nextId = 1;
  /** When a complete search starts again. */
  private raiseAt: number | null = null;
  /** Sizes of the last probes sent, by id (a late answer still counts). */
  private readonly sent = new Map<number, number>();

  constructor(
    private readonly baseBytes: number = MAX_DATAGRAM_BYTES,
    private readonly maxBytes: number = MAX_ACCEPTED_DATAGRAM_BYTES,
  ) {
    if (!Number.isInteger(baseBytes) || !Number.isInteger(maxBytes) || baseBytes < 1 || maxBytes < baseBytes) {
      throw new TypeError(`PmtuSearch: need integers 1 ≤ base ≤ max, got base ${baseBytes}, max ${maxBytes}`);
    }
    this.confirmed = baseBytes;
    if (this.target() === null) this.phaseNow = 'complete';
  }

  /** The largest datagram proven to cross the path, in bytes: what bulk data may use. */
  get size(): number {
    return this.confirmed;
  }

  get phase(): PmtuPhase {
    return this.phaseNow;
  }

  /** A probe to send now, or null (the search is complete, or a probe is on its way). */
  probe(now: number, rttMs: number | null = null): PmtuProbe | null {
    this.tick(now);
    if (this.phaseNow !== 'searching' || this.outstanding !== null) return null;
    const size = this.target();
    if (size === null) {
      this.finish(now);
      return null;
    }
    this.attempts += 1;
    const id = this.nextId++;
    const timeout = Math.max(PMTU_PROBE_TIMEOUT_MS, 3 * (rttMs ?? 0));
    this.outstanding = { id, size, deadline: now + timeout };
    this.sent.set(id, size);
    if (this.sent.size > PMTU_REMEMBERED_PROBES) this.sent.delete(this.sent.keys().next().value!);
    return { id, size };
  }

  /**
   * The peer answered probe `id`: its size crosses the path. The size is the
   * one we recorded for the id, never one the answer claims; a late answer to
   * a probe already given up still proves it. Unknown ids are ignored.
   */
  onProbeAcked(id: number, now: number): void {
    const proven = this.sent.get(id);
    if (proven === undefined) return;
    this.sent.delete(id);
    if (this.outstanding?.id === id) this.outstanding = null;
    if (proven <= this.confirmed) return;
    this.confirmed = proven;
    if (this.tooBig !== null && this.tooBig <= proven) this.tooBig = null;
    this.attempts = 0;
    if (this.target() === null) this.finish(now);
  }

  /** Probe timeouts; the raise timer. */
  tick(now: number): void {
    const o = this.outstanding;
    if (o !== null && now >= o.deadline) {
      this.outstanding = null;
      if (this.attempts >= PMTU_MAX_PROBES) {
        this.tooBig = o.size;
        this.attempts = 0;
        if (this.target() === null) this.finish(now);
      }
    }
    if (this.phaseNow === 'complete' && this.raiseAt !== null && now >= this.raiseAt) this.restart(null);
  }

  /** When tick() has something to do: a probe's timeout, or the raise timer. */
  nextDeadline(): number | null {
    if (this.outstanding !== null) return this.outstanding.deadline;
    return this.phaseNow === 'complete' ? this.raiseAt : null;
  }

  /** The confirmed size stopped crossing the path: back to the base now, and search again below the size that vanished. */
  onBlackHole(_now: number): void {
    const lost = this.confirmed;
    this.confirmed = this.baseBytes;
    this.restart(lost > this.baseBytes ? lost : null);
  }

  /** A new path (the peer moved): nothing larger than the base is known. */
  reset(): void {
    this.confirmed = this.baseBytes;
    this.restart(null);
  }

  private restart(tooBig: number | null): void {
    this.tooBig = tooBig;
    this.outstanding = null;
    this.attempts = 0;
    this.raiseAt = null;
    this.phaseNow = this.target() === null ? 'complete' : 'searching';
  }

  private finish(now: number): void {
    this.phaseNow = 'complete';
    this.outstanding = null;
    this.raiseAt = now + PMTU_RAISE_INTERVAL_MS;
  }

  /** The next size to try, or null when the search is done. */
  private target(): number | null {
    const lo = this.confirmed;
    if (this.tooBig === null) {
      for (const c of PMTU_CANDIDATES_BYTES) if (c > lo && c <= this.maxBytes) return c;
      return null;
    }
    const hi = this.tooBig;
    if (hi - lo < PMTU_SEARCH_STEP_BYTES) return null;
    return Math.floor((lo + hi) / 2);
  }
}
