import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_MESSAGE_BYTES, MAX_NICK_BYTES } from '../../src/constants.js';
import { FrameError } from '../../src/net/errors.js';
import { MAX_ENCODED_MESSAGE_BYTES, MessageEncoder, decodeMessage, encodeMessage, utf8Truncate } from '../../src/net/message.js';

test('layout: u8 kind, u8 nick length, nick, text', () => {
  const buf = encodeMessage({ nick: 'ana', text: 'héllo' });
  assert.deepEqual(buf, Buffer.concat([Buffer.from([0, 3]), Buffer.from('ana'), Buffer.from('héllo', 'utf8')]));
  assert.deepEqual(decodeMessage(buf), { kind: 'message', nick: 'ana', text: 'héllo' });
  const action = encodeMessage({ nick: 'ana', text: 'waves', kind: 'action' });
  assert.deepEqual(action, Buffer.concat([Buffer.from([1, 3]), Buffer.from('ana'), Buffer.from('waves')]));
  assert.deepEqual(decodeMessage(action), { kind: 'action', nick: 'ana', text: 'waves' });
});

test('MessageEncoder: the cached nick head never carries the previous kind', () => {
  const enc = new MessageEncoder();
  assert.equal(decodeMessage(enc.encode({ nick: 'ana', text: 'waves', kind: 'action' })).kind, 'action');
  assert.equal(decodeMessage(enc.encode({ nick: 'ana', text: 'hi' })).kind, 'message');
  assert.equal(decodeMessage(enc.encode({ nick: 'ana', text: 'waves again', kind: 'action' })).kind, 'action');
});

test('decodeMessage: an unknown kind is a FrameError (dropped and counted, never shown as text)', () => {
  assert.throws(() => decodeMessage(Buffer.from([3, 1, 0x61, 0x62])), /unknown message kind 3/);
  assert.throws(() => decodeMessage(Buffer.from([0xff, 0])), FrameError);
  assert.throws(() => encodeMessage({ nick: 'a', text: 'b', kind: 'shout' as never }), TypeError);
});

test('property: any nick within the limit and any text roundtrip', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 16 }), fc.string({ unit: 'grapheme', maxLength: 500 }), (nick, text) => {
      fc.pre(Buffer.byteLength(nick) <= MAX_NICK_BYTES);
      assert.deepEqual(decodeMessage(encodeMessage({ nick, text })), { kind: 'message', nick, text });
    }),
    { numRuns: 300 },
  );
});

test('empty nick and empty text', () => {
  assert.deepEqual(decodeMessage(encodeMessage({ nick: '', text: '' })), { kind: 'message', nick: '', text: '' });
  assert.equal(encodeMessage({ nick: '', text: '' }).length, 2);
});

test('a long nick is cut to MAX_NICK_BYTES at a code point boundary', () => {
  // 'é' is 2 bytes; 'a' + 40×'é' = 81 bytes: the cut at 64 would split an 'é'.
  const nick = 'a' + 'é'.repeat(40);
  const { nick: got } = decodeMessage(encodeMessage({ nick, text: 't' }));
  assert.equal(got, 'a' + 'é'.repeat(31));
  assert.ok(Buffer.byteLength(got) <= MAX_NICK_BYTES);
  assert.ok(!got.includes('\ufffd'));
  // 4-byte code points (emoji): 17 × 4 = 68 bytes → 16 of them.
  const emoji = '😀'.repeat(17);
  assert.equal(decodeMessage(encodeMessage({ nick: emoji, text: '' })).nick, '😀'.repeat(16));
});

test('property: utf8Truncate never splits a code point and never exceeds the limit', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.nat({ max: 80 }), (s, max) => {
      const cut = utf8Truncate(s, max);
      assert.ok(cut.length <= max);
      const whole = Buffer.from(s, 'utf8');
      assert.deepEqual(cut, whole.subarray(0, cut.length));
      // The cut is a prefix of whole code points: it decodes and re-encodes to itself.
      assert.deepEqual(Buffer.from(cut.toString('utf8'), 'utf8'), cut);
      if (whole.length <= max) assert.equal(cut.length, whole.length);
      else assert.ok(cut.length > max - 4, 'cut at most one code point short');
    }),
    { numRuns: 300 },
  );
});

test('decodeMessage: FrameError on a missing or impossible nick length', () => {
  assert.throws(() => decodeMessage(Buffer.alloc(0)), FrameError);
  assert.throws(() => decodeMessage(Buffer.from([0])), FrameError);
  assert.throws(() => decodeMessage(Buffer.from([0, 5, 0x61, 0x62])), FrameError);
  assert.throws(() => decodeMessage(Buffer.concat([Buffer.from([0, MAX_NICK_BYTES + 1]), Buffer.alloc(100, 0x61)])), FrameError);
  // A nick exactly filling the body is fine (empty text).
  assert.deepEqual(decodeMessage(Buffer.from([0, 2, 0x61, 0x62])), { kind: 'message', nick: 'ab', text: '' });
});

test('decodeMessage: invalid UTF-8 becomes U+FFFD, never an error', () => {
  const buf = Buffer.from([0, 1, 0xff, 0x61, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
  const m = decodeMessage(buf);
  assert.equal(m.nick, '\ufffd');
  assert.ok(m.text.startsWith('a\ufffd('));
  assert.ok(m.text.includes('\ufffd'));
});

test('encodeMessage: TypeError for non-strings', () => {
  assert.throws(() => encodeMessage({ nick: 1 as unknown as string, text: '' }), TypeError);
  assert.throws(() => encodeMessage({ nick: '', text: null as unknown as string }), TypeError);
});

test('MAX_ENCODED_MESSAGE_BYTES holds the largest message with the longest nick', () => {
  assert.equal(MAX_ENCODED_MESSAGE_BYTES, 2 + MAX_NICK_BYTES + MAX_MESSAGE_BYTES);
  const big = encodeMessage({ nick: 'n'.repeat(100), text: 'x'.repeat(MAX_MESSAGE_BYTES) });
  assert.equal(big.length, MAX_ENCODED_MESSAGE_BYTES);
});

test('encodeMessage: consecutive calls with different nicks each carry their own nick', () => {
  // The encoded nick is cached between calls: a change must replace it, and back again.
  for (const nick of ['ana', 'bo', 'ana', '', 'é'.repeat(40), 'ana']) {
    const text = `from ${nick.length}`;
    const want = Buffer.from(utf8Truncate(nick, MAX_NICK_BYTES).toString('utf8'));
    const buf = encodeMessage({ nick, text });
    assert.equal(buf[1], want.length);
    assert.deepEqual(decodeMessage(buf), { kind: 'message', nick: want.toString('utf8'), text });
  }
});

test('encodeMessage: each body is its own buffer (scribbling on one leaves the next intact)', () => {
  const first = encodeMessage({ nick: 'ana', text: 'one' });
  first.fill(0xff);
  assert.deepEqual(decodeMessage(encodeMessage({ nick: 'ana', text: 'two' })), { kind: 'message', nick: 'ana', text: 'two' });
});
