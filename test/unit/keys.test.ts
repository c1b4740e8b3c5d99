import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { encodeKey, fingerprint, generateKey, KEY_TEXT_CHARS, parseKey } from '../../src/crypto/keys.js';
import { KeyFormatError } from '../../src/crypto/errors.js';

const KEY_RE = /^[A-Za-z0-9_-]{43}=$/;
const FINGERPRINT_RE = /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/;

test('generateKey: 44 characters of padded urlsafe base64 that parse back to 32 fresh bytes', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const text = generateKey();
    assert.equal(text.length, KEY_TEXT_CHARS);
    assert.match(text, KEY_RE);
    const raw = parseKey(text);
    assert.equal(raw.length, 32);
    assert.equal(encodeKey(raw), text);
    seen.add(text);
  }
  assert.equal(seen.size, 50);
});

test('parseKey accepts padded, unpadded and whitespace-wrapped forms of any 32 bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom('', ' ', '\n', '\t ', '\r\n'), (bytes, ws) => {
      const raw = Buffer.from(bytes);
      const text = encodeKey(raw);
      assert.equal(text, raw.toString('base64url') + '=');
      assert.deepEqual(parseKey(text), raw);
      assert.deepEqual(parseKey(text.slice(0, -1)), raw);
      assert.deepEqual(parseKey(`${ws}${text}${ws}`), raw);
    }),
    { numRuns: 200 },
  );
});

/** Every problem gets one line that names it and never contains the key, nor any 8-character piece of it. */
function assertRejected(input: string, expected: RegExp): void {
  let error: unknown;
  try {
    parseKey(input);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof KeyFormatError, `accepted ${JSON.stringify(input)}`);
  assert.equal(error.name, 'KeyFormatError');
  assert.match(error.message, expected);
  assert.ok(!error.message.includes('\n'), 'message is one line');
  const core = input.trim();
  for (let i = 0; i + 8 <= core.length; i++) {
    assert.ok(!error.message.includes(core.slice(i, i + 8)), `message repeats part of the key: ${error.message}`);
  }
}

test('parseKey names each problem without repeating the key', () => {
  const good = generateKey();
  const at = (i: number, c: string): string => good.slice(0, i) + c + good.slice(i + 1);
  assertRejected('', /^key is empty$/);
  assertRejected('   \n', /^key is empty$/);
  assertRejected(at(4, '+'), /^key contains '\+' at position 5: a Fernet key is urlsafe base64 \(A-Z a-z 0-9 - _\)$/);
  assertRejected(at(9, '/'), /^key contains '\/' at position 10: /);
  assertRejected(`  ${at(0, '+')}`, /at position 3:/); // positions count in the text as given
  assertRejected(at(20, ' '), /^key contains a space at position 21: /);
  assertRejected(at(20, '\t'), /^key contains a tab at position 21: /);
  assertRejected(good.slice(0, 22) + '\n' + good.slice(22), /^key contains a line break at position 23: /);
  assertRejected(at(7, 'é'), /^key contains U\+00E9 at position 8: /);
  assertRejected(at(7, '.'), /^key contains '\.' at position 8: /);
  assertRejected(at(10, '='), /^key contains '=' at position 11: '=' may only pad the end/);
  assertRejected(good.slice(0, 42), /^key decodes to 31 bytes; a Fernet key is 32 bytes \(44 characters of urlsafe base64\)$/);
  assertRejected(good.slice(0, 40) + '=', /^key decodes to 30 bytes; /);
  assertRejected(good.slice(0, 43) + 'AAAA', /^key decodes to 35 bytes; /);
  assertRejected(good.slice(0, 41), /^key has 41 base64 characters, which do not make whole bytes; a Fernet key is 32 bytes/);
  assertRejected(good + '=', /^key ends in 2 '=' but its length needs 1; /);
  assertRejected(good.slice(0, 43) + '=====', /^key ends in 5 '=' but its length needs 1; /);
  assertRejected(randomBytes(32).toString('base64').replace(/=$/, '').replace(/[^+/]/, '+') + '=', /^key contains '[+/]' at position \d+: /);
});

test('parseKey ignores the spare bits of the last character, as Python does', () => {
  const raw = randomBytes(32);
  const text = encodeKey(raw);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text[42]!);
  assert.equal(last & 3, 0);
  assert.deepEqual(parseKey(text.slice(0, 42) + alphabet[last | 3] + '='), raw);
});

test('caller misuse is a TypeError', () => {
  assert.throws(() => parseKey(undefined as unknown as string), TypeError);
  assert.throws(() => encodeKey(Buffer.alloc(31)), TypeError);
  assert.throws(() => fingerprint(Buffer.alloc(33)), TypeError);
  assert.throws(() => fingerprint('abc' as unknown as Buffer), TypeError);
});

test('fingerprint: format, deterministic, SHA-256 based, different keys differ', () => {
  const raw = randomBytes(32);
  const fp = fingerprint(raw);
  assert.match(fp, FINGERPRINT_RE);
  assert.equal(fingerprint(Buffer.from(raw)), fp);
  assert.equal(fingerprint(parseKey(encodeKey(raw))), fp);
  const digest = createHash('sha256').update(raw).digest('hex').toUpperCase();
  assert.equal(fp.replaceAll('-', ''), digest.slice(0, 16));
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(fingerprint(randomBytes(32)));
  assert.equal(seen.size, 200);
  const flipped = Buffer.from(raw);
  flipped[31]! ^= 1;
  assert.notEqual(fingerprint(flipped), fp);
});
