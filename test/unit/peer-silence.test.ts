/**
 * Issue 12 part 5 in the connection core: a peer that said bye is "left",
 * not "offline"; a configured peer never heard from gets one hint of what to
 * check after PEER_SILENCE_HINT_MS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PEER_SILENCE_HINT_MS, PEER_TIMEOUT_MS } from '../../src/constants.js';
import { ConnPair } from '../_connection-pair.js';
import { Attacker } from '../_attacker.js';

const hints = (errors: Array<{ message: string }>): string[] => errors.map((e) => e.message).filter((m) => m.startsWith('nothing from'));

test('the peer says bye: "left", and a link that then goes quiet stays "left" (not "offline")', () => {
  const p = new ConnPair();
  p.advance(100);
  assert.equal(p.a.conn.linkState, 'online');
  p.b.conn.bye(p.now);
  p.pump();
  p.drain();
  assert.equal(p.a.conn.linkState, 'left');
  p.drop = () => true;
  p.advance(PEER_TIMEOUT_MS * 2);
  assert.equal(p.a.conn.linkState, 'left');
  assert.ok(!p.a.facts('peer:state').some((s) => s.state === 'offline'));
  // It comes back: online again.
  p.drop = () => false;
  p.b.conn = p.make('b', p.a.addr);
  p.b.conn.start(p.now);
  p.advance(PEER_TIMEOUT_MS);
  assert.equal(p.a.conn.linkState, 'online');
});

test('a configured peer silent for PEER_SILENCE_HINT_MS: one hint, naming the address and what to check', () => {
  const p = new ConnPair({ start: false });
  p.drop = () => true;
  p.a.conn.start(p.now);
  p.b.conn.start(p.now);
  p.advance(PEER_SILENCE_HINT_MS - 1);
  assert.deepEqual(hints(p.a.facts('error')), []);
  p.advance(2);
  const [hint, ...more] = hints(p.a.facts('error'));
  assert.match(hint ?? '', /^nothing from 10\.0\.0\.2:7002 for 15 s — check that both sides use the same key \(compare \/fingerprint/);
  assert.match(hint ?? '', /the peer is running/);
  assert.match(hint ?? '', /UDP port is open/);
  assert.deepEqual(more, []);
  p.advance(PEER_SILENCE_HINT_MS * 4);
  assert.equal(hints(p.a.facts('error')).length, 1, 'said once');
});

test('no hint when the peer answered, nor without a configured peer, nor on the raw wire', () => {
  const p = new ConnPair();
  p.advance(PEER_SILENCE_HINT_MS * 2);
  assert.deepEqual(hints(p.a.facts('error')), []);
  const q = new ConnPair({ aPeer: null, bPeer: null });
  q.advance(PEER_SILENCE_HINT_MS * 2);
  assert.deepEqual(hints(q.a.facts('error')), []);
  const r = new ConnPair({ wire: 'raw', start: false });
  r.drop = () => true;
  r.a.conn.start(r.now);
  r.advance(PEER_SILENCE_HINT_MS * 2);
  assert.deepEqual(hints(r.a.facts('error')), []);
});

test('a peer heard only in another wire version: the version line, not the silence hint (the key is right)', () => {
  const p = new ConnPair({ start: false });
  p.drop = () => true;
  p.a.conn.start(p.now);
  const thief = new Attacker(p.key, { now: () => p.now });
  const v1 = Buffer.from(thief.open(thief.hello())!);
  v1[2] = 1;
  p.inject(p.b.addr, p.a.addr, thief.seal(v1));
  p.advance(PEER_SILENCE_HINT_MS + 1_000);
  const errors = p.a.facts('error').map((e) => e.message);
  assert.deepEqual(hints(p.a.facts('error')), []);
  assert.equal(errors.filter((m) => m.includes('speaks fernchat wire v1')).length, 1);
});
