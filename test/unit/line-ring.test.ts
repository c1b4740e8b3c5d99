import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatLine } from '../../src/ui/format.js';
import { LineRing } from '../../src/ui/line-ring.js';

const line = (id: number, msgId?: string): ChatLine => ({ id, kind: 'message', time: 0, text: `t${id}`, ...(msgId ? { msgId } : {}) });

describe('LineRing', () => {
  test('sequence numbers, lookup by id and msgId', () => {
    const r = new LineRing(10);
    assert.equal(r.push(line(5, 'a')), 0);
    assert.equal(r.push(line(6)), 1);
    assert.equal(r.seqOfId(6), 1);
    assert.equal(r.seqOfMsgId('a'), 0);
    assert.equal(r.at(1).text, 't6');
    assert.equal(r.firstSeq, 0);
    assert.equal(r.lastSeq, 1);
  });

  test('evicts the oldest at capacity and tells the owner', () => {
    const evicted: number[] = [];
    const r = new LineRing(3, (seq) => evicted.push(seq));
    for (let i = 0; i < 5; i++) r.push(line(i, `m${i}`));
    assert.deepEqual(evicted, [0, 1]);
    assert.equal(r.length, 3);
    assert.equal(r.firstSeq, 2);
    assert.equal(r.seqOfId(0), undefined);
    assert.equal(r.seqOfMsgId('m1'), undefined);
    assert.equal(r.at(4).id, 4);
    assert.throws(() => r.at(1), RangeError);
  });

  test('grows past its initial slots without losing order (capacity above 1024)', () => {
    const r = new LineRing(5000);
    for (let i = 0; i < 3000; i++) r.push(line(i));
    assert.equal(r.length, 3000);
    for (const seq of [0, 1023, 1024, 2047, 2999]) assert.equal(r.at(seq).id, seq);
  });

  test('wraps around many times at capacity', () => {
    const r = new LineRing(7);
    for (let i = 0; i < 100; i++) r.push(line(i));
    assert.deepEqual(
      Array.from({ length: 7 }, (_, k) => r.at(93 + k).id),
      [93, 94, 95, 96, 97, 98, 99],
    );
  });

  test('a reused id points at the newest line; evicting the older one keeps it', () => {
    const r = new LineRing(2);
    r.push(line(1));
    r.push(line(1));
    r.push(line(2)); // evicts seq 0, which no longer owns id 1
    assert.equal(r.seqOfId(1), 1);
  });

  test('reindexMsgId', () => {
    const r = new LineRing(4);
    r.push(line(1, 'old'));
    r.reindexMsgId(0, 'old', 'new');
    assert.equal(r.seqOfMsgId('old'), undefined);
    assert.equal(r.seqOfMsgId('new'), 0);
  });

  test('clear keeps sequence numbers growing', () => {
    const r = new LineRing(4);
    r.push(line(1));
    r.push(line(2));
    r.clear();
    assert.equal(r.length, 0);
    assert.equal(r.seqOfId(1), undefined);
    assert.equal(r.push(line(3)), 2);
  });

  test('bad capacity → TypeError', () => {
    assert.throws(() => new LineRing(0), TypeError);
    assert.throws(() => new LineRing(2.5), TypeError);
  });

  test('maxChars: the oldest lines go while the text held would pass it; the newest line always stays', () => {
    const evicted: number[] = [];
    const r = new LineRing(100, (seq) => evicted.push(seq), 10);
    const text = (id: number, n: number): ChatLine => ({ id, kind: 'message', time: 0, text: 'x'.repeat(n) });
    r.push(text(1, 4));
    r.push(text(2, 4));
    assert.equal(r.chars, 8);
    r.push(text(3, 4));
    assert.deepEqual(evicted, [0]);
    assert.equal(r.chars, 8);
    r.push(text(4, 50));
    assert.equal(r.length, 1);
    assert.equal(r.chars, 50);
    r.clear();
    assert.equal(r.chars, 0);
    assert.throws(() => new LineRing(10, undefined, -1), TypeError);
  });
});
