/**
 * The room screen's commands at work (ui/room-dispatch.ts): /who into the
 * pane in aligned columns, /kick by display name (an unknown one is one
 * line), and the calls the others make. A real ChatPane on a screen that
 * writes nowhere; the rest are fakes.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomInput, RosterEntry } from '../../src/room/core-types.js';
import { createNullScreen } from '../../src/testing/null-screen.js';
import { ChatPane } from '../../src/ui/chat-pane.js';
import { parseRoomInput } from '../../src/ui/room-commands.js';
import { dispatchRoomCommand } from '../../src/ui/room-dispatch.js';
import { ScrollbackSearch } from '../../src/ui/search-mode.js';

const screens: Array<{ destroy(): void }> = [];
after(() => {
  for (const s of screens) s.destroy();
});

const roster: RosterEntry[] = [
  { id: 'aaaaaaaaaaaaaaaa', nick: 'ann', display: 'ann', address: '127.0.0.1:7001', online: false, self: true },
  { id: 'b0b0b0b0b0b0b0b0', nick: 'bob', display: 'bob~b0b0', address: '127.0.0.1:7002', online: true, self: false },
  { id: 'b1b1b1b1b1b1b1b1', nick: 'bob', display: 'bob~b1b1', address: null, online: false, self: false },
];

function host() {
  const ns = createNullScreen(120, 30);
  screens.push({ destroy: () => ns.screen.destroy() });
  const pane = new ChatPane(ns.screen, { capacity: 1000, seconds: false, colors: 256 });
  const inputs: RoomInput[] = [];
  const calls: string[] = [];
  const h = {
    ctx: { roster: () => roster, input: (i: RoomInput) => void inputs.push(i) },
    pane,
    view: { fingerprint: 'AAAA-BBBB-CCCC-DDDD' },
    search: new ScrollbackSearch(pane),
    clock: { now: () => Date.UTC(2026, 11, 4, 12, 0, 0) },
    send: (text: string, action: boolean) => void calls.push(`send ${action ? 'action ' : ''}${text}`),
    rotate: () => void calls.push('rotate'),
    rename: (nick: string) => void calls.push(`rename ${nick}`),
    showHelp: () => void calls.push('help'),
    leave: () => void calls.push('leave'),
    quit: (code: number) => void calls.push(`quit ${code}`),
  };
  const run = (line: string): void => {
    const r = parseRoomInput(line);
    if (!r.ok) throw new Error(r.error);
    dispatchRoomCommand(h, r.command);
  };
  return { run, inputs, calls, text: () => pane.buffer.visibleRows(30).join('\n') };
}

test('/who: one system line per member, columns aligned', () => {
  const { run, text } = host();
  run('/who');
  const rows = text()
    .split('\n')
    .filter((l) => l.includes('-!-'))
    .map((l) => l.slice(l.indexOf('-!-')));
  assert.equal(rows.length, 3);
  const at = (needle: string): number[] => rows.map((r) => r.indexOf(needle === 'id' ? r.match(/[0-9a-f]{16}/)![0] : needle));
  assert.equal(new Set(at('id')).size, 1, rows.join('\n'));
  assert.match(rows[1]!, /bob~b0b0 +b0b0b0b0b0b0b0b0 +127\.0\.0\.1:7002 +online/);
  assert.match(rows[2]!, /bob~b1b1 +b1b1b1b1b1b1b1b1 +- +offline/);
});

test('/kick by display name; an ambiguous or unknown name, or ourselves, is one line and kicks no one', () => {
  const { run, inputs, text } = host();
  run('/kick bob~b1b1');
  assert.deepEqual(inputs, [{ kind: 'kick', member: 'b1b1b1b1b1b1b1b1' }]);
  run('/kick bob');
  run('/kick zed');
  run('/kick ann');
  assert.equal(inputs.length, 1);
  assert.match(text(), /2 members are called bob: say which \(bob~b0b0, bob~b1b1\)/);
  assert.match(text(), /no member zed in the room \(\/who lists them\)/);
  assert.match(text(), /that is you: \/leave leaves the room/);
});

test('the other commands call the screen: say, /me, /rotate, /leave, /help, /quit; /fingerprint is a line', () => {
  const { run, calls, text } = host();
  for (const l of ['hello', '/me waves', '/rotate', '/leave', '/help', '/quit', '/fingerprint', '/time']) run(l);
  assert.deepEqual(calls, ['send hello', 'send action waves', 'rotate', 'leave', 'help', 'quit 0']);
  assert.match(text(), /room key fingerprint: AAAA-BBBB-CCCC-DDDD/);
  assert.match(text(), /it is .*2026/);
});
