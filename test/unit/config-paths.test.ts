import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Conf from 'conf';
import { defaultConfigDir, permissionWarning, resolveConfigDir, shellQuote } from '../../src/config/paths.js';

const linux = (env: Record<string, string | undefined> = {}) => ({ env, platform: 'linux' as const, homedir: '/home/u' });

describe('config location', () => {
  it('prefers --config-dir, then FERNCHAT_CONFIG_DIR, then the default', () => {
    const info = linux({ FERNCHAT_CONFIG_DIR: '/from/env', XDG_CONFIG_HOME: '/xdg' });
    assert.equal(resolveConfigDir('/from/flag', info), '/from/flag');
    assert.equal(resolveConfigDir(null, info), '/from/env');
    assert.equal(resolveConfigDir(undefined, linux({ XDG_CONFIG_HOME: '/xdg' })), '/xdg/fernchat');
    assert.equal(resolveConfigDir(undefined, linux()), '/home/u/.config/fernchat');
  });

  it('makes a relative --config-dir absolute', () => {
    assert.equal(resolveConfigDir('rel/dir', linux()), path.resolve('rel/dir'));
  });

  it('knows the macOS and Windows defaults', () => {
    assert.equal(defaultConfigDir({ env: {}, platform: 'darwin', homedir: '/Users/u' }), '/Users/u/Library/Preferences/fernchat');
    assert.equal(defaultConfigDir({ env: { APPDATA: '/appdata' }, platform: 'win32', homedir: '/h' }), path.join('/appdata', 'fernchat', 'Config'));
  });

  describe('agrees with conf', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-paths-'));
    const saved = process.env.XDG_CONFIG_HOME;
    after(() => {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      fs.rmSync(tmp, { recursive: true, force: true });
    });
    it('on this platform, for projectName fernchat and projectSuffix ""', () => {
      // conf reads XDG_CONFIG_HOME at construction; point it at a temp dir so nothing real is touched.
      process.env.XDG_CONFIG_HOME = tmp;
      const conf = new Conf({ projectName: 'fernchat', projectSuffix: '' });
      const ours = path.join(defaultConfigDir({ env: process.env, platform: process.platform, homedir: os.homedir() }), 'config.json');
      assert.equal(ours, conf.path);
    });
  });
});

describe('permission warning', () => {
  it('is null when both are private or absent', () => {
    assert.equal(permissionWarning('/d', 0o40700, '/d/c.json', 0o100600), null);
    assert.equal(permissionWarning('/d', 0o40700, '/d/c.json', null), null);
    assert.equal(permissionWarning('/d', null, '/d/c.json', null), null);
  });

  it('names the file, its mode and the chmod to run', () => {
    assert.equal(
      permissionWarning('/d', 0o40700, '/d/c.json', 0o100644),
      'warning: /d/c.json is readable by other users (mode 0644); run: chmod 600 /d/c.json',
    );
  });

  it('names the directory alone', () => {
    assert.equal(permissionWarning('/d', 0o40755, '/d/c.json', 0o100600), 'warning: /d is readable by other users (mode 0755); run: chmod 700 /d');
  });

  it('puts both in one line', () => {
    const w = permissionWarning('/d', 0o40755, '/d/c.json', 0o100660);
    assert.ok(w !== null && !w.includes('\n'));
    assert.match(w, /\/d and \/d\/c\.json .*modes 0755, 0660.*chmod 700 \/d && chmod 600 \/d\/c\.json/);
  });

  it('says writable when only write bits are open', () => {
    assert.match(permissionWarning('/d', 0o40700, '/d/c.json', 0o100620) ?? '', /writable by other users/);
  });

  it('quotes paths for the shell', () => {
    assert.equal(shellQuote('/a/b'), '/a/b');
    assert.equal(shellQuote("/a b/it's"), `'/a b/it'\\''s'`);
  });
});
