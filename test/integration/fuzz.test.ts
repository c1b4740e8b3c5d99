/**
 * Fuzzing the receive path (issue #5 part 8): seeded random and mutated
 * datagrams against a live Transport over a manual MemoryNetwork.
 *
 * Unauthenticated inputs: random bytes, and real captured tokens mutated by
 * bit flips, truncation, extension and splicing. Authenticated inputs: tokens
 * under the right key whose plaintext is a mutated frame that no longer
 * decodes (so the fuzz reaches the frame decoder behind the HMAC).
 *
 * Properties: nothing crashes or reaches the bus as an internal
 * error; nothing is delivered; every case is counted exactly once, and
 * authenticated non-frames that start with the frame magic count as
 * 'malformed', never as text; afterwards a genuine message is delivered
 * exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Bus } from '../../src/bus.js';
import { ManualClock } from '../../src/clock.js';
import { Fernet } from '../../src/crypto/fernet.js';
import { decodeFrame, encodeFrame, type Frame } from '../../src/net/frame.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import { encodeMessage } from '../../src/net/message.js';
import { sameAddress, type Address } from '../../src/address/address.js';
import { Prng } from '../../src/net/impairment.js';
import { Transport } from '../../src/net/transport.js';

const A_ADDR: Address = { host: '10.0.0.1', port: 1000 };
const B_ADDR: Address = { host: '10.0.0.2', port: 2000 };
const CASES = 5_000;
const CHUNK = 250;
const TURN_LIMIT = 2_000;
const SEED = 20_251;

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Side {
  bus: Bus;
  t: Transport;
  received: string[];
  alarms: string[];
}

function side(net: MemoryNetwork, clock: ManualClock, key: Buffer, nick: string, addr: Address, peer: Address): Side {
  const bus = new Bus();
  const t = new Transport({ bus, port: net.port(addr.host, addr.port), key, nick, wire: 'reliable', peer, clock, autoTick: false });
  const s: Side = { bus, t, received: [], alarms: [] };
  bus.on('message:received', (m) => s.received.push(m.text));
  bus.on('error', (e) => {
    if (/internal error/.test(e.message)) s.alarms.push(`${e.severity}: ${e.message}`);
  });
  t.start();
  return s;
}

function drops(t: Transport): number {
  return Object.values(t.dropCounts()).reduce((x, y) => x + y, 0);
}

/** Bit flips, truncation, extension or a splice of two tokens. */
function mutateToken(prng: Prng, tokens: Buffer[]): Buffer {
  const pick = (): Buffer => tokens[prng.int(tokens.length)]!;
  const t = Buffer.from(pick());
  switch (prng.int(4)) {
    case 0: {
      for (let n = 1 + prng.int(8); n > 0; n--) t[prng.int(t.length)]! ^= 1 << prng.int(8);
      return t;
    }
    case 1:
      return t.subarray(0, prng.int(t.length));
    case 2: {
      const tail = prng.int(2) === 0 ? prng.bytes(1 + prng.int(64)) : Buffer.from('A'.repeat(4 * (1 + prng.int(16))));
      return Buffer.concat([t, tail]);
    }
    default: {
      const u = pick();
      return Buffer.concat([t.subarray(0, prng.int(t.length)), u.subarray(prng.int(u.length))]);
    }
  }
}

/** A frame plaintext mutated until it no longer decodes (the magic kept, so it is never taken for text); null if it kept decoding. */
function brokenFrame(prng: Prng, base: Buffer): Buffer | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    let p = Buffer.from(base);
    switch (prng.int(4)) {
      case 0:
        for (let n = 1 + prng.int(6); n > 0; n--) p[2 + prng.int(p.length - 2)]! ^= 1 << prng.int(8);
        break;
      case 1:
        p = p.subarray(0, 2 + prng.int(p.length - 2));
        break;
      case 2:
        p[2 + prng.int(40)] = prng.int(256); // version, type, sessions, counts: the header
        break;
      default:
        p = Buffer.concat([Buffer.from([0xfc]), prng.bytes(prng.int(80))]);
    }
    try {
      decodeFrame(p);
    } catch {
      return p;
    }
  }
  return null;
}

