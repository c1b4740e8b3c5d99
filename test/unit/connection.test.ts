import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ADDR_A, ADDR_B, ConnPair } from '../_connection-pair.js';
import { Attacker } from '../_attacker.js';
import { KEEPALIVE_INTERVAL_MS, PEER_TIMEOUT_MS } from '../../src/constants.js';
import { fingerprint } from '../../src/crypto/keys.js';
import { Connection } from '../../src/net/connection.js';

/*
 * The connection core without I/O: datagrams and times in, actions out.
 * Every test drives two real Connections through the pipe of
 * _connection-pair.ts (no socket, no timer, no bus, no clock read).
 */

const EVIL = { host: '10.6.6.6', port: 6666 };

function clockOf(p: ConnPair): { now: () => number } {
  return { now: () => p.now };
}

/** A chatting pair that rotated once (alice started it); the thief holds the key from before. */
function rotated(): { p: ConnPair; oldKey: Buffer; newFp: string } {
  const p = new ConnPair();
  p.advance(100);
  const oldKey = p.key;
  p.a.conn.rotate(p.now);
  p.pump();
  p.advance(1_000);
  const newFp = p.a.conn.fingerprint();
  assert.notEqual(newFp, fingerprint(oldKey));
  assert.equal(p.b.conn.fingerprint(), newFp, 'both rotated');
  assert.equal(p.a.conn.keySlots().previous, fingerprint(oldKey), 'the old key is still read (grace period)');
  return { p, oldKey, newFp };
}

test('handshake, then a message each way: delivered once, receipts, every datagram a transmit action to the peer', () => {
  const p = new ConnPair();
  p.advance(100);
  assert.equal(p.a.conn.linkState, 'online');
  assert.equal(p.a.conn.peerSession, p.b.conn.sessionId);
  p.a.conn.send('m1', 'hello bob', p.now);
  p.b.conn.send('m2', 'hello alice', p.now);
  p.pump();
  p.advance(100);
  assert.deepEqual(p.b.texts(), ['hello bob']);
  assert.deepEqual(p.a.texts(), ['hello alice']);
  assert.deepEqual(
    p.a.facts('message:delivered').map((d) => d.id),
    ['m1'],
  );
  for (const w of p.tap) assert.deepEqual(w.to, w.from === ADDR_A ? ADDR_B : ADDR_A);
  assert.ok(p.tap.every((w) => w.datagram.length <= 1200));
});

test('clock-driven without owning a timer: nothing happens between deadlines, the keepalive and the offline state at theirs', () => {
  const p = new ConnPair();
  p.advance(100);
  const before = p.tap.length;
  const d = p.a.conn.nextDeadline();
  assert.ok(d !== null && d > p.now);
  // A tick before the deadline does nothing.
  p.a.conn.tick(p.now);
  assert.deepEqual(
    p.a.conn.poll().filter((x) => x.kind === 'transmit'),
    [],
  );
  assert.equal(p.tap.length, before);
  p.advance(KEEPALIVE_INTERVAL_MS + 10);
  assert.ok(
    p.tap.slice(before).some((w) => w.what === 'ping'),
    'a keepalive went out',
  );
  // Cut the pipe: the peer goes offline after PEER_TIMEOUT_MS of silence.
  p.drop = () => true;
  p.advance(PEER_TIMEOUT_MS + KEEPALIVE_INTERVAL_MS);
  assert.equal(p.a.conn.linkState, 'offline');
  assert.ok(p.a.facts('peer:state').some((s) => s.state === 'offline'));
});

