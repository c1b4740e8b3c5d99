import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBase64Url, encodeBase64Url, encodedLength, isBase64UrlChar } from '../../src/crypto/base64url.js';

/** Node's own encoder plus the padding it leaves out: the reference for the canonical form. */
function reference(bytes: Uint8Array): string {
  const s = Buffer.from(bytes).toString('base64url');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

test('encode matches Node\'s base64url with padding, and decode inverts it', () => {
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
  for (const [text, why] of cases) assert.equal(decodeBase64Url(text), null, why);
  assert.deepEqual(decodeBase64Url(''), Buffer.alloc(0));
  assert.deepEqual(decodeBase64Url('gA=='), Buffer.from([0x80]));
  assert.deepEqual(decodeBase64Url('-_8='), Buffer.from([0xfb, 0xff]));
});

test('isBase64UrlChar', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let c = 0; c < 300; c++) assert.equal(isBase64UrlChar(c), alphabet.includes(String.fromCharCode(c)), `code ${c}`);
});
