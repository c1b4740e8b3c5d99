/**
 * The chaos proxy: a real UDP forwarder between two peers on loopback, with
 * seeded loss, duplication, reordering, delay and jitter.
 *
 *   A ──▶ forA ══(impair)══▶ forB's socket ──▶ B
 *   A ◀── forA's socket ◀══(impair)══ forB ◀── B
 *
 * A is pointed at `forA`, B at `forB`; each sees the proxy as its peer. Each
 * direction draws from its own Prng (seeded from `seed`), so the pattern of
 * one direction does not depend on how the two interleave: the same seed and
 * the same traffic give the same drops.
 *
 * Reordering (as MemoryNetwork does): a datagram is held back and released
 * right after the next one in its direction, or after REORDER_HOLD_MAX_MS.
 *
 * A bottleneck (`rateBytesPerS`): each direction is a link of that rate with
 * a FIFO queue of `queueBytes` in front of it, as a router's. A datagram
 * leaves the link when the ones before it and its own bytes have gone
 * through; one that finds the queue full is dropped (tail drop, counted as
 * `queueDropped`). The delay is added after the link. This is what a
 * congestion controller meets on a real path: a rate, a queue that fills,
 * and loss when it overflows.
 *
 * All timers are unref'd and cleared on close.
 */
import { REORDER_HOLD_MAX_MS } from '../constants.js';
import type { Address } from '../address/address.js';
import type { DatagramPort } from '../net/port.js';
import { Prng, checkConditions, decideFate } from '../net/impairment.js';
import { bindUdp } from '../net/udp.js';

export interface ChaosOptions {
  /** Probabilities 0..1. */
  loss: number;
  duplicate: number;
  reorder: number;
  /** Added to every datagram, in ms. */
  delayMs?: number;
  /** Uniform extra delay 0..jitterMs, in ms. */
  jitterMs?: number;
  seed: number;
  /** Where the proxy binds; default '127.0.0.1'. */
  host?: string;
  /** A bottleneck link of this rate each way, in bytes per second; default none. */
  rateBytesPerS?: number;
  /** The bottleneck's queue, in bytes; default CHAOS_QUEUE_DEFAULT_BYTES. Only with rateBytesPerS. */
  queueBytes?: number;
}

/** The bottleneck's default queue, in bytes: 64 KiB, a small router buffer. */
export const CHAOS_QUEUE_DEFAULT_BYTES = 64 * 1024;

export interface DirectionStats {
  received: number;
  forwarded: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  /** Dropped because the bottleneck's queue was full. */
  queueDropped: number;
}

export interface ChaosStats {
  aToB: DirectionStats;
  bToA: DirectionStats;
  /** Send failures reported by the proxy's sockets (e.g. a peer that is down). */
  sendErrors: number;
}

export interface ChaosProxy {
  /** A talks to this address. */
  forA: Address;
  /** B talks to this address. */
  forB: Address;
  stats: ChaosStats;
  /** Change the impairments (and reseed, if `seed` is given) from now on. */
  setOptions(o: Partial<ChaosOptions>): void;
  close(): Promise<void>;
}

/** Salt so the two directions draw independent sequences from one seed. */
const B_TO_A_SEED_SALT = 0x9e3779b9;

interface Direction {
  stats: DirectionStats;
  prng: Prng;
  out: DatagramPort;
  to: Address;
  held: { data: Buffer; delayMs: number; timer: NodeJS.Timeout } | null;
  /** The bottleneck: when each queued datagram finishes crossing it (ms, performance.now()), oldest first, and its size. */
  link: { busyUntil: number; queue: Array<{ done: number; bytes: number }>; queuedBytes: number };
}

