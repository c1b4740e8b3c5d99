import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Fernet } from '../../src/crypto/fernet.js';
import { FERNET_OVERHEAD_BYTES } from '../../src/crypto/format.js';
import { parseKey } from '../../src/crypto/keys.js';
import { encodeBase64Url, decodeBase64Url } from '../../src/crypto/base64url.js';
import {
  FernetError,
  InvalidBase64Error,
  InvalidCiphertextLengthError,
  InvalidLengthError,
  InvalidPaddingError,
  InvalidSignatureError,
  InvalidVersionError,
  TokenExpiredError,
  TokenFromFutureError,
} from '../../src/crypto/errors.js';
import { loadFernetSpec } from '../_fernet-spec.js';

type ErrorClass = new (...args: never[]) => FernetError;

/** The error each invalid.json vector must raise, by its desc. */
const EXPECTED: Record<string, ErrorClass> = {
  'incorrect mac': InvalidSignatureError,
  'too short': InvalidLengthError,
  'invalid base64': InvalidBase64Error,
  'payload size not multiple of block size': InvalidCiphertextLengthError,
  'payload padding error': InvalidPaddingError,
  'far-future TS (unacceptable clock skew)': TokenFromFutureError,
  'expired TTL': TokenExpiredError,
  'incorrect IV (causes padding error)': InvalidPaddingError,
};

test('generate.json: each vector produces exactly its token', () => {
  const spec = loadFernetSpec();
  for (const v of spec.generate) {
    const token = new Fernet(parseKey(v.secret)).encrypt(v.src, v.nowS, v.iv);
    assert.ok(Buffer.isBuffer(token));
    assert.equal(token.toString('latin1'), v.token);
  }
});

test('verify.json: each token decrypts to its src at its time and ttl, from a string or from bytes', () => {
  const spec = loadFernetSpec();
  for (const v of spec.verify) {
    const f = new Fernet(parseKey(v.secret));
    assert.deepEqual(f.decrypt(v.token, { ttlS: v.ttlS, nowS: v.nowS }), v.src);
    assert.deepEqual(f.decrypt(Buffer.from(v.token, 'latin1'), { ttlS: v.ttlS, nowS: v.nowS }), v.src);
  }
});

test('invalid.json: all eight vectors are rejected, each with its specific error', () => {
  const spec = loadFernetSpec();
  assert.equal(spec.invalid.length, 8, 'invalid.json should hold the eight spec vectors');
  const seen = new Set<string>();
  for (const v of spec.invalid) {
    const expected = EXPECTED[v.desc];
    assert.ok(expected, `unknown invalid.json desc "${v.desc}"`);
    seen.add(v.desc);
    const f = new Fernet(parseKey(v.secret));
    assert.throws(
      () => f.decrypt(v.token, { ttlS: v.ttlS, nowS: v.nowS }),
      (e: unknown) => e instanceof expected && e instanceof FernetError,
      v.desc,
    );
  }
  assert.equal(seen.size, 8);
});

test('errors carry their name and stable code, and never the key', () => {
  const spec = loadFernetSpec();
  const codes = new Set<string>();
  for (const v of spec.invalid) {
    const key = parseKey(v.secret);
    try {
      new Fernet(key).decrypt(v.token, { ttlS: v.ttlS, nowS: v.nowS });
      assert.fail(`${v.desc} was accepted`);
    } catch (e) {
      assert.ok(e instanceof FernetError);
      assert.equal(e.name, e.constructor.name);
      codes.add(e.code);
      for (const secret of [v.secret, key.toString('hex'), key.subarray(0, 16).toString('hex'), key.subarray(16).toString('hex')]) {
        assert.ok(!e.message.includes(secret), 'error message leaks the key');
        assert.ok(!String(e.stack).includes(secret), 'error stack leaks the key');
      }
    }
  }
  assert.deepEqual([...codes].sort(), ['bad-base64', 'bad-ciphertext-length', 'bad-length', 'bad-padding', 'bad-signature', 'expired', 'from-future']);
});

// ---------------------------------------------------------------- beyond the vectors

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const key = randomBytes(32);
const f = new Fernet(key);
const NOW = 1_700_000_000;

/** Re-sign a hand-altered token, so the test reaches the check behind the HMAC. */
function forge(raw: Buffer): string {
  createHmac('sha256', key.subarray(0, 16))
    .update(raw.subarray(0, raw.length - 32))
    .digest()
    .copy(raw, raw.length - 32);
  return encodeBase64Url(raw).toString('latin1');
}

