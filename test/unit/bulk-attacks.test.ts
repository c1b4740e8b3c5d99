import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { ConnPair } from '../_connection-pair.js';
import { Attacker } from '../_attacker.js';
import { encodeBulk, encodeBulkAck } from '../../src/net/bulk-codec.js';

/*
 * The trust table on wire v3's frames: a thief who holds the key from
 * before a rotation can make bulk and bulk-ack frames, and they must change
 * nothing (PROTOCOL.md "Trust table": bulk has the rights of data, bulk-ack
 * those of control; the previous key has none).
 */

function rotated(): { p: ConnPair; oldKey: Buffer } {
  const p = new ConnPair();
  p.advance(100);
  const oldKey = p.key;
  p.a.conn.rotate(p.now);
  p.pump();
  p.advance(1_000);
  assert.notEqual(p.a.conn.fingerprint(), p.b.conn.keySlots().previous);
  assert.ok(p.b.conn.keySlots().previous !== null, 'the old key is still read (grace period)');
  return { p, oldKey };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('a previous-key bulk frame for an open stream, claiming the real session, is dropped as old-key: no byte handed up', () => {
  const { p, oldKey } = rotated();
  const thief = new Attacker(oldKey, { now: () => p.now });
  p.b.conn.bulk('bulk:open-recv', { stream: 3, offset: 0 }, p.now);
  p.pump();
  const drops = p.b.conn.dropCounts()['old-key'];
  const forged = thief.frame({
    type: 'bulk',
    sender: p.a.conn.sessionId,
    receiver: p.b.conn.sessionId,
    packet: 2 ** 48 - 1,
    payload: encodeBulk(0, 3, 0, [Buffer.from('forged bytes')]),
  });
  p.inject(p.a.addr, p.b.addr, forged);
  assert.equal(p.b.conn.dropCounts()['old-key'], drops + 1);
  assert.deepEqual(p.b.facts('bulk:data'), []);
  // The real stream still flows, from offset 0.
  p.a.conn.bulk('bulk:open-send', { stream: 3, offset: 0 }, p.now);
  const data = randomBytes(50_000);
  p.a.conn.bulk('bulk:write', { stream: 3, data }, p.now);
  p.pump();
  p.advance(2_000);
  const got = Buffer.concat(p.b.facts('bulk:data').map((d) => d.data));
  assert.equal(sha(got), sha(data));
});

test('a forged bulk-ack under the previous key (every packet acked, huge credit) changes nothing', () => {
  const { p, oldKey } = rotated();
  const thief = new Attacker(oldKey, { now: () => p.now });
  p.a.conn.bulk('bulk:open-send', { stream: 4, offset: 0 }, p.now);
  p.a.conn.bulk('bulk:write', { stream: 4, data: randomBytes(100_000) }, p.now);
  p.pump();
  p.drop = (w) => w.what === 'bulk-ack' || w.what === 'bulk';
  p.advance(10);
  const drops = p.a.conn.dropCounts()['old-key'];
  const forged = thief.frame({
    type: 'bulk-ack',
    sender: p.b.conn.sessionId,
    receiver: p.a.conn.sessionId,
    packet: 2 ** 48 - 1,
    payload: encodeBulkAck({ ranges: [[0, 2 ** 48 - 1]], credits: [{ stream: 4, max: 2 ** 48 - 1 }] }),
  });
  const before = p.tap.filter((w) => w.what === 'bulk').length;
  p.inject(p.b.addr, p.a.addr, forged);
  assert.equal(p.a.conn.dropCounts()['old-key'], drops + 1);
  assert.deepEqual(p.a.facts('bulk:acked'), [], 'nothing counts as acknowledged');
  assert.equal(p.tap.filter((w) => w.what === 'bulk').length, before, 'no credit was granted: nothing was sent');
  // The real receiver opens; the stream completes through the real acks.
  p.drop = () => false;
  p.b.conn.bulk('bulk:open-recv', { stream: 4, offset: 0 }, p.now);
  p.pump();
  p.advance(3_000);
  assert.equal(p.a.facts('bulk:acked').at(-1)?.offset, 100_000);
});

/*
 * Token forms (PROTOCOL.md): bulk and probe frames travel as the token's
 * binary form, every other frame as token text; a frame in the other form,
 * or raw text in a binary token, is dropped as malformed and changes nothing.
 */
test('token forms: bulk and probe datagrams are binary tokens (first byte 0x80), every other datagram is token text', () => {
  const p = new ConnPair();
  p.b.conn.bulk('bulk:open-recv', { stream: 1, offset: 0 }, p.now);
  p.a.conn.bulk('bulk:open-send', { stream: 1, offset: 0 }, p.now);
  p.a.conn.bulk('bulk:write', { stream: 1, data: randomBytes(200_000) }, p.now);
  p.a.conn.send('m', 'chat meanwhile', p.now);
  p.pump();
  p.advance(3_000);
  assert.equal(p.a.facts('bulk:acked').at(-1)?.offset, 200_000);
  const kinds = new Set(p.tap.map((w) => w.what));
  for (const k of ['bulk', 'bulk-ack', 'data', 'probe'] as const) assert.ok(kinds.has(k), `a ${k} datagram was sent`);
  for (const w of p.tap) {
    const binary = w.what === 'bulk' || w.what === 'probe';
    assert.equal(w.datagram[0], binary ? 0x80 : 'g'.charCodeAt(0), `${w.what} datagram in ${binary ? 'binary' : 'text'} form`);
  }
});

test('token forms: a chat frame in a binary token, a bulk frame in token text, raw text in a binary token: dropped as malformed, nothing delivered', () => {
  const p = new ConnPair();
  p.b.conn.bulk('bulk:open-recv', { stream: 2, offset: 0 }, p.now);
  p.pump();
  const peer = new Attacker(p.key, { now: () => p.now });
  const base = { sender: p.a.conn.sessionId, receiver: p.b.conn.sessionId };
  const bulkFrame = peer.frame({ ...base, type: 'bulk', packet: 900, payload: encodeBulk(0, 2, 0, [Buffer.from('bytes')]) });
  const opened = peer.open(bulkFrame)!;
  const malformed = p.b.conn.dropCounts().malformed;
  // The same bulk frame as token text; a data frame as a binary token; raw UTF-8 text as a binary token.
  p.inject(p.a.addr, p.b.addr, peer.seal(opened));
  const dataFrame = peer.open(peer.frame({ ...base, type: 'data', packet: 901, seq: 0, payload: Buffer.from('\u0000hello') }))!;
  p.inject(p.a.addr, p.b.addr, peer.sealBinary(dataFrame));
  p.inject(p.a.addr, p.b.addr, peer.sealBinary(Buffer.from('raw text', 'utf8')));
  assert.equal(p.b.conn.dropCounts().malformed, malformed + 3);
  assert.deepEqual(p.b.facts('bulk:data'), []);
  assert.deepEqual(p.b.facts('message:received'), []);
  // The real form goes through.
  p.inject(p.a.addr, p.b.addr, bulkFrame);
  assert.deepEqual(
    p.b.facts('bulk:data').map((d) => d.data.toString()),
    ['bytes'],
  );
});

test('token forms: the raw wire takes no binary token (it is not the Python app’s format)', () => {
  const p = new ConnPair({ wire: 'raw' });
  const peer = new Attacker(p.key, { now: () => p.now });
  const before = p.b.conn.dropCounts().unauthenticated;
  p.inject(p.a.addr, p.b.addr, peer.sealBinary(Buffer.from('hi', 'utf8')));
  assert.equal(p.b.conn.dropCounts().unauthenticated, before + 1);
  assert.deepEqual(p.b.facts('message:received'), []);
  p.inject(p.a.addr, p.b.addr, peer.seal(Buffer.from('hi', 'utf8')));
  assert.equal(p.b.facts('message:received').length, 1);
});
