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

function view(peer: Address | null): { bus: Bus; text(): string } {
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
    stats: () => {},
  });
  v.greet();
  return { bus, text: () => pane.buffer.visibleRows(30).join('\n') };
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
