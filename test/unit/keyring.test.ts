import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/clock.js';
import { KEY_GRACE_MS } from '../../src/constants.js';
import { FernetError, InvalidSignatureError, TokenExpiredError, TokenFromFutureError } from '../../src/crypto/errors.js';
import { Fernet } from '../../src/crypto/fernet.js';
import { fingerprint } from '../../src/crypto/keys.js';
import { Keyring } from '../../src/net/keyring.js';

const OPTS = { ttlS: 600, clockSkewS: 120 };
const T0 = 1_700_000_000_000;

function setup() {
  const clock = new ManualClock(T0);
  const k = randomBytes(32);
  return { clock, k, ring: new Keyring(k, clock) };
}

/** A token under `key` at the clock's time, as a peer holding `key` would send it. */
function tokenUnder(key: Buffer, clock: ManualClock, text = 'hi'): Buffer {
  return new Fernet(key).encrypt(Buffer.from(text), Math.floor(clock.now() / 1000));
}

test('encrypt under current with the clock as Fernet timestamp; decrypt reports the slot', () => {
  const { clock, k, ring } = setup();
  const token = ring.encrypt(Buffer.from('hello'));
  assert.deepEqual(new Fernet(k).decrypt(token, { nowS: T0 / 1000 }), Buffer.from('hello'));
  // The Fernet timestamp (bytes 1-8 of the decoded token) is the clock's.
  assert.equal(Number(Buffer.from(token.toString('ascii'), 'base64url').readBigUInt64BE(1)), Math.floor(T0 / 1000));
  assert.deepEqual(ring.decrypt(token, OPTS), { plaintext: Buffer.from('hello'), slot: 'current' });
  assert.deepEqual(ring.decrypt(tokenUnder(k, clock), OPTS).slot, 'current');
});

test('the key is copied: wiping the caller buffer changes nothing', () => {
  const { k, ring } = setup();
  const copy = Buffer.from(k);
  k.fill(0);
  assert.deepEqual(ring.currentKey, copy);
});

test('next: setNext, decrypt under next, promoteNext shifts current to previous', () => {
  const { clock, k, ring } = setup();
  const k2 = randomBytes(32);
  ring.setNext(k2);
  assert.deepEqual(ring.nextKey, k2);
  assert.equal(ring.decrypt(tokenUnder(k2, clock), OPTS).slot, 'next');
  assert.equal(ring.decrypt(tokenUnder(k, clock), OPTS).slot, 'current');
  clock.advance(5000);
  ring.promoteNext();
  assert.deepEqual(ring.currentKey, k2);
  assert.deepEqual(ring.previousKey, k);
  assert.equal(ring.nextKey, null);
  assert.equal(ring.keyAgeMs, 0);
  assert.equal(ring.fingerprint(), fingerprint(k2));
  assert.equal(ring.decrypt(tokenUnder(k, clock), OPTS).slot, 'previous');
  assert.equal(ring.decrypt(tokenUnder(k2, clock), OPTS).slot, 'current');
  assert.throws(() => ring.promoteNext(), TypeError, 'nothing to promote');
});

test('dropNext forgets next', () => {
  const { clock, ring } = setup();
  const k2 = randomBytes(32);
  ring.setNext(k2);
  ring.dropNext();
  assert.equal(ring.nextKey, null);
  assert.throws(() => ring.decrypt(tokenUnder(k2, clock), OPTS), InvalidSignatureError);
});

test('commit (initiator): previous = the old key, pending until the peer proves current; there is no revert', () => {
  const { clock, k, ring } = setup();
  clock.advance(1000);
  const k2 = randomBytes(32);
  assert.equal(ring.pending, null);
  ring.commit(k2);
  assert.deepEqual(ring.currentKey, k2);
  assert.deepEqual(ring.previousKey, k);
  assert.equal(ring.keyAgeMs, 0);
  assert.deepEqual(ring.pending, { key: k, slot: 'previous' }, 'the old key must survive a restart until the peer proves the new one');
  ring.peerConfirmedCurrent();
  assert.equal(ring.pending, null, 'proven: only current goes to disk');
  assert.equal('revert' in ring, false, 'no way back to an older key');
});

test('pending: next while it waits; nothing after promotion or drop', () => {
  const { k, ring } = setup();
  const k2 = randomBytes(32);
  ring.setNext(k2);
  assert.deepEqual(ring.pending, { key: k2, slot: 'next' });
  ring.dropNext();
  assert.equal(ring.pending, null);
  ring.setNext(k2);
  ring.promoteNext();
  ring.peerConfirmedCurrent();
  assert.equal(ring.pending, null);
  assert.deepEqual(ring.previousKey, k);
});

test('a pending key restored by the constructor goes back into its slot', () => {
  const clock = new ManualClock(T0);
  const [k, k2] = [randomBytes(32), randomBytes(32)];
  const responder = new Keyring(k, clock, { key: k2, slot: 'next' });
  assert.deepEqual(responder.currentKey, k);
  assert.deepEqual(responder.nextKey, k2);
  assert.deepEqual(responder.pending, { key: k2, slot: 'next' });
  assert.equal(responder.decrypt(tokenUnder(k2, clock), OPTS).slot, 'next');
  const initiator = new Keyring(k2, clock, { key: k, slot: 'previous' });
  assert.deepEqual(initiator.previousKey, k);
  assert.deepEqual(initiator.pending, { key: k, slot: 'previous' });
  assert.equal(initiator.decrypt(tokenUnder(k, clock), OPTS).slot, 'previous');
  clock.advance(KEY_GRACE_MS * 10);
  initiator.expire();
  assert.deepEqual(initiator.previousKey, k, 'kept until the peer proves current');
  assert.throws(() => new Keyring(k, clock, { key: Buffer.alloc(3), slot: 'next' }), TypeError);
  assert.throws(() => new Keyring(k, clock, { key: k2, slot: 'current' as never }), TypeError);
});

