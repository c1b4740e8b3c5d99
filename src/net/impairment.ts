/**
 * Seeded randomness for simulated links: a small generator (mulberry32) and
 * the one function that turns it into a datagram's fate. MemoryNetwork and
 * the chaos proxy both draw loss, duplication, reordering and jitter here, so
 * they impair alike and a failing run can be replayed from its seed.
 *
 * Not for anything secret: keys, IVs and session ids come from node:crypto.
 */

export class Prng {
  private state: number;

  /** Any finite number is a seed; equal seeds give equal sequences. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`Prng: seed must be a finite number, got ${seed}`);
    // Fold fractions and large values into 32 bits so every seed is usable.
    this.state = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** True with probability p (p ≤ 0 never, p ≥ 1 always); always draws once so sequences stay aligned. */
  chance(p: number): boolean {
    const r = this.next();
    return r < p;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new TypeError(`Prng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** n pseudo-random bytes (fuzzing input, not key material). */
  bytes(n: number): Buffer {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`Prng.bytes: n must be a non-negative integer, got ${n}`);
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** Impairments of every link; probabilities 0..1, times in ms. */
export interface LinkConditions {
  loss?: number;
  duplicate?: number;
  reorder?: number;
  delayMs?: number;
  jitterMs?: number;
  /** Datagrams larger than this many bytes are dropped (a path MTU); default none. */
  mtuBytes?: number;
}

/** What becomes of one datagram on an impaired link. */
export interface Fate {
  /** 0 lost, 1 delivered, 2 duplicated. */
  copies: number;
  /** The first copy waits behind the next datagram on its link. */
  holdBack: boolean;
  /** Delay of each copy, in ms. */
  delaysMs: number[];
}

/**
 * Draws a datagram's fate: three draws (loss, duplication, reordering), then
 * with jitter one more per copy, so the number of draws depends on the fate
 * itself; equal seeds and equal conditions still give equal runs. Used by
 * MemoryNetwork and src/testing/chaos-proxy.ts.
 */
export function decideFate(prng: Prng, c: LinkConditions): Fate {
  const lost = prng.chance(c.loss ?? 0);
  const dup = prng.chance(c.duplicate ?? 0);
  const holdBack = prng.chance(c.reorder ?? 0);
  const copies = lost ? 0 : dup ? 2 : 1;
  const delaysMs: number[] = [];
  for (let i = 0; i < copies; i++) {
    delaysMs.push((c.delayMs ?? 0) + ((c.jitterMs ?? 0) > 0 ? prng.next() * (c.jitterMs ?? 0) : 0));
  }
  return { copies, holdBack: holdBack && copies > 0, delaysMs };
}

/** Throws TypeError for probabilities outside 0..1 or negative/non-finite times. */
export function checkConditions(c: LinkConditions): LinkConditions {
  for (const k of ['loss', 'duplicate', 'reorder'] as const) {
    const v = c[k];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new TypeError(`${k} must be a probability 0..1, got ${v}`);
  }
  if (c.mtuBytes !== undefined && !(Number.isInteger(c.mtuBytes) && c.mtuBytes > 0))
    throw new TypeError(`mtuBytes must be a positive integer, got ${c.mtuBytes}`);
  for (const k of ['delayMs', 'jitterMs'] as const) {
    const v = c[k];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new TypeError(`${k} must be a finite number >= 0, got ${v}`);
  }
  return { ...c };
}
