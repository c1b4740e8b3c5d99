import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPLAY_WINDOW_SIZE } from '../../src/constants.js';
import { REPLAY_COUNTER_MAX, ReplayWindow } from '../../src/net/replay.js';

/*
 * The numbered table of wireguard-go's replay/replay_test.go (itself from the
 * Linux kernel), adapted: WireGuard counters start at 0, ours at 1 (0 is never
 * sent), so every counter of the table is shifted by +1 — the window logic only
 * sees differences, so each case keeps its meaning. The cases at the top of
 * the range use our limit (2^48) instead of WireGuard's RejectAfterMessages.
 */

const W = REPLAY_WINDOW_SIZE;
const T_LIM = W + 1;
const LIMIT = REPLAY_COUNTER_MAX + 1;

function runner(filter: ReplayWindow) {
  let n = 0;
  return (counter: number, expected: boolean) => {
    n += 1;
    assert.equal(filter.validate(counter), expected, `case ${n}: validate(${counter}) should be ${expected}`);
  };
}

test('the wireguard-go table: in order, out of order, duplicates, too old, big jumps, the limit', () => {
  const filter = new ReplayWindow();
  const T = runner(filter);
  const S = (wgCounter: number, expected: boolean) => T(wgCounter + 1, expected);
  S(0, true); /*  1 */
  S(1, true); /*  2 */
  S(1, false); /*  3  duplicate */
  S(9, true); /*  4 */
  S(8, true); /*  5  out of order */
  S(7, true); /*  6 */
  S(7, false); /*  7 */
  S(T_LIM, true); /*  8 */
  S(T_LIM - 1, true); /*  9 */
  S(T_LIM - 1, false); /* 10 */
  S(T_LIM - 2, true); /* 11 */
  S(2, true); /* 12  the oldest still in the window */
  S(2, false); /* 13 */
  S(T_LIM + 16, true); /* 14 */
  S(3, false); /* 15  fell out of the window */
  S(T_LIM + 16, false); /* 16 */
  S(T_LIM * 4, true); /* 17  a big jump */
  S(T_LIM * 4 - (T_LIM - 1), true); /* 18 */
  S(10, false); /* 19 */
  S(T_LIM * 4 - T_LIM, false); /* 20 */
  S(T_LIM * 4 - (T_LIM + 1), false); /* 21 */
  S(T_LIM * 4 - (T_LIM - 2), true); /* 22 */
  S(T_LIM * 4 + 1 - T_LIM, false); /* 23 */
  S(0, false); /* 24 */
  T(LIMIT, false); /* 25  beyond the largest packet number */
  T(LIMIT - 1, true); /* 26 */
  T(LIMIT, false); /* 27 */
  T(LIMIT - 1, false); /* 28 */
  T(LIMIT - 2, true); /* 29 */
  T(LIMIT + 1, false); /* 30 */
  T(LIMIT + 2, false); /* 31 */
  T(LIMIT - 2, false); /* 32 */
  T(LIMIT - 3, true); /* 33 */
  S(0, false); /* 34 */
});

test('bulk 1: a full window in order, then the oldest that still fits', () => {
  const T = runner(new ReplayWindow());
  for (let i = 1; i <= W; i++) T(i + 1, true);
  T(1, true);
  T(1, false);
});

test('bulk 2: a full window from 2, then 1, then one too old', () => {
  const filter = new ReplayWindow();
  const T = runner(filter);
  for (let i = 2; i <= W + 1; i++) T(i + 1, true);
  T(2, true);
  T(1, false);
});

test('bulk 3 and 4: a full window in reverse order', () => {
  let T = runner(new ReplayWindow());
  for (let i = W + 1; i > 0; i--) T(i + 1, true);
  T = runner(new ReplayWindow());
  for (let i = W + 2; i > 1; i--) T(i + 1, true);
  T(1, false);
});

test('bulk 5 and 6: reverse, then one ahead slides the oldest out', () => {
  let T = runner(new ReplayWindow());
  for (let i = W; i > 0; i--) T(i + 1, true);
  T(W + 2, true);
  T(1, false);
  T = runner(new ReplayWindow());
  for (let i = W; i > 0; i--) T(i + 1, true);
  T(1, true);
  T(W + 2, true);
});

test('reset forgets everything', () => {
  const filter = new ReplayWindow();
  for (let i = 1; i <= 100; i++) assert.ok(filter.validate(i));
  assert.ok(filter.validate(50_000));
  assert.ok(!filter.validate(7));
  filter.reset();
  assert.ok(filter.validate(7));
  assert.ok(filter.validate(1));
  assert.ok(!filter.validate(7));
});

test('never accepts 0, negatives, fractions, NaN or counters past 2^48-1', () => {
  const filter = new ReplayWindow();
  for (const c of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 48, 2 ** 53]) assert.equal(filter.validate(c), false, String(c));
  assert.ok(filter.validate(1));
});

test('a small window behaves the same: exactly windowSize behind the newest is the edge', () => {
  const filter = new ReplayWindow(64);
  const T = runner(filter);
  T(1000, true);
  T(1000 - 64, true);
  T(1000 - 65, false);
  T(1000 - 1, true);
  T(1000 + 64 * 10, true); // jump past the whole ring
  T(1000 - 1, false);
  T(1000 + 64 * 10 - 64, true);
  for (let i = 1; i <= 200; i++) T(2000 + i, true);
  for (let i = 1; i <= 200; i++) T(2000 + i, false);
  assert.throws(() => new ReplayWindow(100), TypeError);
  assert.throws(() => new ReplayWindow(0), TypeError);
});

test('duplicates are rejected anywhere in the window, across word boundaries', () => {
  const filter = new ReplayWindow();
  const seen: number[] = [];
  // A deterministic scramble of 1..3000 (multiplication by a unit mod a prime-ish modulus).
  for (let i = 1; i <= 3000; i++) seen.push(((i * 7919) % 3001) + 1);
  for (const c of seen) assert.ok(filter.validate(c), `first ${c}`);
  for (const c of seen) assert.ok(!filter.validate(c), `again ${c}`);
});