export async function startChaosProxy(a: Address, b: Address, opts: ChaosOptions): Promise<ChaosProxy> {
  let options = checkOptions(opts);
  const host = options.host ?? '127.0.0.1';
  const portA = await bindUdp(host, 0);
  let portB: DatagramPort;
  try {
    portB = await bindUdp(host, 0);
  } catch (err) {
    await portA.close();
    throw err;
  }
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const stats: ChaosStats = { aToB: newStats(), bToA: newStats(), sendErrors: 0 };
  const newLink = (): Direction['link'] => ({ busyUntil: 0, queue: [], queuedBytes: 0 });
  const aToB: Direction = { stats: stats.aToB, prng: new Prng(options.seed), out: portB, to: { ...b }, held: null, link: newLink() };
  const bToA: Direction = { stats: stats.bToA, prng: new Prng(options.seed ^ B_TO_A_SEED_SALT), out: portA, to: { ...a }, held: null, link: newLink() };

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
    return t;
  };

  const emit = (d: Direction, data: Buffer, delayMs: number): void => {
    const go = (): void => {
      if (closed) return;
      d.stats.forwarded++;
      d.out.send(data, d.to);
    };
    const wait = delayMs + bottleneck(d, data.length);
    if (wait === Number.POSITIVE_INFINITY) return;
    if (wait > 0) later(wait, go);
    else go();
  };

  /** How long the bottleneck holds a datagram of `bytes`, in ms: 0 without one, Infinity when its queue is full (dropped). */
  const bottleneck = (d: Direction, bytes: number): number => {
    const rate = options.rateBytesPerS;
    if (rate === undefined) return 0;
    const now = performance.now();
    const link = d.link;
    while (link.queue.length > 0 && link.queue[0]!.done <= now) link.queuedBytes -= link.queue.shift()!.bytes;
    if (link.queuedBytes + bytes > (options.queueBytes ?? CHAOS_QUEUE_DEFAULT_BYTES)) {
      d.stats.queueDropped++;
      return Number.POSITIVE_INFINITY;
    }
    link.busyUntil = Math.max(now, link.busyUntil) + (bytes * 1000) / rate;
    link.queue.push({ done: link.busyUntil, bytes });
    link.queuedBytes += bytes;
    return link.busyUntil - now;
  };

  // Released by the next datagram, the held one still owes its own delay; by
  // its timer, it has waited longer than that already.
  const release = (d: Direction, byTimer: boolean): void => {
    const h = d.held;
    if (!h) return;
    d.held = null;
    clearTimeout(h.timer);
    timers.delete(h.timer);
    emit(d, h.data, byTimer ? 0 : h.delayMs);
  };

  // Forward path: 1. count  2. draw the fate  3. send the copies (hold the
  // first back when reordering and nothing is held yet)  4. release the held one.
  const forward = (d: Direction, data: Buffer): void => {
    if (closed) return;
    d.stats.received++;
    const fate = decideFate(d.prng, options);
    const wasHeld = d.held !== null;
    if (fate.copies === 0) d.stats.dropped++;
    if (fate.copies === 2) d.stats.duplicated++;
    fate.delaysMs.forEach((delayMs, i) => {
      if (i === 0 && fate.holdBack && !wasHeld) {
        d.stats.reordered++;
        d.held = { data, delayMs, timer: later(REORDER_HOLD_MAX_MS + delayMs, () => release(d, true)) };
      } else {
        emit(d, data, delayMs);
      }
    });
    if (wasHeld) release(d, false);
  };

  portA.onDatagram((data) => forward(aToB, data));
  portB.onDatagram((data) => forward(bToA, data));
  portA.onError(() => stats.sendErrors++);
  portB.onError(() => stats.sendErrors++);

  let closing: Promise<void> | null = null;
  return {
    forA: portA.address(),
    forB: portB.address(),
    stats,
    setOptions(o: Partial<ChaosOptions>): void {
      options = checkOptions({ ...options, ...o });
      if (o.seed !== undefined) {
        aToB.prng = new Prng(options.seed);
        bToA.prng = new Prng(options.seed ^ B_TO_A_SEED_SALT);
      }
    },
    close(): Promise<void> {
      if (closing === null) {
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        aToB.held = null;
        bToA.held = null;
        closing = Promise.all([portA.close(), portB.close()]).then(() => undefined);
      }
      return closing;
    },
  };
}

function checkOptions(o: ChaosOptions): ChaosOptions {
  if (!Number.isFinite(o.seed)) throw new TypeError(`seed must be a finite number, got ${o.seed}`);
  checkConditions(o);
  if (o.rateBytesPerS !== undefined && !(Number.isFinite(o.rateBytesPerS) && o.rateBytesPerS > 0)) {
    throw new TypeError(`rateBytesPerS must be a positive number, got ${o.rateBytesPerS}`);
  }
  if (o.queueBytes !== undefined && !(Number.isInteger(o.queueBytes) && o.queueBytes > 0)) {
    throw new TypeError(`queueBytes must be a positive integer, got ${o.queueBytes}`);
  }
  return { ...o };
}

function newStats(): DirectionStats {
  return { received: 0, forwarded: 0, dropped: 0, duplicated: 0, reordered: 0, queueDropped: 0 };
}