test('a burst of short lines leaves in pack frames: several lines a datagram, each delivered once, in order, with its receipt', () => {
  const p = new ConnPair();
  p.advance(100);
  const before = p.tap.length;
  const texts = Array.from({ length: 60 }, (_, i) => `line ${i} ${'x'.repeat(90)}`);
  texts.forEach((t, i) => p.a.conn.send(`m${i}`, t, p.now));
  p.pump();
  p.advance(300);
  const carried = p.tap.slice(before).filter((w) => w.from === ADDR_A && (w.what === 'data' || w.what === 'pack'));
  assert.ok(carried.some((w) => w.what === 'pack'));
  assert.ok(carried.length <= texts.length / 4, `${carried.length} datagrams carried ${texts.length} lines`);
  assert.deepEqual(p.b.texts(), texts);
  assert.equal(p.a.facts('message:delivered').length, texts.length);
  assert.ok(carried.every((w) => w.datagram.length <= 1200));
});

test('a lost pack: every line in it is sent again and delivered once', () => {
  const p = new ConnPair();
  p.advance(100);
  let packs = 0;
  p.drop = (w) => w.what === 'pack' && w.from === ADDR_A && ++packs <= 2;
  const texts = Array.from({ length: 30 }, (_, i) => `again ${i} ${'y'.repeat(60)}`);
  texts.forEach((t, i) => p.a.conn.send(`r${i}`, t, p.now));
  p.pump();
  p.advance(5_000);
  assert.ok(packs > 2, 'two packs were lost, more came after');
  assert.deepEqual(p.b.texts(), texts);
  assert.ok(p.a.conn.stats().retransmissions > 0);
});

test("send on a stream other than chat is a TypeError: bulk streams are bulk-path.ts's (PROTOCOL.md Streams)", () => {
  const p = new ConnPair();
  assert.throws(() => p.a.conn.send('x', 'bulk', p.now, 'message', 1), TypeError);
});

test('attack 1: after a rotation, a hello under the old key from a fresh session and a new port changes nothing', () => {
  const { p, oldKey, newFp } = rotated();
  const thief = new Attacker(oldKey, clockOf(p));
  const marks = { a: p.a.events.length, b: p.b.events.length };
  for (const victim of [p.a, p.b]) {
    const drops = victim.conn.dropCounts()['old-key'];
    p.inject(EVIL, victim.addr, thief.hello({ receiver: '0000000000000000' }));
    assert.equal(victim.conn.dropCounts()['old-key'], drops + 1, `${victim.name}: dropped as old-key`);
    assert.equal(victim.conn.fingerprint(), newFp, `${victim.name}: still on the new key`);
    assert.deepEqual(victim.conn.peerAddress, victim === p.a ? ADDR_B : ADDR_A, `${victim.name}: the peer did not move`);
  }
  for (const s of [p.a, p.b]) {
    const after = s.events.slice(s === p.a ? marks.a : marks.b).map((e) => e.event);
    for (const name of ['peer:restarted', 'peer:address', 'key:rotated', 'key:persist', 'key:rotation-failed'] as const) {
      assert.ok(!after.includes(name), `${s.name}: no ${name}`);
    }
  }
  assert.equal(p.queue.length, 0, 'nothing answered the thief');
  p.a.conn.send('after', 'still talking', p.now);
  p.pump();
  p.advance(200);
  assert.deepEqual(p.b.texts(), ['still talking']);
});

test('attack 2: old-key data claiming the real session at packet 2^48-1 is not delivered and does not move the replay window', () => {
  const { p, oldKey } = rotated();
  const thief = new Attacker(oldKey, clockOf(p));
  const forged = thief.data({ sender: p.a.conn.sessionId, receiver: p.b.conn.sessionId, packet: 2 ** 48 - 1, seq: 0, text: 'forged' });
  p.inject(ADDR_A, ADDR_B, forged);
  assert.deepEqual(p.b.texts(), []);
  p.a.conn.send('1', 'real a→b', p.now);
  p.b.conn.send('2', 'real b→a', p.now);
  p.pump();
  p.advance(200);
  assert.deepEqual(p.b.texts(), ['real a→b'], 'the real frames after it are still accepted');
  assert.deepEqual(p.a.texts(), ['real b→a']);
});

