import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Fernet } from '../../src/crypto/fernet.js';
import { StrangerKeys } from '../../src/net/stranger-keys.js';

/* The accept policy's keys (stranger-keys.ts): tried in order, the slot is current, a stale token is a replay, the keys may change. */

const NOW = 1_700_000_000_000;
const nowS = NOW / 1000;

test('opens under any of the keys, in order; a wrong key is unauthenticated, an expired token replayed', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const s = new StrangerKeys();
  const token = new Fernet(k2).encrypt(Buffer.from('hi'), nowS);
  const r = s.open(token, [k1, k2], NOW);
  assert.ok(r.ok);
  assert.equal(r.plaintext.toString(), 'hi');
  assert.equal(r.slot, 'current');
  assert.deepEqual(s.open(token, [k1], NOW), { ok: false, reason: 'unauthenticated' });
  assert.deepEqual(s.open(new Fernet(k2).encrypt(Buffer.from('old'), nowS - 3_600), [k2], NOW), { ok: false, reason: 'replayed' });
  assert.deepEqual(s.open(Buffer.from('garbage'), [k1, k2], NOW), { ok: false, reason: 'unauthenticated' });
  assert.deepEqual(s.open(token, [], NOW), { ok: false, reason: 'unauthenticated' });
});

test('binary tokens open too; a key dropped from the list no longer opens anything', () => {
  const k = randomBytes(32);
  const s = new StrangerKeys();
  const binary = new Fernet(k).encryptBinary(Buffer.from('bulk'), nowS);
  assert.ok(s.open(binary, [k], NOW).ok);
  assert.deepEqual(s.open(binary, [randomBytes(32)], NOW), { ok: false, reason: 'unauthenticated' });
});
