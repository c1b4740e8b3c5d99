import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_DATAGRAM_BYTES,
  PMTU_CANDIDATES_BYTES,
  PMTU_MAX_PROBES,
  PMTU_PROBE_TIMEOUT_MS,
  PMTU_RAISE_INTERVAL_MS,
  PMTU_SEARCH_STEP_BYTES,
} from '../../src/constants.js';
import { PmtuSearch } from '../../src/net/pmtu.js';

/** Run the search against a path that carries datagrams up to `mtu` bytes, answering at once; returns the probe sizes sent. */
function run(s: PmtuSearch, mtu: number, start = 0): { sizes: number[]; now: number } {
  const sizes: number[] = [];
  let now = start;
  for (let i = 0; i < 200; i++) {
    const p = s.probe(now);
    if (p !== null) {
      sizes.push(p.size);
      if (p.size <= mtu) s.onProbeAcked(p.id, now + 1);
      continue;
    }
    if (s.phase === 'complete') break;
    const d = s.nextDeadline();
    assert.ok(d !== null, 'a search waiting for a probe has a deadline');
    now = d;
    s.tick(now);
  }
  return { sizes, now };
}

test('starts at the base size and searching', () => {
  const s = new PmtuSearch();
  assert.equal(s.size, MAX_DATAGRAM_BYTES);
  assert.equal(s.phase, 'searching');
});

test('loopback: every candidate crosses, the search ends at the largest', () => {
  const s = new PmtuSearch();
  const { sizes } = run(s, 65_507);
  assert.deepEqual(sizes, [...PMTU_CANDIDATES_BYTES]);
  assert.equal(s.size, 65_507);
  assert.equal(s.phase, 'complete');
});

test('an Ethernet path: 1472 confirmed, 8972 tried PMTU_MAX_PROBES times, then halving stops within the step', () => {
  const s = new PmtuSearch();
  const { sizes } = run(s, 1500 - 28);
  assert.equal(s.size, 1472);
  assert.equal(sizes.filter((x) => x === 8972).length, PMTU_MAX_PROBES);
  assert.equal(s.phase, 'complete');
});

test('an odd path MTU is found to within the search step, never above it', () => {
  for (const mtu of [1300, 4000, 9000, 20_000, 50_000]) {
    const s = new PmtuSearch();
    run(s, mtu);
    assert.ok(s.size <= Math.max(mtu, MAX_DATAGRAM_BYTES), `never above the path: ${mtu} → ${s.size}`);
    // Below the first candidate the gap to the base is under one step: the base stays.
    const floor = Math.max(MAX_DATAGRAM_BYTES, mtu - PMTU_SEARCH_STEP_BYTES);
    assert.ok(s.size > floor || s.size === MAX_DATAGRAM_BYTES, `mtu ${mtu}: found ${s.size}`);
    if (mtu >= 1472) assert.ok(mtu - s.size < PMTU_SEARCH_STEP_BYTES, `mtu ${mtu}: found ${s.size}`);
  }
});

test('one probe at a time; a lost probe times out after PMTU_PROBE_TIMEOUT_MS (or 3 RTTs)', () => {
  const s = new PmtuSearch();
  const p = s.probe(0, 400)!;
  assert.equal(p.size, PMTU_CANDIDATES_BYTES[0]);
  assert.equal(s.probe(1), null, 'one outstanding');
  assert.equal(s.nextDeadline(), 1200, '3 × 400 ms RTT');
  const q = new PmtuSearch();
  q.probe(0, null);
  assert.equal(q.nextDeadline(), PMTU_PROBE_TIMEOUT_MS);
});

test('the size proven is the one recorded for the id: unknown ids change nothing, a late answer still counts', () => {
  const s = new PmtuSearch();
  s.onProbeAcked(99, 0);
  assert.equal(s.size, MAX_DATAGRAM_BYTES);
  const p = s.probe(0)!;
  s.tick(PMTU_PROBE_TIMEOUT_MS);
  s.onProbeAcked(p.id, PMTU_PROBE_TIMEOUT_MS + 5);
  assert.equal(s.size, p.size);
});

test('black hole: back to the base at once, then searching again below the size that vanished', () => {
  const s = new PmtuSearch();
  run(s, 65_507);
  assert.equal(s.size, 65_507);
  s.onBlackHole(10);
  assert.equal(s.size, MAX_DATAGRAM_BYTES);
  assert.equal(s.phase, 'searching');
  const { sizes } = run(s, 9000, 10);
  assert.ok(
    sizes.every((x) => x < 65_507),
    'the vanished size is not probed again',
  );
  assert.ok(s.size >= 8972 - PMTU_SEARCH_STEP_BYTES && s.size <= 9000, `found ${s.size}`);
});

test('a complete search looks again after PMTU_RAISE_INTERVAL_MS', () => {
  const s = new PmtuSearch();
  const { now } = run(s, 1472);
  assert.equal(s.phase, 'complete');
  assert.equal(s.probe(now + 1), null);
  const at = s.nextDeadline()!;
  assert.ok(at - now <= PMTU_RAISE_INTERVAL_MS && at - now > PMTU_RAISE_INTERVAL_MS - 10 * PMTU_PROBE_TIMEOUT_MS);
  s.tick(at);
  assert.equal(s.phase, 'searching');
  assert.equal(s.probe(at)?.size, 8972);
});

test('reset: a new path starts from the base', () => {
  const s = new PmtuSearch();
  run(s, 65_507);
  s.reset();
  assert.equal(s.size, MAX_DATAGRAM_BYTES);
  assert.equal(s.phase, 'searching');
});

test('a maximum at the base: nothing to search', () => {
  const s = new PmtuSearch(1200, 1200);
  assert.equal(s.phase, 'complete');
  assert.equal(s.probe(0), null);
  assert.throws(() => new PmtuSearch(1200, 1000), TypeError);
});

test('property: the size never exceeds the path, and the search always ends', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1200, max: 65_507 }), (mtu) => {
      const s = new PmtuSearch();
      run(s, mtu);
      assert.equal(s.phase, 'complete');
      assert.ok(s.size <= mtu);
    }),
    { numRuns: 100 },
  );
});
