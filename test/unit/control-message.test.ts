import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnPair } from '../_connection-pair.js';
import { decodeMessage, encodeMessage } from '../../src/net/message.js';
import { RAW_WIRE_CONTROL_REASON } from '../../src/net/send-path.js';

/*
 * Transfer control messages (wire v3, message kind 2): reliable and in order
 * on the chat stream, but never chat lines — xfer:control on the receiver,
 * no message:* facts on the sender, xfer:control-failed when they cannot go.
 */

test('kind 2 on the wire is control, both ways through the codec', () => {
  const buf = encodeMessage({ nick: 'ana', text: '{"t":"offer"}', kind: 'control' });
  assert.equal(buf[0], 2);
  assert.deepEqual(decodeMessage(buf), { kind: 'control', nick: 'ana', text: '{"t":"offer"}' });
});

test('a control message arrives as xfer:control, in order with chat lines; the sender sees no message:* fact for it', () => {
  const p = new ConnPair();
  p.advance(100);
  p.a.conn.send('m1', 'before', p.now);
  p.a.conn.sendControl('c1', '{"t":"offer","id":"x"}', p.now);
  p.a.conn.send('m2', 'after', p.now);
  p.pump();
  p.advance(200);
  assert.deepEqual(p.b.texts(), ['before', 'after'], 'never a chat line');
  assert.deepEqual(
    p.b.facts('xfer:control').map((c) => c.body),
    ['{"t":"offer","id":"x"}'],
  );
  const order = p.b.events.filter((e) => e.event === 'message:received' || e.event === 'xfer:control').map((e) => e.event);
  assert.deepEqual(order, ['message:received', 'xfer:control', 'message:received'], 'in order on the chat stream');
  assert.deepEqual(
    p.a.facts('message:sent').map((m) => m.id),
    ['m1', 'm2'],
  );
  assert.deepEqual(
    p.a.facts('message:delivered').map((m) => m.id),
    ['m1', 'm2'],
  );
  assert.equal(p.a.conn.pendingCount, 0, 'acknowledged like any message');
  assert.deepEqual(p.a.facts('xfer:control-failed'), []);
});

test('a control message survives loss (it is retransmitted like chat) and is handed up once', () => {
  const p = new ConnPair();
  p.advance(100);
  let lost = 0;
  p.drop = (w) => (w.what === 'data' || w.what === 'pack') && w.from === p.a.addr && ++lost <= 2;
  p.a.conn.sendControl('c1', 'body', p.now);
  p.pump();
  p.advance(5_000);
  assert.ok(lost >= 2);
  assert.deepEqual(
    p.b.facts('xfer:control').map((c) => c.body),
    ['body'],
  );
});

test('raw wire: xfer:send-control is refused with xfer:control-failed, nothing is sent', () => {
  const p = new ConnPair({ wire: 'raw' });
  const before = p.tap.length;
  p.a.conn.sendControl('c1', '{}', p.now);
  p.pump();
  assert.deepEqual(p.a.facts('xfer:control-failed'), [{ id: 'c1', reason: RAW_WIRE_CONTROL_REASON }]);
  assert.equal(p.tap.length, before);
  assert.deepEqual(p.a.facts('message:failed'), []);
});

test('closing: an unacknowledged control message becomes xfer:control-failed, a chat line message:failed', () => {
  const p = new ConnPair();
  p.advance(100);
  p.drop = () => true;
  p.a.conn.sendControl('c1', '{}', p.now);
  p.a.conn.send('m1', 'line', p.now);
  p.pump();
  p.a.conn.close(p.now);
  p.a.conn.failUndelivered();
  p.pump();
  assert.deepEqual(
    p.a.facts('xfer:control-failed').map((f) => f.id),
    ['c1'],
  );
  assert.deepEqual(
    p.a.facts('message:failed').map((f) => f.id),
    ['m1'],
  );
});

test('misuse is a TypeError', () => {
  const p = new ConnPair();
  assert.throws(() => p.a.conn.sendControl(1 as never, '{}', p.now), TypeError);
  assert.throws(() => p.a.conn.sendControl('c', null as never, p.now), TypeError);
});
