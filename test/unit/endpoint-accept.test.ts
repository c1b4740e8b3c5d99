import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Attacker } from '../_attacker.js';
import type { Address } from '../../src/address/address.js';
import { ENDPOINT_CONNECTIONS_MAX } from '../../src/constants.js';
import type { Connection } from '../../src/net/connection.js';
import { Endpoint, type AcceptInfo, type AcceptPolicy } from '../../src/net/endpoint.js';

/*
 * The endpoint's accept policy (rooms, #15; endpoint.ts rule 4): a stranger
 * — a frame under a live key, of a session no connection talks to, from an
 * address no connection's peer has — is offered to the policy, which seats
 * it in a new connection or turns it away; pure, on a fixed clock.
 */

const X: Address = { host: '10.0.0.1', port: 1001 };
const Y: Address = { host: '10.0.0.2', port: 1002 };
const Z: Address = { host: '10.0.0.3', port: 1003 };
const NOW = 1_700_000_000_000;
const clock = { now: () => NOW };

/** A policy that seats everyone under `key` (or refuses when `seat` is false), recording what it was asked and what it made. */
function policy(key: Buffer, seat = true): AcceptPolicy & { asked: AcceptInfo[]; made: Connection[] } {
  const asked: AcceptInfo[] = [];
  const made: Connection[] = [];
  return {
    asked,
    made,
    keys: () => [key],
    decide: (info) => {
      asked.push(info);
      return seat ? { options: { key, nick: 'me', wire: 'reliable' }, accepted: (c) => void made.push(c) } : null;
    },
  };
}

/** An endpoint with that policy, on a fresh room key. */
function room(seat = true): { key: Buffer; p: ReturnType<typeof policy>; e: Endpoint } {
  const key = randomBytes(32);
  const p = policy(key, seat);
  return { key, p, e: new Endpoint({ accept: p }) };
}

function dial(e: Endpoint, key: Buffer, peer: Address | null): Connection {
  const c = e.connect({ key, nick: 'me', wire: 'reliable', peer, now: NOW });
  c.start(NOW);
  c.poll();
  return c;
}

test('no connection yet: a stranger under the room key gets a new connection, which learns its peer and answers it', () => {
  const { key, p, e } = room();
  const stranger = new Attacker(key, clock);
  e.receive(stranger.hello(), X, NOW);
  assert.equal(p.asked.length, 1);
  assert.equal(p.asked[0]!.sender, stranger.session);
  assert.deepEqual(p.asked[0]!.from, X);
  assert.equal(e.connections.length, 1);
  const c = e.connections[0]!;
  assert.equal(p.made[0], c, 'told of the connection');
  assert.equal(c.peerSession, stranger.session);
  assert.deepEqual(c.peerAddress, X);
  assert.equal(c.stats().datagramsIn, 1);
  const out = e.poll().flatMap((b) => b.actions);
  assert.ok(
    out.some((a) => a.kind === 'transmit' && a.what === 'hello' && a.to.port === X.port),
    'it says hello back',
  );
  // Its next frame is its connection's, not a new stranger.
  e.receive(stranger.frame({ type: 'ping', packet: 2, receiver: c.sessionId }), X, NOW);
  assert.equal(p.asked.length, 1);
  assert.equal(c.stats().datagramsIn, 2);
});

test('a stranger among dialed connections sharing the key: a new connection, the dialed ones untouched', () => {
  const { key, p, e } = room();
  const cx = dial(e, key, X);
  const cy = dial(e, key, Y);
  const stranger = new Attacker(key, clock);
  e.receive(stranger.hello(), Z, NOW);
  assert.equal(e.connections.length, 3);
  assert.equal(cx.peerSession, null, 'the first opener did not take it (today it would have)');
  assert.equal(cy.peerSession, null);
  assert.equal(cx.stats().datagramsIn + cy.stats().datagramsIn, 0);
  assert.equal(p.made[0]!.peerSession, stranger.session);
});

test('a dialed connection that has not heard its peer takes a frame from its address; a new session there is a restart, not a stranger', () => {
  const { key, p, e } = room();
  const cx = dial(e, key, X);
  dial(e, key, Y);
  const first = new Attacker(key, clock);
  e.receive(first.hello(), X, NOW);
  assert.equal(cx.peerSession, first.session);
  const restarted = new Attacker(key, clock);
  e.receive(restarted.hello({ ts: (NOW + 5_000) % 2 ** 32 }), X, NOW);
  assert.equal(cx.peerSession, restarted.session, 'an unproven session is replaced by the next one at its address');
  assert.equal(p.asked.length, 0);
  assert.equal(e.connections.length, 2);
});

