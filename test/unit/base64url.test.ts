import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NATIVE_DECODE_MIN_CHARS, decodeBase64Url, encodeBase64Url, encodedLength, isBase64UrlChar } from '../../src/crypto/base64url.js';

/**
 * An oracle independent of both decoders: the canonical texts, spelled out.
 * Before "==" one data character with its low 4 bits zero, before "=" one
 * with its low 2 bits zero. Without the u flag \w is exactly [A-Za-z0-9_].
 */
const CANONICAL = /^(?:[\w-]{4})*(?:[\w-][AQgw]==|[\w-]{2}[AEIMQUYcgkosw048]=)?$/;

/** A canonical prefix that pushes any text past NATIVE_DECODE_MIN_CHARS, so the native decoder judges it. */
const LONG = 'AbC-'.repeat(NATIVE_DECODE_MIN_CHARS / 4);

/** Node's own encoder plus the padding it leaves out: the reference for the canonical form. */
function reference(bytes: Uint8Array): string {
  const s = Buffer.from(bytes).toString('base64url');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

test("encode matches Node's base64url with padding, and decode inverts it", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const text = encodeBase64Url(bytes);
      assert.equal(text.toString('latin1'), reference(bytes));
      assert.equal(text.length, encodedLength(bytes.length));
      assert.deepEqual(decodeBase64Url(text), Buffer.from(bytes));
      assert.deepEqual(decodeBase64Url(text.toString('latin1')), Buffer.from(bytes));
    }),
    { numRuns: 500 },
  );
});

test('decode accepts exactly the canonical texts: whatever it accepts re-encodes to itself', () => {
  const chars = fc.constantFrom(...'AQgw-_=+/ .%\né'.split(''), 'A', 'B', 'z', '0');
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 16 }), (parts) => {
      const text = parts.join('');
      const decoded = decodeBase64Url(text);
      if (decoded !== null) assert.equal(encodeBase64Url(decoded).toString('latin1'), text);
    }),
    { numRuns: 2000 },
  );
});

test('encode/decode round trip on both sides of the native-decoder threshold', () => {
  const minBytes = (NATIVE_DECODE_MIN_CHARS / 4) * 3 - 12;
  fc.assert(
    fc.property(fc.uint8Array({ minLength: minBytes, maxLength: minBytes + 24 }), (bytes) => {
      const text = encodeBase64Url(bytes);
      assert.equal(text.toString('latin1'), reference(bytes));
      assert.deepEqual(decodeBase64Url(text), Buffer.from(bytes));
      assert.deepEqual(decodeBase64Url(text.toString('latin1')), Buffer.from(bytes));
      assert.deepEqual(decodeBase64Url(new Uint8Array(text)), Buffer.from(bytes), 'a plain Uint8Array');
    }),
    { numRuns: 200 },
  );
});

test('headroom: the decoded bytes follow that many bytes of room, on both decoders; the verdict does not change', () => {
  const minBytes = (NATIVE_DECODE_MIN_CHARS / 4) * 3 - 12;
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: minBytes, maxLength: minBytes + 24 })), fc.nat(80), (bytes, room) => {
      const text = encodeBase64Url(bytes);
      const whole = decodeBase64Url(text, room);
      assert.equal(whole?.length, room + bytes.length);
      assert.deepEqual(whole.subarray(room), Buffer.from(bytes));
      assert.equal(decodeBase64Url(Buffer.concat([text, Buffer.from('=')]), room), null);
    }),
    { numRuns: 300 },
  );
  assert.throws(() => decodeBase64Url('AAAA', -1), TypeError);
  assert.throws(() => decodeBase64Url('AAAA', 1.5), TypeError);
});

test('both decoders accept exactly what the canonical-text oracle accepts, from a string or from bytes', () => {
  // Traps for a lax or truncating decoder: 'Ł' is U+0141 (low byte 'A'), 'ŗ' U+0157 (low byte 'W').
  const chars = fc.constantFrom(...'AQgwEB-_=+/ .\n\0éŁŗ'.split(''), 'A', 'z', '0', '8');
  fc.assert(
    fc.property(fc.boolean(), fc.array(chars, { maxLength: 14 }), fc.nat(), (long, parts, at) => {
      const tail = parts.join('');
      // Half the cases put the odd characters at the end, half splice them in at a random point.
      const text = long ? (at % 2 === 0 ? LONG + tail : LONG.slice(0, at % LONG.length) + tail + LONG.slice(at % LONG.length)) : tail;
      const expected = CANONICAL.test(text) ? Buffer.from(text, 'base64url') : null;
      assert.deepEqual(decodeBase64Url(text), expected, JSON.stringify(tail));
      assert.deepEqual(decodeBase64Url(Buffer.from(text, 'utf8')), expected, `bytes of ${JSON.stringify(tail)}`);
    }),
    { numRuns: 3000 },
  );
});

test('decode rejects each kind of non-canonical text', () => {
  const cases: Array<[string, string]> = [
    ['gA', 'missing padding'],
    ['gA=', 'short padding'],
    ['gA===', 'excess padding'],
    ['gB==', 'non-zero spare bits (2 pads)'],
    ['gAB=', 'non-zero spare bits (1 pad)'],
    ['g+/A', "standard alphabet '+' '/'"],
    ['g A=', 'space'],
    ['gA==gA==', 'data after padding'],
    ['=AAA', 'padding first'],
    ['A=AA', 'padding inside'],
    ['gé==', 'non-ASCII'],
  ];
  for (const [text, why] of cases) {
    assert.equal(decodeBase64Url(text), null, why);
    assert.equal(decodeBase64Url(LONG + text), null, `${why}, native decoder`);
    assert.equal(decodeBase64Url(Buffer.from(LONG + text, 'utf8')), null, `${why}, native decoder, bytes`);
  }
  // Bytes that are not UTF-8 at all: 0xC1 is 'A' with the high bit set, 0x80 + '=' a truncated '='.
  for (const bad of [0xc1, 0xbd, 0x00, 0xff]) {
    for (const text of [LONG + 'gA==', 'AbC-AbC-gA==']) {
      const bytes = Buffer.from(text, 'latin1');
      bytes[5] = bad;
      assert.equal(decodeBase64Url(bytes), null, `byte 0x${bad.toString(16)} in ${bytes.length} bytes`);
    }
  }
  assert.deepEqual(decodeBase64Url(''), Buffer.alloc(0));
  assert.deepEqual(decodeBase64Url('gA=='), Buffer.from([0x80]));
  assert.deepEqual(decodeBase64Url('-_8='), Buffer.from([0xfb, 0xff]));
  assert.deepEqual(decodeBase64Url(LONG + '-_8='), Buffer.concat([Buffer.from(LONG, 'base64url'), Buffer.from([0xfb, 0xff])]));
});

test('isBase64UrlChar', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let c = 0; c < 300; c++) assert.equal(isBase64UrlChar(c), alphabet.includes(String.fromCharCode(c)), `code ${c}`);
});
