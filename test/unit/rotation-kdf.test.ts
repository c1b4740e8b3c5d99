import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { deriveRotatedKey, generateRotationKeyPair, ROTATION_HKDF_INFO, ROTATION_PUBLIC_KEY_BYTES } from '../../src/crypto/rotation-kdf.js';
import { RotationKeyError } from '../../src/crypto/errors.js';

/** X25519 points of small order (RFC 7748 §5 test lore): each gives an all-zero shared secret. */
const LOW_ORDER_POINTS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((h) => Buffer.from(h, 'hex'));

test('both sides derive the same fresh 32-byte key', () => {
  for (let i = 0; i < 20; i++) {
    const a = generateRotationKeyPair();
    const b = generateRotationKeyPair();
    assert.equal(a.publicKey.length, ROTATION_PUBLIC_KEY_BYTES);
    assert.notDeepEqual(a.publicKey, b.publicKey);
    const current = randomBytes(32);
    const ka = deriveRotatedKey(a, b.publicKey, current);
    const kb = deriveRotatedKey(b, a.publicKey, current);
    assert.equal(ka.length, 32);
    assert.deepEqual(ka, kb);
    assert.notDeepEqual(ka, current);
  }
});

test('a different current key or a different ephemeral gives a different key', () => {
  const a = generateRotationKeyPair();
  const b = generateRotationKeyPair();
  const c = generateRotationKeyPair();
  const current = randomBytes(32);
  const base = deriveRotatedKey(a, b.publicKey, current);
  const otherCurrent = Buffer.from(current);
  otherCurrent[0]! ^= 1;
  assert.notDeepEqual(deriveRotatedKey(a, b.publicKey, otherCurrent), base);
  assert.notDeepEqual(deriveRotatedKey(a, c.publicKey, current), base);
  assert.notDeepEqual(deriveRotatedKey(c, b.publicKey, current), base);
});

test('bad peer keys are a RotationKeyError', () => {
  const a = generateRotationKeyPair();
  const current = randomBytes(32);
  for (const n of [0, 1, 31, 33, 64]) {
    assert.throws(() => deriveRotatedKey(a, randomBytes(n), current), RotationKeyError, `${n} bytes`);
  }
  for (const point of LOW_ORDER_POINTS) {
    assert.throws(() => deriveRotatedKey(a, point, current), RotationKeyError, point.toString('hex'));
  }
  assert.throws(() => deriveRotatedKey(a, Buffer.from(a.publicKey), current), RotationKeyError, 'reflected own key');
  assert.throws(() => deriveRotatedKey(a, 'x'.repeat(32) as unknown as Buffer, current), RotationKeyError);
});

test('caller misuse is a TypeError', () => {
  const a = generateRotationKeyPair();
  const b = generateRotationKeyPair();
  assert.throws(() => deriveRotatedKey(a, b.publicKey, randomBytes(31)), TypeError);
  assert.throws(() => deriveRotatedKey({ publicKey: a.publicKey, privateKey: b.publicKey } as never, b.publicKey, randomBytes(32)), TypeError);
  assert.throws(() => deriveRotatedKey(null as never, b.publicKey, randomBytes(32)), TypeError);
});

test('matches an independent derivation in Python (X25519 + HKDF as PROTOCOL.md states)', (t) => {
  const probe = spawnSync('python3', ['-c', 'import cryptography.hazmat.primitives.kdf.hkdf'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error || probe.status !== 0) {
    const reason = 'python3 with cryptography not available; independent derivation not checked';
    console.log(`skip: ${reason}`);
    t.skip(reason);
    return;
  }
  const a = generateRotationKeyPair();
  const b = generateRotationKeyPair();
  const current = randomBytes(32);
  const jwk = a.privateKey.export({ format: 'jwk' });
  const request = {
    priv: Buffer.from(String(jwk.d), 'base64url').toString('base64'),
    peer: b.publicKey.toString('base64'),
    own: a.publicKey.toString('base64'),
    salt: current.toString('base64'),
    info: ROTATION_HKDF_INFO,
  };
  const script = `
import base64, json, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
r = json.load(sys.stdin)
d = lambda k: base64.b64decode(r[k])
shared = X25519PrivateKey.from_private_bytes(d("priv")).exchange(X25519PublicKey.from_public_bytes(d("peer")))
info = r["info"].encode() + b"".join(sorted([d("own"), d("peer")]))
print(base64.b64encode(HKDF(algorithm=hashes.SHA256(), length=32, salt=d("salt"), info=info).derive(shared)).decode())
`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(request), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(Buffer.from(r.stdout.trim(), 'base64'), deriveRotatedKey(a, b.publicKey, current));
});
