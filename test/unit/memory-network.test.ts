import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryNetwork } from '../../src/net/memory.js';
import { Prng, checkConditions, decideFate } from '../../src/net/impairment.js';
import { BindError } from '../../src/net/udp.js';
import type { Address } from '../../src/address/address.js';
import type { DatagramPort } from '../../src/net/port.js';

const A: Address = { host: '127.0.0.1', port: 1001 };
const B: Address = { host: '127.0.0.1', port: 1002 };

/** Two ports, a→b, everything b receives recorded as text. */
function pair(net: MemoryNetwork): { a: DatagramPort; b: DatagramPort; got: string[]; from: Address[] } {
  const a = net.port(A.host, A.port);
  const b = net.port(B.host, B.port);
  const got: string[] = [];
  const from: Address[] = [];
  b.onDatagram((d, f) => {
    got.push(d.toString());
    from.push(f);
  });
  return { a, b, got, from };
}

function sendNumbered(a: DatagramPort, n: number): string[] {
  const sent: string[] = [];
  for (let i = 0; i < n; i++) {
    sent.push(String(i));
    a.send(Buffer.from(String(i)), B);
  }
  return sent;
}

function runManual(seed: number, conditions: object, n: number): { got: string[]; sent: string[]; net: MemoryNetwork } {
  const net = new MemoryNetwork({ seed, conditions, manual: true });
  const { a, got } = pair(net);
  const sent = sendNumbered(a, n);
  net.flush();
  return { got, sent, net };
}

test('prng: seeded, in range, chance bounds', () => {
  const x = new Prng(42);
  const y = new Prng(42);
  const z = new Prng(43);
  const xs = Array.from({ length: 50 }, () => x.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 50 }, () => y.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 50 }, () => z.next()),
  );
  assert.ok(xs.every((v) => v >= 0 && v < 1));
  const p = new Prng(7);
  for (let i = 0; i < 200; i++) {
    const n = p.int(6);
    assert.ok(Number.isInteger(n) && n >= 0 && n < 6);
    assert.equal(p.chance(0), false);
    assert.equal(p.chance(1), true);
  }
  assert.equal(new Prng(1).bytes(16).length, 16);
  assert.throws(() => new Prng(Number.NaN), TypeError);
  assert.throws(() => p.int(0), TypeError);
});

test('timer mode delivers a copy with the sender address', async () => {
  const net = new MemoryNetwork();
  const { a, from } = pair(net);
  const got: Buffer[] = [];
  const arrived = new Promise<void>((resolve) => {
    const b2 = net.port('127.0.0.1', 1003);
    b2.onDatagram((d) => {
      got.push(d);
      resolve();
    });
  });
  const buf = Buffer.from('hello');
  a.send(buf, { host: '127.0.0.1', port: 1003 });
  buf.fill(0); // the sender may reuse its buffer at once
  await arrived;
  assert.equal(got[0]?.toString(), 'hello');
  assert.equal(from.length, 0, 'b did not get what was sent to b2');
  assert.equal(net.stats.sent, 1);
  assert.equal(net.stats.delivered, 1);
  net.close();
});

test('binding: taken address throws BindError, port 0 is ephemeral, close frees it', async () => {
  const net = new MemoryNetwork();
  const a = net.port('127.0.0.1', 5000);
  assert.throws(
    () => net.port('127.0.0.1', 5000),
    (e: unknown) => e instanceof BindError && e.name === 'BindError' && e.code === 'EADDRINUSE' && /127\.0\.0\.1:5000/.test(e.message),
  );
  assert.throws(() => net.port('::ffff:127.0.0.1', 5000), BindError, 'IPv4-mapped form is the same address');
  const e1 = net.port('127.0.0.1', 0).address();
  const e2 = net.port('127.0.0.1', 0).address();
  assert.ok(e1.port > 0 && e2.port > 0 && e1.port !== e2.port);
  await a.close();
  assert.equal(net.port('127.0.0.1', 5000).address().port, 5000);
  assert.throws(() => net.port('', 1), TypeError);
  assert.throws(() => net.port('h', 70000), TypeError);
});

