import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockTime, excerpt, jsonEvent, jsonLine, jsonMessage, messageLine, parseInputLine, statusLine } from '../../src/app/headless-format.js';

test('input lines: /save-profile NAME and /save-key FILE', () => {
  assert.deepEqual(parseInputLine('/save-profile work'), { kind: 'save', what: 'profile', arg: 'work' });
  assert.deepEqual(parseInputLine('/save-key a b.key'), { kind: 'save', what: 'key-file', arg: 'a b.key' });
  assert.deepEqual(parseInputLine('/save-key'), { kind: 'unknown', message: 'usage: /save-key FILE' });
});

test('input lines: messages, the // escape, commands, unknown commands, empty lines', () => {
  assert.deepEqual(parseInputLine('hello'), { kind: 'send', text: 'hello' });
  assert.deepEqual(parseInputLine('//rotate'), { kind: 'send', text: '/rotate' });
  assert.deepEqual(parseInputLine('// leading space kept'), { kind: 'send', text: '/ leading space kept' });
  assert.deepEqual(parseInputLine('/rotate'), { kind: 'command', name: 'rotate' });
  assert.deepEqual(parseInputLine('/quit  '), { kind: 'command', name: 'quit' });
  assert.deepEqual(parseInputLine(''), { kind: 'empty' });
  assert.deepEqual(parseInputLine(' '), { kind: 'send', text: ' ' }, 'only truly empty lines are skipped');
  assert.deepEqual(parseInputLine('/foo bar'), {
    kind: 'unknown',
    message:
      'unknown command /foo (commands: /me ACTION /rotate /quit /save-profile NAME /save-key FILE /send PATH /accept [N] [DIR] /decline [N] /cancel N /transfers; // sends a literal slash)',
  });
  const evil = parseInputLine('/\x1b[2Jx');
  assert.equal(evil.kind, 'unknown');
  assert.ok(evil.kind === 'unknown' && !evil.message.includes('\x1b'), 'the echoed command is sanitized');
});

test('text mode: one line per message, escapes removed, line breaks shown as ⏎', () => {
  const time = new Date(2024, 0, 2, 3, 4, 5).getTime();
  assert.equal(clockTime(time), '03:04:05');
  assert.equal(messageLine({ from: 'bob', text: 'hi', time, kind: 'message' }), '03:04:05 <bob> hi');
  const line = messageLine({ from: 'b\x1b]0;x\x07ob', text: 'one\ntwo\x1b[31m red\r\n\u202eevil', time, kind: 'message' });
  assert.equal(line, '03:04:05 <bob> one⏎two red⏎evil');
  assert.ok(!line.includes('\n'));
});

test('JSON mode: text verbatim, controls a terminal would obey escaped, still valid JSON', () => {
  const time = Date.UTC(2024, 0, 2, 3, 4, 5);
  const line = jsonMessage({ from: 'bob', text: 'a\nb\u009b31m\u202e\x1b', time, kind: 'message' });
  assert.ok(!/[\n\u009b\u202e\x1b]/.test(line));
  assert.deepEqual(JSON.parse(line), { type: 'message', kind: 'message', from: 'bob', text: 'a\nb\u009b31m\u202e\x1b', time: '2024-01-02T03:04:05.000Z' });
  assert.equal(jsonLine({ s: '\u2028' }), '{"s":"\\u2028"}');
});

