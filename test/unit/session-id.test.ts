import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSessionId, newSessionId, NO_SESSION, SessionIdSlot } from '../../src/net/session-id.js';

test('newSessionId: 16 lowercase hex characters, never the zero id, different each time', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const id = newSessionId();
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.notEqual(id, NO_SESSION);
    ids.add(id);
  }
  assert.equal(ids.size, 100);
});

test('isSessionId accepts exactly 16 lowercase hex characters', () => {
  const cases: Array<[unknown, boolean]> = [
    ['0123456789abcdef', true],
    [NO_SESSION, true],
    ['0123456789ABCDEF', false],
    ['0123456789abcde', false],
    ['0123456789abcdef0', false],
    ['0123456789abcdeg', false],
    [' 123456789abcdef', false],
    [0x0123456789abcd, false],
    [null, false],
    [undefined, false],
  ];
  for (const [id, want] of cases) assert.equal(isSessionId(id), want, String(id));
});

test('a slot writes the bytes of the id it remembers, and holds only that id', () => {
  const slot = new SessionIdSlot();
  assert.equal(slot.holds(''), false, 'a fresh slot holds nothing, not even the empty string');
  for (const id of ['0123456789abcdef', 'ffffffff00000001', NO_SESSION, '80000000ffffffff']) {
    slot.remember(id);
    assert.equal(slot.holds(id), true);
    assert.equal(slot.holds(newSessionId()), false);
    const buf = Buffer.alloc(12, 0xaa);
    slot.write(buf, 2);
    assert.equal(buf.toString('hex', 2, 10), id);
    assert.equal(buf[0], 0xaa, 'nothing written before the offset');
    assert.equal(buf[10], 0xaa, 'nothing written after the 8 bytes');
  }
});

test('a slot reads whatever bytes are there, reusing its string only when they match', () => {
  const slot = new SessionIdSlot();
  const a = Buffer.from('00' + '0000000000000000', 'hex');
  assert.equal(slot.read(a, 1), NO_SESSION, 'the zero id on first read (the fresh slot state is not mistaken for it)');
  const b = Buffer.from('0123456789abcdef', 'hex');
  const first = slot.read(b, 0);
  assert.equal(first, '0123456789abcdef');
  assert.equal(slot.read(Buffer.from(b), 0), first);
  b[7] = 0xee;
  assert.equal(slot.read(b, 0), '0123456789abcdee', 'a change in the low word is seen');
  b[0] = 0x11;
  assert.equal(slot.read(b, 0), '1123456789abcdee', 'a change in the high word is seen');
});