test('attack 2, packed: an old-key pack claiming the real session delivers none of its lines', () => {
  const { p, oldKey } = rotated();
  const thief = new Attacker(oldKey, clockOf(p));
  const drops = p.b.conn.dropCounts()['old-key'];
  const forged = thief.pack({ sender: p.a.conn.sessionId, receiver: p.b.conn.sessionId, packet: 2 ** 48 - 1, seq: 0, texts: ['forged 1', 'forged 2'] });
  p.inject(ADDR_A, ADDR_B, forged);
  assert.equal(p.b.conn.dropCounts()['old-key'], drops + 1);
  assert.deepEqual(p.b.texts(), []);
  p.a.conn.send('1', 'real a→b', p.now);
  p.pump();
  p.advance(200);
  assert.deepEqual(p.b.texts(), ['real a→b']);
});

test('a frame of another wire version is dropped with one warning naming both versions', () => {
  const p = new ConnPair();
  p.advance(100);
  const thief = new Attacker(p.key, clockOf(p));
  const v1 = Buffer.from(thief.open(thief.hello())!);
  v1[2] = 1;
  for (let i = 0; i < 3; i++) p.inject(ADDR_A, ADDR_B, thief.seal(v1));
  const warnings = p.b.facts('error').filter((e) => e.message.includes('wire v1'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /wire v1, this side v3: run the same fernchat release on both sides/);
  assert.equal(p.b.conn.dropCounts().malformed, 3);
});

test('the learn right: a committed, unproven initiator restarted without --peer finds its peer through old-key frames, nothing more', () => {
  const p = new ConnPair({ start: false });
  const newKey = randomBytes(32);
  // alice came back from her profile: K' current, K pending in previous; no peer address.
  const alice = p.make('a', null, 'reliable', { key: newKey, pendingKey: { key: p.key, slot: 'previous' } });
  p.a.conn = alice;
  alice.start(p.now);
  p.b.conn.start(p.now);
  p.pump();
  // bob (still on K, K' in next as his own profile would have it) is simulated by his plain K: his hello is under alice's previous.
  p.drain();
  assert.deepEqual(alice.peerAddress, ADDR_B, 'learned from an old-key frame');
  assert.equal(alice.peerSession, null, 'no session adopted under the old key');
  assert.ok(alice.dropCounts()['old-key'] >= 1, 'the frame itself was dropped');
  // A thief's old-key frame from elsewhere may point the guess at itself ...
  const thief = new Attacker(p.key, clockOf(p));
  p.inject(EVIL, ADDR_A, thief.hello());
  assert.deepEqual(alice.peerAddress, EVIL);
  // ... until the peer's next frame corrects it; it reads nothing (alice sends under K').
  p.b.conn.tick(p.now + 5_000);
  p.now += 5_000;
  p.pump();
  p.drain();
  assert.deepEqual(alice.peerAddress, ADDR_B);
  assert.ok(p.tap.filter((w) => w.from === ADDR_A).every((w) => thief.open(w.datagram) === null));
});

test('a forged raw token under the previous key is dropped; raw text is read under current', () => {
  const { p, oldKey } = rotated();
  const thief = new Attacker(oldKey, clockOf(p));
  p.inject(ADDR_A, ADDR_B, thief.seal(Buffer.from('raw forged')));
  assert.deepEqual(p.b.texts(), []);
  assert.ok(p.b.conn.dropCounts()['old-key'] >= 1);
});

test('garbage never throws out of receive() and is counted by reason', () => {
  const c = new Connection({ key: randomBytes(32), nick: 'x', wire: 'reliable', peer: ADDR_B, now: 0 });
  c.receive(Buffer.alloc(70_000), ADDR_B, 1);
  c.receive(Buffer.from('not a token'), ADDR_B, 1);
  const counts = c.dropCounts();
  assert.equal(counts.oversized, 1);
  assert.equal(counts.unauthenticated, 1);
  assert.equal(c.stats().datagramsIn, 2);
});
