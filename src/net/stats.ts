import type { LinkStats } from '../bus.js';
import type { DropReason } from './errors.js';

/**
 * Counters of one transport: datagrams in and out, drops by reason, frames
 * sent and retransmitted. Pure bookkeeping; the transport reads them into the
 * LinkStats it publishes and into dropCounts() (which the security tests
 * assert on, so every drop goes through drop()).
 */

export const DROP_REASONS: readonly DropReason[] = [
  'oversized',
  'unauthenticated',
  'malformed',
  'reflected',
  'replayed',
  'stale-session',
  'old-key',
  'flood',
  'refused',
  'no-seat',
];

export class LinkCounters {
  /** Datagrams received (every one, before any check). */
  datagramsIn = 0;
  /** Datagrams handed to the port. */
  datagramsOut = 0;
  /** Data frames sent, first copies and retransmissions. */
  dataFramesSent = 0;
  dataFramesRetransmitted = 0;
  private readonly drops: Record<DropReason, number> = emptyDrops();

  drop(reason: DropReason): void {
    this.drops[reason] += 1;
  }

  dropCounts(): Record<DropReason, number> {
    return { ...this.drops };
  }

  get dropped(): number {
    let n = 0;
    for (const r of DROP_REASONS) n += this.drops[r];
    return n;
  }

  /** Retransmitted data frames / data frames sent, in percent. */
  get lossPct(): number {
    return this.dataFramesSent === 0 ? 0 : (100 * this.dataFramesRetransmitted) / this.dataFramesSent;
  }

  snapshot(extra: Pick<LinkStats, 'rttMs' | 'lastRttMs' | 'pending' | 'keyAgeMs'>): LinkStats {
    return {
      rttMs: extra.rttMs,
      lastRttMs: extra.lastRttMs,
      lossPct: this.lossPct,
      datagramsIn: this.datagramsIn,
      datagramsOut: this.datagramsOut,
      dropped: this.dropped,
      droppedBy: this.dropCounts(),
      framesSent: this.dataFramesSent,
      retransmissions: this.dataFramesRetransmitted,
      pending: extra.pending,
      keyAgeMs: extra.keyAgeMs,
    };
  }
}

function emptyDrops(): Record<DropReason, number> {
  const out = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) out[r] = 0;
  return out;
}
