/**
 * Sequential ping-pong over anything that can send a numbered ping and hear
 * the numbered pong: one in flight at a time, the round trip timed from the
 * send call to the reply callback. Bounded by count, by a deadline, and by a
 * stall limit (a lost reply ends the run instead of hanging it).
 */
import type { Deadline } from './budget.js';

export interface Echoer {
  /** Send ping number `n`. */
  ping(n: number): void;
  /** Call `handler(n)` when pong number `n` arrives; returns the unsubscribe function. */
  onPong(handler: (n: number) => void): () => void;
}

export interface PingPongResult {
  /** Round trips in ms, warm-up excluded. */
  samples: number[];
  /** Why it ended before `count`: null when it completed. */
  stopped: null | 'deadline' | 'stall';
}

export function pingPong(e: Echoer, opts: { count: number; warmup: number; deadline: Deadline; stallMs: number }): Promise<PingPongResult> {
  if (!(Number.isInteger(opts.count) && opts.count > 0)) throw new TypeError(`pingPong: count must be a positive integer, got ${opts.count}`);
  const total = opts.warmup + opts.count;
  const samples: number[] = [];
  return new Promise((resolve) => {
    let n = 0;
    let sentAt = 0;
    let done = false;
    const finish = (stopped: PingPongResult['stopped']): void => {
      if (done) return;
      done = true;
      off();
      clearInterval(watchdog);
      resolve({ samples, stopped });
    };
    const off = e.onPong((k) => {
      if (done || k !== n) return; // a late duplicate of an earlier pong
      const rtt = performance.now() - sentAt;
      if (n >= opts.warmup) samples.push(rtt);
      n++;
      if (n >= total) return finish(null);
      if (opts.deadline.expired()) return finish('deadline');
      sentAt = performance.now();
      e.ping(n);
    });
    const watchdog = setInterval(
      () => {
        if (opts.deadline.expired()) finish('deadline');
        else if (performance.now() - sentAt > opts.stallMs) finish('stall');
      },
      Math.min(250, opts.stallMs),
    );
    sentAt = performance.now();
    e.ping(0);
  });
}
