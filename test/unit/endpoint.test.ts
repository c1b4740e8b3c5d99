import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Attacker } from '../_attacker.js';
import type { Address } from '../../src/address/address.js';
import { ENDPOINT_CONNECTIONS_MAX } from '../../src/constants.js';
import { Endpoint } from '../../src/net/endpoint.js';

/*
 * The endpoint's demultiplexing, as its doc comment states it: one
 * connection takes everything; several are tried source address first, then
 * by who can open the token; connections sharing a key are told apart by the
 * sender session inside it; what nobody opens is counted where it belongs.
 */

const X: Address = { host: '10.0.0.1', port: 1001 };
const Y: Address = { host: '10.0.0.2', port: 1002 };
const Z: Address = { host: '10.0.0.3', port: 1003 };
const NOW = 1_700_000_000_000;
const clock = { now: () => NOW };

function conn(e: Endpoint, key: Buffer, peer: Address | null): ReturnType<Endpoint['connect']> {
  const c = e.connect({ key, nick: 'me', wire: 'reliable', peer, now: NOW });
  c.start(NOW);
  c.poll();
  return c;
}

test('one connection takes every datagram, from any address', () => {
  const e = new Endpoint();
  const key = randomBytes(32);
  const c = conn(e, key, null);
  e.receive(new Attacker(key, clock).hello(), Z, NOW);
  assert.equal(c.stats().datagramsIn, 1);
  assert.equal(c.peerSession !== null, true, 'first contact adopted');
  e.receive(Buffer.from('garbage'), Y, NOW);
  assert.equal(c.dropCounts().unauthenticated, 1);
});

test('several connections with their own keys: the one whose key opens the token takes it, wherever it came from', () => {
  const e = new Endpoint();
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const c1 = conn(e, k1, X);
  const c2 = conn(e, k2, Y);
  // Under k2 but from c1's address: c1 is tried first, fails, c2 opens it.
  e.receive(new Attacker(k2, clock).hello(), X, NOW);
  assert.equal(c2.stats().datagramsIn, 1);
  assert.equal(c1.stats().datagramsIn, 0);
  assert.equal(c1.dropCounts().unauthenticated, 0, 'a failed trial is not a drop');
  e.receive(new Attacker(k1, clock).hello(), Z, NOW);
  assert.equal(c1.stats().datagramsIn, 1);
});

test('connections sharing a key (a room) are told apart by the sender session in the token', () => {
  const e = new Endpoint();
  const key = randomBytes(32);
  const c1 = conn(e, key, X);
  const c2 = conn(e, key, Y);
  const p1 = new Attacker(key, clock);
  const p2 = new Attacker(key, clock);
  e.receive(p1.hello(), X, NOW);
  e.receive(p2.hello(), Y, NOW);
  assert.equal(c1.peerSession, p1.session);
  assert.equal(c2.peerSession, p2.session);
  // p2's next frame arrives from X (c1's address): c1 opens it, but it belongs to c2's session.
  e.receive(p2.frame({ type: 'ping', packet: 2, receiver: c2.sessionId }), X, NOW);
  assert.equal(c2.stats().datagramsIn, 2);
  assert.equal(c1.stats().datagramsIn, 1);
  assert.deepEqual(c2.peerAddress, X, 'and it roamed there (a fresh frame to c2)');
});

test('what no connection opens is counted on the connection of its source, else on the endpoint', () => {
  const e = new Endpoint();
  const c1 = conn(e, randomBytes(32), X);
  conn(e, randomBytes(32), Y);
  e.receive(Buffer.from('junk'), X, NOW);
  assert.equal(c1.dropCounts().unauthenticated, 1);
  e.receive(Buffer.from('junk'), Z, NOW);
  assert.equal(e.orphanDrops().unauthenticated, 1);
  e.drop('flood', Z, NOW);
  assert.equal(e.orphanDrops().flood, 1);
  e.receive(Buffer.alloc(70_000), X, NOW);
  assert.equal(c1.dropCounts().oversized, 1);
});

test('deadlines and actions of every connection; at most ENDPOINT_CONNECTIONS_MAX connections', () => {
  const e = new Endpoint();
  const cs = Array.from({ length: ENDPOINT_CONNECTIONS_MAX }, (_, i) =>
    e.connect({ key: randomBytes(32), nick: `n${i}`, wire: 'reliable', peer: { host: '10.1.0.1', port: 2000 + i }, now: NOW }),
  );
  assert.throws(() => e.connect({ key: randomBytes(32), nick: 'x', wire: 'reliable', peer: null, now: NOW }), TypeError);
  for (const c of cs) c.start(NOW);
  const polled = e.poll();
  assert.equal(polled.length, ENDPOINT_CONNECTIONS_MAX, 'each connection says hello');
  assert.ok(polled.every((p) => p.actions.some((a) => a.kind === 'transmit' && a.what === 'hello')));
  assert.ok(e.nextDeadline()! > NOW);
  e.remove(cs[0]!);
  assert.equal(e.connections.length, ENDPOINT_CONNECTIONS_MAX - 1);
});
