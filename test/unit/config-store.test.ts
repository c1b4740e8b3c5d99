import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { addProfile, newProfile, saveProfileKey, saveProfileSession } from '../../src/config/profiles.js';
import { ProfileStore } from '../../src/config/store.js';
import { generateKey } from '../../src/crypto/keys.js';
import { ConfigError } from '../../src/errors.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-store-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
function freshDir(): string {
  n += 1;
  return path.join(root, `c${n}`);
}

function store(dir: string, warnings: string[] = []): ProfileStore {
  return new ProfileStore({ dir, env: {}, warn: (l) => warnings.push(l) });
}

function add(s: ProfileStore, name: string, extra: Partial<Parameters<typeof newProfile>[0]> = {}): void {
  s.update((cfg) => addProfile(cfg, name, newProfile({ nick: name, key: generateKey(), ...extra })));
}

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

describe('ProfileStore', () => {
  it('reads an absent file as empty without creating anything', () => {
    const dir = freshDir();
    assert.deepEqual(store(dir).read(), { defaultProfile: null, profiles: {} });
    assert.equal(fs.existsSync(dir), false);
  });

  it('creates the directory 0700 and the file 0600, and reads back what it wrote', () => {
    const dir = freshDir();
    const s = store(dir);
    add(s, 'alice', { peer: { host: '::1', port: 7002 } });
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(s.path), 0o600);
    const cfg = store(dir).read();
    assert.equal(cfg.defaultProfile, 'alice');
    assert.deepEqual(cfg.profiles.alice!.peer, { host: '::1', port: 7002 });
  });

  it('leaves no temp file behind (the write is a rename)', () => {
    const dir = freshDir();
    const s = store(dir);
    add(s, 'a');
    add(s, 'b');
    assert.deepEqual(fs.readdirSync(dir), ['config.json']);
  });

  for (const [what, bytes, re] of [
    ['garbage', 'garbage{', /not valid JSON/],
    ['an empty file', '', /the file is empty/],
    ['a schema violation', '{"profiles":{"a":{"nick":"a","key":"AAAA"}}}', /profiles\.a\.key is not a valid Fernet key/],
  ] as const) {
    it(`refuses ${what}: one line naming the file, bytes unchanged`, () => {
      const dir = freshDir();
      fs.mkdirSync(dir, { mode: 0o700 });
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, bytes, { mode: 0o600 });
      const s = store(dir);
      for (const op of [() => s.read(), () => add(s, 'x')]) {
        assert.throws(op, (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.ok(err.message.startsWith(`${file}: `), err.message);
          assert.match(err.message, re);
          assert.match(err.message, /it was not changed/);
          assert.ok(!err.message.includes('\n'));
          return true;
        });
      }
      assert.equal(fs.readFileSync(file, 'utf8'), bytes);
    });
  }

  it('writes nothing when the mutation throws', () => {
    const dir = freshDir();
    const s = store(dir);
    add(s, 'a');
    const before = fs.readFileSync(s.path, 'utf8');
    assert.throws(
      () =>
        s.update(() => {
          throw new ConfigError('nope');
        }),
      /nope/,
    );
    assert.equal(fs.readFileSync(s.path, 'utf8'), before);
  });

  it('refuses a directory it cannot create, in one line, keeping what is there', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'keep me');
    const s = store(path.join(blocker, 'sub'));
    assert.throws(
      () => add(s, 'x'),
      (err: unknown) => err instanceof ConfigError && /cannot write to the config directory .*nothing was changed/.test(err.message),
    );
    assert.equal(fs.readFileSync(blocker, 'utf8'), 'keep me');
  });

  it('warns once about a file readable by others, and still works', () => {
    const dir = freshDir();
    const warnings: string[] = [];
    add(store(dir), 'a');
    fs.chmodSync(path.join(dir, 'config.json'), 0o644);
    const s = store(dir, warnings);
    s.read();
    s.read();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /config\.json is readable by other users \(mode 0644\); run: chmod 600/);
  });

  it('saveProfileKey re-reads the file: a profile added meanwhile by another process is kept', () => {
    const dir = freshDir();
    const mine = store(dir);
    add(mine, 'alice');
    add(store(dir), 'bob'); // "another process"
    const bobBefore = store(dir).read().profiles.bob;
    const newKey = generateKey();
    saveProfileKey(mine, 'alice', newKey);
    const cfg = store(dir).read();
    assert.equal(cfg.profiles.alice!.key, newKey);
    assert.deepEqual(cfg.profiles.bob, bobBefore);
    assert.equal(cfg.profiles.alice!.nick, 'alice');
  });

  it('saveProfileSession changes only nick and peer', () => {
    const dir = freshDir();
    const s = store(dir);
    add(s, 'alice', { listenPort: 7009, wire: 'raw' });
    const before = s.read().profiles.alice;
    saveProfileSession(s, 'alice', { nick: 'al', peer: { host: '10.0.0.9', port: 7755 } });
    const after = s.read().profiles.alice;
    assert.deepEqual(after, { ...before, nick: 'al', peer: { host: '10.0.0.9', port: 7755 } });
  });

  it('a saver fails cleanly when the profile was removed meanwhile', () => {
    const dir = freshDir();
    const s = store(dir);
    add(s, 'alice');
    s.update((cfg) => {
      delete cfg.profiles.alice;
      cfg.defaultProfile = null;
    });
    assert.throws(() => saveProfileKey(s, 'alice', generateKey()), /no profile named "alice"/);
  });
});
