/**
 * The room screen's adapter from room facts to pane lines (ui/room-lines.ts)
 * and the text an action travels as (text/action.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomFact } from '../../src/room/core-types.js';
import { actionText, parseActionText } from '../../src/text/action.js';
import { ownRoomLine, roomFactPaneLine } from '../../src/ui/room-lines.js';

const BOB = 'b0b0b0b0b0b0b0b0';
const ANN = 'aaaaaaaaaaaaaaaa';
const names: Record<string, string> = { [BOB]: 'bob~b0b0', [ANN]: 'ann' };
const ctx = { nick: 'ann', name: (id: string): string => names[id] ?? id };
const message = (text: string, nick = 'bob', display = 'bob~b0b0'): RoomFact => ({ kind: 'message', from: BOB, nick, display, text, id: '1' });

describe('actionText / parseActionText', () => {
  it('`* nick action` both ways; only the sender’s own nick makes an action', () => {
    assert.equal(actionText('ann', 'waves'), '* ann waves');
    assert.equal(parseActionText('* ann waves', 'ann'), 'waves');
    assert.equal(parseActionText('* bob waves', 'ann'), null);
    assert.equal(parseActionText('* ann ', 'ann'), null);
    assert.equal(parseActionText('ann waves', 'ann'), null);
    assert.equal(parseActionText('* ann waves', ''), null);
  });
});

describe('roomFactPaneLine', () => {
  it('a message: <display> text, the sender’s display name (its nick colour is format.ts’s, by that name)', () => {
    assert.deepEqual(roomFactPaneLine(message('hello all'), ctx), { line: { kind: 'message', nick: 'bob~b0b0', text: 'hello all' }, mention: false });
  });

  it('a message naming us is a mention, highlighted with our nick', () => {
    assert.deepEqual(roomFactPaneLine(message('ANN: look'), ctx), {
      line: { kind: 'message', nick: 'bob~b0b0', text: 'ANN: look', mention: 'ann' },
      mention: true,
    });
    assert.equal(roomFactPaneLine(message('annual report'), ctx)?.mention, false);
  });

  it('a line marked as an action (/me) is an action line; text that only looks like one is text', () => {
    assert.deepEqual(roomFactPaneLine({ ...message('waves at ann'), action: true } as RoomFact, ctx), {
      line: { kind: 'message', nick: 'bob~b0b0', text: 'waves at ann', action: true, mention: 'ann' },
      mention: true,
    });
    assert.deepEqual(roomFactPaneLine(message('* bob waves'), ctx)?.line, { kind: 'message', nick: 'bob~b0b0', text: '* bob waves' });
  });

  it('joins, leaves, online, offline, addresses and rotations are system lines, with the headless mode’s words', () => {
    const sys = (f: RoomFact): unknown => roomFactPaneLine(f, ctx)?.line;
    assert.deepEqual(sys({ kind: 'joined', member: BOB, display: 'bob~b0b0', self: false }), { kind: 'system', text: 'bob~b0b0 joined the room' });
    assert.deepEqual(sys({ kind: 'joined', member: ANN, display: 'ann', self: true }), { kind: 'system', text: 'you are in the room' });
    assert.deepEqual(sys({ kind: 'left', member: BOB, display: 'bob~b0b0', how: 'left', by: BOB, self: false }), {
      kind: 'system',
      text: 'bob~b0b0 left the room',
    });
    assert.deepEqual(sys({ kind: 'left', member: BOB, display: 'bob~b0b0', how: 'kicked', by: ANN, self: false }), {
      kind: 'system',
      text: 'bob~b0b0 was removed from the room by ann',
    });
    assert.deepEqual(sys({ kind: 'online', member: BOB, display: 'bob~b0b0' }), { kind: 'system', text: 'bob~b0b0 online' });
    assert.deepEqual(sys({ kind: 'offline', member: BOB, display: 'bob~b0b0' }), { kind: 'system', text: 'bob~b0b0 offline' });
    assert.deepEqual(sys({ kind: 'address-changed', member: BOB, display: 'bob~b0b0', address: '10.0.0.2:7000' }), {
      kind: 'system',
      text: 'bob~b0b0 is at 10.0.0.2:7000',
    });
    assert.deepEqual(sys({ kind: 'rotating', by: BOB, display: 'bob~b0b0', kick: false, self: false }), {
      kind: 'system',
      text: 'bob~b0b0 is rotating the room key…',
    });
    assert.deepEqual(sys({ kind: 'key-changed', epoch: 1, fingerprint: 'AAAA-BBBB', by: ANN, display: 'ann', kick: false, self: true, missed: [] }), {
      kind: 'system',
      text: 'room key changed by you: key AAAA-BBBB',
    });
  });

  it('bad news is an error line: missed messages, errors, a refusal of us, a failed rotation, being removed', () => {
    const kind = (f: RoomFact): unknown => roomFactPaneLine(f, ctx)?.line.kind;
    assert.equal(kind({ kind: 'missed', member: BOB, display: 'bob~b0b0', count: 2 }), 'error');
    assert.equal(
      roomFactPaneLine({ kind: 'missed', member: BOB, display: 'bob~b0b0', count: 2 }, ctx)?.line.text,
      '2 messages to bob~b0b0 not delivered (missed)',
    );
    assert.equal(kind({ kind: 'error', line: 'bad control' }), 'error');
    assert.equal(kind({ kind: 'refused', member: BOB, display: 'bob~b0b0', why: 'full', line: 'room full (16 members)', self: true }), 'error');
    assert.equal(kind({ kind: 'refused', member: BOB, display: 'bob~b0b0', why: 'full', line: 'room full (16 members)', self: false }), 'system');
    assert.equal(kind({ kind: 'rotation-failed', line: 'a member did not answer' }), 'error');
    assert.equal(kind({ kind: 'stale-key', line: 'the room key changed while you were away' }), 'error');
    assert.equal(kind({ kind: 'status', status: { kind: 'removed', by: BOB } }), 'error');
    assert.equal(kind({ kind: 'status', status: { kind: 'left' } }), 'system');
  });

  it('nothing for the roster changes, a forgotten address, or getting in (the joined line says it)', () => {
    assert.equal(roomFactPaneLine({ kind: 'members-changed', roster: [] }, ctx), null);
    assert.equal(roomFactPaneLine({ kind: 'address-changed', member: BOB, display: 'bob', address: null }, ctx), null);
    assert.equal(roomFactPaneLine({ kind: 'status', status: { kind: 'member' } }, ctx), null);
  });

  it('names are sanitized: no control character reaches the pane through a system line', () => {
    const line = roomFactPaneLine({ kind: 'online', member: BOB, display: 'bo\u001b[2Jb' }, ctx)?.line;
    assert.ok(line !== undefined && !line.text.includes('\u001b'), JSON.stringify(line));
  });
});

describe('ownRoomLine', () => {
  it('our line, with no delivery mark; an action as one', () => {
    assert.deepEqual(ownRoomLine('ann', 'hi', false), { kind: 'own', nick: 'ann', text: 'hi' });
    assert.deepEqual(ownRoomLine('ann', 'waves', true), { kind: 'own', nick: 'ann', text: 'waves', action: true });
  });
});
