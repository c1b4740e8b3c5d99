/**
 * Two Transports over a MemoryNetwork in manual mode with a ManualClock:
 * handshake, ordered exactly-once delivery, receipts, fragmentation of a
 * 1 MiB paste, queueing while the peer is down, queue overflow, peer restart,
 * offline/online, roaming, raw wire and mixed wires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type Peer } from '../_transport-pair.js';
import { MovingPort } from '../_moving-port.js';
import { ACK_EVERY_DATA_FRAMES, BYE_ATTEMPTS_MIN, MAX_DATAGRAM_BYTES, PEER_TIMEOUT_MS, SEND_QUEUE_MAX_MESSAGES } from '../../src/constants.js';
import { byeLinger } from '../../src/net/transport.js';
import type { Address } from '../../src/address/address.js';
import { MAX_FRAME_PLAINTEXT } from '../../src/net/frame.js';

const A: Address = { host: '10.0.0.1', port: 7001 };
const B: Address = { host: '10.0.0.2', port: 7002 };

function delivered(p: Peer): string[] {
  return p.events['message:delivered'].map((d) => d.id);
}

test('handshake, then messages both ways arrive once, in order, with sent → delivered receipts', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.settle();
  assert.deepEqual(
    a.events['peer:state'].map((s) => s.state),
    ['connecting', 'online'],
  );
  assert.deepEqual(b.events['peer:nick'], [{ nick: 'alice' }]);
  assert.deepEqual(a.events['peer:address'][0], { address: '10.0.0.2:7002', previous: null, reason: 'configured' });

  const ids = ['one', 'two', 'three'].map((x) => a.send(x));
  const back = b.send('reply');
  await lab.advance(200);
  assert.deepEqual(b.texts(), ['one', 'two', 'three']);
  assert.deepEqual(a.texts(), ['reply']);
  assert.deepEqual(
    b.events['message:received'].map((m) => m.from),
    ['alice', 'alice', 'alice'],
  );
  assert.deepEqual(
    a.events['message:sent'].map((m) => m.id),
    ids,
  );
  assert.deepEqual(delivered(a), ids);
  assert.deepEqual(delivered(b), [back]);
  assert.equal(a.transport.pendingCount(), 0);
  assert.equal(await a.transport.flush(10), true);
  const stats = a.transport.stats();
  assert.ok(stats.datagramsOut > 0 && stats.datagramsIn > 0);
  assert.equal(stats.dropped, 0);
});

test('a burst of data frames is acked at the end of the receive batch, a trickle after the ack delay', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.settle();
  // A burst: enough frames for one batch to owe an ack, and the clock does not move.
  const burst = Array.from({ length: ACK_EVERY_DATA_FRAMES * 2 }, (_, i) => a.send(`burst ${i}`));
  await lab.settle();
  assert.equal(b.texts().length, burst.length);
  assert.deepEqual(delivered(a), burst, 'the receiver acked without waiting for ACK_DELAY_MS');
  // One message alone waits for the delayed ack (or a reply to carry it).
  const single = a.send('single');
  await lab.settle();
  assert.ok(!delivered(a).includes(single), 'a lone frame is not acked at once');
  await lab.advance(100);
  assert.ok(delivered(a).includes(single));
});

test('a peer with no configured address learns it from the first authenticated frame', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, null);
  const b = lab.peer('bob', B, A);
  await lab.settle();
  assert.deepEqual(a.transport.peerAddress(), B);
  assert.deepEqual(a.events['peer:address'], [{ address: '10.0.0.2:7002', previous: null, reason: 'roamed' }]);
  a.send('found you');
  await lab.advance(100);
  assert.deepEqual(b.texts(), ['found you']);
});

test('a 1 MiB paste crosses a lossy, duplicating, reordering link intact, in datagrams of at most 1200 bytes', { timeout: 30_000 }, async (t) => {
  const lab = new Lab({ seed: 11, conditions: { loss: 0.2, duplicate: 0.1, reorder: 0.1 } });
  t.after(() => lab.closeAll());
  let largest = 0;
  let count = 0;
  lab.net.capture((_f, _t, data) => {
    largest = Math.max(largest, data.length);
    count += 1;
  });
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  const paste = Array.from({ length: 1 << 20 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('');
  const id = a.send(paste);
  const ok = await lab.until(() => delivered(a).includes(id), 120_000, 500);
  assert.ok(ok, 'the paste was acknowledged');
  assert.equal(b.texts().length, 1);
  assert.equal(b.texts()[0], paste);
  assert.ok(count > 1000, `sent ${count} datagrams`);
  assert.ok(largest <= MAX_DATAGRAM_BYTES, `largest datagram ${largest} bytes`);
});

test('messages sent while the peer is down are queued and delivered when it comes up', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const ids = ['while', 'you', 'were', 'away'].map((x) => a.send(x));
  await lab.advance(30_000);
  assert.equal(a.transport.pendingCount(), 4);
  assert.equal(a.events['message:sent'].length, 4);
  assert.equal(a.events['message:failed'].length, 0);
  const b = lab.peer('bob', B, null);
  const ok = await lab.until(() => delivered(a).length === 4, 20_000);
  assert.ok(ok);
  assert.deepEqual(b.texts(), ['while', 'you', 'were', 'away']);
  assert.deepEqual(delivered(a), ids);
});

test('a full send queue fails the message with its text and the reason, never silently', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  for (let i = 0; i < SEND_QUEUE_MAX_MESSAGES; i++) a.send(`m${i}`);
  assert.equal(a.events['message:failed'].length, 0);
  const id = a.send('one too many');
  assert.deepEqual(a.events['message:failed'], [
    { id, text: 'one too many', reason: `send queue full (${SEND_QUEUE_MAX_MESSAGES} messages waiting) — the peer is unreachable` },
  ]);
  assert.equal(a.transport.pendingCount(), SEND_QUEUE_MAX_MESSAGES);
});

test('closing fails what is still pending (with its text) and flush() reports false', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const id = a.send('nobody home');
  const flushed = a.transport.flush(60_000);
  await lab.close(a);
  assert.equal(await flushed, false);
  assert.equal(a.events['message:failed'][0]?.id, id);
  assert.equal(a.events['message:failed'][0]?.text, 'nobody home');
  await a.transport.close(); // idempotent
});

test('a peer that restarts mid-conversation is detected; unacknowledged messages are renumbered and arrive once', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b1 = lab.peer('bob', B, A);
  a.send('before');
  await lab.advance(100);
  assert.deepEqual(b1.texts(), ['before']);
  // Bob's machine goes dark: nothing reaches it, then the process dies (no bye).
  lab.net.setConditions({ loss: 1 });
  const lost = ['lost-1', 'lost-2', 'lost-3'].map((x) => a.send(x));
  await lab.advance(2_000);
  void b1.port.close(); // a crash: the socket goes, no bye is sent
  await lab.close(b1);
  lab.net.setConditions({});
  await lab.advance(5_000);
  const b2 = lab.peer('bob', B, A);
  const ok = await lab.until(() => lost.every((id) => delivered(a).includes(id)), 30_000);
  assert.ok(ok, 'the messages b1 never acknowledged reached b2');
  assert.equal(a.events['peer:restarted'].length, 1);
  assert.deepEqual(b2.texts(), ['lost-1', 'lost-2', 'lost-3']);
  b2.send('back');
  a.send('welcome back');
  await lab.advance(500);
  assert.deepEqual(a.texts(), ['back']);
  assert.deepEqual(b2.texts().slice(3), ['welcome back']);
});

test('silence makes the peer offline; when it answers again it is online and what waited is delivered', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(4_000); // keepalives: an RTT sample
  assert.notEqual(a.transport.stats().rttMs, null);
  assert.ok(a.events['link:stats'].length >= 3);
  lab.net.setConditions({ loss: 1 });
  const id = a.send('are you there?');
  await lab.advance(PEER_TIMEOUT_MS + 1_000);
  assert.equal(a.events['peer:state'].at(-1)?.state, 'offline');
  assert.equal(b.events['peer:state'].at(-1)?.state, 'offline');
  lab.net.setConditions({});
  const ok = await lab.until(() => delivered(a).includes(id), 15_000);
  assert.ok(ok);
  assert.equal(a.events['peer:state'].at(-1)?.state, 'online');
  assert.deepEqual(b.texts(), ['are you there?']);
  assert.equal(a.events['peer:restarted'].length, 0);
});

test('roaming: an authenticated datagram from a new address moves the peer, and the chat goes on', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const moving = new MovingPort(lab.net.port(B.host, B.port));
  const b = lab.peer('bob', B, A, { port: moving });
  b.send('from home');
  await lab.advance(100);
  const newB = { host: '10.9.9.9', port: 4444 };
  moving.move(lab.net.port(newB.host, newB.port));
  b.send('from the train');
  await lab.advance(500);
  assert.deepEqual(a.texts(), ['from home', 'from the train']);
  assert.deepEqual(a.transport.peerAddress(), newB);
  assert.deepEqual(a.events['peer:address'].at(-1), { address: '10.9.9.9:4444', previous: '10.0.0.2:7002', reason: 'roamed' });
  a.send('I see you moved');
  await lab.advance(500);
  assert.deepEqual(b.texts(), ['I see you moved']);
});

test('a replayed datagram is not delivered twice and a reflected one is dropped', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const seen: Array<{ from: Address; to: Address; data: Buffer }> = [];
  lab.net.capture((from, to, data) => seen.push({ from, to, data }));
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.settle();
  seen.length = 0;
  a.send('only once');
  await lab.advance(100);
  assert.deepEqual(b.texts(), ['only once']);
  const toB = seen.filter((s) => s.to.port === B.port);
  for (const s of toB) lab.net.inject(s.from, s.to, s.data);
  for (const s of toB) lab.net.inject(B, A, s.data); // back to its own sender
  await lab.advance(100);
  assert.deepEqual(b.texts(), ['only once']);
  assert.ok(b.transport.dropCounts().replayed >= toB.length);
  assert.ok(a.transport.dropCounts().reflected >= toB.length);
  assert.deepEqual(a.transport.peerAddress(), B);
});

test('raw wire: one token per message, no receipts, too-long messages refused, rotation refused', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  let largest = 0;
  lab.net.capture((_f, _t, d) => (largest = Math.max(largest, d.length)));
  const a = lab.peer('alice', A, B, { wire: 'raw' });
  const b = lab.peer('bob', B, A, { wire: 'raw' });
  a.send('hi from raw');
  b.send('raw back');
  await lab.advance(100);
  assert.deepEqual(b.texts(), ['hi from raw']);
  assert.deepEqual(a.texts(), ['raw back']);
  assert.equal(b.events['message:received'][0]?.from, '10.0.0.1:7001', 'raw text carries no nick: the address stands in');
  assert.equal(a.events['message:delivered'].length, 0);
  assert.equal(a.events['message:sent'].length, 1);
  const long = a.send('x'.repeat(MAX_FRAME_PLAINTEXT + 1));
  assert.deepEqual(a.events['message:failed'], [
    { id: long, text: 'x'.repeat(MAX_FRAME_PLAINTEXT + 1), reason: `too long for raw mode (max ${MAX_FRAME_PLAINTEXT} bytes)`, permanent: true },
  ]);
  a.send('y'.repeat(MAX_FRAME_PLAINTEXT));
  await lab.advance(100);
  assert.equal(b.texts()[1]?.length, MAX_FRAME_PLAINTEXT);
  assert.ok(largest <= MAX_DATAGRAM_BYTES);
  a.bus.emit('rotate', {});
  assert.match(a.events['key:rotation-failed'][0]?.reason ?? '', /--wire raw/);
  assert.equal(a.transport.pendingCount(), 0);
  assert.equal(await a.transport.flush(10), true);
});

test('a reliable peer shows raw text from a raw peer, warns once, and refuses to rotate with it', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A, { wire: 'raw' });
  b.send('plain one');
  b.send('plain two');
  await lab.advance(2_000);
  assert.deepEqual(a.texts(), ['plain one', 'plain two']);
  const warnings = a.events.error.filter((e) => e.message.includes('raw Fernet'));
  assert.equal(warnings.length, 1);
  a.bus.emit('rotate', {});
  assert.match(a.events['key:rotation-failed'][0]?.reason ?? '', /raw/);
  assert.equal(b.events.error.filter((e) => e.message.includes('--wire reliable')).length, 1, 'the raw side is told once');
});

test('/nick and /peer: later messages carry the new nick; the chat follows the user to another peer', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  a.bus.emit('set-nick', { nick: 'alicia' });
  a.send('who am I');
  await lab.advance(200);
  assert.equal(b.events['message:received'][0]?.from, 'alicia');
  const C: Address = { host: '10.0.0.3', port: 7003 };
  const c = lab.peer('carol', C, null);
  a.bus.emit('set-peer', { host: C.host, port: C.port });
  assert.deepEqual(a.events['peer:address'].at(-1), { address: '10.0.0.3:7003', previous: '10.0.0.2:7002', reason: 'configured' });
  const id = a.send('hi carol');
  const ok = await lab.until(() => delivered(a).includes(id), 10_000);
  assert.ok(ok);
  assert.deepEqual(c.texts(), ['hi carol']);
  assert.deepEqual(b.texts(), ['who am I']);
  a.bus.emit('set-peer', { host: '', port: 0 });
  assert.match(a.events.error.at(-1)?.message ?? '', /bad address/, 'a bad address is reported, not thrown');
});

test('/peer with a host name: resolved once, then the address is the IP; a name that does not resolve changes nothing', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  a.bus.emit('set-peer', { host: 'localhost', port: 7003 });
  // DNS is real I/O: wait in real time (bounded), not on the lab's clock.
  const moved = await realTime(() => a.events['peer:address'].length > 1, 10_000);
  assert.ok(moved, 'localhost resolved');
  assert.match(a.events['peer:address'].at(-1)?.address ?? '', /^(127\.0\.0\.1|\[::1\]):7003$/);
  const before = a.transport.peerAddress();
  a.bus.emit('set-peer', { host: 'no-such-host.invalid', port: 7004 });
  const told = await realTime(() => /cannot resolve the peer's host name no-such-host\.invalid/.test(a.events.error.at(-1)?.message ?? ''), 15_000);
  assert.ok(told, a.events.error.map((e) => e.message).join('\n'));
  assert.match(a.events.error.at(-1)?.message ?? '', /the peer is unchanged$/);
  assert.deepEqual(a.transport.peerAddress(), before);
});

test('/peer with a host name goes through the injected resolver, once; its failure is one warning and changes nothing', async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const asked: string[] = [];
  const resolve = (p: { host: string; port: number }): Promise<{ host: string; port: number }> => {
    asked.push(p.host);
    return p.host === 'chat.example' ? Promise.resolve({ host: '10.0.0.9', port: p.port }) : Promise.reject(new Error(`cannot resolve ${p.host}`));
  };
  const a = lab.peer('alice', A, B, { resolve });
  a.bus.emit('set-peer', { host: 'chat.example', port: 7009 });
  await lab.settle();
  assert.deepEqual(a.transport.peerAddress(), { host: '10.0.0.9', port: 7009 });
  a.bus.emit('set-peer', { host: '10.0.0.8', port: 7008 });
  await lab.settle();
  assert.deepEqual(asked, ['chat.example'], 'an IP is not resolved');
  a.bus.emit('set-peer', { host: 'nowhere.example', port: 7010 });
  await lab.settle();
  assert.match(a.events.error.at(-1)?.message ?? '', /cannot resolve nowhere\.example; the peer is unchanged$/);
  assert.deepEqual(a.transport.peerAddress(), { host: '10.0.0.8', port: 7008 });
});

async function realTime(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

test('the bye linger: whole while the peer is online, short but several copies when it only looks offline, none once it left', () => {
  assert.equal(byeLinger('online', 1_000), 1_000);
  assert.equal(byeLinger('left', 1_000), 0);
  for (const state of ['offline', 'connecting'] as const) {
    const linger = byeLinger(state, 1_000);
    assert.ok(linger > 0 && linger < 1_000, `${state}: a short linger (${linger} ms)`);
    assert.ok(linger / BYE_ATTEMPTS_MIN >= 1, `${state}: room for ${BYE_ATTEMPTS_MIN} copies a millisecond apart or more`);
  }
  assert.equal(byeLinger('offline', 0), 0, 'a linger of 0 (tests, --linger 0) stays 0');
});

test('an action (/me) is a kind on the reliable wire and the text "* nick action" on the raw wire', { timeout: 30_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.settle();
  a.bus.emit('send', { id: 'act', text: 'waves', kind: 'action' });
  a.send('and says hi');
  await lab.advance(100);
  assert.deepEqual(
    b.events['message:received'].map((m) => [m.kind, m.from, m.text]),
    [
      ['action', 'alice', 'waves'],
      ['message', 'alice', 'and says hi'],
    ],
  );
  assert.equal(a.events['message:sent'][0]?.kind, 'action');

  const raw = new Lab();
  t.after(() => raw.closeAll());
  const ra = raw.peer('alice', A, B, { wire: 'raw' });
  const rb = raw.peer('bob', B, A, { wire: 'raw' });
  ra.bus.emit('send', { id: 'act', text: 'waves', kind: 'action' });
  await raw.advance(100);
  // What a plain Fernet chat script prints as it is; the raw receiver has no kinds.
  assert.deepEqual(
    rb.events['message:received'].map((m) => [m.kind, m.text]),
    [['message', '* alice waves']],
  );
  assert.equal(ra.events['message:sent'][0]?.text, 'waves', 'our own line keeps the action text');
});