test('status lines and JSON events for system facts never carry the key', () => {
  const rotated = { name: 'key:rotated' as const, e: { oldFingerprint: 'AAAA-AAAA-AAAA-AAAA', newFingerprint: 'BBBB-BBBB-BBBB-BBBB', key: 'SECRET-KEY-TEXT' } };
  assert.equal(statusLine(rotated), 'key rotated: AAAA-AAAA-AAAA-AAAA → BBBB-BBBB-BBBB-BBBB');
  const json = jsonEvent(rotated, 0);
  assert.ok(!json.includes('SECRET'));
  assert.deepEqual(JSON.parse(json), {
    type: 'rotated',
    oldFingerprint: 'AAAA-AAAA-AAAA-AAAA',
    fingerprint: 'BBBB-BBBB-BBBB-BBBB',
    time: '1970-01-01T00:00:00.000Z',
  });
  assert.equal(statusLine({ name: 'peer:state', e: { state: 'online' } }), 'peer online');
  assert.equal(statusLine({ name: 'peer:state', e: { state: 'left' } }), 'peer left');
  assert.equal(statusLine({ name: 'peer:state', e: { state: 'offline' } }), 'peer offline');
  assert.deepEqual(JSON.parse(jsonEvent({ name: 'peer:state', e: { state: 'left' } }, 0)), { type: 'peer', state: 'left', time: '1970-01-01T00:00:00.000Z' });
  assert.match(messageLine({ from: 'b o\u200bb\u202e', text: 'hi', time: 0, kind: 'message' }), /<bob> hi$/);
  assert.match(messageLine({ from: '[::1]:7002', text: 'hi', time: 0, kind: 'message' }), /<\[::1\]:7002> hi$/);
  assert.equal(
    statusLine({ name: 'peer:address', e: { address: '1.2.3.4:5', previous: '1.2.3.4:6', reason: 'roamed' } }),
    'peer moved to 1.2.3.4:5 (was 1.2.3.4:6)',
  );
  assert.equal(statusLine({ name: 'error', e: { severity: 'warning', message: 'boom\x1b[2J' } }), 'warning: boom');
  assert.equal(statusLine({ name: 'message:failed', e: { id: 'x', text: 'y'.repeat(100), reason: 'queue full' } }), `not sent: queue full: ${'y'.repeat(59)}…`);
  assert.equal(excerpt('short'), 'short');
});

test('/me: an action in, `* nick action` out in text mode, kind "action" in JSON', () => {
  assert.deepEqual(parseInputLine('/me waves'), { kind: 'send', text: 'waves', action: true });
  assert.deepEqual(parseInputLine('/me   waves  back '), { kind: 'send', text: 'waves  back', action: true });
  assert.deepEqual(parseInputLine('//me waves'), { kind: 'send', text: '/me waves' }, '// escapes /me too');
  for (const bad of ['/me', '/me ', '/me \t '])
    assert.deepEqual(parseInputLine(bad), { kind: 'unknown', message: 'usage: /me ACTION (e.g. /me waves)' }, JSON.stringify(bad));
  assert.equal(parseInputLine('/ME waves').kind, 'unknown', 'headless commands are lower case, as /rotate and /quit');
  const time = new Date(2024, 0, 2, 3, 4, 5).getTime();
  assert.equal(messageLine({ from: 'bob', text: 'waves', time, kind: 'action' }), '03:04:05 * bob waves');
  assert.equal(messageLine({ from: 'b\u202eob', text: 'waves\n\x1b[2Jhi', time, kind: 'action' }), '03:04:05 * bob waves⏎hi');
  assert.equal(messageLine({ from: '127.0.0.1:7002', text: 'waves', time, kind: 'action' }), '03:04:05 * 127.0.0.1:7002 waves');
  const t = Date.UTC(2024, 0, 2, 3, 4, 5);
  assert.deepEqual(JSON.parse(jsonMessage({ from: 'bob', text: 'waves', time: t, kind: 'action' })), {
    type: 'message',
    kind: 'action',
    from: 'bob',
    text: 'waves',
    time: '2024-01-02T03:04:05.000Z',
  });
  assert.equal(JSON.parse(jsonMessage({ from: 'bob', text: 'hi', time: t, kind: 'message' })).kind, 'message');
  // A kind from a newer peer that this version does not know is shown as a message, never dropped.
  const odd = { from: 'bob', text: 'hi', time: t, kind: 'poke' as unknown as 'message' };
  assert.equal(JSON.parse(jsonMessage(odd)).kind, 'message');
  assert.equal(messageLine(odd), `${clockTime(t)} <bob> hi`);
});