test('previous never expires before the peer confirmed current, then after KEY_GRACE_MS', () => {
  const { clock, k, ring } = setup();
  ring.commit(randomBytes(32));
  assert.equal(ring.nextDeadline(), null);
  clock.advance(KEY_GRACE_MS * 10);
  ring.expire();
  assert.deepEqual(ring.previousKey, k, 'kept: the peer may not hold the new key');
  ring.peerConfirmedCurrent();
  const deadline = ring.nextDeadline();
  assert.equal(deadline, clock.now() + KEY_GRACE_MS);
  ring.peerConfirmedCurrent(); // repeated proof does not extend the grace
  assert.equal(ring.nextDeadline(), deadline);
  clock.set(deadline - 1);
  ring.expire();
  assert.deepEqual(ring.previousKey, k);
  assert.equal(ring.decrypt(tokenUnder(k, clock), OPTS).slot, 'previous');
  clock.set(deadline);
  ring.expire();
  assert.equal(ring.previousKey, null);
  assert.equal(ring.nextDeadline(), null);
  assert.throws(() => ring.decrypt(tokenUnder(k, clock), OPTS), InvalidSignatureError);
});

test('decrypt errors: the current key error when no slot verifies, the verifying slot error otherwise', () => {
  const { clock, k, ring } = setup();
  const k2 = randomBytes(32);
  const k3 = randomBytes(32);
  ring.setNext(k2);
  // No slot holds the key: InvalidSignatureError (the current key's verdict).
  assert.throws(() => ring.decrypt(tokenUnder(k3, clock), OPTS), InvalidSignatureError);
  // Garbage: the token itself is wrong, whatever the key.
  assert.throws(
    () => ring.decrypt(Buffer.from('not a token!'), OPTS),
    (e: unknown) => e instanceof FernetError && e.code === 'bad-base64',
  );
  // A token under next that is too old: next verified the HMAC, so its verdict wins.
  const old = new Fernet(k2).encrypt(Buffer.from('x'), Math.floor(clock.now() / 1000) - 601);
  assert.throws(() => ring.decrypt(old, OPTS), TokenExpiredError);
  // From the future under current.
  const future = new Fernet(k).encrypt(Buffer.from('x'), Math.floor(clock.now() / 1000) + 121);
  assert.throws(() => ring.decrypt(future, OPTS), TokenFromFutureError);
  // Within the skew it is fine.
  const nearFuture = new Fernet(k).encrypt(Buffer.from('x'), Math.floor(clock.now() / 1000) + 120);
  assert.equal(ring.decrypt(nearFuture, OPTS).slot, 'current');
});

test('error messages never contain key material', () => {
  const { clock, ring } = setup();
  const other = randomBytes(32);
  try {
    ring.decrypt(tokenUnder(other, clock), OPTS);
    assert.fail('should throw');
  } catch (e) {
    const text = String((e as Error).message) + String((e as Error).stack);
    for (const key of [ring.currentKey, other]) {
      assert.ok(!text.includes(key.toString('base64url')) && !text.includes(key.toString('hex')));
    }
  }
});

test('constructor and slot setters reject keys that are not 32-byte Buffers', () => {
  const clock = new ManualClock(T0);
  assert.throws(() => new Keyring(Buffer.alloc(31), clock), TypeError);
  const ring = new Keyring(randomBytes(32), clock);
  assert.throws(() => ring.setNext(Buffer.alloc(16)), TypeError);
  assert.throws(() => ring.commit('x' as unknown as Buffer), TypeError);
});

test('keyAgeMs follows the clock', () => {
  const { clock, ring } = setup();
  assert.equal(ring.keyAgeMs, 0);
  clock.advance(1234);
  assert.equal(ring.keyAgeMs, 1234);
});

test("each decrypt judges the token by that call's clock and options (nothing carried over from the last call)", () => {
  const { clock, k, ring } = setup();
  const token = tokenUnder(k, clock);
  assert.equal(ring.decrypt(token, OPTS).slot, 'current');
  clock.advance((OPTS.ttlS + 1) * 1000);
  assert.throws(() => ring.decrypt(token, OPTS), TokenExpiredError);
  assert.equal(ring.decrypt(token, { ttlS: OPTS.ttlS + 10, clockSkewS: OPTS.clockSkewS }).slot, 'current');
  // A token from 60 s ahead: fine with 120 s of skew allowed, refused with 10.
  const ahead = new Fernet(k).encrypt(Buffer.from('x'), Math.floor(clock.now() / 1000) + 60);
  assert.equal(ring.decrypt(ahead, OPTS).slot, 'current');
  assert.throws(() => ring.decrypt(ahead, { ttlS: OPTS.ttlS, clockSkewS: 10 }), TokenFromFutureError);
});
