/**
 * What the headless room mode reads and prints (app/room-format.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoomInputLine, roomFactJson, roomFactLine } from '../../src/app/room-format.js';
import { findMember, rosterLines } from '../../src/room/fact-text.js';
import type { RosterEntry } from '../../src/room/core-types.js';

const ME = 'aaaaaaaaaaaaaaaa';
const roster: RosterEntry[] = [
  { id: ME, nick: 'ann', display: 'ann', address: '127.0.0.1:7001', online: false, self: true },
  { id: 'b0b0b0b0b0b0b0b0', nick: 'bob', display: 'bob~b0b0', address: '127.0.0.1:7002', online: true, self: false },
  { id: 'b1b1b1b1b1b1b1b1', nick: 'bob', display: 'bob~b1b1', address: null, online: false, self: false },
  { id: 'cccccccccccccccc', nick: 'cat', display: 'cat', address: '127.0.0.1:7003', online: true, self: false },
];

describe('parseRoomInputLine', () => {
  it('lines, escapes and the room commands', () => {
    assert.deepEqual(parseRoomInputLine(''), { kind: 'empty' });
    assert.deepEqual(parseRoomInputLine('hi all'), { kind: 'send', text: 'hi all' });
    assert.deepEqual(parseRoomInputLine('//who'), { kind: 'send', text: '/who' });
    assert.deepEqual(parseRoomInputLine('/who'), { kind: 'who' });
    assert.deepEqual(parseRoomInputLine('/leave'), { kind: 'leave' });
    assert.deepEqual(parseRoomInputLine('/quit'), { kind: 'quit' });
    assert.deepEqual(parseRoomInputLine('/kick bob~b1b1'), { kind: 'kick', who: 'bob~b1b1' });
    assert.match((parseRoomInputLine('/kick') as { message: string }).message, /^usage: \/kick NICK/);
    assert.deepEqual(parseRoomInputLine('/rotate'), { kind: 'rotate' });
    assert.deepEqual(parseRoomInputLine('/nick annie'), { kind: 'nick', nick: 'annie' });
    assert.match((parseRoomInputLine('/nick') as { message: string }).message, /^usage: \/nick NAME$/);
    assert.match((parseRoomInputLine('/nick a b') as { message: string }).message, /^\/nick: /);
    assert.match(
      (parseRoomInputLine('/rotate now') as { message: string }).message,
      /^unknown room command \/rotate \(commands: \/me ACTION \/nick NAME \/who \/kick NICK \/rotate \/leave \/quit/,
    );
    assert.deepEqual(parseRoomInputLine('/me waves'), { kind: 'send', text: 'waves', action: true });
    assert.match((parseRoomInputLine('/me') as { message: string }).message, /^usage: \/me ACTION/);
  });
});

describe('findMember', () => {
  it('by display, by a nick held once, by id prefix; says which when a nick is shared', () => {
    assert.deepEqual(findMember(roster, 'bob~b1b1'), { ok: true, id: 'b1b1b1b1b1b1b1b1' });
    assert.deepEqual(findMember(roster, 'cat'), { ok: true, id: 'cccccccccccccccc' });
    assert.deepEqual(findMember(roster, 'b0b0'), { ok: true, id: 'b0b0b0b0b0b0b0b0' });
    const shared = findMember(roster, 'bob');
    assert.ok(!shared.ok && /2 members are called bob: say which \(bob~b0b0, bob~b1b1\)/.test(shared.message));
    const me = findMember(roster, 'ann');
    assert.ok(!me.ok && /that is you/.test(me.message));
    const none = findMember(roster, 'zed');
    assert.ok(!none.ok && /no member zed/.test(none.message));
  });
});

describe('room fact lines', () => {
  it('a message goes to stdout, one line, sanitised; the others to stderr; roster changes are not shown', () => {
    assert.match(
      roomFactLine({ kind: 'message', from: 'cccccccccccccccc', nick: 'cat', display: 'cat', text: 'waves', id: 'L1#2', action: true }, () => '?')!.line,
      /^\d\d:\d\d:\d\d \* cat waves$/,
    );
    assert.equal(
      JSON.parse(roomFactJson({ kind: 'message', from: 'cccccccccccccccc', nick: 'cat', display: 'cat', text: 'waves', id: 'x', action: true }, 'club', 0))
        .kind,
      'action',
    );
    const m = roomFactLine({ kind: 'message', from: 'cccccccccccccccc', nick: 'cat', display: 'cat', text: 'hi\nthere\u001b[31m', id: 'L1#1' }, () => '?');
    assert.equal(m?.to, 'out');
    assert.match(m?.line ?? '', /^\d\d:\d\d:\d\d <cat> hi⏎there$/);
    assert.deepEqual(
      roomFactLine({ kind: 'online', member: 'cccccccccccccccc', display: 'cat' }, () => '?'),
      { to: 'err', line: 'cat online' },
    );
    assert.deepEqual(
      roomFactLine({ kind: 'left', member: 'cccccccccccccccc', display: 'cat', how: 'kicked', by: ME, self: false }, () => 'ann'),
      {
        to: 'err',
        line: 'cat was removed from the room by ann',
      },
    );
    assert.deepEqual(
      roomFactLine({ kind: 'refused', member: null, display: null, why: 'full', line: 'room full (16 members)', self: true }, () => '?'),
      {
        to: 'err',
        line: 'refused: room full (16 members)',
      },
    );
    assert.deepEqual(
      roomFactLine({ kind: 'missed', member: 'cccccccccccccccc', display: 'cat', count: 3 }, () => '?'),
      { to: 'err', line: '3 messages to cat not delivered (missed)' },
    );
    assert.equal(
      roomFactLine({ kind: 'members-changed', roster }, () => '?'),
      null,
    );
  });

  it('--json: a message carries room, from, nick, text, time; a fact is {type: room, event}', () => {
    const m = JSON.parse(roomFactJson({ kind: 'message', from: 'cccccccccccccccc', nick: 'cat', display: 'cat', text: 'hi', id: 'L1#1' }, 'club', 0)) as Record<
      string,
      unknown
    >;
    assert.deepEqual(m, {
      type: 'message',
      kind: 'message',
      room: 'club',
      from: 'cccccccccccccccc',
      nick: 'cat',
      text: 'hi',
      time: '1970-01-01T00:00:00.000Z',
    });
    const f = JSON.parse(roomFactJson({ kind: 'offline', member: 'cccccccccccccccc', display: 'cat' }, 'club', 0)) as Record<string, unknown>;
    assert.deepEqual(f, { type: 'room', event: 'offline', room: 'club', member: 'cccccccccccccccc', display: 'cat', time: '1970-01-01T00:00:00.000Z' });
  });

  it('/who: display, id, address, online, in aligned columns', () => {
    assert.deepEqual(rosterLines(roster), [
      `ann       ${ME}  127.0.0.1:7001  you`,
      'bob~b0b0  b0b0b0b0b0b0b0b0  127.0.0.1:7002  online',
      'bob~b1b1  b1b1b1b1b1b1b1b1  -               offline',
      'cat       cccccccccccccccc  127.0.0.1:7003  online',
    ]);
  });

  it('no line for an address forgotten, nor for getting in (the joined line of our own seat says it)', () => {
    assert.equal(
      roomFactLine({ kind: 'address-changed', member: ME, display: 'ann', address: null }, () => 'x'),
      null,
    );
    assert.deepEqual(
      roomFactLine({ kind: 'address-changed', member: ME, display: 'ann', address: '10.0.0.1:7001' }, () => 'x'),
      { to: 'err', line: 'ann is at 10.0.0.1:7001' },
    );
    assert.equal(
      roomFactLine({ kind: 'status', status: { kind: 'member' } }, () => 'x'),
      null,
    );
    assert.deepEqual(
      roomFactLine({ kind: 'status', status: { kind: 'left' } }, () => 'x'),
      { to: 'err', line: 'you left the room' },
    );
  });
});
