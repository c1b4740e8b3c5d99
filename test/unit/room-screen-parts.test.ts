/**
 * The room screen's pure parts: the member panel's rows
 * (ui/room-panel-model.ts), the status bar (ui/room-status.ts) and the
 * commands (ui/room-commands.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RosterEntry } from '../../src/room/core-types.js';
import { helpLines } from '../../src/ui/help-overlay.js';
import { parseRoomInput, ROOM_COMMANDS, ROOM_HELP } from '../../src/ui/room-commands.js';
import { panelView, relativeAgo, type LinkInfo } from '../../src/ui/room-panel-model.js';
import { roomStatusState, roomStatusText, type RoomStatusState } from '../../src/ui/room-status.js';
import { stringWidth } from '../../src/text/width.js';

const ME = 'aaaaaaaaaaaaaaaa';
const BOB = 'b0b0b0b0b0b0b0b0';
const CAT = 'cccccccccccccccc';
const roster: RosterEntry[] = [
  { id: ME, nick: 'ann', display: 'ann', address: '127.0.0.1:7001', online: false, self: true },
  { id: BOB, nick: 'bob', display: 'bob~b0b0', address: '127.0.0.1:7002', online: true, self: false },
  { id: CAT, nick: 'cat', display: 'cat', address: null, online: false, self: false },
];
const NOW = 1_800_000_000_000;

describe('relativeAgo', () => {
  it('now, seconds, minutes, hours, days; a dash when not seen', () => {
    const cases: Array<[number | null, string]> = [
      [NOW, 'now'],
      [NOW - 4_999, 'now'],
      [NOW - 12_000, '12s ago'],
      [NOW - 125_000, '2m ago'],
      [NOW - 3 * 3_600_000 - 1, '3h ago'],
      [NOW - 50 * 3_600_000, '2d ago'],
      [NOW + 10_000, 'now'],
      [null, '–'],
    ];
    for (const [then, want] of cases) assert.equal(relativeAgo(then, NOW), want, String(then));
  });
});

describe('panelView', () => {
  const info = (id: string): LinkInfo => (id === BOB ? { rttMs: 0.42, lastSeen: NOW } : id === CAT ? { rttMs: null, lastSeen: NOW - 120_000 } : null);

  it('one row per roster entry, in order: nick, address, you / online / offline, RTT and last seen, in aligned columns', () => {
    const v = panelView(roster, info, NOW);
    assert.equal(v.header, 'nick      address         state    rtt     last seen');
    assert.deepEqual(
      v.rows.map((r) => [r.text, r.state]),
      [
        ['ann       127.0.0.1:7001  you      –       –', 'you'],
        ['bob~b0b0  127.0.0.1:7002  online   0.4 ms  now', 'online'],
        ['cat       -               offline  –       2m ago', 'offline'],
      ],
    );
    assert.equal(v.summary, '2/3 online');
  });

  it('a member not seen since the start, or without link info, shows dashes', () => {
    const v = panelView(roster, () => null, NOW);
    assert.match(v.rows[2]!.text, /offline +– +–$/);
    assert.match(v.rows[1]!.text, /online +– +now$/);
  });

  it('names are sanitized and long ones cut', () => {
    const odd: RosterEntry[] = [{ id: BOB, nick: 'x', display: `bad\u001b[2J${'y'.repeat(40)}`, address: null, online: true, self: false }];
    const row = panelView(odd, info, NOW).rows[0]!.text;
    assert.ok(!row.includes('\u001b'));
    assert.ok(row.startsWith('bad'));
    assert.ok(row.includes('…'));
  });
});

describe('room status bar', () => {
  const state = (o: Partial<RoomStatusState> = {}): RoomStatusState => ({
    ...roomStatusState({ room: 'ops', roster, nick: 'ann', listen: '127.0.0.1:7001', fingerprint: 'AB12-CD34-EF56-7890', rotating: false, status: 'member' }),
    ...o,
  });

  it('room name, members online (us included) of all, our nick and address, the key', () => {
    const s = state();
    assert.equal(s.online, 2);
    assert.equal(s.total, 3);
    assert.equal(s.nick, 'ann');
    assert.equal(roomStatusText(s, 120), ' room ops · 2/3 online │ ann 127.0.0.1:7001 │ key AB12-CD34-EF56-7890');
  });

  it('our display name comes from the roster (nick~abcd when nicks look alike)', () => {
    const twins = roster.map((e) => (e.self ? { ...e, display: 'ann~aaaa' } : e));
    assert.equal(roomStatusState({ room: 'r', roster: twins, nick: 'ann', listen: 'x', fingerprint: 'F', rotating: false, status: 'member' }).nick, 'ann~aaaa');
  });

  it('narrow: the address goes first; the fingerprint stays whole down to its own width', () => {
    for (let w = 1; w <= 120; w++) {
      const t = roomStatusText(state(), w);
      assert.ok(stringWidth(t) <= w, `width ${w}: ${t}`);
      if (w >= 24) assert.ok(t.includes('AB12-CD34-EF56-7890'), `width ${w}: ${t}`);
    }
    assert.equal(roomStatusText(state(), 60), ' room ops · 2/3 online │ ann │ key AB12-CD34-EF56-7890');
  });

  it('joining, out of the room, and a rotation running say so', () => {
    assert.match(roomStatusText(state({ status: 'joining' }), 120), /room ops · joining…/);
    assert.match(roomStatusText(state({ status: 'removed' }), 120), /room ops · removed/);
    assert.match(roomStatusText(state({ rotating: true }), 120), /key AB12-CD34-EF56-7890 rotating…/);
  });
});

describe('parseRoomInput', () => {
  const ok = (text: string): unknown => {
    const r = parseRoomInput(text);
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error}`);
    return r.command;
  };
  const err = (text: string): string => {
    const r = parseRoomInput(text);
    assert.ok(!r.ok, text);
    return r.error;
  };

  it('lines, // escapes, and the room commands', () => {
    assert.deepEqual(ok('hello'), { name: 'say', text: 'hello' });
    assert.deepEqual(ok('//who'), { name: 'say', text: '/who' });
    assert.deepEqual(ok('/who'), { name: 'who' });
    assert.deepEqual(ok('/WHO'), { name: 'who' });
    assert.deepEqual(ok('/kick bob~b0b0'), { name: 'kick', who: 'bob~b0b0' });
    assert.deepEqual(ok('/me waves'), { name: 'me', text: 'waves' });
    assert.deepEqual(ok('/leave'), { name: 'leave' });
    assert.deepEqual(ok('/rotate'), { name: 'rotate' });
    assert.deepEqual(ok('/search needle'), { name: 'search', text: 'needle' });
    assert.deepEqual(ok('/help'), { name: 'help' });
    assert.deepEqual(ok('/quit'), { name: 'quit' });
  });

  it('missing or extra arguments, empty lines: one line each', () => {
    assert.equal(err('/kick'), 'usage: /kick NICK');
    assert.equal(err('/me'), 'usage: /me ACTION');
    assert.equal(err('/who all'), '/who takes no arguments');
    assert.equal(err('   '), 'nothing to send');
  });

  it('the 1:1 commands a room has not got yet say so; others are unknown', () => {
    assert.match(err('/send ./file'), /^\/send is not available in rooms yet: file transfer/);
    assert.deepEqual(ok('/nick zed'), { name: 'nick', nick: 'zed' });
    assert.match(err('/nick a b'), /^\/nick: /);
    assert.match(err('/history on'), /^\/history is not available in rooms yet/);
    for (const c of ['accept', 'decline', 'cancel', 'transfers', 'peer', 'save', 'save-profile', 'save-key'])
      assert.match(err(`/${c}`), new RegExp(`^/${c} is not available in rooms yet: `), c);
    assert.match(err('/frob'), /^unknown room command \/frob/);
  });

  it('every listed command parses; the help lists the room keys and commands', () => {
    for (const c of ROOM_COMMANDS) assert.ok(parseRoomInput(c.usage.replace(/ [A-Z]+$/, ' x')).ok, c.usage);
    const help = helpLines(100, ROOM_HELP).join('\n');
    assert.match(help, /F3 +member panel/);
    assert.match(help, /\/kick NICK/);
    assert.doesNotMatch(help, /F2 +link dashboard/);
    assert.match(help, /\/nick NAME/);
    assert.match(help, /Not in rooms yet: .*\/send/);
  });
});
