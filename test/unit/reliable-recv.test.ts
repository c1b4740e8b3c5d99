import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RecvWindow, type RecvFrame } from '../../src/net/reliable-recv.js';
import { MAX_SACK_RANGES } from '../../src/constants.js';

function frame(seq: number): RecvFrame {
  return { seq, fragIndex: 0, fragCount: 1, payload: Buffer.from(`p${seq}`) };
}

function seqs(frames: RecvFrame[]): number[] {
  return frames.map((f) => f.seq);
}

test('in-order frames are handed out at once and advance the ack', () => {
  const w = new RecvWindow();
  assert.equal(w.ack, 0);
  assert.equal(w.push(frame(0)), 'new');
  assert.equal(w.push(frame(1)), 'new');
  assert.deepEqual(seqs(w.drain()), [0, 1]);
  assert.deepEqual(w.drain(), [], 'each frame is handed out once');
  assert.equal(w.ack, 2);
  assert.deepEqual(w.sack(), []);
});

test('a gap holds later frames back until it fills, then releases them in order', () => {
  const w = new RecvWindow();
  w.push(frame(0));
  w.push(frame(2));
  w.push(frame(3));
  w.push(frame(5));
  assert.deepEqual(seqs(w.drain()), [0]);
  assert.equal(w.ack, 1);
  assert.equal(w.buffered, 3);
  assert.deepEqual(w.sack(), [
    [2, 4],
    [5, 6],
  ]);
  w.push(frame(1));
  assert.deepEqual(seqs(w.drain()), [1, 2, 3]);
  assert.equal(w.ack, 4);
  assert.deepEqual(w.sack(), [[5, 6]]);
  w.push(frame(4));
  assert.deepEqual(seqs(w.drain()), [4, 5]);
  assert.equal(w.buffered, 0);
});

test('duplicates (below the ack or already buffered) are reported and not handed out again', () => {
  const w = new RecvWindow();
  w.push(frame(0));
  w.push(frame(3));
  w.drain();
  assert.equal(w.push(frame(0)), 'duplicate');
  assert.equal(w.push(frame(3)), 'duplicate');
  assert.deepEqual(w.drain(), []);
  assert.equal(w.buffered, 1);
});

test('frames too far ahead are refused, so a peer cannot make the buffer grow without bound', () => {
  const w = new RecvWindow(8);
  assert.equal(w.push(frame(8)), 'beyond');
  assert.equal(w.push(frame(7)), 'new');
  assert.equal(w.buffered, 1);
});

test('sack reports the lowest ranges first, at most the given count', () => {
  const w = new RecvWindow();
  for (let s = 2; s < 2 + 2 * (MAX_SACK_RANGES + 4); s += 2) w.push(frame(s));
  const ranges = w.sack();
  assert.equal(ranges.length, MAX_SACK_RANGES);
  assert.deepEqual(ranges[0], [2, 3]);
  assert.deepEqual(ranges[MAX_SACK_RANGES - 1], [2 * MAX_SACK_RANGES, 2 * MAX_SACK_RANGES + 1]);
  assert.equal(w.sack(3).length, 3);
  ranges[0][0] = 999;
  assert.deepEqual(w.sack()[0], [2, 3], 'callers get a copy');
});

test('reset starts over at seq 0', () => {
  const w = new RecvWindow();
  w.push(frame(0));
  w.push(frame(4));
  w.reset();
  assert.equal(w.ack, 0);
  assert.equal(w.buffered, 0);
  assert.deepEqual(w.drain(), []);
  assert.equal(w.push(frame(0)), 'new');
});

test('misuse throws TypeError', () => {
  assert.throws(() => new RecvWindow(0), TypeError);
  assert.throws(() => new RecvWindow().push(frame(-1)), TypeError);
});

test('property: any arrival order with duplicates yields every seq exactly once, in order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(), { maxLength: 600 }), (n, noise) => {
      // Arrival order: a shuffle of 0..n-1 driven by `noise`, plus duplicates.
      const order = Array.from({ length: n }, (_, i) => i);
      noise.forEach((r, i) => {
        const a = i % n;
        const b = r % n;
        [order[a], order[b]] = [order[b]!, order[a]!];
      });
      const arrivals = [...order, ...noise.slice(0, 50).map((r) => r % n)];
      const w = new RecvWindow();
      const out: number[] = [];
      for (const s of arrivals) {
        w.push(frame(s));
        out.push(...seqs(w.drain()));
        for (const [a, b] of w.sack()) assert.ok(a > w.ack && a < b, 'ranges lie above the ack');
      }
      assert.deepEqual(
        out,
        Array.from({ length: n }, (_, i) => i),
      );
      assert.equal(w.ack, n);
    }),
    { numRuns: 200 },
  );
});
