import { BULK_ACK_RANGES_MAX } from '../constants.js';
import type { PnRange } from './bulk-codec.js';

/**
 * The bulk packet numbers a receiver got, as half-open ranges newest first
 * (what a bulk-ack reports). Bounded: only the newest `max` ranges are kept;
 * an older one is forgotten, so a packet that old is acknowledged again only
 * if its number lands in a kept range — the sender's loss detection has
 * long declared it lost by then and resent its bytes under a new number.
 * Pure.
 */
export class PnRanges {
  /** Descending, disjoint, not touching. */
  private r: Array<[number, number]> = [];

  constructor(private readonly max: number = BULK_ACK_RANGES_MAX) {}

  /** Record `pn`; false when it was known already (a duplicate). */
  add(pn: number): boolean {
    const r = this.r;
    const top = r[0];
    // The common case: the next packet in order.
    if (top !== undefined && pn === top[1]) {
      top[1] += 1;
      return true;
    }
    // First range (from the newest) whose start is at or below pn.
    let i = 0;
    while (i < r.length && r[i]![0] > pn) i++;
    const at = r[i];
    if (at !== undefined && pn < at[1]) return false;
    const above = i > 0 ? r[i - 1]! : undefined; // the range just above pn
    const joinsBelow = at !== undefined && at[1] === pn;
    const joinsAbove = above !== undefined && above[0] === pn + 1;
    if (joinsBelow && joinsAbove) {
      at[1] = above[1];
      r.splice(i - 1, 1);
    } else if (joinsBelow) at[1] = pn + 1;
    else if (joinsAbove) above[0] = pn;
    else {
      if (i === r.length && r.length >= this.max) return true; // older than anything kept: forgotten, never reported
      r.splice(i, 0, [pn, pn + 1]);
      if (r.length > this.max) r.pop();
    }
    return true;
  }

  /** Newest first: the bulk-ack's ranges. */
  ranges(): PnRange[] {
    return this.r.map(([s, e]) => [s, e] as const);
  }

  reset(): void {
    this.r = [];
  }
}
