import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameError } from '../../src/net/errors.js';
import { MAX_DATA_PAYLOAD, MAX_FRAME_PLAINTEXT, PACK_RECORD_HEAD, frameOverhead } from '../../src/net/frame.js';
import { DatagramPacker, decodePack, encodePack, type DataRecord } from '../../src/net/pack.js';

const rec = (seq: number, text: string, fragIndex = 0, fragCount = 1): DataRecord => ({ seq, fragIndex, fragCount, payload: Buffer.from(text) });

test('layout: u32 seq, u16 frag index, u16 frag count, u16 length, bytes — record after record', () => {
  const buf = encodePack([rec(7, 'ab'), rec(0x01020304, '', 1, 2)]);
  assert.deepEqual(buf, Buffer.concat([Buffer.from([0, 0, 0, 7, 0, 0, 0, 1, 0, 2]), Buffer.from('ab'), Buffer.from([1, 2, 3, 4, 0, 1, 0, 2, 0, 0])]));
  assert.deepEqual(decodePack(buf), [rec(7, 'ab'), rec(0x01020304, '', 1, 2)]);
});

test('property: any two or more records roundtrip', () => {
  const record = fc.record({
    seq: fc.nat({ max: 0xffff_ffff }),
    fragCount: fc.integer({ min: 1, max: 0xffff }),
    text: fc.string({ maxLength: 60 }),
  });
  fc.assert(
    fc.property(fc.array(record, { minLength: 2, maxLength: 12 }), (rs) => {
      const records = rs.map((r) => rec(r.seq, r.text, r.fragCount - 1, r.fragCount));
      assert.deepEqual(decodePack(encodePack(records)), records);
    }),
    { numRuns: 300 },
  );
});

test('decodePack: FrameError on fewer than two records, a cut record, or an impossible fragment', () => {
  const good = encodePack([rec(1, 'one'), rec(2, 'two')]);
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['one record', good.subarray(0, PACK_RECORD_HEAD + 3)],
    ['cut inside the second head', good.subarray(0, PACK_RECORD_HEAD + 3 + 4)],
    ['cut inside the second payload', good.subarray(0, good.length - 1)],
    ['trailing byte', Buffer.concat([good, Buffer.from([0])])],
    ['frag count 0', Buffer.from(good).fill(0, 6, 8)],
    [
      'frag index = count',
      (() => {
        const b = Buffer.from(good);
        b.writeUInt16BE(1, 4);
        return b;
      })(),
    ],
  ];
  for (const [name, buf] of cases) assert.throws(() => decodePack(buf), FrameError, name);
});

test('property: decodePack never throws anything but FrameError on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodePack(Buffer.from(bytes));
      } catch (err) {
        assert.ok(err instanceof FrameError, String(err));
      }
    }),
    { numRuns: 1000 },
  );
});

test('encodePack: TypeError on misuse', () => {
  assert.throws(() => encodePack([rec(1, 'alone')]), TypeError);
  assert.throws(() => encodePack([rec(1, 'a'), rec(2, 'b', 2, 2)]), TypeError);
});

test('decoded records are views: the reassembler must copy what it keeps', () => {
  const buf = encodePack([rec(1, 'one'), rec(2, 'two')]);
  const [first] = decodePack(buf);
  assert.equal(first!.payload.buffer, buf.buffer);
});

test('DatagramPacker: joins while the records fit the budget, and a record that does not starts the next datagram', () => {
  const p = new DatagramPacker(3 * (PACK_RECORD_HEAD + 100));
  assert.deepEqual(
    [100, 100, 100, 100, 1, 250].map((n) => p.joins(n)),
    [false, true, true, false, true, false],
  );
  // A full fragment never shares a datagram with anything.
  const full = new DatagramPacker(MAX_FRAME_PLAINTEXT - frameOverhead(16));
  assert.deepEqual(
    [10, MAX_DATA_PAYLOAD, 10].map((n) => full.joins(n)),
    [false, false, false],
  );
});
