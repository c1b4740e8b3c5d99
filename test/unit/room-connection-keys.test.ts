import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Attacker } from '../_attacker.js';
import { ADDR_A, ADDR_B, ConnPair } from '../_connection-pair.js';
import type { Address } from '../../src/address/address.js';
import { fingerprint } from '../../src/crypto/keys.js';
import type { Connection } from '../../src/net/connection.js';
import { Endpoint, type AcceptInfo, type AcceptPolicy } from '../../src/net/endpoint.js';

/*
 * A room's connection (ConnectionOptions.roomKeys, #15): its keys are set
 * from outside by the room's rotation (setNextKey, switchKey, dropNextKey)
 * and the 1:1 rotation's frames are refused (trust.ts refusedInRoom); and the
 * endpoint tells the accept policy which of its keys a stranger spoke
 * (AcceptInfo.key). The connection core without I/O, on the pipe of
 * _connection-pair.ts.
 */

/** Two connected connections; `a` a room's, `b` a room's too unless `bRoom` is false. */
function pair(bRoom = true): ConnPair {
  const p = new ConnPair({ start: false, aOptions: { roomKeys: true } });
  if (bRoom) p.b.conn = p.make('b', ADDR_A, 'reliable', { roomKeys: true });
  p.a.conn.start(p.now);
  p.b.conn.start(p.now);
  p.pump();
  p.advance(100);
  assert.equal(p.a.conn.linkState, 'online');
  return p;
}

test('a room connection drops the 1:1 rotation’s frames as refused: its key stays the room’s', () => {
  const p = pair(false);
  p.b.conn.rotate(p.now); // b is a plain 1:1 connection: it offers a rotation of this pair's key
  p.pump();
  p.advance(2_000);
  assert.ok(p.a.conn.dropCounts().refused >= 1, JSON.stringify(p.a.conn.dropCounts()));
  assert.equal(p.a.conn.fingerprint(), fingerprint(p.key));
  assert.equal(p.a.conn.keySlots().next, null);
  assert.deepEqual(p.a.facts('key:rotated'), []);
  // A rot-offer forged by someone who holds the room key, of the right sessions: refused the same way.
  const before = p.a.conn.dropCounts().refused;
  const thief = new Attacker(p.key, { now: () => p.now });
  p.inject(ADDR_B, ADDR_A, thief.rotation('rot-offer', { sender: p.b.conn.sessionId, receiver: p.a.conn.sessionId, packet: 1_000, rid: randomBytes(8) }));
  assert.equal(p.a.conn.dropCounts().refused, before + 1);
  assert.ok(!p.tap.some((w) => w.from === ADDR_A && w.what.startsWith('rot-')), 'a never answered a rotation frame');
  // The chat goes on under the room key.
  p.b.conn.send('m1', 'still here', p.now);
  p.pump();
  p.advance(100);
  assert.deepEqual(p.a.texts(), ['still here']);
});

