import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BULK_ACK_DELAY_MS, BULK_ACK_EVERY_BYTES, BULK_ACK_RANGES_MAX, BULK_CREDIT_REPEAT_MS } from '../../src/constants.js';
import { PnRanges } from '../../src/net/bulk-ranges.js';
import { Reassembly } from '../../src/net/bulk-reassembly.js';
import { BulkReceiver } from '../../src/net/bulk-recv.js';

test('PnRanges: newest first, merged, duplicates known, only the newest ranges kept', () => {
  const r = new PnRanges(3);
  for (const pn of [0, 1, 2, 5, 4, 9, 3]) assert.equal(r.add(pn), true, `pn ${pn}`);
  assert.equal(r.add(4), false, 'duplicate');
  assert.deepEqual(r.ranges(), [
    [9, 10],
    [0, 6],
  ]);
  r.add(12);
  r.add(15);
  assert.deepEqual(r.ranges(), [
    [15, 16],
    [12, 13],
    [9, 10],
  ]);
  assert.equal(r.add(1), true, 'forgotten: older than anything kept');
  assert.deepEqual(r.ranges().length, 3);
});

test('PnRanges property: the ranges hold exactly the newest numbers added, descending and gapped', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 300 }), (pns) => {
      const r = new PnRanges(BULK_ACK_RANGES_MAX);
      const seen = new Set<number>();
      for (const pn of pns) {
        r.add(pn);
        seen.add(pn);
      }
      const ranges = r.ranges();
      assert.ok(ranges.length <= BULK_ACK_RANGES_MAX);
      for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i]![1] < ranges[i - 1]![0]);
      for (const [s, e] of ranges) for (let pn = s; pn < e; pn++) assert.ok(seen.has(pn), `${pn} never added`);
      if (ranges.length < BULK_ACK_RANGES_MAX)
        for (const pn of seen)
          assert.ok(
            ranges.some(([s, e]) => pn >= s && pn < e),
            `${pn} lost`,
          );
    }),
    { numRuns: 300 },
  );
});

test('Reassembly property: any cut, order and duplication of a stream hands every byte up once, in order, within the limit', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 80 })), { maxLength: 200 }), (cuts) => {
      const src = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
      const r = new Reassembly(100);
      const out: Buffer[] = [];
      let next = 100;
      const deliver = (o: number, d: Buffer): void => {
        assert.equal(o, next, 'in order, never below what was handed up');
        next += d.length;
        out.push(d);
      };
      // random chunks, then every chunk once in order, so the stream completes
      for (const [o, n] of cuts) r.push(o, src.subarray(o, Math.min(1000, o + n)), 1000, deliver);
      for (let o = 0; o < 1000; o += 37) r.push(o, src.subarray(o, Math.min(1000, o + 37)), 1000, deliver);
      assert.deepEqual(Buffer.concat(out), src.subarray(100));
      assert.equal(r.heldTotal, 0);
    }),
    { numRuns: 300 },
  );
});

test('Reassembly: nothing is held at or beyond the limit, and overlapping copies are held once', () => {
  const r = new Reassembly(0);
  const none = (): void => assert.fail('nothing in order yet');
  r.push(10, Buffer.alloc(100), 50, none);
  assert.equal(r.heldTotal, 40, 'cut at the limit');
  r.push(5, Buffer.alloc(40), 50, none);
  assert.equal(r.heldTotal, 45, 'only [5, 10) was new');
  r.push(20, Buffer.alloc(10), 50, none);
  assert.equal(r.heldTotal, 45, 'the overlap adds nothing');
  r.push(60, Buffer.alloc(10), 50, none);
  assert.equal(r.heldTotal, 45, 'beyond the limit: dropped');
});

function receiver(): { r: BulkReceiver; got: Array<[number, number, string]> } {
  const got: Array<[number, number, string]> = [];
  return { r: new BulkReceiver((s, o, d) => got.push([s, o, d.toString()]), 100), got };
}

test('BulkReceiver: data of an open stream is handed up from its offset; other streams are acked and counted, not handed up', () => {
  const { r, got } = receiver();
  r.open(1, 50, 0);
  r.chunk({ pn: 0, stream: 1, offset: 53, data: Buffer.from('de') }, 0);
  r.chunk({ pn: 1, stream: 1, offset: 50, data: Buffer.from('abc') }, 0);
  r.chunk({ pn: 2, stream: 9, offset: 0, data: Buffer.from('zz') }, 0);
  assert.deepEqual(got, [
    [1, 50, 'abc'],
    [1, 53, 'de'],
  ]);
  assert.equal(r.unknownStreamChunks, 1);
  assert.deepEqual(r.takeAck(0).ranges, [[0, 3]], 'every packet acked, the unknown stream too');
  r.close(1);
  r.chunk({ pn: 3, stream: 1, offset: 55, data: Buffer.from('f') }, 0);
  assert.equal(got.length, 2, 'closed: dropped');
  r.open(2, 0, 0);
  assert.throws(() => r.open(2, 0, 0), TypeError, 'open twice');
});

test('BulkReceiver ack policy: at the batch end after two packets, else after the delay; a credit that grew enough goes at once', () => {
  const { r } = receiver();
  r.open(1, 0, 0);
  assert.equal(r.ackAtBatchEnd(), true, 'a new stream announces its credit');
  assert.deepEqual(r.takeAck(0).credits, [{ stream: 1, max: 100 }]);
  r.chunk({ pn: 0, stream: 1, offset: 0, data: Buffer.alloc(10) }, 1000);
  assert.equal(r.ackAtBatchEnd(), false);
  assert.equal(r.nextDeadline(), 1000 + BULK_ACK_DELAY_MS);
  assert.equal(r.ackDue(1000 + BULK_ACK_DELAY_MS), true);
  r.chunk({ pn: 1, stream: 1, offset: 10, data: Buffer.alloc(10) }, 1001);
  assert.equal(r.ackAtBatchEnd(), true);
  r.takeAck(1001);
  r.consumed(1, 5);
  assert.equal(r.ackAtBatchEnd(), false, '5 bytes: below the fraction');
  r.consumed(1, 20);
  assert.equal(r.ackAtBatchEnd(), true, '20 of 100: past 1/8');
  assert.deepEqual(r.takeAck(1001).credits, [{ stream: 1, max: 120 }]);
  assert.throws(() => r.consumed(1, 21), TypeError, 'beyond what was handed up');
  r.takeAck(1002);
  r.chunk({ pn: 2, stream: 9, offset: 0, data: Buffer.alloc(BULK_ACK_EVERY_BYTES) }, 1003);
  assert.equal(r.ackAtBatchEnd(), true, 'one datagram of a large path MTU is acked at once');
});

test('BulkReceiver: a stream owed data repeats its credit, backing off, until data comes', () => {
  const { r } = receiver();
  r.open(1, 0, 0);
  r.takeAck(0);
  assert.equal(r.nextDeadline(), BULK_CREDIT_REPEAT_MS);
  r.takeAck(BULK_CREDIT_REPEAT_MS);
  assert.equal(r.nextDeadline(), BULK_CREDIT_REPEAT_MS + 2 * BULK_CREDIT_REPEAT_MS);
  r.chunk({ pn: 0, stream: 1, offset: 0, data: Buffer.alloc(100) }, 700);
  r.takeAck(700);
  assert.equal(r.nextDeadline(), null, 'everything owed arrived');
  r.reset();
  assert.equal(r.openStreams, 0);
});
