import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CC_MAXIMUM_WINDOW_BYTES, CUBIC_BETA, CUBIC_C } from '../../src/constants.js';
import { initialWindow } from '../../src/net/congestion.js';
import { Cubic } from '../../src/net/cubic.js';

// RFC 9438 with β = 0.7, C = 0.4, windows in datagrams of D bytes.
const D = 1000;

/**
 * One round trip of an ack-clocked sender that keeps its window full: the
 * datagrams in flight are acknowledged `rttMs` after they left, and every ack
 * lets out as many new datagrams as the window allows. Returns the new time.
 */
function round(cc: Cubic, now: number, rttMs: number): number {
  const at = now + rttMs;
  if (cc.inFlight === 0) while (cc.canSend(D)) cc.onSent(D);
  const n = Math.round(cc.inFlight / D);
  for (let i = 0; i < n; i++) {
    cc.onAcked(D, now, at, rttMs);
    while (cc.canSend(D) && cc.inFlight + D <= cc.window) cc.onSent(D);
  }
  return at;
}

/** Slow start up to at least `datagrams`, then one loss at `now`; what was in flight then is forgotten. Returns the controller and W_max, in datagrams. */
function lossAt(datagrams: number, now: number): { cc: Cubic; wMax: number } {
  const cc = new Cubic(D);
  let t = 0;
  while (cc.window < datagrams * D) t = round(cc, t, 10);
  const wMax = cc.window / D;
  cc.onLost(D, now - 1, now);
  cc.onDiscarded(cc.inFlight);
  return { cc, wMax };
}

test('slow start as NewReno: the initial window, doubling per round trip', () => {
  const cc = new Cubic(D);
  assert.equal(cc.window, initialWindow(D));
  round(cc, 0, 10);
  assert.equal(cc.window, 2 * initialWindow(D));
  round(cc, 10, 10);
  assert.equal(cc.window, 4 * initialWindow(D));
});

test('a loss keeps 70 % of the window (β), once per recovery period', () => {
  const cc = new Cubic(D);
  let t = 0;
  for (let i = 0; i < 4; i++) t = round(cc, t, 10);
  const w = cc.window;
  cc.onSent(3 * D);
  cc.onLost(D, t, t + 1);
  assert.equal(cc.window, w * CUBIC_BETA);
  assert.equal(cc.ssthresh, w * CUBIC_BETA);
  cc.onLost(D, t, t + 2);
  assert.equal(cc.window, w * CUBIC_BETA, 'a datagram sent before the recovery began: no second cut');
});

test('the curve: back at W_max after K = ∛(W_max·(1−β)/C) seconds, above it after (probing)', () => {
  const { cc, wMax } = lossAt(100, 1000);
  assert.equal(cc.window, wMax * D * CUBIC_BETA);
  const kMs = 1000 * Math.cbrt((wMax * (1 - CUBIC_BETA)) / CUBIC_C);
  let t = 1000;
  while (t < 1000 + kMs - 50) t = round(cc, t, 50);
  const atK = cc.window;
  assert.ok(Math.abs(atK - wMax * D) < 0.05 * wMax * D, `at K (${Math.round(kMs)} ms) the window is back near W_max = ${wMax * D}: ${atK}`);
  while (t < 1000 + 2 * kMs) t = round(cc, t, 50);
  assert.ok(cc.window > atK * 1.1, `past K the window grows beyond W_max: ${cc.window}`);
});

test('the curve grows slowly near W_max (concave), fast far from it', () => {
  const { cc, wMax } = lossAt(100, 1000);
  let t = 1000;
  const early = cc.window;
  for (let i = 0; i < 5; i++) t = round(cc, t, 50);
  const firstGain = cc.window - early;
  const kMs = 1000 * Math.cbrt((wMax * (1 - CUBIC_BETA)) / CUBIC_C);
  while (t < 1000 + kMs - 250) t = round(cc, t, 50);
  const nearK = cc.window;
  for (let i = 0; i < 5; i++) t = round(cc, t, 50);
  assert.ok(cc.window - nearK < firstGain, `slower near W_max (${cc.window - nearK}) than right after the loss (${firstGain})`);
});

test('Reno-friendly region: a small window on a short path grows at least α = 3(1−β)/(1+β) datagrams per round trip', () => {
  const { cc } = lossAt(10, 1000);
  let t = 1000;
  const alpha = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);
  const w0 = cc.window;
  for (let i = 0; i < 10; i++) t = round(cc, t, 1);
  assert.ok(cc.window - w0 >= 10 * alpha * D * 0.8, `10 round trips of 1 ms: ${w0} → ${cc.window}`);
});

test('fast convergence: a loss below the last W_max remembers less than the window had', () => {
  const { cc } = lossAt(100, 1000);
  const w = cc.window; // 0.7 × 128 datagrams
  cc.onSent(D);
  cc.onLost(D, 1001, 1002);
  assert.equal(cc.window, Math.max(w * CUBIC_BETA, 2 * D));
});

test('persistent congestion: the minimum window, and slow start below ssthresh again', () => {
  const { cc } = lossAt(50, 1000);
  cc.onPersistentCongestion();
  assert.equal(cc.window, 2 * D);
  const before = cc.window;
  // Whatever was in flight is gone; the next datagrams are sent after this point.
  cc.onDiscarded(cc.inFlight);
  round(cc, 2000, 10);
  assert.equal(cc.window, 2 * before, 'slow start (the window is below ssthresh)');
});

test('app-limited: acks while less than half the window is used grow nothing', () => {
  const { cc } = lossAt(50, 1000);
  const w = cc.window;
  cc.onSent(D);
  cc.onAcked(D, 2000, 2100, 10);
  assert.equal(cc.window, w);
});

test('misuse is a TypeError', () => {
  assert.throws(() => new Cubic(0), TypeError);
  assert.throws(() => new Cubic(D).onSent(-1), TypeError);
});

test('property: in flight never negative, window within [minimum, maximum], whatever the order of events', () => {
  const event = fc.oneof(
    fc.record({ k: fc.constant('sent' as const), b: fc.integer({ min: 1, max: 65_507 }) }),
    fc.record({ k: fc.constant('acked' as const), b: fc.integer({ min: 1, max: 65_507 }), t: fc.integer({ min: 0, max: 100_000 }) }),
    fc.record({ k: fc.constant('lost' as const), b: fc.integer({ min: 1, max: 65_507 }), t: fc.integer({ min: 0, max: 100_000 }) }),
    fc.record({ k: fc.constant('persistent' as const) }),
    fc.record({ k: fc.constant('size' as const), b: fc.integer({ min: 1200, max: 65_507 }) }),
  );
  fc.assert(
    fc.property(fc.array(event, { maxLength: 300 }), (events) => {
      const cc = new Cubic(1200);
      let now = 0;
      for (const e of events) {
        now += 7;
        if (e.k === 'sent') cc.onSent(e.b);
        else if (e.k === 'acked') cc.onAcked(e.b, e.t, now + 100_000, 40);
        else if (e.k === 'lost') cc.onLost(e.b, e.t, now + 100_000);
        else if (e.k === 'persistent') cc.onPersistentCongestion();
        else cc.setMaxDatagramBytes(e.b);
        assert.ok(cc.inFlight >= 0);
        assert.ok(Number.isFinite(cc.window));
        assert.ok(cc.window >= cc.minimumWindow && cc.window <= CC_MAXIMUM_WINDOW_BYTES, `window ${cc.window}`);
      }
    }),
    { numRuns: 200 },
  );
});