test('base64: missing padding, standard-alphabet characters, whitespace and non-ASCII are rejected', () => {
  const token = f.encrypt(Buffer.from('hello world'), NOW).toString('latin1');
  assert.ok(token.endsWith('='), 'a 100-byte-class token of this size ends in padding');
  const variants = [
    token.replace(/=+$/, ''), // Python: "Incorrect padding"
    token + '=',
    token.replace(/-|_/, (c) => (c === '-' ? '+' : '/')),
    ` ${token}`,
    `${token}\n`,
    token.slice(0, 10) + 'é' + token.slice(11),
    token.slice(0, 10) + '=' + token.slice(11),
  ];
  for (const bad of variants) {
    if (bad === token) continue;
    assert.throws(() => f.decrypt(bad, { nowS: NOW }), InvalidBase64Error, JSON.stringify(bad.slice(-8)));
  }
  assert.deepEqual(f.decrypt(token, { nowS: NOW }), Buffer.from('hello world'));
});

test('base64: non-zero spare bits in the last character are rejected (one text per token)', () => {
  // 73 raw bytes end in "==" (4 spare bits), 89 raw bytes in "=" (2 spare bits).
  for (const [plainLength, pads] of [
    [10, 2],
    [20, 1],
  ] as const) {
    const token = f.encrypt(Buffer.alloc(plainLength), NOW).toString('latin1');
    const pos = token.indexOf('=') - 1;
    assert.equal(token.length - 1 - pos, pads);
    const altered = token.slice(0, pos) + ALPHABET[ALPHABET.indexOf(token[pos]!) | 1] + token.slice(pos + 1);
    assert.notEqual(altered, token);
    assert.deepEqual(Buffer.from(altered, 'base64url'), Buffer.from(token, 'base64url'), 'Node decodes both to the same bytes');
    assert.throws(() => f.decrypt(altered, { nowS: NOW }), InvalidBase64Error);
  }
});

test('structure: empty, wrong version, short, no block, ragged ciphertext', () => {
  assert.throws(() => f.decrypt('', { nowS: NOW }), InvalidLengthError);
  const raw = decodeBase64Url(f.encrypt(Buffer.from('x'), NOW))!;
  const wrongVersion = Buffer.from(raw);
  wrongVersion[0] = 0x81;
  assert.throws(() => f.decrypt(forge(wrongVersion), { nowS: NOW }), InvalidVersionError);
  assert.throws(() => f.decrypt(encodeBase64Url(raw.subarray(0, FERNET_OVERHEAD_BYTES - 1)), { nowS: NOW }), InvalidLengthError);
  const noBlock = Buffer.concat([raw.subarray(0, 25), raw.subarray(raw.length - 32)]);
  assert.throws(() => f.decrypt(forge(noBlock), { nowS: NOW }), InvalidLengthError);
  const ragged = Buffer.concat([raw.subarray(0, raw.length - 32), Buffer.alloc(1), raw.subarray(raw.length - 32)]);
  assert.throws(() => f.decrypt(forge(ragged), { nowS: NOW }), InvalidCiphertextLengthError);
});

test('a token under another key fails its signature', () => {
  const token = new Fernet(randomBytes(32)).encrypt(Buffer.from('hi'), NOW);
  assert.throws(() => f.decrypt(token, { nowS: NOW }), InvalidSignatureError);
});

test('ttl and clock skew: Python-equal boundaries, defaults and options', () => {
  const token = f.encrypt(Buffer.from('t'), NOW);
  assert.equal(f.decrypt(token, { nowS: NOW + 60, ttlS: 60 }).toString(), 't'); // exactly ttl old: accepted
  assert.throws(() => f.decrypt(token, { nowS: NOW + 61, ttlS: 60 }), TokenExpiredError);
  assert.equal(f.decrypt(token, { nowS: NOW + 10_000 }).toString(), 't'); // no ttl: no age limit
  assert.equal(f.decrypt(token, { nowS: NOW - 60 }).toString(), 't'); // default skew 60
  assert.throws(() => f.decrypt(token, { nowS: NOW - 61 }), TokenFromFutureError);
  assert.equal(f.decrypt(token, { nowS: NOW - 120, clockSkewS: 120 }).toString(), 't');
  assert.throws(() => f.decrypt(token, { nowS: NOW - 121, clockSkewS: 120 }), TokenFromFutureError);
  assert.equal(f.decrypt(token, { nowS: 0, clockSkewS: Infinity }).toString(), 't');
  assert.equal(f.decrypt(f.encrypt(Buffer.from('now'))).toString(), 'now'); // real clock both ways
});

