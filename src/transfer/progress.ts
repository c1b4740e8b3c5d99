/**
 * Rate, ETA and the pace of progress events for one transfer. Pure: times
 * come in from the caller's clock.
 */
import { TRANSFER_PROGRESS_INTERVAL_MS, TRANSFER_RATE_WINDOW_MS } from '../constants.js';

export class Progress {
  /** (time, bytes) samples inside the rate window, oldest first. */
  private samples: Array<{ t: number; bytes: number }> = [];
  private lastEmit = -Infinity;

  /** Forget the samples (a new run of the transfer starts at `bytes`). */
  restart(now: number, bytes: number): void {
    this.samples = [{ t: now, bytes }];
  }

  /** A new byte count at `now`. */
  sample(now: number, bytes: number): void {
    this.samples.push({ t: now, bytes });
    while (this.samples.length > 2 && now - this.samples[1]!.t >= TRANSFER_RATE_WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second over the window, or null before there is half a second of it. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.t - first.t < 500) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  /** Seconds left for `remaining` bytes at the current rate, or null. */
  eta(remaining: number): number | null {
    const r = this.rate();
    if (r === null || r <= 0) return null;
    return Math.ceil(remaining / r);
  }

  /** True when a progress event may go out now (at most one per TRANSFER_PROGRESS_INTERVAL_MS); records it. */
  due(now: number): boolean {
    if (now - this.lastEmit < TRANSFER_PROGRESS_INTERVAL_MS) return false;
    this.lastEmit = now;
    return true;
  }

  /** A state change went out: the next progress waits a full interval from now. */
  emitted(now: number): void {
    this.lastEmit = now;
  }
}
