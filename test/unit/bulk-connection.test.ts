import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ConnPair, type Side } from '../_connection-pair.js';
import { MAX_DATAGRAM_BYTES } from '../../src/constants.js';

/*
 * Bulk streams through two Connections (no socket, no timer): bytes in with
 * writeStream, bulk:data out on the other side, bulk:acked back.
 */

function received(s: Side, stream: number): Buffer {
  const parts = s.facts('bulk:data').filter((d) => d.stream === stream);
  let at = parts[0]?.offset ?? 0;
  for (const p of parts) {
    assert.equal(p.offset, at, 'in order, each byte once');
    at += p.data.length;
  }
  return Buffer.concat(parts.map((p) => p.data));
}

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Open stream `id` from a to b at `offset`, consuming on b as it arrives. */
function open(p: ConnPair, from: Side, to: Side, id: number, offset = 0): void {
  from.conn.bulk('bulk:open-send', { stream: id, offset }, p.now);
  to.conn.bulk('bulk:open-recv', { stream: id, offset }, p.now);
  p.pump();
}

function consumeAll(p: ConnPair, s: Side): void {
  const last = new Map<number, number>();
  for (const d of s.facts('bulk:data')) last.set(d.stream, d.offset + d.data.length);
  for (const [stream, end] of last) s.conn.bulk('bulk:consumed', { stream, offset: end }, p.now);
  p.pump();
}

test('a stream moves its bytes in order, once; bulk:acked climbs to the end', () => {
  const p = new ConnPair();
  p.advance(100);
  open(p, p.a, p.b, 7, 1000);
  const data = randomBytes(300_000);
  p.a.conn.bulk('bulk:write', { stream: 7, data }, p.now);
  p.pump();
  for (let i = 0; i < 50; i++) {
    p.advance(20);
    consumeAll(p, p.b);
  }
  assert.equal(sha(received(p.b, 7)), sha(data));
  assert.equal(p.b.facts('bulk:data')[0]!.offset, 1000);
  const acked = p.a.facts('bulk:acked').map((a) => a.offset);
  assert.deepEqual(
    acked,
    [...acked].sort((x, y) => x - y),
    'only grows',
  );
  assert.equal(acked.at(-1), 1000 + data.length);
  assert.ok(p.b.facts('bulk:data').length > 1);
});

test('with loss, the stream still completes exactly; nothing is sent beyond the credit', () => {
  const p = new ConnPair();
  p.advance(100);
  open(p, p.a, p.b, 1);
  let n = 0;
  p.drop = (w) => (w.what === 'bulk' || w.what === 'bulk-ack') && ++n % 7 === 0;
  const data = randomBytes(200_000);
  p.a.conn.bulk('bulk:write', { stream: 1, data }, p.now);
  p.pump();
  for (let i = 0; i < 200; i++) {
    p.advance(50);
    consumeAll(p, p.b);
  }
  assert.equal(sha(received(p.b, 1)), sha(data));
  assert.equal(p.a.facts('bulk:acked').at(-1)!.offset, data.length);
});

test('a chat message sent during a bulk transfer goes out before the queued bulk data', () => {
  const p = new ConnPair();
  p.advance(100);
  open(p, p.a, p.b, 1);
  p.advance(50);
  p.a.conn.bulk('bulk:write', { stream: 1, data: randomBytes(2_000_000) }, p.now);
  p.a.conn.send('m', 'hello during the transfer', p.now);
  const mark = p.tap.length;
  p.pump();
  const fromA = p.tap.slice(mark).filter((w) => w.from === p.a.addr);
  assert.ok(
    fromA.some((w) => w.what === 'bulk'),
    'bulk data went out in the same pump',
  );
  assert.equal(fromA[0]!.what, 'data', 'the chat line first');
  p.advance(500);
  assert.deepEqual(p.b.texts(), ['hello during the transfer']);
});

test('data of a stream the receiver never opened is acked at the packet level and dropped; misuse is a TypeError', () => {
  const p = new ConnPair();
  p.advance(100);
  p.a.conn.bulk('bulk:open-send', { stream: 5, offset: 0 }, p.now);
  assert.equal(p.a.conn.bulk('bulk:write', { stream: 5, data: Buffer.from('x') }, p.now), true);
  assert.equal(p.a.conn.bulk('bulk:write', { stream: 6, data: Buffer.from('x') }, p.now), false, 'not open: dropped');
  p.pump();
  p.advance(1_000);
  assert.deepEqual(p.b.facts('bulk:data'), [], 'no credit: nothing was sent');
  assert.throws(() => p.a.conn.bulk('bulk:open-send', { stream: 5, offset: 0 }, p.now), TypeError, 'open twice');
  assert.throws(() => p.a.conn.bulk('bulk:open-send', { stream: -1, offset: 0 }, p.now), TypeError);
  assert.throws(() => p.a.conn.bulk('bulk:open-recv', { stream: 1, offset: 1.5 }, p.now), TypeError);
  assert.throws(() => p.a.conn.bulk('bulk:write', { stream: 5, data: 'x' as never }, p.now), TypeError);
  assert.throws(() => p.a.conn.bulk('bulk:close', { stream: 5, direction: 'both' as never }, p.now), TypeError);
});

