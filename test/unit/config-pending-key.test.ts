/**
 * A profile's pendingKey (an unfinished key rotation): validated as `key` is,
 * written with `key` in one atomic write of the same 0600 file, erased when
 * the rotation settles, never repeated in an error message.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { addProfile, newProfile } from '../../src/config/profiles.js';
import { checkProfile, SchemaError } from '../../src/config/schema.js';
import { ProfileStore } from '../../src/config/store.js';
import { generateKey } from '../../src/crypto/keys.js';
import { ConfigError } from '../../src/errors.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-pending-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

function freshStore(): ProfileStore {
  n += 1;
  const s = new ProfileStore({ dir: path.join(root, `c${n}`), env: {}, warn: () => {} });
  s.update((cfg) => addProfile(cfg, 'alice', newProfile({ nick: 'alice', key: generateKey() })));
  return s;
}

test('schema: pendingKey is optional, absent when not given, and checked like key', () => {
  const key = generateKey();
  const other = generateKey();
  const plain = checkProfile({ nick: 'a', key }, 'profiles.a');
  assert.equal('pendingKey' in plain, false, 'a profile without one reads back as before');
  const p = checkProfile({ nick: 'a', key, pendingKey: { key: other, slot: 'next' } }, 'profiles.a');
  assert.deepEqual(p.pendingKey, { key: other, slot: 'next' });
  const accept = Buffer.alloc(40, 7).toString('base64url');
  assert.deepEqual(checkProfile({ nick: 'a', key, pendingKey: { key: other, slot: 'next', accept } }, 'profiles.a').pendingKey, {
    key: other,
    slot: 'next',
    accept,
  });
  const bad: Array<[unknown, RegExp]> = [
    ['just a string', /profiles\.a\.pendingKey must be a JSON object/],
    [{ key: other }, /profiles\.a\.pendingKey\.slot is missing/],
    [{ key: other, slot: 'current' }, /profiles\.a\.pendingKey\.slot must be one of: next, previous/],
    [{ key: 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=', slot: 'next' }, /profiles\.a\.pendingKey\.key is not a valid Fernet key/],
    [{ key: other, slot: 'next', extra: 1 }, /profiles\.a\.pendingKey\.extra is not a known field/],
    [{ key: other, slot: 'next', accept: 'AAAA' }, /profiles\.a\.pendingKey\.accept must be 40 bytes in urlsafe base64/],
    [
      { key: other, slot: 'previous', accept: Buffer.alloc(40).toString('base64url') },
      /profiles\.a\.pendingKey\.accept is only kept with a pending key in slot next/,
    ],
  ];
  for (const [v, re] of bad) {
    assert.throws(
      () => checkProfile({ nick: 'a', key, pendingKey: v }, 'profiles.a'),
      (e: unknown) => e instanceof SchemaError && re.test(e.message) && !e.message.includes('c2VjcmV0') && !e.message.includes(other),
      JSON.stringify(v),
    );
  }
});

test('store: saveKeys writes key and pendingKey together (0600), and erases pendingKey when it is null', () => {
  const s = freshStore();
  const [k1, k2] = [generateKey(), generateKey()];
  const accept = Buffer.alloc(40, 1).toString('base64url');
  s.saveKeys('alice', { key: k1, pendingKey: { key: k2, slot: 'next', accept } });
  assert.deepEqual(s.read().profiles.alice?.pendingKey, { key: k2, slot: 'next', accept });
  s.saveKeys('alice', { key: k1, pendingKey: { key: k2, slot: 'previous' } });
  const raw = JSON.parse(fs.readFileSync(s.path, 'utf8')) as { profiles: Record<string, { key: string; pendingKey?: unknown }> };
  assert.equal(raw.profiles.alice?.key, k1);
  assert.deepEqual(raw.profiles.alice?.pendingKey, { key: k2, slot: 'previous' });
  assert.equal(fs.statSync(s.path).mode & 0o777, 0o600);
  assert.deepEqual(s.read().profiles.alice?.pendingKey, { key: k2, slot: 'previous' });
  s.saveKeys('alice', { key: k1, pendingKey: null });
  const after = JSON.parse(fs.readFileSync(s.path, 'utf8')) as { profiles: Record<string, { key: string; pendingKey?: unknown }> };
  assert.equal(after.profiles.alice?.key, k1);
  assert.equal('pendingKey' in (after.profiles.alice ?? {}), false, 'erased, not left behind as null');
  // The temp files of the atomic write are gone.
  assert.deepEqual(fs.readdirSync(path.dirname(s.path)), ['config.json']);
});

test('store: saveKeys for a profile that is gone or with a bad key changes nothing and never names the key', () => {
  const s = freshStore();
  const before = fs.readFileSync(s.path, 'utf8');
  const k = generateKey();
  assert.throws(
    () => s.saveKeys('bob', { key: k, pendingKey: null }),
    (e: unknown) => e instanceof ConfigError && /profile "bob" is no longer/.test(e.message) && !e.message.includes(k),
  );
  assert.throws(
    () => s.saveKeys('alice', { key: 'not-a-key', pendingKey: null }),
    (e: unknown) => e instanceof SchemaError && !e.message.includes('not-a-key'),
  );
  assert.equal(fs.readFileSync(s.path, 'utf8'), before);
});
