import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_DATAGRAM_BYTES, MAX_NICK_BYTES, MAX_SACK_RANGES } from '../../src/constants.js';
import { Fernet } from '../../src/crypto/fernet.js';
import { FrameError } from '../../src/net/errors.js';
import {
  MAX_DATA_PAYLOAD,
  MAX_FRAME_PLAINTEXT,
  NO_SESSION,
  decodeFrame,
  decodeRotationPayload,
  encodeFrame,
  encodeRotationPayload,
  frameOverhead,
  isFrame,
  newSessionId,
  type Frame,
  type FrameType,
} from '../../src/net/frame.js';
import { fernetTokenLength } from '../../src/crypto/format.js';

const A = '0123456789abcdef';
const B = 'fedcba9876543210';

function frame(over: Partial<Frame> = {}): Frame {
  return {
    type: 'ack',
    sender: A,
    receiver: B,
    packet: 1,
    ts: 0,
    echoTs: 0,
    echoDelay: 0,
    ack: 0,
    sack: [],
    seq: 0,
    fragIndex: 0,
    fragCount: 0,
    payload: Buffer.alloc(0),
    ...over,
  };
}

const dataFrame = (over: Partial<Frame> = {}) => frame({ type: 'data', fragCount: 1, payload: Buffer.from('hi'), ...over });

test('layout is byte for byte as PROTOCOL.md', () => {
  const buf = encodeFrame(
    dataFrame({
      packet: 0x0102_0304_0506,
      ts: 0x11223344,
      echoTs: 0x55667788,
      echoDelay: 0x99aa,
      ack: 7,
      sack: [[9, 11]],
      seq: 0xdeadbeef,
      fragIndex: 2,
      fragCount: 3,
      payload: Buffer.from('xyz'),
    }),
  );
  const expected = Buffer.concat([
    Buffer.from([0xfc, 0x01, 0x03, 0x02]),
    Buffer.from(A, 'hex'),
    Buffer.from(B, 'hex'),
    Buffer.from([1, 2, 3, 4, 5, 6]),
    Buffer.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa]),
    Buffer.from([0, 0, 0, 7, 1, 0, 0, 0, 9, 0, 0, 0, 11]),
    Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 2, 0, 3]),
    Buffer.from('xyz'),
  ]);
  assert.deepEqual(buf, expected);
  assert.equal(frameOverhead(1), expected.length - 3);
});

test('type codes 1..11 in PROTOCOL.md order', () => {
  const order: FrameType[] = ['hello', 'data', 'ack', 'ping', 'pong', 'rot-offer', 'rot-accept', 'rot-confirm', 'rot-confirm-ack', 'rot-abort', 'bye'];
  order.forEach((type, i) => {
    const payload = type === 'rot-offer' || type === 'rot-accept' ? Buffer.alloc(40) : type.startsWith('rot-') ? Buffer.alloc(8) : Buffer.alloc(0);
    const f = type === 'data' ? dataFrame() : frame({ type, payload });
    const buf = encodeFrame(f);
    assert.equal(buf[3], i + 1, type);
    assert.equal(decodeFrame(buf).type, type);
  });
});

const arbSession = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b).toString('hex'));
const arbSack = fc
  .tuple(fc.nat({ max: 1000 }), fc.array(fc.tuple(fc.nat({ max: 50 }), fc.integer({ min: 1, max: 50 })), { maxLength: MAX_SACK_RANGES }))
  .map(([ack, gaps]) => {
    const sack: Array<[number, number]> = [];
    let at = ack;
    for (const [gap, len] of gaps) {
      sack.push([at + gap, at + gap + len]);
      at += gap + len;
    }
    return { ack, sack };
  });

