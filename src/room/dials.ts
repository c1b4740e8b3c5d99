/**
 * When to dial (#15): a member with no link is dialled at once when it is
 * new or its address changed, then again every ROOM_REDIAL_MS until a link
 * binds. Pure; the clock is the caller's `now`.
 */
import { ROOM_REDIAL_MS } from '../constants.js';

export class DialPlan {
  private readonly last = new Map<string, { address: string; at: number }>();

  /** Whether to dial `address` for `key` (a member id, or the inviter) now; if so, it is noted as dialled. */
  due(key: string, address: string, now: number): boolean {
    const d = this.last.get(key);
    if (d !== undefined && d.address === address && now - d.at < ROOM_REDIAL_MS) return false;
    this.last.set(key, { address, at: now });
    return true;
  }

  /** When `key` at `address` may be dialled (now or earlier: at once). */
  dueAt(key: string, address: string): number {
    const d = this.last.get(key);
    return d === undefined || d.address !== address ? 0 : d.at + ROOM_REDIAL_MS;
  }

  /** The link to `key` went away: the next dial waits ROOM_REDIAL_MS (the link may come back by itself meanwhile). */
  lost(key: string, address: string, now: number): void {
    this.last.set(key, { address, at: now });
  }
}
