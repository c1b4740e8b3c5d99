/**
 * RoomView (ui/room-view.ts): the room's bus → the pane and the status bar,
 * with a fake session and a real ChatPane on a screen that writes nowhere.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../src/bus.js';
import type { RoomInput, RosterEntry } from '../../src/room/core-types.js';
import type { RoomStatus } from '../../src/room/status.js';
import { createNullScreen } from '../../src/testing/null-screen.js';
import { ChatPane } from '../../src/ui/chat-pane.js';
import type { RoomTuiContext } from '../../src/ui/room-context.js';
import { RoomView } from '../../src/ui/room-view.js';

const screens: Array<{ destroy(): void }> = [];
after(() => {
  for (const s of screens) s.destroy();
});

const ME = 'aaaaaaaaaaaaaaaa';
const BOB = 'b0b0b0b0b0b0b0b0';

function setup(o: { status?: RoomStatus; alone?: boolean } = {}) {
  const ns = createNullScreen(120, 30);
  screens.push({ destroy: () => ns.screen.destroy() });
  const pane = new ChatPane(ns.screen, { capacity: 1000, seconds: false, colors: 256 });
  const bus = new Bus();
  const sent: RoomInput[] = [];
  const state = { status: o.status ?? { kind: 'member' }, fp: 'AAAA-BBBB-CCCC-DDDD', bobOnline: true };
  const roster = (): RosterEntry[] => [
    { id: ME, nick: 'ann', display: 'ann', address: '127.0.0.1:7001', online: false, self: true },
    ...(o.alone ? [] : [{ id: BOB, nick: 'bob', display: 'bob', address: '127.0.0.1:7002', online: state.bobOnline, self: false }]),
  ];
  const ctx: RoomTuiContext = {
    bus,
    opts: {
      profileName: 'club',
      nick: 'ann',
      wire: 'reliable',
      debug: false,
      ui: { scrollback: 1000, bell: false, title: false, mouse: false, term: null, seconds: false },
    } as unknown as RoomTuiContext['opts'],
    room: 'club',
    memberId: ME,
    listen: { host: '127.0.0.1', port: 7001 },
    status: () => state.status,
    fingerprint: () => state.fp,
    roster,
    linkInfo: () => null,
    input: (i) => void sent.push(i),
    rotate: () => {},
    inFlight: () => 0,
    shutdown: () => Promise.resolve(),
    start: () => {},
    notes: ['note: --peer is ignored'],
  };
  const calls = { roster: 0, left: 0, bell: 0 };
  const view = new RoomView(ctx, pane, {
    changed: () => {},
    notify: (bell) => void (bell && calls.bell++),
    roster: () => void calls.roster++,
    left: () => void calls.left++,
  });
  view.greet();
  return {
    bus,
    view,
    sent,
    state,
    calls,
    text: () =>
      pane.buffer
        .visibleRows(30)
        .join('\n')
        .replace(/\{[^}]*\}/g, ''),
  };
}

test('the greeting names the room, us, the key and the keys; the runner’s notes follow', () => {
  const { text } = setup();
  assert.match(text(), /room club, you are ann \(member a{16}\), listening on 127\.0\.0\.1:7001/);
  assert.match(text(), /key fingerprint AAAA-BBBB-CCCC-DDDD · F1 help · F3 members · Ctrl-K rotate the key/);
  assert.match(text(), /note: --peer is ignored/);
});

test('a message shows under the member’s nick; one naming us rings; the roster facts tell the panel', () => {
  const { bus, text, calls } = setup();
  bus.emit('room:fact', { kind: 'message', from: BOB, nick: 'bob', display: 'bob', text: 'hello room', id: '1' });
  assert.match(text(), /<bob> hello room/);
  assert.equal(calls.bell, 0);
  bus.emit('room:fact', { kind: 'message', from: BOB, nick: 'bob', display: 'bob', text: 'ann: you there?', id: '2' });
  assert.equal(calls.bell, 1);
  bus.emit('room:fact', { kind: 'offline', member: BOB, display: 'bob' });
  bus.emit('room:fact', { kind: 'members-changed', roster: [] });
  assert.match(text(), /-!- bob offline/);
  assert.equal(calls.roster, 2);
});

test('a line goes to the session as it is; /me marked as an action, shown as one', () => {
  const { view, sent, text } = setup();
  assert.equal(view.send('hi all', false), true);
  assert.equal(view.send('waves', true), true);
  assert.deepEqual(sent, [
    { kind: 'send', text: 'hi all' },
    { kind: 'send', text: 'waves', action: true },
  ]);
  assert.match(text(), /<ann> hi all/);
  assert.match(text(), /\* ann waves/);
});

test('while joining, lines wait and go once the room lets us in', () => {
  const { bus, view, sent, state, text } = setup({ status: { kind: 'joining' } });
  view.send('early', false);
  view.send('waves early', true);
  assert.deepEqual(sent, []);
  assert.equal(view.held, 2);
  assert.match(text(), /not in the room yet: lines wait/);
  assert.match(view.statusState().status, /joining/);
  state.status = { kind: 'member' };
  bus.emit('room:fact', { kind: 'status', status: { kind: 'member' } });
  assert.deepEqual(sent, [
    { kind: 'send', text: 'early' },
    { kind: 'send', text: 'waves early', action: true },
  ]);
  assert.equal(view.held, 0);
});

test('alone in the room: one line saying how to invite; out of the room: nothing sent', () => {
  const a = setup({ alone: true });
  a.view.send('anyone?', false);
  a.view.send('hello?', false);
  assert.equal(a.text().match(/nobody else is in the room yet/g)?.length, 1);
  assert.match(a.text(), /fernchat invite --profile club/);
  const b = setup({ status: { kind: 'removed', by: BOB } });
  b.view.send('hi', false);
  assert.deepEqual(b.sent, []);
  assert.match(b.text(), /not in the room any more: nothing sent/);
});

test('a message over the limit is refused before it is sent', () => {
  const { view, sent, text } = setup();
  assert.equal(view.send('x'.repeat(4 * 1024 * 1024), false), false);
  assert.deepEqual(sent, []);
  assert.match(text(), /over the room's .* limit: not sent/);
});

test('the status bar follows the roster and the key: rotating, then the new fingerprint after key-changed', () => {
  const { bus, view, state } = setup();
  assert.deepEqual([view.statusState().online, view.statusState().total], [2, 2]);
  state.bobOnline = false;
  assert.equal(view.statusState().online, 1);
  bus.emit('room:fact', { kind: 'rotating', by: ME, display: 'ann', kick: false, self: true });
  assert.equal(view.statusState().rotating, true);
  state.fp = 'EEEE-FFFF-0000-1111';
  bus.emit('room:fact', { kind: 'key-changed', epoch: 1, fingerprint: state.fp, by: ME, display: 'ann', kick: false, self: true, missed: [] });
  assert.equal(view.statusState().rotating, false);
  assert.equal(view.statusState().fingerprint, 'EEEE-FFFF-0000-1111');
  assert.equal(view.fingerprint, 'EEEE-FFFF-0000-1111');
});

test('missed messages: counted; those reported while closing are kept for stderr; /leave’s left status closes the screen', () => {
  const { bus, view, calls, state } = setup();
  bus.emit('room:fact', { kind: 'missed', member: BOB, display: 'bob', count: 2 });
  view.closing();
  bus.emit('room:fact', { kind: 'missed', member: BOB, display: 'bob', count: 1 });
  const report = view.afterClose();
  assert.equal(report.failed, true);
  assert.deepEqual(report.lines, [
    '2 messages were not delivered (missed) during the session: the -!- lines said to whom',
    '1 message to bob not delivered (missed)',
  ]);
  state.status = { kind: 'left' };
  bus.emit('room:fact', { kind: 'status', status: { kind: 'left' } });
  assert.equal(calls.left, 1);
  assert.match(view.afterClose().lines.at(-1) ?? '', /you left the room club/);
});
