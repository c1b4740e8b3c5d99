import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRoomLine, encodeRoomLine, LineDedupe, ROOM_LINE_HEADER_MAX_BYTES } from '../../src/room/line.js';

test('a room line: the header round-trips; the text after it is anything, header look-alikes included', () => {
  for (const [inc, seq, text] of [
    [0, 1, 'hi'],
    [1_764_860_000_000, 2 ** 53 - 1, ''],
    [5, 3, '\u00019.9\u0001 not a header'],
  ] as const) {
    for (const action of [false, true]) {
      const s = encodeRoomLine(inc, seq, text, action);
      assert.deepEqual(decodeRoomLine(s), { incarnation: inc, seq, text, action });
      assert.ok(Buffer.byteLength(s) - Buffer.byteLength(text) <= ROOM_LINE_HEADER_MAX_BYTES);
    }
    const s = encodeRoomLine(inc, seq, text);
    assert.ok(Buffer.byteLength(s) - Buffer.byteLength(text) <= ROOM_LINE_HEADER_MAX_BYTES);
  }
});

test('a missing or malformed header is null, never a throw', () => {
  for (const s of [
    'hi',
    '',
    '\u0001\u0001hi',
    '\u00017.0\u0001hi',
    '\u00017.-1\u0001hi',
    '\u0001Z.1\u0001hi',
    '\u00017.1hi',
    '\u00017.99999999999999999\u0001x',
  ]) {
    assert.equal(decodeRoomLine(s), null, JSON.stringify(s));
  }
});

test('dedupe: per member, a line is new when its incarnation differs or its seq is greater', () => {
  const d = new LineDedupe();
  assert.equal(d.accept('a', { incarnation: 1, seq: 1 }), true);
  assert.equal(d.accept('a', { incarnation: 1, seq: 1 }), false);
  assert.equal(d.accept('b', { incarnation: 1, seq: 1 }), true, 'another member');
  assert.equal(d.accept('a', { incarnation: 1, seq: 3 }), true, 'a gap (lines the sender counted missed)');
  assert.equal(d.accept('a', { incarnation: 1, seq: 2 }), false, 'older than the last shown');
  assert.equal(d.accept('a', { incarnation: 0, seq: 1 }), true, 'another incarnation, even a smaller one');
  assert.equal(d.accept('a', { incarnation: 0, seq: 1 }), false);
});
