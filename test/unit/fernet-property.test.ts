import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Fernet } from '../../src/crypto/fernet.js';
import { decodeBase64Url, encodeBase64Url } from '../../src/crypto/base64url.js';
import { FernetError, InvalidSignatureError, InvalidVersionError, TokenExpiredError, TokenFromFutureError } from '../../src/crypto/errors.js';

const MAX_PLAINTEXT = 64 * 1024;
const f = new Fernet(randomBytes(32));
const NOW = 1_700_000_000;

/** `length` pseudo-random bytes from `seed`: fast to make, and fast-check shrinks the length. */
function bytesFrom(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let o = 0, i = 0; o < length; o += 32, i++) {
    const block = createHash('sha256').update(`${seed}:${i}`).digest();
    block.copy(out, o, 0, Math.min(block.length, length - o));
  }
  return out;
}

const plaintextLength = fc.oneof(
  fc.constantFrom(0, 1, 15, 16, 17, 31, 32, 33, MAX_PLAINTEXT - 1, MAX_PLAINTEXT),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: MAX_PLAINTEXT }),
);

test('random plaintexts of 0 B to 64 KiB roundtrip', () => {
  fc.assert(
    fc.property(fc.integer(), plaintextLength, (seed, length) => {
      const plain = bytesFrom(seed, length);
      const token = f.encrypt(plain);
      assert.deepEqual(f.decrypt(token), plain);
      assert.deepEqual(f.decrypt(token.toString('latin1')), plain);
    }),
    { numRuns: 150 },
  );
});

/** AES-128-CBC with a context of its own, made for this one token (the plain way, which Fernet's long-lived contexts must equal). */
function cbcOnce(decrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = decrypt ? createDecipheriv('aes-128-cbc', key.subarray(16), iv) : createCipheriv('aes-128-cbc', key.subarray(16), iv);
  return Buffer.concat([c.update(data), c.final()]);
}

test('long-lived AES contexts: any sequence of encrypts, decrypts and failures equals a fresh context per token', () => {
  const key = randomBytes(32);
  const ours = new Fernet(key);
  const other = new Fernet(key);
  const op = fc.record({
    kind: fc.constantFrom('encrypt', 'decrypt-own', 'decrypt-foreign', 'forged', 'random-iv'),
    seed: fc.integer(),
    length: plaintextLength,
  });
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
      for (const { kind, seed, length } of ops) {
        const plain = bytesFrom(seed, length);
        const iv = bytesFrom(seed + 1, 16);
        if (kind === 'encrypt' || kind === 'random-iv') {
          const token = kind === 'encrypt' ? ours.encrypt(plain, NOW, iv) : ours.encrypt(plain, NOW);
          const raw = decodeBase64Url(token)!;
          const tokenIv = raw.subarray(9, 25);
          assert.deepEqual(raw.subarray(25, -32), cbcOnce(false, key, tokenIv, plain), 'the ciphertext of a fresh context');
          assert.deepEqual(other.decrypt(token, { nowS: NOW }), plain);
        } else if (kind === 'forged') {
          const raw = decodeBase64Url(other.encrypt(plain, NOW, iv))!;
          raw[raw.length - 1]! ^= 1;
          assert.throws(() => ours.decrypt(encodeBase64Url(raw), { nowS: NOW }), InvalidSignatureError);
        } else {
          const token = (kind === 'decrypt-own' ? ours : other).encrypt(plain, NOW, iv);
          const raw = decodeBase64Url(token)!;
          assert.deepEqual(cbcOnce(true, key, raw.subarray(9, 25), raw.subarray(25, -32)), plain, 'the reference agrees');
          assert.deepEqual(ours.decrypt(token, { nowS: NOW }), plain);
        }
      }
    }),
    { numRuns: 60 },
  );
});

/** The error a flipped bit of the decoded token must cause: byte 0 is the version, every other byte is under the HMAC. */
function expectedFlipError(byteIndex: number): typeof FernetError {
  return byteIndex === 0 ? InvalidVersionError : InvalidSignatureError;
}

