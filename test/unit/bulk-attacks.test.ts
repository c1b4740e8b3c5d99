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
