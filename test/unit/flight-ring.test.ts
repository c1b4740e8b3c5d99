import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FlightRing } from '../../src/net/flight-ring.js';

test('a contiguous run of seqs: push at the top, remove from the bottom, get and walk in order', () => {
  const r = new FlightRing<string>(4);
  assert.equal(r.size, 0);
  r.push(10, 'a');
  r.push(11, 'b');
  r.push(12, 'c');
  assert.deepEqual([r.firstSeq, r.endSeq, r.size], [10, 13, 3]);
  assert.equal(r.get(11), 'b');
  assert.equal(r.get(9), undefined);
  assert.equal(r.get(13), undefined);
  const removed: Array<[string, number]> = [];
  r.removeBelow(12, (v, s) => removed.push([v, s]));
  assert.deepEqual(removed, [
    ['a', 10],
    ['b', 11],
  ]);
  r.push(13, 'd');
  r.push(14, 'e');
  r.push(15, 'f'); // wraps around the four slots
  const walked: string[] = [];
  r.forEach((v) => walked.push(v));
  assert.deepEqual(walked, ['c', 'd', 'e', 'f']);
  const part: number[] = [];
  r.forEach((_, s) => part.push(s), 13, 15);
  assert.deepEqual(part, [13, 14]);
});

test('misuse is a TypeError: a gap, a full ring, a bad capacity', () => {
  const r = new FlightRing<number>(2);
  r.push(0, 0);
  assert.throws(() => r.push(2, 2), TypeError);
  r.push(1, 1);
  assert.throws(() => r.push(2, 2), TypeError);
  assert.throws(() => new FlightRing(0), TypeError);
});

test('cleared, the run starts wherever the next push says (a restarted peer renumbers from 0)', () => {
  const r = new FlightRing<number>(3);
  r.push(7, 7);
  r.clear();
  assert.equal(r.size, 0);
  assert.equal(r.get(7), undefined);
  r.push(0, 0);
  assert.deepEqual([r.firstSeq, r.endSeq], [0, 1]);
});

test('property: behaves as a Map of the same operations', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant<'push'>('push'), fc.nat({ max: 6 })), { maxLength: 200 }), (ops) => {
      const r = new FlightRing<number>(5);
      const m = new Map<number, number>();
      let next = 0;
      for (const op of ops) {
        if (op === 'push') {
          if (m.size === 5) continue;
          r.push(next, next * 10);
          m.set(next, next * 10);
          next += 1;
        } else {
          const below = r.size === 0 ? next : r.firstSeq + op;
          const got: number[] = [];
          r.removeBelow(below, (v) => got.push(v));
          const want = [...m.entries()].filter(([s]) => s < below).map(([s, v]) => (m.delete(s), v));
          assert.deepEqual(got, want);
        }
        assert.equal(r.size, m.size);
        for (let s = next - 7; s < next + 2; s++) assert.equal(r.get(s), m.get(s));
      }
    }),
    { numRuns: 300 },
  );
});