test("every single-bit flip of a token's decoded bytes, re-encoded, is rejected (exhaustive, two sizes)", () => {
  for (const length of [0, 100]) {
    const token = f.encrypt(bytesFrom(length, length), NOW);
    const raw = decodeBase64Url(token)!;
    for (let bit = 0; bit < raw.length * 8; bit++) {
      const flipped = Buffer.from(raw);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      assert.throws(() => f.decrypt(encodeBase64Url(flipped), { nowS: NOW }), expectedFlipError(bit >> 3), `bit ${bit}`);
    }
  }
});

test("every single-bit flip of a token's text bytes is rejected with a FernetError (exhaustive, six sizes)", () => {
  // Sizes with 2, 1 and 0 '=' so flips of padding and of spare bits are covered;
  // the last three make texts of 2,060+ characters, judged by the native decoder.
  for (const length of [5, 20, 40, 1480, 1496, 1512]) {
    const token = f.encrypt(bytesFrom(length, length), NOW);
    for (let bit = 0; bit < token.length * 8; bit++) {
      const flipped = Buffer.from(token);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      assert.throws(() => f.decrypt(flipped, { nowS: NOW }), FernetError, `bit ${bit}`);
    }
  }
});

test('random tokens with one random bit flipped (bytes or text) are rejected', () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: 0, max: 2000 }), fc.nat(), fc.boolean(), (seed, length, pick, inText) => {
      const token = f.encrypt(bytesFrom(seed, length), NOW);
      if (inText) {
        const bit = pick % (token.length * 8);
        token[bit >> 3]! ^= 1 << (bit & 7);
        assert.throws(() => f.decrypt(token, { nowS: NOW }), FernetError);
      } else {
        const raw = decodeBase64Url(token)!;
        const bit = pick % (raw.length * 8);
        raw[bit >> 3]! ^= 1 << (bit & 7);
        assert.throws(() => f.decrypt(encodeBase64Url(raw), { nowS: NOW }), expectedFlipError(bit >> 3));
      }
    }),
    { numRuns: 300 },
  );
});

test('time window: a token is accepted exactly when ts + ttl >= now and now + skew >= ts (as Python)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: -500, max: 500 }),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 300 }),
      (ts, offset, ttlS, clockSkewS) => {
        const nowS = Math.max(0, ts + offset);
        const token = f.encrypt(Buffer.from('t'), ts);
        const opts = { nowS, ttlS, clockSkewS };
        if (ts + ttlS < nowS) assert.throws(() => f.decrypt(token, opts), TokenExpiredError);
        else if (nowS + clockSkewS < ts) assert.throws(() => f.decrypt(token, opts), TokenFromFutureError);
        else assert.equal(f.decrypt(token, opts).toString(), 't');
      },
    ),
    { numRuns: 300 },
  );
});

describe('binary form', () => {
  const f = new Fernet(randomBytes(32));
  it('is the bytes the token text encodes, and decrypts only with binary: true', () => {
    const iv = randomBytes(16);
    const plain = randomBytes(1000);
    const bin = f.encryptBinary(plain, 1_700_000_000, iv);
    const text = f.encrypt(plain, 1_700_000_000, iv);
    assert.deepEqual(Buffer.from(text.toString('latin1'), 'base64url'), bin);
    assert.equal(bin[0], 0x80);
    assert.deepEqual(f.decrypt(bin, { binary: true, nowS: 1_700_000_000 }), plain);
    assert.deepEqual(f.decrypt(text, { binary: true, nowS: 1_700_000_000 }), plain, 'text still decrypts');
    assert.throws(() => f.decrypt(bin, { nowS: 1_700_000_000 }), /base64/i, 'not without binary: true');
  });
  it('a flipped bit anywhere fails the signature, and the token is not changed by decrypting it', () => {
    const bin = f.encryptBinary(Buffer.from('bulk bytes'), 1_700_000_000);
    const copy = Buffer.from(bin);
    f.decrypt(bin, { binary: true, nowS: 1_700_000_000 });
    assert.deepEqual(bin, copy);
    for (let i = 1; i < bin.length; i += 7) {
      const bad = Buffer.from(bin);
      bad[i]! ^= 0x01;
      assert.throws(() => f.decrypt(bad, { binary: true, nowS: 1_700_000_000 }));
    }
  });
});
