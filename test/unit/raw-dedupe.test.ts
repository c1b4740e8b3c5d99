import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Fernet } from '../../src/crypto/fernet.js';
import { RawDedupe, tokenHmac, tokenTimestampS } from '../../src/net/raw-dedupe.js';

const h = (n: number): Buffer => Buffer.alloc(32, n);

test('a token is accepted once, and its repeat within the retention is a replay', () => {
  const d = new RawDedupe(1000);
  assert.equal(d.check(h(1), 0), true);
  assert.equal(d.check(h(1), 10), false);
  assert.equal(d.check(h(2), 10), true);
  assert.equal(d.check(h(1), 999), false);
  assert.equal(d.size, 2);
});

test('after the retention an entry is forgotten (Fernet TTL rejects such old replays by then)', () => {
  const d = new RawDedupe(1000);
  d.check(h(1), 0);
  d.check(h(2), 500);
  assert.equal(d.check(h(3), 1000), true);
  assert.equal(d.size, 2, 'h(1) expired at 1000');
  assert.equal(d.check(h(1), 1001), true);
  assert.equal(d.check(h(2), 1001), false, 'h(2) is remembered until 1500');
  assert.equal(d.check(h(2), 1500), true);
});

test('re-accepting an expired HMAC keeps the expiry order intact', () => {
  const d = new RawDedupe(100);
  d.check(h(1), 0);
  d.check(h(2), 50);
  assert.equal(d.check(h(1), 100), true); // h(1) expired; accepted again until 200
  assert.equal(d.check(h(9), 160), true); // h(2) expires at 150
  assert.equal(d.check(h(1), 170), false, 'h(1) still remembered');
  assert.equal(d.size, 2);
});

test('a full cache forgets the oldest entry and counts it', () => {
  const d = new RawDedupe(10_000, 3);
  for (let i = 0; i < 5; i++) assert.equal(d.check(h(i), i), true);
  assert.equal(d.size, 3);
  assert.equal(d.evicted, 2);
  assert.equal(d.check(h(4), 10), false);
  assert.equal(d.check(h(0), 10), true, 'evicted: no longer known');
});

test('tokenHmac takes the last 32 bytes of the decoded token, padding or not', () => {
  const raw = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(8 + 16 + 16, 7), h(5)]);
  const padded = Buffer.from(raw.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
  const unpadded = Buffer.from(raw.toString('base64url'));
  assert.deepEqual(tokenHmac(padded), h(5));
  assert.deepEqual(tokenHmac(unpadded), h(5));
  assert.equal(tokenHmac(Buffer.from('abc')), null);
});

test('tokenTimestampS reads the Fernet timestamp from the token text; null when too short to hold one', () => {
  const f = new Fernet(randomBytes(32));
  for (const ts of [0, 1_700_000_000, 2 ** 40 + 7]) assert.equal(tokenTimestampS(f.encrypt(Buffer.from('x'), ts)), ts);
  assert.equal(tokenTimestampS(Buffer.from('gAAAA')), null);
  assert.equal(tokenTimestampS(Buffer.alloc(0)), null);
});

test('misuse throws TypeError', () => {
  assert.throws(() => new RawDedupe(0), TypeError);
  assert.throws(() => new RawDedupe(10, 0), TypeError);
});
