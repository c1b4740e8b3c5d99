/**
 * BusView: bus facts → chat lines. A real ChatPane on a screen that writes nowhere.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNullScreen } from '../../src/testing/null-screen.js';
import { Bus } from '../../src/bus.js';
import type { ChatOptions } from '../../src/config/chat-options.js';
import type { Address } from '../../src/address/address.js';
import { BusView } from '../../src/ui/bus-view.js';
import { ChatPane } from '../../src/ui/chat-pane.js';

const screens: Array<{ destroy(): void }> = [];
after(() => {
  for (const s of screens) s.destroy();
});

function view(peer: Address | null): { bus: Bus; text(): string; v: BusView } {
  const ns = createNullScreen(100, 30);
  screens.push({ destroy: () => ns.screen.destroy() });
  const pane = new ChatPane(ns.screen, { capacity: 1000, seconds: false, colors: 256 });
  const bus = new Bus();
  const opts = {
    nick: 'alice',
    wire: 'reliable',
    ui: { scrollback: 1000, bell: false, title: false, mouse: false, term: null, seconds: false },
  } as unknown as ChatOptions;
  const v = new BusView({ bus, opts, listen: { host: '127.0.0.1', port: 7001 }, fingerprint: 'AAAA-BBBB-CCCC-DDDD', peer }, pane, {
    changed: () => {},
    notify: () => {},
  });
  v.greet();
  return { bus, v, text: () => pane.buffer.visibleRows(30).join('\n') };
}

test('the configured peer is greeted once, not announced again when the transport confirms it', () => {
  const { bus, text } = view({ host: '127.0.0.1', port: 7002 });
  bus.emit('peer:address', { address: '127.0.0.1:7002', previous: null, reason: 'configured' });
  assert.match(text(), /talking to 127\.0\.0\.1:7002/);
  assert.doesNotMatch(text(), /peer address: 127\.0\.0\.1:7002/);
});

test('a peer learned from its first datagram, and a roaming one, each get a line', () => {
  const { bus, text } = view(null);
  assert.match(text(), /waiting for the peer/);
  bus.emit('peer:address', { address: '127.0.0.1:7002', previous: null, reason: 'roamed' });
  assert.match(text(), /peer address: 127\.0\.0\.1:7002/);
  bus.emit('peer:address', { address: '127.0.0.1:7009', previous: '127.0.0.1:7002', reason: 'roamed' });
  assert.match(text(), /peer address changed: 127\.0\.0\.1:7002 → 127\.0\.0\.1:7009 \(roamed\)/);
});

test('first contact with the configured peer prints no "changed: null → …" line', () => {
  const { bus, text } = view({ host: '127.0.0.1', port: 7002 });
  bus.emit('peer:address', { address: '127.0.0.1:7002', previous: null, reason: 'configured' });
  assert.doesNotMatch(text(), /null/);
  assert.doesNotMatch(text(), /changed/);
});

test('/peer ADDR forgets the old peer nick; roaming keeps it', () => {
  const { bus, v } = view({ host: '127.0.0.1', port: 7002 });
  bus.emit('peer:nick', { nick: 'bob' });
  bus.emit('peer:address', { address: '127.0.0.1:7009', previous: '127.0.0.1:7002', reason: 'roamed' });
  assert.equal(v.statusState().peerNick, 'bob');
  bus.emit('peer:address', { address: '127.0.0.1:7010', previous: '127.0.0.1:7009', reason: 'configured' });
  assert.equal(v.statusState().peerNick, null);
});

test('a peer nick obeys the local nick rules, and one that reads as ours gets a suffix', () => {
  const { bus, v, text } = view({ host: '127.0.0.1', port: 7002 });
  bus.emit('peer:nick', { nick: 'b\u200bo b\u202e' });
  assert.equal(v.statusState().peerNick, 'bob');
  bus.emit('peer:nick', { nick: 'ALICE' });
  assert.equal(v.statusState().peerNick, 'ALICE(peer)');
  bus.emit('message:received', { from: 'al\u2060ice', text: 'it is me', time: Date.now(), kind: 'message' });
  const plain = (): string => text().replace(/\{\/?[\w-]+\}/g, '');
  assert.match(plain(), /<alice\(peer\)> it is me/);
  bus.emit('message:received', { from: 'x'.repeat(100), text: 'long', time: Date.now(), kind: 'message' });
  assert.match(plain(), new RegExp(`<${'x'.repeat(32)}> long`));
  bus.emit('message:received', { from: '127.0.0.1:7002', text: 'raw', time: Date.now(), kind: 'message' });
  assert.match(plain(), /<127\.0\.0\.1:7002> raw/);
});

test('a peer that said bye "left"; one that went quiet is "offline"', () => {
  const { bus, v, text } = view({ host: '127.0.0.1', port: 7002 });
  bus.emit('peer:nick', { nick: 'bob' });
  bus.emit('peer:state', { state: 'online' });
  bus.emit('peer:state', { state: 'left' });
  assert.equal(v.statusState().link, 'left');
  assert.match(text(), /bob left — messages wait/);
  assert.doesNotMatch(text(), /offline/);
  bus.emit('peer:state', { state: 'online' });
  bus.emit('peer:state', { state: 'offline' });
  assert.match(text(), /peer offline — messages wait/);
});
