import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RTO_INITIAL_MS, RTO_MAX_MS, RTO_MIN_MS, RTT_GRANULARITY_MS } from '../../src/constants.js';
import { RtoEstimator } from '../../src/net/rto.js';

// Worked by hand from RFC 6298 §2 with α = 1/8, β = 1/4, K = 4, G = 1 ms.

test('before any sample: RTO_INITIAL_MS and no estimates', () => {
  const e = new RtoEstimator();
  assert.equal(e.rto, RTO_INITIAL_MS);
  assert.equal(e.srtt, null);
  assert.equal(e.rttvar, null);
  assert.equal(e.lastSample, null);
});

test('first sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR', () => {
  const e = new RtoEstimator();
  e.sample(100);
  assert.equal(e.srtt, 100);
  assert.equal(e.rttvar, 50);
  assert.equal(e.lastSample, 100);
  assert.equal(e.rto, 300);
});

test('later samples: RTTVAR is updated with the old SRTT, then SRTT', () => {
  const e = new RtoEstimator();
  e.sample(100);
  e.sample(200);
  // RTTVAR = 3/4·50 + 1/4·|100 − 200| = 62.5; SRTT = 7/8·100 + 1/8·200 = 112.5
  assert.equal(e.rttvar, 62.5);
  assert.equal(e.srtt, 112.5);
  assert.equal(e.rto, 112.5 + 4 * 62.5);
  e.sample(112.5);
  // RTTVAR = 3/4·62.5 + 0 = 46.875; SRTT unchanged
  assert.equal(e.rttvar, 46.875);
  assert.equal(e.srtt, 112.5);
  assert.equal(e.lastSample, 112.5);
});

test('RTO is clamped to RTO_MIN_MS below and RTO_MAX_MS above', () => {
  const fast = new RtoEstimator();
  fast.sample(1);
  assert.equal(fast.rto, RTO_MIN_MS);
  const slow = new RtoEstimator();
  slow.sample(RTO_MAX_MS * 3);
  assert.equal(slow.rto, RTO_MAX_MS);
});

test('the granularity G is the least variance term: steady samples still give SRTT + G (before the floor)', () => {
  const e = new RtoEstimator();
  const r = RTO_MIN_MS * 4;
  for (let i = 0; i < 200; i++) e.sample(r);
  assert.ok(e.rttvar! < RTT_GRANULARITY_MS / 4, 'variance decayed to near zero');
  assert.equal(e.rto, r + RTT_GRANULARITY_MS);
});

test('backoff doubles the RTO up to RTO_MAX_MS; a sample clears it', () => {
  const e = new RtoEstimator();
  e.sample(100); // RTO 300
  e.backoff();
  assert.equal(e.rto, 600);
  e.backoff();
  assert.equal(e.rto, 1200);
  for (let i = 0; i < 100; i++) e.backoff();
  assert.equal(e.rto, RTO_MAX_MS);
  e.sample(100);
  assert.ok(e.rto < 600, `backoff cleared, got ${e.rto}`);
});

test('backoff applies before the first sample too', () => {
  const e = new RtoEstimator();
  e.backoff();
  assert.equal(e.rto, Math.min(RTO_INITIAL_MS * 2, RTO_MAX_MS));
  e.backoff();
  assert.equal(e.rto, Math.min(RTO_INITIAL_MS * 4, RTO_MAX_MS));
});

test('negative, NaN and infinite samples are ignored', () => {
  const e = new RtoEstimator();
  for (const bad of [-1, Number.NaN, Infinity, -Infinity]) e.sample(bad);
  assert.equal(e.srtt, null);
  assert.equal(e.rto, RTO_INITIAL_MS);
  e.sample(80);
  e.backoff();
  e.sample(-5);
  assert.equal(e.srtt, 80);
  assert.equal(e.lastSample, 80);
  assert.equal(e.rto, (80 + 4 * 40) * 2, 'an ignored sample does not clear the backoff');
  e.sample(0);
  assert.equal(e.lastSample, 0, 'zero is a valid sample (loopback)');
});

test('property: RTO always within [RTO_MIN_MS, RTO_MAX_MS] and SRTT within the sample range', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.double({ min: 0, max: 60_000, noNaN: true }), fc.constant(-1 as number)), { minLength: 1, maxLength: 50 }),
      fc.array(fc.boolean(), { maxLength: 50 }),
      (samples, backoffs) => {
        const e = new RtoEstimator();
        samples.forEach((s, i) => {
          e.sample(s);
          if (backoffs[i]) e.backoff();
          assert.ok(e.rto >= RTO_MIN_MS && e.rto <= RTO_MAX_MS, `rto ${e.rto}`);
        });
        const valid = samples.filter((s) => s >= 0);
        if (valid.length > 0) {
          assert.ok(e.srtt! >= Math.min(...valid) - 1e-9 && e.srtt! <= Math.max(...valid) + 1e-9);
        }
      },
    ),
    { numRuns: 300 },
  );
});