test('send after close and to a bad address go to onError, never throw', async () => {
  const net = new MemoryNetwork({ manual: true });
  const a = net.port('127.0.0.1', 1);
  const errors: string[] = [];
  a.onError((e) => errors.push(e.message));
  a.send(Buffer.from('x'), { host: '127.0.0.1', port: -1 });
  await a.close();
  a.send(Buffer.from('x'), B);
  assert.equal(errors.length, 2);
  assert.match(errors[1] ?? '', /closed/);
  assert.equal(net.stats.sent, 0);
});

test('manual mode: nothing moves until step/flush; flush is bounded', () => {
  const net = new MemoryNetwork({ manual: true });
  const { a, b, got } = pair(net);
  a.send(Buffer.from('1'), B);
  a.send(Buffer.from('2'), B);
  assert.deepEqual(got, []);
  assert.equal(net.inFlight, 2);
  assert.equal(net.step(), true);
  assert.deepEqual(got, ['1']);
  assert.equal(net.flush(), 1);
  assert.equal(net.step(), false);
  // An endless ping-pong stops at maxSteps.
  b.onDatagram((_d, f) => b.send(Buffer.from('pong'), f));
  a.onDatagram((_d, f) => a.send(Buffer.from('ping'), f));
  a.send(Buffer.from('ping'), B);
  assert.equal(net.flush(25), 25);
  assert.ok(net.inFlight > 0);
  net.close();
  assert.equal(net.inFlight, 0);
});

test('loss 0 delivers everything in order; loss 1 delivers nothing', () => {
  const clean = runManual(1, { loss: 0 }, 300);
  assert.deepEqual(clean.got, clean.sent);
  const dead = runManual(1, { loss: 1 }, 300);
  assert.deepEqual(dead.got, []);
  assert.equal(dead.net.stats.dropped, 300);
  assert.equal(dead.net.stats.delivered, 0);
});

test('same seed gives the same pattern, another seed another one', () => {
  const c = { loss: 0.3, duplicate: 0.1, reorder: 0.1 };
  const r1 = runManual(99, c, 400);
  const r2 = runManual(99, c, 400);
  const r3 = runManual(100, c, 400);
  assert.deepEqual(r1.got, r2.got);
  assert.notDeepEqual(r1.got, r3.got);
  const lossRate = r1.net.stats.dropped / 400;
  assert.ok(lossRate > 0.2 && lossRate < 0.4, `loss rate ${lossRate}`);
});

test('duplicate 1 delivers every datagram twice', () => {
  const r = runManual(5, { duplicate: 1 }, 50);
  assert.equal(r.got.length, 100);
  assert.equal(r.net.stats.duplicated, 50);
  for (const s of r.sent) assert.equal(r.got.filter((g) => g === s).length, 2);
});

test('reorder permutes without losing or duplicating; a lone held datagram still arrives', () => {
  const r = runManual(11, { reorder: 0.3 }, 200);
  assert.notDeepEqual(r.got, r.sent);
  assert.deepEqual([...r.got].sort(), [...r.sent].sort());
  assert.ok(r.net.stats.reordered > 20);
  const lone = runManual(3, { reorder: 1 }, 1);
  assert.deepEqual(lone.got, ['0']);
  // reorder 1: each one is held until the next one passes it
  const all = runManual(3, { reorder: 1 }, 4);
  assert.deepEqual([...all.got].sort(), ['0', '1', '2', '3']);
  assert.notDeepEqual(all.got, ['0', '1', '2', '3']);
});

test('timer mode with delay, jitter and reordering delivers all of them', async () => {
  const net = new MemoryNetwork({ seed: 8, conditions: { delayMs: 2, jitterMs: 5, reorder: 0.2 } });
  const { a, got } = pair(net);
  const sent = sendNumbered(a, 100);
  const deadline = Date.now() + 5_000;
  while (got.length < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual([...got].sort(), [...sent].sort());
  assert.notDeepEqual(got, sent, 'jitter reorders');
  net.close();
});

test('a delayed datagram is not delivered before an immediate turn; close() cancels it', async () => {
  const net = new MemoryNetwork({ conditions: { delayMs: 60_000 } });
  const { a, got } = pair(net);
  a.send(Buffer.from('late'), B);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, []);
  assert.equal(net.inFlight, 1);
  net.close(); // otherwise this test would keep the runner alive for a minute
  assert.equal(net.inFlight, 0);
});

