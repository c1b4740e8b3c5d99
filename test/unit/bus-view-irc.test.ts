/**
 * BusView and the habits of IRC clients: /me actions, mentions of our nick,
 * the date at the start and at every day change (a fake clock crossing
 * midnight), and the "— unread —" marker while away. A real ChatPane on a
 * screen that writes nowhere.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../src/bus.js';
import { ManualClock } from '../../src/clock.js';
import type { ChatOptions } from '../../src/config/chat-options.js';
import { createNullScreen } from '../../src/testing/null-screen.js';
import { BusView } from '../../src/ui/bus-view.js';
import { ChatPane } from '../../src/ui/chat-pane.js';

const screens: Array<{ destroy(): void }> = [];
after(() => {
  for (const s of screens) s.destroy();
});

/** 23:59:30 local time on Thursday 3 December 2026: half a minute before midnight. */
const BEFORE_MIDNIGHT = new Date(2026, 11, 3, 23, 59, 30).getTime();

function view(clock = new ManualClock(BEFORE_MIDNIGHT)) {
  const ns = createNullScreen(100, 30);
  screens.push({ destroy: () => ns.screen.destroy() });
  const pane = new ChatPane(ns.screen, { capacity: 1000, seconds: false, colors: 256, clock });
  const bus = new Bus();
  const opts = {
    nick: 'bob',
    wire: 'reliable',
    ui: { scrollback: 1000, bell: true, title: true, mouse: false, term: null, seconds: false },
  } as unknown as ChatOptions;
  const notified: Array<{ unseen: number; bell: boolean | undefined }> = [];
  const v = new BusView({ bus, opts, listen: { host: '127.0.0.1', port: 7002 }, fingerprint: 'AAAA-BBBB-CCCC-DDDD', peer: null }, pane, {
    changed: () => {},
    notify: (unseen, alert) => notified.push({ unseen, bell: alert?.bell }),
  });
  v.greet();
  const plain = (): string[] => pane.buffer.visibleRows(30).map((r) => r.replace(/\{\/?[\w-]+\}/g, ''));
  return { bus, v, pane, clock, notified, plain, text: () => plain().join('\n') };
}

test('/me: own and peer actions read "* nick action"; the own one follows delivery like a message', () => {
  const { bus, v, pane, text, clock } = view();
  bus.emit('peer:nick', { nick: 'alice' });
  v.sending('m1', 'waves', 'action');
  assert.match(text(), /\* bob waves …/);
  bus.emit('message:delivered', { id: 'm1', time: clock.now() });
  assert.match(text(), /\* bob waves ✓/);
  assert.equal(v.statusState().pending, 0);
  bus.emit('message:received', { from: 'alice', text: 'waves back', time: clock.now(), kind: 'action' });
  assert.match(text(), /\* alice waves back/);
  // The peer-nick rules hold for actions: one that reads as ours gets the suffix.
  bus.emit('message:received', { from: 'BOB', text: 'pretends', time: clock.now(), kind: 'action' });
  assert.match(text(), /\* BOB\(peer\) pretends/);
  // message:sent for a line the UI never added (the transport's own) keeps its kind; plain messages stay plain.
  bus.emit('message:sent', { id: 'm2', text: 'nods', time: clock.now(), kind: 'action' });
  assert.match(text(), /\* bob nods …/);
  bus.emit('message:received', { from: 'alice', text: 'plain', time: clock.now(), kind: 'message' });
  assert.match(text(), /<alice> plain/);
  assert.equal(pane.buffer.findByMsgId('m2')?.action, true);
});

test('a mention of our nick is marked on the line and rings even at the bottom; other lines do not', () => {
  const { bus, pane, notified, clock } = view();
  bus.emit('message:received', { from: 'alice', text: 'hello there', time: clock.now(), kind: 'message' });
  assert.deepEqual(notified, []);
  bus.emit('message:received', { from: 'alice', text: 'BOB: look', time: clock.now(), kind: 'message' });
  assert.equal(pane.atBottom, true);
  assert.deepEqual(notified, [{ unseen: 0, bell: true }]);
  bus.emit('message:received', { from: 'alice', text: 'pokes bob', time: clock.now(), kind: 'action' });
  assert.equal(notified.length, 2, 'an action mentions too');
  bus.emit('message:received', { from: 'alice', text: 'bobby is not you', time: clock.now(), kind: 'message' });
  assert.equal(notified.length, 2);
  // Ids 1–3 are the greeting.
  const lines = [4, 5, 6, 7].map((id) => pane.buffer.findById(id));
  assert.deepEqual(
    lines.map((l) => [l?.text, l?.mention]),
    [
      ['hello there', undefined],
      ['BOB: look', 'bob'],
      ['pokes bob', 'bob'],
      ['bobby is not you', undefined],
    ],
  );
});

test('the first line says the date; a day change between two lines gets a "— Friday 4 December 2026 —" line', () => {
  const { bus, plain, clock } = view();
  assert.equal(
    plain()
      .find((r) => r.trim() !== '')
      ?.trim(),
    '— Thursday 3 December 2026 —',
  );
  bus.emit('message:received', { from: 'alice', text: 'before midnight', time: clock.now(), kind: 'message' });
  clock.advance(60_000); // 00:00:30 on Friday
  bus.emit('message:received', { from: 'alice', text: 'after midnight', time: clock.now(), kind: 'message' });
  const rows = plain().filter((r) => r.trim() !== '');
  const at = rows.findIndex((r) => r.includes('— Friday 4 December 2026 —'));
  assert.ok(at > 0, rows.join('\n'));
  assert.match(rows[at - 1]!, /\[23:59\] <alice> before midnight/);
  assert.match(rows[at + 1]!, /\[00:00\] <alice> after midnight/);
  // More lines on the same day: no second separator. A system line crossing the next midnight gets one.
  bus.emit('message:received', { from: 'alice', text: 'same day', time: clock.now(), kind: 'message' });
  assert.equal(plain().filter((r) => r.includes('Friday')).length, 1);
  clock.advance(24 * 3600_000);
  bus.emit('peer:restarted', {});
  assert.ok(plain().some((r) => r.includes('— Saturday 5 December 2026 —')));
});

test('away: the first peer line while unfocused gets "— unread —" before it; none when nothing arrived', () => {
  const { bus, v, plain, notified, clock } = view();
  v.attention.focusOut();
  assert.equal(v.attention.focusIn(), 0);
  assert.ok(!plain().some((r) => r.includes('unread')), 'away and back with nothing new: no marker');
  bus.emit('message:received', { from: 'alice', text: 'seen', time: clock.now(), kind: 'message' });
  v.attention.focusOut();
  bus.emit('message:received', { from: 'alice', text: 'one', time: clock.now(), kind: 'message' });
  bus.emit('message:received', { from: 'alice', text: 'two', time: clock.now(), kind: 'action' });
  v.sending('m1', 'typed while away', 'message');
  assert.equal(v.attention.unread, 2, 'own lines are not unread');
  assert.equal(notified.length, 2, 'each line while away is worth the bell');
  const rows = plain().filter((r) => r.trim() !== '');
  const at = rows.findIndex((r) => r.includes('— unread —'));
  assert.match(rows[at - 1]!, /<alice> seen/);
  assert.match(rows[at + 1]!, /<alice> one/);
  assert.equal(rows.filter((r) => r.includes('— unread —')).length, 1);
  assert.equal(v.attention.focusIn(), 2);
});
