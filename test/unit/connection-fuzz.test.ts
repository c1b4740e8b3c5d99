import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { ADDR_A, ADDR_B, ConnPair } from '../_connection-pair.js';
import type { Address } from '../../src/address/address.js';
import { SEND_QUEUE_MAX_MESSAGES } from '../../src/constants.js';
import { Fernet } from '../../src/crypto/fernet.js';
import { encodeBulk, encodeBulkAck } from '../../src/net/bulk-codec.js';
import { encodePack } from '../../src/net/pack.js';
import { Connection } from '../../src/net/connection.js';
import { encodeFrame, newSessionId, NO_SESSION, type FrameType } from '../../src/net/frame.js';
import { DROP_REASONS } from '../../src/net/stats.js';

/*
 * Fuzzing the connection core (issue 11, part 5): random and mutated
 * datagram sequences, interleaved with time, sends and rotations, against
 * one Connection. It must never throw, every input must be accounted for
 * (received or dropped by a reason), and what it holds must stay bounded.
 * Seeds come from a recorded real exchange (handshake, chat, a paste in
 * fragments, a rotation), so mutations start from datagrams that decrypt.
 */

const EVIL: Address = { host: '10.6.6.6', port: 6666 };
const TYPES: FrameType[] = [
  'hello',
  'data',
  'pack',
  'ack',
  'ping',
  'pong',
  'rot-offer',
  'rot-accept',
  'rot-confirm',
  'rot-confirm-ack',
  'rot-abort',
  'bye',
  'bulk',
  'bulk-ack',
  'probe',
  'probe-ack',
];

/** Half the forged wire v3 frames are well formed, so the fuzz reaches the bulk streams (bob has streams 1 and 2 open to receive). */
function forgedPayload(type: FrameType, o: { seq: number; packet: number; frag: [number, number]; payload: Uint8Array }): Buffer {
  const raw = Buffer.from(o.payload);
  if (raw.length % 2 === 1) return raw;
  if (type === 'pack') return wellFormedPack(o);
  if (type === 'bulk') return encodeBulk(o.seq, 1 + (o.frag[0] % 3), o.packet % 20_000, [raw.length > 0 ? raw : Buffer.from([1])]);
  if (type === 'bulk-ack') return encodeBulkAck({ ranges: [[o.seq, o.seq + 1 + (o.frag[1] % 50)]], credits: [{ stream: 1 + (o.frag[0] % 3), max: o.packet }] });
  return raw;
}

/** A recorded exchange (its later datagrams are under the rotated key, which the victim below never holds: garbage that looks real). */
function recording(): { wire: Buffer[]; oldKey: Buffer; alice: string; start: number } {
  const p = new ConnPair();
  const start = p.now;
  p.advance(100);
  p.a.conn.send('1', 'hello', p.now);
  p.b.conn.send('2', 'x'.repeat(3_000), p.now);
  // A burst of short lines: pack frames in the recording.
  for (let i = 0; i < 12; i++) p.a.conn.send(`b${i}`, `burst ${i}`, p.now);
  p.pump();
  p.advance(500);
  p.a.conn.rotate(p.now);
  p.pump();
  p.advance(1_000);
  p.a.conn.send('3', 'after', p.now);
  p.pump();
  p.advance(500);
  assert.ok(
    p.tap.some((w) => w.what === 'pack'),
    'the recording holds pack frames',
  );
  return { wire: p.tap.map((w) => w.datagram), oldKey: p.key, alice: p.a.conn.sessionId, start };
}

const rec = recording();

/** Half the forged packs are well formed (two records cut from the payload), so the fuzz reaches past the pack codec. */
function wellFormedPack(o: { seq: number; frag: [number, number]; payload: Uint8Array }): Buffer {
  const half = o.payload.length >> 1;
  const frag = { fragIndex: o.frag[0] % o.frag[1], fragCount: o.frag[1] };
  return encodePack([
    { seq: o.seq, ...frag, payload: Buffer.from(o.payload.subarray(0, half)) },
    { seq: o.seq + 1, ...frag, payload: Buffer.from(o.payload.subarray(half)) },
  ]);
}

