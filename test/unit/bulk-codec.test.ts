import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BULK_ACK_CREDITS_MAX, BULK_ACK_RANGES_MAX, MAX_ACCEPTED_DATAGRAM_BYTES } from '../../src/constants.js';
import { maxFernetBinaryPlaintext } from '../../src/crypto/format.js';
import { BULK_CHUNK_HEAD, decodeBulk, decodeBulkAck, decodeProbeId, encodeBulk, encodeBulkAck, encodeProbe, encodeProbeAck } from '../../src/net/bulk-codec.js';
import { FrameError } from '../../src/net/errors.js';
import { decodeFrame, encodeFrame, MAX_FRAME_PLAINTEXT, type Frame } from '../../src/net/frame.js';

const frame = (over: Partial<Frame>): Frame => ({
  type: 'bulk',
  sender: '0102030405060708',
  receiver: '1112131415161718',
  packet: 1,
  ts: 1,
  echoTs: 0,
  echoDelay: 0,
  ack: 0,
  sack: [],
  seq: 0,
  fragIndex: 0,
  fragCount: 0,
  payload: Buffer.alloc(0),
  ...over,
});

test('bulk: u48 pn, u32 stream, u48 offset, data — byte for byte, and a chunk cut across writes is one payload', () => {
  const buf = encodeBulk(0x010203040506, 7, 0x0a0b0c0d0e0f, [Buffer.from('ab'), Buffer.from('c')]);
  assert.deepEqual(buf, Buffer.from([1, 2, 3, 4, 5, 6, 0, 0, 0, 7, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x61, 0x62, 0x63]));
  const c = decodeBulk(buf);
  assert.deepEqual({ ...c, data: c.data.toString() }, { pn: 0x010203040506, stream: 7, offset: 0x0a0b0c0d0e0f, data: 'abc' });
  assert.throws(() => decodeBulk(buf.subarray(0, BULK_CHUNK_HEAD)), FrameError, 'no data');
  assert.throws(() => encodeBulk(0, 1, 0, []), TypeError);
  assert.throws(() => encodeBulk(-1, 1, 0, [Buffer.from('x')]), TypeError);
  assert.throws(() => encodeBulk(0, 2 ** 32, 0, [Buffer.from('x')]), TypeError);
  assert.throws(() => decodeBulk(Buffer.concat([Buffer.alloc(10), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from('xy')])), FrameError);
});

test('bulk-ack: ranges newest first, then credits; round trip and every impossible shape refused', () => {
  const a = {
    ranges: [
      [90, 100],
      [10, 50],
      [0, 5],
    ] as Array<[number, number]>,
    credits: [{ stream: 3, max: 2 ** 40 }],
  };
  assert.deepEqual(decodeBulkAck(encodeBulkAck(a)), a);
  assert.deepEqual(decodeBulkAck(encodeBulkAck({ ranges: [], credits: [] })), { ranges: [], credits: [] });
  const bad: Array<[number, number]>[] = [
    [[5, 5]], // empty
    [
      [0, 5],
      [10, 20],
    ], // ascending
    [
      [10, 20],
      [5, 10],
    ], // touching
    [
      [10, 20],
      [15, 30],
    ], // overlapping
  ];
  for (const ranges of bad) {
    assert.throws(() => encodeBulkAck({ ranges, credits: [] }), TypeError, JSON.stringify(ranges));
    const forged = Buffer.concat([
      Buffer.from([ranges.length]),
      ...ranges.map(([s, e]) => Buffer.from([0, 0, 0, 0, 0, s, 0, 0, 0, 0, 0, e])),
      Buffer.from([0]),
    ]);
    assert.throws(() => decodeBulkAck(forged), FrameError, JSON.stringify(ranges));
  }
  const many = Array.from({ length: BULK_ACK_RANGES_MAX + 1 }, (_, i): [number, number] => [1000 - 2 * i - 1, 1000 - 2 * i]);
  assert.throws(() => encodeBulkAck({ ranges: many, credits: [] }), TypeError);
  const credits = Array.from({ length: BULK_ACK_CREDITS_MAX + 1 }, (_, i) => ({ stream: i, max: 1 }));
  assert.throws(() => encodeBulkAck({ ranges: [], credits }), TypeError);
  const good = encodeBulkAck(a);
  assert.throws(() => decodeBulkAck(good.subarray(0, good.length - 1)), FrameError, 'cut credit');
  assert.throws(() => decodeBulkAck(Buffer.concat([good, Buffer.alloc(1)])), FrameError, 'trailing byte');
  assert.throws(() => decodeBulkAck(Buffer.from([1, 0])), FrameError, 'cut range');
});

test('probe / probe-ack: the id, then padding', () => {
  const p = encodeProbe(0xdeadbeef, 100);
  assert.equal(p.length, 100);
  assert.equal(decodeProbeId(p), 0xdeadbeef);
  assert.deepEqual(encodeProbeAck(5), Buffer.from([0, 0, 0, 5]));
  assert.throws(() => decodeProbeId(Buffer.alloc(3)), FrameError);
  assert.throws(() => encodeProbe(1, 3), TypeError);
});

test('frames 13..16: bulk and probe may exceed the chat size, up to the largest datagram accepted; the others may not', () => {
  const big = maxFernetBinaryPlaintext(MAX_ACCEPTED_DATAGRAM_BYTES) - 100;
  const bulk = encodeFrame(frame({ type: 'bulk', payload: encodeBulk(0, 1, 0, [Buffer.alloc(big)]) }));
  assert.equal(decodeFrame(bulk).type, 'bulk');
  assert.equal(bulk[3], 13);
  const probe = encodeFrame(frame({ type: 'probe', payload: encodeProbe(1, big) }));
  assert.equal(probe[3], 15);
  assert.throws(() => encodeFrame(frame({ type: 'bulk', payload: Buffer.alloc(maxFernetBinaryPlaintext(MAX_ACCEPTED_DATAGRAM_BYTES)) })), TypeError);
  assert.throws(() => encodeFrame(frame({ type: 'bulk-ack', payload: Buffer.alloc(MAX_FRAME_PLAINTEXT) })), TypeError);
  assert.equal(encodeFrame(frame({ type: 'bulk-ack', payload: encodeBulkAck({ ranges: [[0, 1]], credits: [] }) }))[3], 14);
  assert.equal(encodeFrame(frame({ type: 'probe-ack', payload: encodeProbeAck(1) }))[3], 16);
  assert.throws(() => decodeFrame(encodeFrame(frame({ type: 'probe-ack', payload: encodeProbeAck(1) })).subarray(0, -1)), FrameError);
  assert.throws(() => encodeFrame(frame({ type: 'bulk', payload: Buffer.alloc(BULK_CHUNK_HEAD) })), TypeError);
});