test('a known session from a new address stays with its connection (roaming), the policy is not asked', () => {
  const { key, p, e } = room();
  const cx = dial(e, key, X);
  dial(e, key, Y);
  const peer = new Attacker(key, clock);
  e.receive(peer.hello(), X, NOW);
  e.receive(peer.frame({ type: 'ping', packet: 2, receiver: cx.sessionId }), Z, NOW);
  assert.equal(p.asked.length, 0);
  assert.equal(cx.stats().datagramsIn, 2);
  assert.deepEqual(cx.peerAddress, Z, 'a fresh frame to it moved the peer');
});

test('policy says no: dropped and counted as refused, on the endpoint; asked again for the next one', () => {
  const { key, p, e } = room(false);
  const cx = dial(e, key, X);
  e.receive(new Attacker(key, clock).hello(), Z, NOW);
  assert.equal(e.connections.length, 1);
  assert.equal(e.orphanDrops().refused, 1);
  assert.equal(cx.stats().datagramsIn, 0, 'not counted on the only connection: a stranger belongs to none');
  e.receive(new Attacker(key, clock).hello(), Z, NOW);
  assert.equal(p.asked.length, 2);
  assert.equal(e.orphanDrops().refused, 2);
});

test('every seat taken: dropped as no-seat, the policy is not asked', () => {
  const { key, p, e } = room();
  for (let i = 0; i < ENDPOINT_CONNECTIONS_MAX; i++) dial(e, key, { host: '10.1.0.1', port: 2000 + i });
  e.receive(new Attacker(key, clock).hello(), Z, NOW);
  assert.equal(p.asked.length, 0);
  assert.equal(e.connections.length, ENDPOINT_CONNECTIONS_MAX);
  assert.equal(e.orphanDrops()['no-seat'], 1);
});

test('a frame under a wrong key never reaches the policy (with or without connections)', () => {
  const { key, p, e } = room();
  e.receive(new Attacker(randomBytes(32), clock).hello(), Z, NOW);
  e.receive(Buffer.from('garbage'), Z, NOW);
  dial(e, key, X);
  e.receive(new Attacker(randomBytes(32), clock).hello(), Z, NOW);
  assert.equal(p.asked.length, 0);
  assert.equal(e.connections.length, 1);
  assert.equal(e.orphanDrops().unauthenticated, 3);
});

test('an expired token under the room key is a replay, never a stranger', () => {
  const { key, p, e } = room();
  const old = new Attacker(key, { now: () => NOW - 3_600_000 }).hello();
  e.receive(old, Z, NOW);
  assert.equal(p.asked.length, 0);
  assert.equal(e.orphanDrops().replayed, 1);
});

test('a replayed frame of a known session makes no new connection: its connection drops it as replayed', () => {
  const { key, p, e } = room();
  const peer = new Attacker(key, clock);
  const hello = peer.hello();
  e.receive(hello, X, NOW);
  assert.equal(e.connections.length, 1);
  e.receive(hello, X, NOW);
  e.receive(hello, Z, NOW);
  assert.equal(e.connections.length, 1);
  assert.equal(p.asked.length, 1);
  assert.equal(e.connections[0]!.dropCounts().replayed, 2);
});

test('our own datagram reflected back from a stranger address: the connection it came from drops it, nobody is seated', () => {
  const { key, p, e } = room();
  const cx = dial(e, key, X);
  cx.probe(NOW);
  const sent = cx.poll().find((a) => a.kind === 'transmit');
  assert.ok(sent && sent.kind === 'transmit');
  e.receive(sent.datagram, Z, NOW);
  assert.equal(p.asked.length, 0);
  assert.equal(cx.dropCounts().reflected, 1);
});

test('a previous-key frame from a stranger address seats no one', () => {
  // The previous key is a thief's: even in a room it only reaches the connection whose keyring holds it.
  const old = randomBytes(32);
  const { key, p, e } = room();
  const c = e.connect({ key, pendingKey: { key: old, slot: 'previous' }, nick: 'me', wire: 'reliable', peer: X, now: NOW });
  c.start(NOW);
  e.receive(new Attacker(old, clock).hello(), Z, NOW);
  assert.equal(p.asked.length, 0);
  assert.equal(e.connections.length, 1);
  assert.equal(c.dropCounts()['old-key'], 1);
});

test('a policy that names a key the stranger does not speak seats no one', () => {
  const key = randomBytes(32);
  const e = new Endpoint({ accept: { keys: () => [key], decide: () => ({ options: { key: randomBytes(32), nick: 'me', wire: 'reliable' } }) } });
  e.receive(new Attacker(key, clock).hello(), Z, NOW);
  assert.equal(e.connections.length, 0);
  assert.equal(e.orphanDrops().unauthenticated, 1);
});

test('without a policy nothing changes: a stranger stays with the first connection that opens it', () => {
  const key = randomBytes(32);
  const e = new Endpoint();
  const cx = dial(e, key, X);
  dial(e, key, Y);
  e.receive(new Attacker(key, clock).hello(), Z, NOW);
  assert.equal(e.connections.length, 2);
  assert.equal(cx.stats().datagramsIn, 1);
});