test('rotate() on a room connection is refused with one line, and nothing is sent', () => {
  const p = pair();
  const sent = p.tap.length;
  p.a.conn.rotate(p.now);
  p.pump();
  const failed = p.a.facts('key:rotation-failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.reason, 'in a room the whole room rotates its key together (Ctrl-K or /rotate in the room)');
  assert.ok(!p.tap.slice(sent).some((w) => w.what.startsWith('rot-')));
  assert.equal(p.a.conn.keySlots().next, null);
});

test('setNextKey: the first frame under that key promotes it (key:rotated) and is delivered', () => {
  const p = pair();
  const k2 = randomBytes(32);
  p.a.conn.setNextKey(k2, p.now);
  assert.equal(p.a.conn.keySlots().next, fingerprint(k2));
  assert.equal(p.a.conn.fingerprint(), fingerprint(p.key), 'waiting in next, not used yet');
  p.b.conn.switchKey(k2, p.now); // the leader switched
  p.b.conn.send('m1', 'under the new key', p.now);
  p.pump();
  p.advance(100);
  assert.deepEqual(p.a.texts(), ['under the new key']);
  assert.equal(p.a.facts('key:rotated').length, 1);
  assert.equal(p.a.facts('key:rotated')[0]!.newFingerprint, fingerprint(k2));
  assert.equal(p.a.conn.fingerprint(), fingerprint(k2));
  assert.equal(p.a.conn.keySlots().previous, fingerprint(p.key));
  // switchKey after the promotion (the room's own switch, a moment later) changes nothing.
  p.a.conn.switchKey(k2, p.now);
  assert.equal(p.a.conn.keySlots().previous, fingerprint(p.key));
  p.a.conn.send('m2', 'and back', p.now);
  p.pump();
  p.advance(100);
  assert.deepEqual(p.b.texts(), ['and back']);
});

test('setNextKey of the key in use changes nothing; dropNextKey takes out only the key it names', () => {
  const p = pair();
  p.a.conn.setNextKey(p.key, p.now);
  assert.equal(p.a.conn.keySlots().next, null);
  const k2 = randomBytes(32);
  p.a.conn.setNextKey(k2, p.now);
  p.a.conn.dropNextKey(randomBytes(32), p.now);
  assert.equal(p.a.conn.keySlots().next, fingerprint(k2));
  p.a.conn.dropNextKey(k2, p.now);
  assert.equal(p.a.conn.keySlots().next, null);
});

test('switchKey: the new key is current at once, the old one previous — a data frame under it is not delivered', () => {
  const p = pair();
  const old = p.key;
  const k2 = randomBytes(32);
  p.a.conn.switchKey(k2, p.now);
  p.b.conn.switchKey(k2, p.now);
  assert.deepEqual(p.a.conn.keySlots(), { current: fingerprint(k2), next: null, previous: fingerprint(old) });
  // Someone with the old key (a kicked member) writes as b.
  const thief = new Attacker(old, { now: () => p.now });
  p.inject(ADDR_B, ADDR_A, thief.data({ sender: p.b.conn.sessionId, receiver: p.a.conn.sessionId, packet: 2 ** 40, seq: 0, text: 'forged under the old key' }));
  p.advance(100);
  assert.deepEqual(p.a.texts(), []);
  // b under the new key is read.
  p.b.conn.send('m1', 'real', p.now);
  p.pump();
  p.advance(100);
  assert.deepEqual(p.a.texts(), ['real']);
  // A key that was never in next is committed too (a leader's switch): next is dropped on the way.
  const k3 = randomBytes(32);
  const k4 = randomBytes(32);
  p.a.conn.setNextKey(k3, p.now);
  p.a.conn.switchKey(k4, p.now);
  assert.deepEqual(p.a.conn.keySlots(), { current: fingerprint(k4), next: null, previous: fingerprint(k2) });
});

test('setNextKey, dropNextKey and switchKey throw TypeError on a connection that is not a room’s', () => {
  const p = new ConnPair();
  const k = randomBytes(32);
  assert.throws(() => p.a.conn.setNextKey(k, p.now), { name: 'TypeError', message: /Connection.setNextKey: only a room's connection/ });
  assert.throws(() => p.a.conn.dropNextKey(k, p.now), { name: 'TypeError', message: /Connection.dropNextKey/ });
  assert.throws(() => p.a.conn.switchKey(k, p.now), { name: 'TypeError', message: /Connection.switchKey/ });
  assert.equal(p.a.conn.fingerprint(), fingerprint(p.key));
});

// ------------------------------------------------------------ the endpoint: AcceptInfo.key

const X: Address = { host: '10.0.0.1', port: 1001 };
const Y: Address = { host: '10.0.0.2', port: 1002 };
const Z: Address = { host: '10.0.0.3', port: 1003 };
const NOW = 1_700_000_000_000;
const clock = { now: () => NOW };

/** A room's policy over `keys` (current first): seats everyone under the key it spoke, records what it was asked. */
function policy(keys: Buffer[]): AcceptPolicy & { asked: AcceptInfo[] } {
  const asked: AcceptInfo[] = [];
  return {
    asked,
    keys: () => keys,
    decide: (info) => {
      asked.push(info);
      return { options: { key: info.key, nick: 'me', wire: 'reliable', roomKeys: true } };
    },
  };
}

function dial(e: Endpoint, key: Buffer, peer: Address): Connection {
  const c = e.connect({ key, nick: 'me', wire: 'reliable', roomKeys: true, peer, now: NOW });
  c.start(NOW);
  c.poll();
  return c;
}

test('AcceptInfo.key is the policy key the stranger’s datagram opened under: the current one or a retired one', () => {
  const current = randomBytes(32);
  const retired = randomBytes(32);
  const p = policy([current, retired]);
  const e = new Endpoint({ accept: p });
  e.receive(new Attacker(current, clock).hello(), X, NOW);
  e.receive(new Attacker(retired, clock).hello(), Y, NOW);
  assert.equal(p.asked.length, 2);
  assert.deepEqual(p.asked[0]!.key, current);
  assert.deepEqual(p.asked[1]!.key, retired);
  assert.equal(e.connections.length, 2);
  e.receive(new Attacker(randomBytes(32), clock).hello(), Z, NOW);
  assert.equal(p.asked.length, 2, 'a key the policy does not name asks nothing');
});

test('AcceptInfo.key when a connection shares the key: current, and a key a connection holds only as previous', () => {
  const old = randomBytes(32);
  const k2 = randomBytes(32);
  const p = policy([k2, old]);
  const e = new Endpoint({ accept: p });
  // A member's connection under the current key: it opens a stranger's datagram under that key first.
  dial(e, k2, X);
  e.receive(new Attacker(k2, clock).hello(), Z, NOW);
  assert.equal(p.asked.length, 1);
  assert.deepEqual(p.asked[0]!.key, k2);
  // A connection that switched (the old key its previous): a stranger under the old key is the policy's to judge.
  const switched = dial(e, old, Y);
  switched.switchKey(k2, NOW);
  const late = new Attacker(old, clock);
  e.receive(late.hello(), { host: '10.0.0.9', port: 1009 }, NOW);
  assert.equal(p.asked.length, 2);
  assert.deepEqual(p.asked[1]!.key, old);
  assert.equal(p.asked[1]!.sender, late.session);
});
