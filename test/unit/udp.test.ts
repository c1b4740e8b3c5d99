import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { bindUdp, BindError } from '../../src/net/udp.js';
import type { Address } from '../../src/address/address.js';
import type { DatagramPort } from '../../src/net/port.js';

const open: DatagramPort[] = [];
after(async () => {
  await Promise.all(open.map((p) => p.close()));
});

async function bind(host: string, port = 0): Promise<DatagramPort> {
  const p = await bindUdp(host, port);
  open.push(p);
  return p;
}

/** Resolves with the next `n` datagrams (text and source), or rejects after a bounded wait. */
function collect(p: DatagramPort, n: number, timeoutMs = 5_000): Promise<Array<{ text: string; from: Address }>> {
  return new Promise((resolve, reject) => {
    const got: Array<{ text: string; from: Address }> = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out with ${got.length}/${n} datagrams`));
    }, timeoutMs);
    const off = p.onDatagram((d, from) => {
      got.push({ text: d.toString(), from });
      if (got.length === n) {
        clearTimeout(timer);
        off();
        resolve(got);
      }
    });
  });
}

function nextError(p: DatagramPort, timeoutMs = 5_000): Promise<Error> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no error reported')), timeoutMs);
    const off = p.onError((e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

async function ipv6Available(): Promise<boolean> {
  try {
    const p = await bindUdp('::1', 0);
    await p.close();
    return true;
  } catch {
    return false;
  }
}

test('IPv4 loopback: send and receive, with the sender address', async () => {
  const a = await bind('127.0.0.1');
  const b = await bind('127.0.0.1');
  assert.equal(a.address().host, '127.0.0.1');
  assert.ok(a.address().port > 0);
  const got = collect(b, 2);
  a.send(Buffer.from('one'), b.address());
  a.send(Buffer.from('two'), b.address());
  const [m1, m2] = await got;
  assert.deepEqual([m1?.text, m2?.text].sort(), ['one', 'two']);
  assert.deepEqual(m1?.from, a.address());
});

test('IPv6 loopback: send and receive', async (t) => {
  if (!(await ipv6Available())) {
    console.log('skipped: ::1 cannot be bound on this machine');
    t.skip('::1 cannot be bound on this machine');
    return;
  }
  const a = await bind('::1');
  const b = await bind('::1');
  const got = collect(b, 1);
  a.send(Buffer.from('six'), b.address());
  const [m] = await got;
  assert.equal(m?.text, 'six');
  assert.equal(m?.from.host, '::1');
  assert.equal(m?.from.port, a.address().port);
});

test('dual stack: a socket on :: talks to an IPv4 peer, which shows as plain IPv4', async (t) => {
  if (!(await ipv6Available())) {
    console.log('skipped: no IPv6 on this machine');
    t.skip('no IPv6 on this machine');
    return;
  }
  const v6 = await bind('::');
  const v4 = await bind('127.0.0.1');
  const toV4 = collect(v4, 1);
  v6.send(Buffer.from('to v4'), v4.address());
  assert.equal((await toV4)[0]?.text, 'to v4');
  const toV6 = collect(v6, 1);
  v4.send(Buffer.from('to v6'), { host: '127.0.0.1', port: v6.address().port });
  const [m] = await toV6;
  assert.equal(m?.text, 'to v6');
  assert.deepEqual(m?.from, v4.address());
});

test('a hostname is resolved before binding', async () => {
  const p = await bind('localhost');
  assert.ok(['127.0.0.1', '::1'].includes(p.address().host), p.address().host);
});

test('address in use → BindError, one line with host:port and the code', async () => {
  const a = await bind('127.0.0.1');
  const port = a.address().port;
  await assert.rejects(bindUdp('127.0.0.1', port), (e: unknown) => {
    assert.ok(e instanceof BindError);
    assert.equal(e.name, 'BindError');
    assert.equal(e.code, 'EADDRINUSE');
    assert.equal(e.message, `cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`);
    return true;
  });
});

test('an address not on this machine → BindError EADDRNOTAVAIL', async () => {
  // 192.0.2.1 is TEST-NET-1: never assigned to a local interface. Only a bind, no traffic.
  await assert.rejects(
    bindUdp('192.0.2.1', 0),
    (e: unknown) => e instanceof BindError && e.code === 'EADDRNOTAVAIL' && /192\.0\.2\.1:0/.test(e.message) && !e.message.includes('\n'),
  );
});

test('a privileged port → BindError EACCES', async (t) => {
  if (process.getuid?.() === 0) {
    console.log('skipped: running as root, privileged ports can be bound');
    t.skip('running as root, privileged ports can be bound');
    return;
  }
  try {
    const p = await bindUdp('127.0.0.1', 1);
    await p.close();
    console.log('skipped: this system lets unprivileged users bind port 1');
    t.skip('this system lets unprivileged users bind port 1');
  } catch (e) {
    assert.ok(e instanceof BindError && e.code === 'EACCES', String(e));
  }
});

test('caller misuse → TypeError', async () => {
  await assert.rejects(bindUdp('', 0), TypeError);
  await assert.rejects(bindUdp('127.0.0.1', 70000), TypeError);
  await assert.rejects(bindUdp('127.0.0.1', 1.5), TypeError);
});

test('send never throws: bad port, wrong family and closed socket go to onError', async () => {
  const a = await bindUdp('127.0.0.1', 0);
  const errors: Error[] = [];
  a.onError((e) => errors.push(e));
  const badPort = nextError(a);
  assert.doesNotThrow(() => a.send(Buffer.from('x'), { host: '127.0.0.1', port: 0 }));
  await badPort;
  const wrongFamily = nextError(a);
  assert.doesNotThrow(() => a.send(Buffer.from('x'), { host: '::1', port: 9 }));
  await wrongFamily;
  await a.close();
  await a.close(); // idempotent
  assert.doesNotThrow(() => a.send(Buffer.from('x'), { host: '127.0.0.1', port: 9 }));
  assert.equal(errors.length, 3);
  assert.match(errors[2]?.message ?? '', /closed/);
});

test('sending to a dead port does not kill the socket', async () => {
  const a = await bind('127.0.0.1');
  const b = await bind('127.0.0.1');
  const gone = await bindUdp('127.0.0.1', 0);
  const deadAddr = gone.address();
  await gone.close();
  a.onError(() => undefined);
  // ICMP port-unreachable may come back as ECONNREFUSED on a later send.
  for (let i = 0; i < 5; i++) {
    a.send(Buffer.from('nobody'), deadAddr);
    await new Promise((r) => setTimeout(r, 2));
  }
  const got = collect(b, 1);
  a.send(Buffer.from('still here'), b.address());
  assert.equal((await got)[0]?.text, 'still here');
});

test('a throwing handler is reported, other handlers still run, unsubscribe works', async () => {
  const a = await bind('127.0.0.1');
  const b = await bind('127.0.0.1');
  const offBad = b.onDatagram(() => {
    throw new Error('handler bug');
  });
  const err = nextError(b);
  const got = collect(b, 1);
  a.send(Buffer.from('x'), b.address());
  assert.match((await err).message, /handler bug/);
  assert.equal((await got)[0]?.text, 'x');
  offBad();
  let errors = 0;
  b.onError(() => errors++);
  const again = collect(b, 1);
  a.send(Buffer.from('y'), b.address());
  await again;
  assert.equal(errors, 0);
});

test('a loopback burst of 1,000 full-size datagrams all arrive (socket buffers are raised)', async () => {
  const a = await bind('127.0.0.1');
  const b = await bind('127.0.0.1');
  const n = 1_000;
  const got = collect(b, n, 10_000);
  const payload = Buffer.alloc(1200, 0x61);
  for (let i = 0; i < n; i++) a.send(payload, b.address());
  assert.equal((await got).length, n);
});

test('a raw dgram peer sees exactly what was sent', async () => {
  const a = await bind('127.0.0.1');
  const raw = dgram.createSocket('udp4');
  after(() => raw.close());
  await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
  const got = new Promise<Buffer>((r) => raw.once('message', (m) => r(m)));
  const data = Buffer.from([0, 1, 2, 255, 254]);
  a.send(data, { host: '127.0.0.1', port: raw.address().port });
  assert.deepEqual(await got, data);
});
