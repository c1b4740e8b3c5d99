import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CC_MAXIMUM_WINDOW_BYTES } from '../../src/constants.js';
import { initialWindow, NewReno } from '../../src/net/congestion.js';

// Worked by hand from RFC 9002 §7 and Appendix B (NewReno), datagrams of 1200 bytes.
const D = 1200;

/** Send `n` datagrams of D at `at`, as a sender filling its window would. */
function sendN(cc: NewReno, n: number): void {
  for (let i = 0; i < n; i++) cc.onSent(D);
}

test('initial window: min(10·size, max(14720, 2·size))', () => {
  assert.equal(initialWindow(1200), 12_000);
  assert.equal(initialWindow(1472), 14_720);
  assert.equal(initialWindow(65_507), 131_014);
  assert.equal(new NewReno(D).window, 12_000);
  assert.equal(new NewReno(D).ssthresh, Number.POSITIVE_INFINITY);
});

test('canSend: within the window, and always one datagram when nothing is in flight', () => {
  const cc = new NewReno(D);
  sendN(cc, 10);
  assert.equal(cc.inFlight, 12_000);
  assert.equal(cc.canSend(D), false);
  const tiny = new NewReno(D);
  tiny.onPersistentCongestion();
  assert.equal(tiny.window, 2400);
  assert.equal(tiny.canSend(65_000), true, 'an empty flight lets one datagram out, however large');
});

test('slow start: each acked byte grows the window by a byte (a sender refilling its window as acks come)', () => {
  const cc = new NewReno(D);
  sendN(cc, 10);
  for (let i = 0; i < 10; i++) {
    cc.onAcked(D, 0);
    while (cc.canSend(D)) cc.onSent(D);
  }
  assert.equal(cc.window, 24_000);
  assert.equal(cc.inFlight, 24_000);
});

test('a loss halves the window once per recovery period', () => {
  const cc = new NewReno(D);
  sendN(cc, 10);
  cc.onLost(D, 5, 100);
  assert.equal(cc.window, 6000);
  assert.equal(cc.ssthresh, 6000);
  // More losses of datagrams sent before recovery began (t=100): no further cut.
  cc.onLost(D, 6, 101);
  cc.onLost(D, 99, 102);
  assert.equal(cc.window, 6000);
  // Acks of datagrams sent before recovery began do not grow the window.
  cc.onAcked(D, 50);
  assert.equal(cc.window, 6000);
  // A loss of a datagram sent after recovery began starts a new period.
  cc.onSent(D);
  cc.onLost(D, 101, 200);
  assert.equal(cc.window, 3000);
});

test('congestion avoidance: one datagram per window acknowledged', () => {
  const cc = new NewReno(D);
  sendN(cc, 10);
  cc.onLost(D, 0, 10); // window 6000 = ssthresh
  const before = cc.window;
  // A full window of acks, for datagrams sent after recovery began, with the window in use.
  sendN(cc, 5);
  for (let i = 0; i < 5; i++) cc.onAcked(D, 20);
  assert.ok(Math.abs(cc.window - (before + D)) < 120, `grew by about one datagram: ${before} → ${cc.window}`);
});

test('app-limited: acks while less than half the window is in use do not grow it', () => {
  const cc = new NewReno(D);
  cc.onSent(D);
  cc.onAcked(D, 0);
  assert.equal(cc.window, 12_000);
});

test('the window never falls below two datagrams, and persistent congestion goes there', () => {
  const cc = new NewReno(D);
  for (let t = 1; t < 20; t++) {
    cc.onSent(D);
    cc.onLost(D, t * 10 + 1, t * 10 + 5);
  }
  assert.equal(cc.window, 2400);
  const cc2 = new NewReno(D);
  cc2.onPersistentCongestion();
  assert.equal(cc2.window, cc2.minimumWindow);
});

test('discarded bytes leave the flight without changing the window', () => {
  const cc = new NewReno(D);
  sendN(cc, 3);
  cc.onDiscarded(2 * D);
  assert.equal(cc.inFlight, D);
  assert.equal(cc.window, 12_000);
});

test('a larger datagram size: a fresh controller takes its initial window; a used one keeps its bytes', () => {
  const fresh = new NewReno(D);
  fresh.setMaxDatagramBytes(65_507);
  assert.equal(fresh.window, initialWindow(65_507));
  const used = new NewReno(D);
  sendN(used, 10);
  used.onLost(D, 0, 1);
  used.setMaxDatagramBytes(65_507);
  assert.equal(used.window, used.minimumWindow, 'never below the new minimum (2 × 65507)');
});

test('misuse is a TypeError', () => {
  assert.throws(() => new NewReno(0), TypeError);
  assert.throws(() => new NewReno(D).onSent(-1), TypeError);
  assert.throws(() => new NewReno(D).onAcked(1.5, 0), TypeError);
});

test('property: in flight never negative, window within [minimum, maximum], whatever the order of events', () => {
  const event = fc.oneof(
    fc.record({ k: fc.constant('sent' as const), b: fc.integer({ min: 1, max: 65_507 }) }),
    fc.record({ k: fc.constant('acked' as const), b: fc.integer({ min: 1, max: 65_507 }), t: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({ k: fc.constant('lost' as const), b: fc.integer({ min: 1, max: 65_507 }), t: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({ k: fc.constant('persistent' as const) }),
  );
  fc.assert(
    fc.property(fc.array(event, { maxLength: 300 }), (events) => {
      const cc = new NewReno(D);
      let now = 0;
      for (const e of events) {
        now += 1;
        if (e.k === 'sent') cc.onSent(e.b);
        else if (e.k === 'acked') cc.onAcked(e.b, e.t);
        else if (e.k === 'lost') cc.onLost(e.b, e.t, now + 1000);
        else cc.onPersistentCongestion();
        assert.ok(cc.inFlight >= 0);
        assert.ok(cc.window >= cc.minimumWindow && cc.window <= CC_MAXIMUM_WINDOW_BYTES, `window ${cc.window}`);
      }
    }),
    { numRuns: 200 },
  );
});