test('the timestamp is checked only after the HMAC: a forgery is a bad signature, never "expired"', () => {
  const raw = decodeBase64Url(f.encrypt(Buffer.from('t'), NOW))!;
  raw[raw.length - 1]! ^= 1;
  assert.throws(() => f.decrypt(encodeBase64Url(raw), { nowS: NOW + 10_000, ttlS: 60 }), InvalidSignatureError);
});

test('decryptDetailed', () => {
  const token = f.encrypt(Buffer.from('detail'), NOW + 5);
  const d = f.decryptDetailed(token, { nowS: NOW });
  assert.equal(d.plaintext.toString(), 'detail');
  assert.equal(d.timestampS, NOW + 5);
  assert.deepEqual(d.mac, decodeBase64Url(token)!.subarray(-32));
  assert.equal(f.decryptDetailed(token.toString('latin1'), { nowS: NOW }).timestampS, NOW + 5);
  assert.throws(() => new Fernet(randomBytes(32)).decryptDetailed(token, { nowS: NOW }), InvalidSignatureError);
  const big = f.encrypt(Buffer.alloc(0), 2 ** 40 + 7);
  assert.equal(f.decryptDetailed(big, { clockSkewS: Infinity }).timestampS, 2 ** 40 + 7);
});

test('encrypt: fresh IV per token, binary-safe, byte-identical layout', () => {
  const plain = Buffer.from([0, 255, 0x80, 0, 10, 13]);
  const a = decodeBase64Url(f.encrypt(plain, NOW))!;
  const b = decodeBase64Url(f.encrypt(plain, NOW))!;
  assert.notDeepEqual(a.subarray(9, 25), b.subarray(9, 25));
  assert.equal(a[0], 0x80);
  assert.equal(a.readBigUInt64BE(1), BigInt(NOW));
  assert.equal(a.length, FERNET_OVERHEAD_BYTES + 16);
  assert.deepEqual(f.decrypt(encodeBase64Url(a), { nowS: NOW }), plain);
  assert.equal(decodeBase64Url(f.encrypt(Buffer.alloc(16), NOW))!.length, FERNET_OVERHEAD_BYTES + 32); // full pad block
});

test('caller misuse is a TypeError', () => {
  assert.throws(() => new Fernet(Buffer.alloc(31)), TypeError);
  assert.throws(() => new Fernet(Buffer.alloc(33)), TypeError);
  assert.throws(() => new Fernet('k' as unknown as Buffer), TypeError);
  assert.throws(() => f.encrypt('text' as unknown as Buffer), TypeError);
  assert.throws(() => f.encrypt(Buffer.alloc(1), NOW, Buffer.alloc(15)), TypeError);
  assert.throws(() => f.encrypt(Buffer.alloc(1), -1), TypeError);
  assert.throws(() => f.encrypt(Buffer.alloc(1), Number.NaN), TypeError);
  const token = f.encrypt(Buffer.alloc(1), NOW);
  assert.throws(() => f.decrypt(42 as unknown as string), TypeError);
  assert.throws(() => f.decrypt(token, { ttlS: -1, nowS: NOW }), TypeError);
  assert.throws(() => f.decrypt(token, { nowS: Number.NaN }), TypeError);
  assert.throws(() => f.decrypt(token, { nowS: NOW, clockSkewS: -1 }), TypeError);
});

test('a Fernet instance does not show its key when inspected', () => {
  const shown = inspect(f, { depth: 5, showHidden: true });
  assert.ok(!shown.includes('<Buffer'), shown);
  assert.ok(!shown.includes(key.toString('hex')) && !shown.includes(key.toString('base64url')), shown);
});

// Holds because node --test runs each file in its own process; fernet-interop.test.ts loads the npm package elsewhere.
test('our crypto leaves String.prototype alone (the npm fernet package adds lpad)', () => {
  assert.equal(Object.hasOwn(String.prototype, 'lpad'), false);
});