type Op =
  | { kind: 'random'; bytes: Uint8Array; from: number }
  | { kind: 'replay'; i: number; from: number }
  | { kind: 'mutate'; i: number; at: number; value: number; cut: number; from: number }
  | { kind: 'forge'; type: number; sender: number; receiver: number; packet: number; seq: number; frag: [number, number]; payload: Uint8Array; from: number }
  | { kind: 'plain'; bytes: Uint8Array; frame: boolean; from: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'send'; len: number }
  | { kind: 'rotate' };

const from = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 1_400 }), from }),
  fc.record({ kind: fc.constant('replay' as const), i: fc.nat(), from }),
  fc.record({ kind: fc.constant('mutate' as const), i: fc.nat(), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), cut: fc.nat({ max: 3 }), from }),
  fc.record({
    kind: fc.constant('forge' as const),
    type: fc.nat({ max: TYPES.length - 1 }),
    sender: fc.nat({ max: 3 }),
    receiver: fc.nat({ max: 3 }),
    packet: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(2 ** 48 - 1), fc.integer({ min: 1, max: 2 ** 48 - 1 })),
    seq: fc.oneof(fc.nat({ max: 20 }), fc.constant(0xffff_ffff)),
    frag: fc.tuple(fc.nat({ max: 3 }), fc.integer({ min: 1, max: 0xffff })),
    payload: fc.uint8Array({ maxLength: 200 }),
    from,
  }),
  fc.record({ kind: fc.constant('plain' as const), bytes: fc.uint8Array({ maxLength: 800 }), frame: fc.boolean(), from }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.oneof(fc.nat({ max: 100 }), fc.nat({ max: 30_000 })) }),
  fc.record({ kind: fc.constant('send' as const), len: fc.oneof(fc.nat({ max: 100 }), fc.nat({ max: 5_000 })) }),
  fc.record({ kind: fc.constant('rotate' as const) }),
);

const ADDRS = [ADDR_A, EVIL, ADDR_B];

/** Run the ops against a fresh connection (bob); returns it, after checking every step. */
function run(ops: Op[]): Connection {
  let now = rec.start + 3_000;
  const fernet = new Fernet(rec.oldKey);
  const bob = new Connection({ key: rec.oldKey, nick: 'bob', wire: 'reliable', peer: ADDR_A, now });
  bob.start(now);
  bob.bulk('bulk:open-recv', { stream: 1, offset: 0 }, now);
  bob.bulk('bulk:open-recv', { stream: 2, offset: 100 }, now);
  bob.poll();
  const sessions = [rec.alice, bob.sessionId, newSessionId(), NO_SESSION];
  let inputs = 0;
  for (const o of ops) {
    const before = bob.stats().datagramsIn;
    let datagram: Buffer | null = null;
    let src: Address = ADDR_A;
    switch (o.kind) {
      case 'random':
        datagram = Buffer.from(o.bytes);
        src = ADDRS[o.from]!;
        break;
      case 'replay':
        datagram = rec.wire[o.i % rec.wire.length]!;
        src = ADDRS[o.from]!;
        break;
      case 'mutate': {
        const d = Buffer.from(rec.wire[o.i % rec.wire.length]!);
        d[o.at % d.length] = o.value;
        datagram = o.cut > 0 ? d.subarray(0, Math.max(0, d.length - o.cut * 7)) : d;
        src = ADDRS[o.from]!;
        break;
      }
      case 'forge': {
        const type = TYPES[o.type]!;
        const isData = type === 'data';
        const sender = sessions[o.sender % 3]!;
        let plain: Buffer;
        try {
          plain = encodeFrame({
            type,
            sender,
            receiver: sessions[o.receiver]!,
            packet: o.packet,
            ts: now % 0x1_0000_0000,
            echoTs: 0,
            echoDelay: 0,
            ack: 0,
            sack: [],
            seq: isData ? o.seq : 0,
            fragIndex: isData ? o.frag[0] % o.frag[1] : 0,
            fragCount: isData ? o.frag[1] : 0,
            payload: forgedPayload(type, o),
          });
        } catch {
          continue; // a payload the type does not allow: the encoder refuses it, as it should
        }
        datagram = fernet.encrypt(plain, Math.floor(now / 1000));
        src = ADDRS[o.from]!;
        break;
      }
      case 'plain': {
        const bytes = Buffer.from(o.bytes);
        if (o.frame && bytes.length > 0) bytes[0] = 0xfc;
        datagram = fernet.encrypt(bytes, Math.floor(now / 1000));
        src = ADDRS[o.from]!;
        break;
      }
      case 'tick':
        now += o.ms;
        bob.tick(now);
        break;
      case 'send':
        bob.send(`m${inputs}`, 'y'.repeat(o.len), now);
        break;
      case 'rotate':
        bob.rotate(now);
        break;
    }
    if (datagram !== null) {
      inputs += 1;
      bob.receive(datagram, src, now);
      assert.equal(bob.stats().datagramsIn, before + 1, 'every datagram is counted in');
    }
    for (const a of bob.poll()) {
      if (a.kind === 'transmit') assert.ok(a.datagram.length <= 1200, 'never an oversized datagram');
    }
    const d = bob.nextDeadline();
    assert.ok(d === null || Number.isFinite(d), 'a finite deadline or none');
  }
  return bob;
}