test('property: encode/decode roundtrip for every type and field range', () => {
  fc.assert(
    fc.property(
      arbSession.filter((s) => s !== NO_SESSION),
      arbSession,
      fc.integer({ min: 1, max: 2 ** 48 - 1 }),
      fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffff })),
      arbSack,
      fc
        .tuple(fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 0xffff }))
        .chain(([seq, count]) => fc.tuple(fc.constant(seq), fc.nat({ max: count - 1 }), fc.constant(count))),
      fc.uint8Array({ maxLength: 400 }),
      (sender, receiver, packet, [ts, echoTs, echoDelay], { ack, sack }, [seq, fragIndex, fragCount], bytes) => {
        const payload = Buffer.from(bytes.subarray(0, MAX_FRAME_PLAINTEXT - frameOverhead(sack.length)));
        const f: Frame = { type: 'data', sender, receiver, packet, ts, echoTs, echoDelay, ack, sack, seq, fragIndex, fragCount, payload };
        const buf = encodeFrame(f);
        assert.equal(buf.length, frameOverhead(sack.length) + payload.length);
        assert.ok(isFrame(buf));
        assert.deepEqual(decodeFrame(buf), f);
      },
    ),
    { numRuns: 300 },
  );
});

test('decodeFrame rejects malformed frames with FrameError', () => {
  const good = encodeFrame(dataFrame({ sack: [[3, 5]], ack: 1 }));
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['short header', good.subarray(0, frameOverhead(0) - 1)],
    ['cut inside the sack ranges', good.subarray(0, frameOverhead(1) - 1)],
    ['bad magic', patch(good, 0, 0xfd)],
    ['bad magic 2nd byte', patch(good, 1, 0x02)],
    ['unknown version (v1)', patch(good, 2, 1)],
    ['unknown version (v2)', patch(good, 2, 2)],
    ['unknown version (v4)', patch(good, 2, 4)],
    ['type 0', patch(good, 3, 0)],
    ['type 17', patch(good, 3, 17)],
    ['pack with one record', encodeRaw({ type: 12, fragCount: 0, payload: Buffer.alloc(10) })],
    ['zero sender', Buffer.concat([good.subarray(0, 4), Buffer.alloc(8), good.subarray(12)])],
    ['zero packet', Buffer.concat([good.subarray(0, 20), Buffer.alloc(6), good.subarray(26)])],
    ['sack count over max', patch(good, 40, MAX_SACK_RANGES + 1)],
    ['empty sack range', encodeRaw({ ack: 1, sack: [[3, 3]] })],
    [
      'descending sack ranges',
      encodeRaw({
        ack: 1,
        sack: [
          [10, 12],
          [3, 5],
        ],
      }),
    ],
    [
      'overlapping sack ranges',
      encodeRaw({
        ack: 1,
        sack: [
          [3, 6],
          [5, 8],
        ],
      }),
    ],
    ['sack range below ack', encodeRaw({ ack: 5, sack: [[3, 6]] })],
    ['fragIndex == fragCount', encodeRaw({ fragIndex: 2, fragCount: 2 })],
    ['fragCount 0 on data', encodeRaw({ fragIndex: 0, fragCount: 0 })],
    ['seq on an ack frame', encodeRaw({ type: 3, seq: 4, fragCount: 0 })],
    ['fragCount on an ack frame', encodeRaw({ type: 3, fragCount: 1 })],
    ['payload on an ack frame', encodeRaw({ type: 3, fragCount: 0, payload: Buffer.from('x') })],
    ['short rot-offer', encodeRaw({ type: 6, fragCount: 0, payload: Buffer.alloc(39) })],
    ['long rot-confirm', encodeRaw({ type: 8, fragCount: 0, payload: Buffer.alloc(9) })],
    ['hello nick over the limit', encodeRaw({ type: 1, fragCount: 0, payload: Buffer.alloc(MAX_NICK_BYTES + 1, 0x61) })],
  ];
  for (const [name, buf] of cases) {
    assert.throws(
      () => decodeFrame(buf),
      (e: unknown) => e instanceof FrameError && e.name === 'FrameError' && e.reason === 'malformed',
      name,
    );
  }
});