test('peer restart ends every bulk stream on both sides', () => {
  const p = new ConnPair();
  p.advance(100);
  open(p, p.a, p.b, 1);
  p.a.conn.bulk('bulk:write', { stream: 1, data: randomBytes(100_000) }, p.now);
  p.advance(50);
  assert.equal(p.a.conn.bulkState.sendStreams, 1);
  // b restarts: a new Connection at b's address.
  p.b.conn = p.make('b2', p.a.addr);
  p.b.conn.start(p.now);
  p.pump();
  p.advance(1_000);
  assert.equal(p.a.conn.bulkState.sendStreams, 0, 'the sender forgot its stream');
  assert.equal(p.a.conn.bulk('bulk:write', { stream: 1, data: Buffer.from('late') }, p.now), false);
  assert.equal(p.a.facts('peer:restarted').length, 1);
});

test('every bulk datagram and probe stays within its limit; chat within 1200 bytes', () => {
  const p = new ConnPair();
  p.advance(100);
  open(p, p.a, p.b, 1);
  p.a.conn.bulk('bulk:write', { stream: 1, data: randomBytes(500_000) }, p.now);
  for (let i = 0; i < 20; i++) {
    p.advance(50);
    consumeAll(p, p.b);
  }
  for (const w of p.tap) if (w.what !== 'bulk' && w.what !== 'probe') assert.ok(w.datagram.length <= MAX_DATAGRAM_BYTES, w.what);
  assert.ok(
    p.tap.some((w) => w.what === 'probe'),
    'the PMTU search probed',
  );
  assert.ok(p.a.conn.bulkState.pmtu > MAX_DATAGRAM_BYTES, `the pipe carries big datagrams: ${p.a.conn.bulkState.pmtu}`);
  assert.ok(
    p.tap.some((w) => w.what === 'bulk' && w.datagram.length > MAX_DATAGRAM_BYTES),
    'bulk used the larger size',
  );
  for (const w of p.tap) if (w.what === 'bulk') assert.ok(w.datagram.length <= 65_507);
});

test('the path MTU belongs to the path: when the peer moves, bulk falls back to 1200 bytes and searches again', () => {
  const p = new ConnPair();
  p.advance(100);
  open(p, p.a, p.b, 1);
  p.a.conn.bulk('bulk:write', { stream: 1, data: randomBytes(300_000) }, p.now);
  for (let i = 0; i < 10; i++) {
    p.advance(50);
    consumeAll(p, p.b);
  }
  assert.ok(p.a.conn.bulkState.pmtu > MAX_DATAGRAM_BYTES, 'a larger size was proven first');
  p.a.conn.setPeer({ host: '127.0.0.9', port: 9 }, p.now);
  p.pump();
  assert.equal(p.a.conn.bulkState.pmtu, MAX_DATAGRAM_BYTES);
});

test('persistent congestion: two probe timeouts in a row with nothing acknowledged put the window at its minimum', () => {
  const p = new ConnPair();
  p.advance(100);
  open(p, p.a, p.b, 1);
  p.a.conn.bulk('bulk:write', { stream: 1, data: Buffer.alloc(4_000_000) }, p.now);
  for (let i = 0; i < 10; i++) {
    p.advance(5);
    consumeAll(p, p.b);
  }
  const size = p.a.conn.bulkState.pmtu;
  assert.ok(p.a.conn.bulkState.window > 4 * size, `the window grew first: ${p.a.conn.bulkState.window}`);
  // The path goes silent: nothing from a arrives any more, while a has more to send.
  p.drop = (w) => w.from === p.a.addr;
  p.a.conn.bulk('bulk:write', { stream: 1, data: Buffer.alloc(4_000_000) }, p.now);
  p.pump();
  assert.ok(p.a.conn.bulkState.inFlight > 0, 'datagrams in flight when the path went silent');
  for (let i = 0; i < 400 && p.a.conn.bulkState.window > 2 * size; i++) p.advance(5);
  assert.equal(p.a.conn.bulkState.window, 2 * size, 'the minimum window, two datagrams');
});

test('maxBulkDatagramBytes 1200: no path MTU probes, every bulk datagram within 1200 bytes; out of range is a TypeError', () => {
  const p = new ConnPair({ aOptions: { maxBulkDatagramBytes: MAX_DATAGRAM_BYTES } });
  p.advance(100);
  open(p, p.a, p.b, 1);
  const data = randomBytes(300_000);
  p.a.conn.bulk('bulk:write', { stream: 1, data }, p.now);
  for (let i = 0; i < 40; i++) {
    p.advance(20);
    consumeAll(p, p.b);
  }
  assert.equal(sha(received(p.b, 1)), sha(data));
  assert.equal(p.tap.filter((w) => w.what === 'probe').length, 0);
  for (const w of p.tap) assert.ok(w.datagram.length <= MAX_DATAGRAM_BYTES, `${w.what} of ${w.datagram.length} bytes`);
  assert.throws(() => new ConnPair({ aOptions: { maxBulkDatagramBytes: 1000 } }), TypeError);
  assert.throws(() => new ConnPair({ aOptions: { maxBulkDatagramBytes: 70_000 } }), TypeError);
});
