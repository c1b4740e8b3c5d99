/**
 * The injected clock. Everything time-dependent takes a Clock, so tests drive
 * timeouts by moving a number instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new TypeError(`advance: ms must be >= 0, got ${ms}`);
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}