test('property: random and mutated datagram sequences never throw; every datagram is received or dropped by a reason; state stays bounded', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const bob = run(ops);
      const s = bob.stats();
      const drops = bob.dropCounts();
      assert.equal(Object.keys(drops).length, DROP_REASONS.length);
      assert.equal(
        s.dropped,
        Object.values(drops).reduce((x, y) => x + y, 0),
      );
      assert.ok(s.dropped <= s.datagramsIn);
      assert.ok(bob.pendingCount <= SEND_QUEUE_MAX_MESSAGES);
    }),
    { numRuns: 150, seed: 1_100_011 },
  );
});

test('memory is bounded: 20,000 forged fragments, replays and garbage at one connection hold a few MiB at most', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const key = randomBytes(32);
  const fernet = new Fernet(key);
  let now = 1_700_000_000_000;
  const bob = new Connection({ key, nick: 'bob', wire: 'reliable', peer: ADDR_A, now });
  bob.start(now);
  bob.bulk('bulk:open-recv', { stream: 1, offset: 0 }, now);
  bob.bulk('bulk:open-recv', { stream: 2, offset: 100 }, now);
  bob.poll();
  const alice = newSessionId();
  const seal = (f: Parameters<typeof encodeFrame>[0]): Buffer => fernet.encrypt(encodeFrame(f), Math.floor(now / 1000));
  const base = { sender: alice, receiver: bob.sessionId, ts: 1, echoTs: 0, echoDelay: 0, ack: 0, sack: [] as Array<[number, number]> };
  bob.receive(
    seal({ ...base, type: 'hello', receiver: NO_SESSION, packet: 1, seq: 0, fragIndex: 0, fragCount: 0, payload: Buffer.from('alice') }),
    ADDR_A,
    now,
  );
  bob.poll();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  let packet = 2;
  for (let i = 0; i < 20_000; i++) {
    now += 1;
    const kind = i % 4;
    let d: Buffer;
    if (kind === 0) {
      // A message that never completes: big fragment counts, the window buffering seqs far ahead.
      d = seal({ ...base, type: 'data', packet: packet++, seq: 1 + (i % 4_000), fragIndex: 0, fragCount: 0xffff, payload: Buffer.alloc(600, 1) });
    } else if (kind === 1) {
      d = seal({ ...base, type: 'data', packet: packet++, seq: 0, fragIndex: 0, fragCount: 3, payload: Buffer.alloc(0) });
    } else if (kind === 2) {
      d = randomBytes(200);
    } else {
      d = seal({ ...base, type: 'ping', packet: 1 + (i % 50), seq: 0, fragIndex: 0, fragCount: 0, payload: Buffer.alloc(0) });
    }
    bob.receive(d, ADDR_A, now);
    if (i % 64 === 0) {
      bob.poll();
      bob.tick(now);
    }
  }
  bob.poll();
  gc();
  const grew = process.memoryUsage().heapUsed - heap0;
  assert.ok(grew < 12 * 2 ** 20, `held ${(grew / 2 ** 20).toFixed(1)} MiB`);
  assert.equal(bob.stats().datagramsIn, 20_001);
});