test(`fuzz: ${CASES} seeded random and mutated datagrams never crash and deliver nothing`, async (t) => {
  const net = new MemoryNetwork({ manual: true, seed: SEED });
  const clock = new ManualClock();
  const key = randomBytes(32);
  const tokens: Buffer[] = [];
  net.capture((from, _to, data) => {
    if (sameAddress(from, A_ADDR)) tokens.push(data);
  });
  const a = side(net, clock, key, 'alice', A_ADDR, B_ADDR);
  const b = side(net, clock, key, 'bob', B_ADDR, A_ADDR);
  t.after(async () => {
    await a.t.close();
    await b.t.close();
    net.close();
  });
  const settle = async (ms: number): Promise<void> => {
    for (let s = 0; s < ms; s += 10) {
      clock.advance(10);
      a.t.tick();
      b.t.tick();
      for (let i = 0, quiet = 0; quiet < 3; i++) {
        assert.ok(i < TURN_LIMIT, 'the network settles');
        const moved = net.flush();
        await turn();
        quiet = moved === 0 && net.inFlight === 0 ? quiet + 1 : 0;
      }
    }
  };
  await settle(100);
  for (let i = 0; i < 5; i++) a.bus.emit('send', { id: `seed${i}`, text: `seed message ${i} ${'x'.repeat(i * 200)}` });
  await settle(3_500); // data, acks and keepalives: a variety of real tokens
  assert.equal(b.received.length, 5);
  assert.ok(tokens.length >= 5, `${tokens.length} captured tokens`);

  const fernet = new Fernet(key);
  const frame: Frame = {
    type: 'data',
    sender: a.t.sessionId,
    receiver: b.t.sessionId,
    packet: 1_000_000,
    ts: clock.now() % 2 ** 32,
    echoTs: 0,
    echoDelay: 0,
    ack: 0,
    sack: [[3, 5]],
    seq: 1_000,
    fragIndex: 0,
    fragCount: 1,
    payload: encodeMessage({ nick: 'alice', text: 'fuzzed' }),
  };
  const prng = new Prng(SEED);
  const before = { drops: drops(b.t), malformed: b.t.dropCounts().malformed, received: b.received.length };
  let expectMalformed = 0;
  let injected = 0;
  for (let done = 0; done < CASES; done += CHUNK) {
    for (let i = 0; i < CHUNK; i++) {
      const kind = prng.int(10);
      const from = prng.int(4) === 0 ? { host: `192.0.2.${1 + prng.int(254)}`, port: 1 + prng.int(65535) } : A_ADDR;
      let data: Buffer;
      if (kind === 0) data = prng.bytes(prng.int(1_500));
      else if (kind <= 6) data = mutateToken(prng, tokens);
      else {
        const plain = brokenFrame(prng, encodeFrame({ ...frame, packet: frame.packet + done + i }));
        if (plain === null) continue;
        data = fernet.encrypt(plain, Math.floor(clock.now() / 1000));
        expectMalformed++;
      }
      net.inject(from, B_ADDR, data);
      injected++;
    }
    net.flush();
    for (let i = 0; i < TURN_LIMIT && drops(b.t) - before.drops < injected; i++) await turn();
    assert.equal(drops(b.t) - before.drops, injected, `every case so far counted once (${injected})`);
  }
  console.log(`fuzz: ${injected} cases, ${expectMalformed} authenticated broken frames, drops ${JSON.stringify(b.t.dropCounts())}`);
  assert.ok(injected > CASES * 0.9, `${injected} cases injected`);
  assert.ok(expectMalformed > CASES * 0.2, `${expectMalformed} authenticated broken frames`);
  assert.equal(b.t.dropCounts().malformed - before.malformed, expectMalformed, 'authenticated broken frames count as malformed');
  assert.equal(b.received.length, before.received, 'nothing delivered, no broken frame shown as text');
  assert.deepEqual(b.t.peerAddress(), A_ADDR, 'no fuzz case moved the peer');
  assert.deepEqual([...a.alarms, ...b.alarms], []);

  a.bus.emit('send', { id: 'genuine', text: 'genuine after the fuzz' });
  await settle(200);
  assert.equal(b.received.filter((m) => m === 'genuine after the fuzz').length, 1);
  assert.equal(a.t.pendingCount(), 0);
});