test('inject bypasses conditions and capture, with a forged source', () => {
  const net = new MemoryNetwork({ manual: true, conditions: { loss: 1 } });
  const { got, from } = pair(net);
  const seen: string[] = [];
  net.capture((_f, _t, d) => seen.push(d.toString()));
  const forged = { host: '10.9.9.9', port: 4444 };
  net.inject(forged, B, Buffer.from('evil'));
  net.flush();
  assert.deepEqual(got, ['evil']);
  assert.deepEqual(from, [forged]);
  assert.deepEqual(seen, []);
  assert.equal(net.stats.injected, 1);
});

test('capture sees every sent datagram, lost ones too, until unsubscribed', () => {
  const net = new MemoryNetwork({ manual: true, conditions: { loss: 0.5 }, seed: 4 });
  const { a, got } = pair(net);
  const seen: Array<[Address, Address, string]> = [];
  const off = net.capture((f, t, d) => seen.push([f, t, d.toString()]));
  const sent = sendNumbered(a, 40);
  off();
  a.send(Buffer.from('after'), B);
  net.flush();
  assert.deepEqual(
    seen.map((s) => s[2]),
    sent,
  );
  assert.deepEqual(seen[0]?.[0], A);
  assert.deepEqual(seen[0]?.[1], B);
  assert.ok(got.length < 41);
});

test('unroutable datagrams are dropped; a wildcard bind receives for any host', () => {
  const net = new MemoryNetwork({ manual: true });
  const a = net.port('127.0.0.1', 1);
  a.send(Buffer.from('void'), { host: '127.0.0.1', port: 9 });
  net.flush();
  assert.equal(net.stats.dropped, 1);
  const any = net.port('0.0.0.0', 9);
  const got: string[] = [];
  any.onDatagram((d) => got.push(d.toString()));
  a.send(Buffer.from('hi'), { host: '127.0.0.1', port: 9 });
  net.flush();
  assert.deepEqual(got, ['hi']);
});

test('a throwing handler goes to onError when there is one, else surfaces', () => {
  const net = new MemoryNetwork({ manual: true });
  const { a, b } = pair(net);
  b.onDatagram(() => {
    throw new Error('boom');
  });
  a.send(Buffer.from('x'), B);
  assert.throws(() => net.flush(), /boom/);
  const errors: string[] = [];
  b.onError((e) => errors.push(e.message));
  a.send(Buffer.from('y'), B);
  net.flush();
  assert.match(errors[0] ?? '', /boom/);
});

test('conditions are validated; decideFate draws a fixed pattern per seed', () => {
  assert.throws(() => checkConditions({ loss: 1.5 }), TypeError);
  assert.throws(() => checkConditions({ duplicate: -0.1 }), TypeError);
  assert.throws(() => checkConditions({ delayMs: Number.NaN }), TypeError);
  assert.throws(() => new MemoryNetwork({ conditions: { reorder: 2 } }), TypeError);
  const net = new MemoryNetwork();
  assert.throws(() => net.setConditions({ jitterMs: -1 }), TypeError);
  const f1 = Array.from(
    { length: 20 },
    (
      (p) => () =>
        decideFate(p, { loss: 0.5, jitterMs: 3 })
    )(new Prng(2)),
  );
  const f2 = Array.from(
    { length: 20 },
    (
      (p) => () =>
        decideFate(p, { loss: 0.5, jitterMs: 3 })
    )(new Prng(2)),
  );
  assert.deepEqual(f1, f2);
  for (const f of f1) {
    assert.equal(f.delaysMs.length, f.copies);
    assert.ok(f.delaysMs.every((d) => d >= 0 && d < 3));
  }
});
