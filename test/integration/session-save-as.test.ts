/**
 * app/session.ts's key notices and app/save-as.ts (issue 12, part 2): a
 * session with nowhere to save its key says how to keep it; a save that
 * fails after a reverted rotation does not call the key in use "new";
 * /save-key makes the file the session's, so later keys go there too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatOptions } from '../../src/config/chat-options.js';
import { encodeKey, fingerprint } from '../../src/crypto/keys.js';
import { openSession } from '../../src/app/session.js';
import { saveAs } from '../../src/app/save-as.js';
import { readKeyFileKeys } from '../../src/config/key-file.js';
import { chatOptions, record } from '../_transport-pair.js';

const LOOPBACK = { host: '127.0.0.1', port: 0 };
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a failed save of the key already in use (a reverted rotation) speaks of "the key in use", never "the new key"', async (t) => {
  const key = randomBytes(32);
  const s = await openSession({
    ...chatOptions({ listen: LOOPBACK, key, nick: 'a', profileName: 'p' }),
    saveKeys: () => {
      throw new Error('disk full');
    },
  });
  t.after(() => s.close());
  const seen = record(s.bus);
  s.bus.emit('key:persist', { key: encodeKey(key), pendingKey: null });
  await tick();
  const line = seen.error.map((e) => e.message).join('\n');
  assert.match(line, new RegExp(`the key in use \\(${fingerprint(key)}\\) could not be saved to profile p: disk full`));
  assert.doesNotMatch(line, /new key/);
  const other = randomBytes(32);
  s.bus.emit('key:persist', { key: encodeKey(other), pendingKey: null });
  await tick();
  assert.match(
    seen.error.at(-1)!.message,
    new RegExp(`the new key \\(${fingerprint(other)}\\) could not be saved .* keep it with /save-profile NAME or /save-key FILE`),
  );
});

test('with nowhere to save, the rotation notice names /save-profile and /save-key; after /save-key the file gets later keys, and the notice stops', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-save-as-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const key = randomBytes(32);
  const s = await openSession(chatOptions({ listen: LOOPBACK, key, nick: 'a', profileName: null }));
  t.after(() => s.close());
  const seen = record(s.bus);
  const k2 = randomBytes(32);
  s.bus.emit('key:persist', { key: encodeKey(k2), pendingKey: null });
  s.bus.emit('key:rotated', { oldFingerprint: fingerprint(key), newFingerprint: fingerprint(k2), key: encodeKey(k2) });
  await tick();
  assert.match(seen.error.at(-1)!.message, /used for this session only .*keep it with \/save-profile NAME or \/save-key FILE/);
  const file = path.join(dir, 'k');
  assert.match(saveAs(s, {}, { kind: 'key-file', file }), new RegExp(`wrote the key in use \\(${fingerprint(k2)}\\)`));
  assert.throws(() => saveAs(s, {}, { kind: 'profile', name: 'x', nick: 'a', peer: null }), /profiles cannot be saved from this chat/);
  const k3 = randomBytes(32);
  const before = seen.error.length;
  s.bus.emit('key:persist', { key: encodeKey(k3), pendingKey: null });
  s.bus.emit('key:rotated', { oldFingerprint: fingerprint(k2), newFingerprint: fingerprint(k3), key: encodeKey(k3) });
  await tick();
  assert.equal(seen.error.length, before, 'no session-only notice once there is a key file');
  assert.deepEqual(readKeyFileKeys(file), { key: encodeKey(k3), pendingKey: null });
});

test('/save-profile with a bad or taken name: one line, the config file untouched; a good one makes the profile with the keys', async (t) => {
  const { ProfileStore } = await import('../../src/config/store.js');
  const { addProfile, newProfile, saveNewProfile } = await import('../../src/config/profiles.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-save-as-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = new ProfileStore({ dir, warn: () => {} });
  store.update((cfg) => addProfile(cfg, 'taken', newProfile({ nick: 'x', key: encodeKey(randomBytes(32)) })));
  const key = randomBytes(32);
  const s = await openSession(chatOptions({ listen: LOOPBACK, key, nick: 'al', profileName: null }));
  t.after(() => s.close());
  const opts: Pick<ChatOptions, 'saveAsProfile'> = {
    saveAsProfile: (name, x) => saveNewProfile(store, name, { ...x, listenHost: '127.0.0.1', wire: 'reliable' }),
  };
  const before = fs.readFileSync(store.path, 'utf8');
  for (const [name, re] of [
    ['a b', /profile name "a b" must be 1-32 characters/],
    ['taken', /profile "taken" already exists; it was left as it is/],
    [encodeKey(randomBytes(32)), /profile name <hidden: looks like a key or invite code>/],
  ] as const) {
    assert.throws(
      () => saveAs(s, opts, { kind: 'profile', name, nick: 'al', peer: null }),
      (e: unknown) => e instanceof Error && re.test(e.message) && !e.message.includes('\n'),
    );
  }
  assert.equal(fs.readFileSync(store.path, 'utf8'), before);
  saveAs(s, opts, { kind: 'profile', name: 'mine', nick: 'al', peer: { host: '127.0.0.1', port: 7002 } });
  const p = store.read().profiles.mine!;
  assert.equal(p.key, encodeKey(key));
  assert.deepEqual(p.peer, { host: '127.0.0.1', port: 7002 });
  assert.equal(p.listen.port, s.listen.port);
});
