/**
 * One-way reliable streaming: A sends `count` messages of `bytes` bytes as
 * fast as its send queue takes them, B receives them. When B is a session of
 * this process its receipts are checked here (order, duplicates, latency);
 * when it runs elsewhere (remote-peer.ts) only A's deliveries are counted and
 * the caller asks B for its count.
 * Measures what a user's messages go through: bus `send` → reliable send
 * window → Fernet → UDP → Fernet → receive window → bus `message:received`,
 * and the acks back until `message:delivered`.
 *
 * A keeps at most `window` messages unacknowledged (below
 * SEND_QUEUE_MAX_MESSAGES, so nothing is refused); refills are coalesced into
 * one setImmediate so the sender never re-enters the receive path.
 */
import { newMessageId } from '../src/bus.js';
import { SEND_QUEUE_MAX_MESSAGES } from '../src/constants.js';
import type { Deadline } from './budget.js';
import type { ChatSession } from '../src/app/session.js';
import { messageText } from './sessions.js';

export interface StreamResult {
  sent: number;
  delivered: number;
  /** Distinct messages B received (0 when B runs in another process). */
  received: number;
  /** B received a message twice, or out of order. */
  duplicates: number;
  outOfOrder: number;
  failed: number;
  /** From the first send to the last delivery (or the stop), in ms. */
  elapsedMs: number;
  /** Send → received at B, per message, in ms. */
  latencies: number[];
  stopped: null | 'deadline' | 'stall';
}

/** Most messages A keeps unacknowledged: below SEND_QUEUE_MAX_MESSAGES, so none is refused. */
export const STREAM_WINDOW = Math.floor(SEND_QUEUE_MAX_MESSAGES * 0.9);

export function stream(
  pair: { a: ChatSession; b?: ChatSession },
  opts: { count: number; bytes: number; deadline: Deadline; stallMs: number; window?: number },
): Promise<StreamResult> {
  const window = opts.window ?? STREAM_WINDOW;
  const { a, b } = pair;
  const complete = (): boolean => r.delivered + r.failed >= opts.count && (b === undefined || r.received >= opts.count - r.failed);
  const sentAt: number[] = [];
  const seen = new Uint8Array(opts.count);
  const r: StreamResult = { sent: 0, delivered: 0, received: 0, duplicates: 0, outOfOrder: 0, failed: 0, elapsedMs: 0, latencies: [], stopped: null };
  let lastIndex = -1;
  let progressAt = performance.now();
  return new Promise((resolve) => {
    let done = false;
    let refillQueued = false;
    const t0 = performance.now();
    const finish = (stopped: StreamResult['stopped']): void => {
      if (done) return;
      done = true;
      r.elapsedMs = performance.now() - t0;
      r.stopped = stopped;
      for (const off of offs) off?.();
      clearInterval(watchdog);
      resolve(r);
    };
    const refill = (): void => {
      refillQueued = false;
      while (!done && r.sent < opts.count && r.sent - r.delivered - r.failed < window) {
        const n = r.sent++;
        sentAt[n] = performance.now();
        a.bus.emit('send', { id: newMessageId(), text: messageText(n, opts.bytes) });
      }
    };
    const offs = [
      a.bus.on('message:delivered', () => {
        r.delivered++;
        progressAt = performance.now();
        if (complete()) return finish(null);
        if (!refillQueued && r.sent < opts.count) {
          refillQueued = true;
          setImmediate(refill);
        }
      }),
      a.bus.on('message:failed', () => {
        r.failed++;
      }),
      b?.bus.on('message:received', ({ text }) => {
        const n = Number(/^#(\d+)/.exec(text)?.[1] ?? -1);
        if (!(n >= 0 && n < opts.count)) return;
        if (seen[n]) {
          r.duplicates++;
          return;
        }
        seen[n] = 1;
        r.received++;
        if (n !== lastIndex + 1) r.outOfOrder++;
        lastIndex = n;
        r.latencies.push(performance.now() - sentAt[n]!);
        if (complete()) finish(null);
      }),
    ];
    const watchdog = setInterval(() => {
      if (opts.deadline.expired()) finish('deadline');
      else if (performance.now() - progressAt > opts.stallMs) finish('stall');
    }, 100);
    refill();
  });
}

/** What went wrong in a run, for the table's notes; undefined when nothing did. */
export function streamNote(r: StreamResult, count: number, stallMs: number): string | undefined {
  const parts: string[] = [];
  if (r.stopped === 'deadline') parts.push(`stopped at the time budget: ${r.delivered} of ${count} delivered`);
  if (r.stopped === 'stall') parts.push(`no progress for ${stallMs} ms: ${r.delivered} of ${count} delivered`);
  if (r.failed > 0) parts.push(`${r.failed} message:failed`);
  if (r.duplicates > 0 || r.outOfOrder > 0) parts.push(`${r.duplicates} duplicates, ${r.outOfOrder} out of order`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