test('property: decodeFrame never throws anything but FrameError on random or mutated input', () => {
  const good = encodeFrame(dataFrame({ sack: [[3, 5]], ack: 1 }));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        fc.tuple(fc.nat({ max: good.length - 1 }), fc.nat({ max: 255 })).map(([i, v]) => patch(good, i, v)),
        fc.nat({ max: good.length }).map((n) => good.subarray(0, n)),
      ),
      (buf) => {
        try {
          const f = decodeFrame(buf);
          assert.deepEqual(encodeFrame(f), buf); // whatever decodes re-encodes to the same bytes
        } catch (e) {
          assert.ok(e instanceof FrameError, String(e));
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('encodeFrame throws TypeError on out-of-range fields', () => {
  const bad: Array<[string, Partial<Frame>]> = [
    ['unknown type', { type: 'nope' as FrameType }],
    ['zero sender', { sender: NO_SESSION }],
    ['uppercase sender', { sender: A.toUpperCase() }],
    ['short receiver', { receiver: 'abc' }],
    ['packet 0', { packet: 0 }],
    ['packet 2^48', { packet: 2 ** 48 }],
    ['fractional packet', { packet: 1.5 }],
    ['ts over u32', { ts: 2 ** 32 }],
    ['negative echoTs', { echoTs: -1 }],
    ['echoDelay over u16', { echoDelay: 65536 }],
    ['ack over u32', { ack: 2 ** 32 }],
    ['17 sack ranges', { sack: Array.from({ length: 17 }, (_, i) => [2 * i + 1, 2 * i + 2] as [number, number]) }],
    ['empty sack range', { sack: [[4, 4]] }],
    ['seq on ack frame', { seq: 1 }],
    ['payload on ack frame', { payload: Buffer.from('x') }],
    ['data fragCount 0', { type: 'data', fragCount: 0 }],
    ['data fragIndex >= fragCount', { type: 'data', fragIndex: 1, fragCount: 1 }],
    ['data too big', { type: 'data', fragCount: 1, payload: Buffer.alloc(MAX_FRAME_PLAINTEXT - frameOverhead(0) + 1) }],
  ];
  for (const [name, over] of bad) {
    assert.throws(() => encodeFrame(frame(over)), TypeError, name);
  }
  // The largest data frame fits exactly.
  const max = encodeFrame(dataFrame({ payload: Buffer.alloc(MAX_FRAME_PLAINTEXT - frameOverhead(0)) }));
  assert.equal(max.length, MAX_FRAME_PLAINTEXT);
});

test('touching sack ranges are tolerated, and a range may start at the ack', () => {
  const f = frame({
    ack: 4,
    sack: [
      [4, 6],
      [6, 9],
    ],
  });
  assert.deepEqual(decodeFrame(encodeFrame(f)).sack, [
    [4, 6],
    [6, 9],
  ]);
});

test('MAX_FRAME_PLAINTEXT: its token fits in MAX_DATAGRAM_BYTES, one byte more does not (real Fernet)', () => {
  const fernet = new Fernet(Buffer.alloc(32, 7));
  const fits = fernet.encrypt(Buffer.alloc(MAX_FRAME_PLAINTEXT));
  const over = fernet.encrypt(Buffer.alloc(MAX_FRAME_PLAINTEXT + 1));
  assert.ok(fits.length <= MAX_DATAGRAM_BYTES, `${fits.length} <= ${MAX_DATAGRAM_BYTES}`);
  assert.ok(over.length > MAX_DATAGRAM_BYTES, `${over.length} > ${MAX_DATAGRAM_BYTES}`);
  for (const n of [0, 1, 15, 16, 17, 100, MAX_FRAME_PLAINTEXT]) {
    assert.equal(fernet.encrypt(Buffer.alloc(n)).length, fernetTokenLength(n), `token length of ${n}`);
  }
  assert.equal(MAX_DATA_PAYLOAD, MAX_FRAME_PLAINTEXT - frameOverhead(MAX_SACK_RANGES));
  assert.ok(MAX_DATA_PAYLOAD > 0);
});

test('isFrame: magic and version byte present; raw text never matches', () => {
  assert.ok(isFrame(encodeFrame(frame())));
  assert.ok(!isFrame(Buffer.from([0xfc, 0x01])));
  assert.ok(!isFrame(Buffer.from('hello there', 'utf8')));
  assert.ok(!isFrame(Buffer.from('\u00fc\u0001x', 'utf8'))); // ü encodes as C3 BC, never a leading FC
  assert.ok(!isFrame(Buffer.alloc(0)));
});

test('newSessionId: 16 lowercase hex, random, never NO_SESSION', () => {
  const ids = new Set(Array.from({ length: 100 }, () => newSessionId()));
  assert.equal(ids.size, 100);
  for (const id of ids) {
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.notEqual(id, NO_SESSION);
  }
});

test('rotation payloads: encode/decode, and FrameError when the length does not fit the type', () => {
  const rid = Buffer.alloc(8, 1);
  const pub = Buffer.alloc(32, 2);
  const offer = encodeRotationPayload({ rid, pub });
  assert.equal(offer.length, 40);
  assert.deepEqual(decodeRotationPayload('rot-offer', offer), { rid, pub });
  assert.deepEqual(decodeRotationPayload('rot-accept', offer), { rid, pub });
  for (const t of ['rot-confirm', 'rot-confirm-ack', 'rot-abort'] as const) {
    assert.deepEqual(decodeRotationPayload(t, encodeRotationPayload({ rid })), { rid });
    assert.throws(() => decodeRotationPayload(t, offer), FrameError);
  }
  assert.throws(() => decodeRotationPayload('rot-offer', rid), FrameError);
  assert.throws(() => decodeRotationPayload('data', rid), FrameError);
  assert.throws(() => encodeRotationPayload({ rid: Buffer.alloc(7) }), TypeError);
  assert.throws(() => encodeRotationPayload({ rid, pub: Buffer.alloc(31) }), TypeError);
});

function patch(buf: Buffer, i: number, v: number): Buffer {
  const out = Buffer.from(buf);
  out[i] = v;
  return out;
}

/** A frame written field by field, bypassing encodeFrame's checks, to feed decodeFrame what a broken peer might send. */
function encodeRaw(o: {
  type?: number;
  ack?: number;
  sack?: Array<[number, number]>;
  seq?: number;
  fragIndex?: number;
  fragCount?: number;
  payload?: Buffer;
}): Buffer {
  const sack = o.sack ?? [];
  const head = Buffer.alloc(frameOverhead(sack.length));
  head.set([0xfc, 0x01, 0x02, o.type ?? 2]);
  head.write(A, 4, 'hex');
  head.write(B, 12, 'hex');
  head.writeUIntBE(1, 20, 6);
  head.writeUInt32BE(o.ack ?? 0, 36);
  head[40] = sack.length;
  let at = 41;
  for (const [s, e] of sack) {
    head.writeUInt32BE(s, at);
    head.writeUInt32BE(e, at + 4);
    at += 8;
  }
  head.writeUInt32BE(o.seq ?? 0, at);
  head.writeUInt16BE(o.fragIndex ?? 0, at + 4);
  head.writeUInt16BE(o.fragCount ?? 1, at + 6);
  return Buffer.concat([head, o.payload ?? Buffer.from('x')]);
}

test('ts32: whole ms mod 2^32, never 0 — a fractional clock (a pacer deadline) still gives a u32 timestamp', async () => {
  const { ts32 } = await import('../../src/net/send-path.js');
  assert.equal(ts32(1_700_000_000_000.179), 3_487_918_080);
  assert.equal(ts32(2 ** 32), 1);
  assert.equal(ts32(5.9), 5);
  fc.assert(fc.property(fc.double({ min: 0, max: 2 ** 52, noNaN: true }), (now) => Number.isInteger(ts32(now)) && ts32(now) >= 1 && ts32(now) < 2 ** 32));
});
