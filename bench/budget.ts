/**
 * Time budgets: every bench loop is bounded in count AND in time, and a
 * figure that gets stuck reports "timeout" instead of hanging the run.
 */

/** A wait ran past its budget. */
export class BenchTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: timeout after ${Math.round(ms)} ms`);
    this.name = 'BenchTimeoutError';
  }
}

export class Deadline {
  readonly at: number;
  constructor(ms: number) {
    if (!(ms >= 0)) throw new TypeError(`Deadline: ms must be >= 0, got ${ms}`);
    this.at = performance.now() + ms;
  }
  expired(): boolean {
    return performance.now() >= this.at;
  }
  remaining(): number {
    return Math.max(0, this.at - performance.now());
  }
  /** A shorter deadline inside this one. */
  sub(ms: number): Deadline {
    return new Deadline(Math.min(ms, this.remaining()));
  }
}

/** Resolves as `p`, or rejects with BenchTimeoutError after `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new BenchTimeoutError(what, ms)), Math.max(0, ms));
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Lets pending I/O and timers run between timed samples. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
