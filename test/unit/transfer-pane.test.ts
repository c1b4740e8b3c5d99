/**
 * TransferPane: transfer:update → one line per transfer, rewritten in place.
 * A real ChatPane on a screen that writes nowhere.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNullScreen } from '../../src/testing/null-screen.js';
import { Bus } from '../../src/bus.js';
import { Attention } from '../../src/ui/attention.js';
import { ChatPane } from '../../src/ui/chat-pane.js';
import { TransferPane, transferLineKey } from '../../src/ui/transfer-pane.js';
import { MiB, transferView as tv } from '../_transfer-view.js';

const screens: Array<() => void> = [];
after(() => {
  for (const d of screens) d();
});

function setup(capacity = 1000): { bus: Bus; pane: ChatPane; tp: TransferPane; attention: Attention; offers: number[]; rows(): string[] } {
  const ns = createNullScreen(120, 30);
  screens.push(() => ns.destroy());
  const pane = new ChatPane(ns.screen, { capacity, seconds: false, colors: 2 });
  const bus = new Bus();
  const attention = new Attention();
  const offers: number[] = [];
  const tp = new TransferPane({ bus, wire: 'reliable', pane, attention, home: '/home/bob' }, { changed: () => {}, offered: () => offers.push(1) });
  const rows = (): string[] =>
    pane.buffer
      .visibleRows(30)
      .map((r) => r.replace(/\{[^}]*\}/g, '').trimEnd())
      .filter((r) => r !== '');
  return { bus, pane, tp, attention, offers, rows };
}

test('one line per transfer, updated in place as progress arrives', () => {
  const { bus, pane, rows } = setup();
  pane.system('hello');
  const start = pane.buffer.length;
  bus.emit('transfer:update', tv({ state: 'offered', bytes: 0 }));
  for (const pct of [10, 45, 80]) bus.emit('transfer:update', tv({ bytes: (12 * MiB * pct) / 100 }));
  pane.system('a later line');
  bus.emit('transfer:update', tv({ state: 'done', bytes: 12 * MiB }));
  assert.equal(pane.buffer.length, start + 2, 'one transfer line and the later line, nothing more');
  const r = rows();
  assert.equal(r.filter((l) => l.includes('report.pdf')).length, 1, r.join('\n'));
  const i = r.findIndex((l) => l.includes('report.pdf'));
  assert.match(r[i]!, /✓ sent report\.pdf \(12\.0 MiB, sha256 verified by the peer\)/);
  assert.match(r[i + 1]!, /a later line/, 'the line stays where it was first shown');
});

test('a failure turns the line into an error line; two transfers keep two lines', () => {
  const { bus, pane, rows } = setup();
  bus.emit('transfer:update', tv({ n: 1 }));
  bus.emit('transfer:update', tv({ n: 2, name: 'b.iso', direction: 'in' }));
  bus.emit('transfer:update', tv({ n: 1, state: 'failed', reason: 'source vanished' }));
  const line = pane.buffer.findByMsgId(transferLineKey(tv({ n: 1 }).id));
  assert.equal(line?.kind, 'error');
  assert.equal(line?.text, '✗ report.pdf: source vanished');
  assert.equal(rows().filter((l) => /report\.pdf|b\.iso/.test(l)).length, 2);
});

test('a line that is gone (/clear) comes back at the bottom with the next update', () => {
  const { bus, pane, rows } = setup();
  bus.emit('transfer:update', tv());
  pane.clear();
  assert.equal(rows().length, 0);
  bus.emit('transfer:update', tv({ bytes: 6 * MiB }));
  assert.match(rows().join('\n'), /→ report\.pdf 6\.0 MiB of 12\.0 MiB {2}50%/);
});

test('an update re-formats only its own line (O(1): no other line leaves the row cache)', () => {
  const { bus, pane } = setup(100_000);
  for (let i = 0; i < 5000; i++) pane.system(`line ${i}`);
  bus.emit('transfer:update', tv({ bytes: 0 }));
  for (let i = 0; i < 50; i++) pane.system(`after ${i}`);
  pane.buffer.visibleRows(30);
  const cached = pane.buffer.cacheSize.lines;
  const before = pane.buffer.length;
  for (let b = 1; b <= 200; b++) bus.emit('transfer:update', tv({ bytes: b * 1000 }));
  assert.equal(pane.buffer.length, before);
  assert.equal(pane.buffer.cacheSize.lines, cached, 'the transfer line is off screen: nothing on screen was dropped from the cache');
});

test('a new incoming offer rings and counts like a mention; progress does not', () => {
  const { bus, attention, offers, rows } = setup();
  attention.focusOut();
  bus.emit('transfer:update', tv({ n: 5, direction: 'in', state: 'offered', bytes: 0 }));
  bus.emit('transfer:update', tv({ n: 5, direction: 'in', state: 'offered', bytes: 0 }));
  assert.equal(offers.length, 1, 'the same offer again is not news');
  assert.equal(attention.unread, 1);
  assert.equal(attention.mentionPending, true);
  assert.ok(rows().some((l) => l.includes('— unread —')));
  assert.match(rows().join('\n'), /offered: report\.pdf \(12\.0 MiB, sha256 1a2b3c4d5e6f\) — \/accept 5 or \/decline 5/);
  bus.emit('transfer:update', tv({ n: 5, direction: 'in', state: 'transferring' }));
  bus.emit('transfer:update', tv({ n: 6, direction: 'out', state: 'offered', bytes: 0 }));
  assert.equal(offers.length, 1);
  assert.equal(attention.unread, 1);
});

test('commands run against what the pane has seen; dispose stops listening', () => {
  const { bus, tp, pane, rows } = setup();
  const cancels: number[] = [];
  bus.on('transfer:cancel', ({ n }) => cancels.push(n));
  bus.emit('transfer:update', tv({ n: 3 }));
  tp.command({ name: 'cancel', n: 3 });
  tp.command({ name: 'cancel', n: 4 });
  assert.deepEqual(cancels, [3]);
  assert.match(rows().join('\n'), /no transfer 4 — \/transfers lists them/);
  tp.dispose();
  const n = pane.buffer.length;
  bus.emit('transfer:update', tv({ n: 9, id: 'e'.repeat(32) }));
  assert.equal(pane.buffer.length, n);
});

test('quitting while transfers run: a warning first (what arrived is kept), none once they ended', () => {
  const { bus, tp } = setup();
  assert.equal(tp.quitWarning(), null);
  bus.emit('transfer:update', tv({ n: 1 }));
  bus.emit('transfer:update', tv({ n: 2, id: 'f'.repeat(32), direction: 'in', state: 'offered' }));
  assert.match(tp.quitWarning() ?? '', /^2 file transfers are not finished: quit again to leave anyway \(what arrived is kept/);
  bus.emit('transfer:update', tv({ n: 1, state: 'done' }));
  bus.emit('transfer:update', tv({ n: 2, id: 'f'.repeat(32), direction: 'in', state: 'declined' }));
  assert.equal(tp.quitWarning(), null);
});
