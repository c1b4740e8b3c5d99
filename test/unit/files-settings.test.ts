import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TRANSFER_MAX_FILE_BYTES } from '../../src/constants.js';
import { resolveFiles } from '../../src/config/files.js';
import { parseDirSetting, parseMaxFileSize } from '../../src/config/flags.js';
import { applyPatch, newProfile, parseProfilePatch } from '../../src/config/profiles.js';
import { DEFAULT_FILES, SchemaError, validateConfig } from '../../src/config/schema.js';
import { resolveChatOptions } from '../../src/config/resolve.js';
import { UsageError } from '../../src/errors.js';

const ZERO_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function withFiles(files: unknown): unknown {
  return { profiles: { a: { nick: 'a', key: ZERO_KEY, files } } };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-files-'));
}

describe('files settings: schema', () => {
  it('defaults: download dir null, ask, 16 GiB', () => {
    const p = validateConfig({ profiles: { a: { nick: 'a', key: ZERO_KEY } } }).profiles.a!;
    assert.deepEqual(p.files, { downloadDir: null, acceptDir: null, maxFileSize: DEFAULT_TRANSFER_MAX_FILE_BYTES });
    assert.equal(DEFAULT_TRANSFER_MAX_FILE_BYTES, 16 * 1024 ** 3);
  });

  it('keeps what is given, a missing field defaulted', () => {
    const p = validateConfig(withFiles({ downloadDir: '~/in', maxFileSize: 500 })).profiles.a!;
    assert.deepEqual(p.files, { downloadDir: '~/in', acceptDir: null, maxFileSize: 500 });
  });

  const bad: Array<[unknown, RegExp]> = [
    [{ downloadDir: 3 }, /^profiles\.a\.files\.downloadDir must be a directory path/],
    [{ downloadDir: '' }, /^profiles\.a\.files\.downloadDir must be a directory path/],
    [{ acceptDir: 'a\nb' }, /^profiles\.a\.files\.acceptDir must be a directory path/],
    [{ maxFileSize: 0 }, /^profiles\.a\.files\.maxFileSize must be a whole number of bytes/],
    [{ maxFileSize: 1.5 }, /^profiles\.a\.files\.maxFileSize must be a whole number of bytes/],
    [{ maxFileSize: '2G' }, /^profiles\.a\.files\.maxFileSize must be a whole number of bytes/],
    [{ maxFilesize: 1 }, /^profiles\.a\.files\.maxFilesize is not a known field/],
    ['x', /^profiles\.a\.files must be a JSON object/],
  ];
  for (const [files, re] of bad) {
    it(`refuses ${JSON.stringify(files)} with one line naming the field`, () => {
      assert.throws(
        () => validateConfig(withFiles(files)),
        (e: unknown) => e instanceof SchemaError && re.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});

describe('files settings: flags', () => {
  it('--max-file-size: bytes or binary K/M/G', () => {
    assert.equal(parseMaxFileSize('1048576'), 1048576);
    assert.equal(parseMaxFileSize('500K'), 500 * 1024);
    assert.equal(parseMaxFileSize('200M'), 200 * 1024 ** 2);
    assert.equal(parseMaxFileSize('2G'), 2 * 1024 ** 3);
    assert.equal(parseMaxFileSize('2GiB'), 2 * 1024 ** 3);
  });

  for (const text of ['', '0', 'abc', '2X', '-5', '1.2.3']) {
    it(`--max-file-size ${JSON.stringify(text)} is one line`, () => {
      assert.throws(
        () => parseMaxFileSize(text),
        (e: unknown) => e instanceof UsageError && /^--max-file-size must be a size/.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  it('a directory setting: as typed, none clears', () => {
    assert.equal(parseDirSetting('~/in', '--download-dir'), '~/in');
    assert.equal(parseDirSetting('none', '--download-dir'), null);
  });

  it('profile add/set: the flags become profiles.NAME.files', () => {
    const patch = parseProfilePatch({ downloadDir: '~/dl', acceptFiles: '/tmp/in', maxFileSize: '1M' });
    assert.deepEqual(patch.files, { downloadDir: '~/dl', acceptDir: '/tmp/in', maxFileSize: 1024 ** 2 });
    const p = newProfile({ nick: 'a', key: ZERO_KEY, ...patch });
    assert.deepEqual(p.files, { downloadDir: '~/dl', acceptDir: '/tmp/in', maxFileSize: 1024 ** 2 });
    const cleared = applyPatch(p, parseProfilePatch({ acceptFiles: 'none' }));
    assert.deepEqual(cleared.files, { downloadDir: '~/dl', acceptDir: null, maxFileSize: 1024 ** 2 });
    // What profile set writes must read back through the schema.
    assert.deepEqual(validateConfig({ profiles: { a: cleared } }).profiles.a!.files, cleared.files);
  });
});

describe('files settings: resolved at startup', () => {
  it('expands ~, takes a relative directory from the start directory, flags over the profile', () => {
    const home = tmp();
    fs.mkdirSync(path.join(home, 'in'));
    fs.mkdirSync(path.join(home, 'dl'));
    const s = resolveFiles(
      { ...DEFAULT_FILES, downloadDir: '~/dl', maxFileSize: 10 },
      { acceptFiles: 'in', maxFileSize: '2K' },
      { home, cwd: home, profileName: 'a' },
    );
    assert.deepEqual(s, { downloadDir: path.join(home, 'dl'), acceptDir: path.join(home, 'in'), maxFileBytes: 2048 });
  });

  it('default download dir: ~/Downloads when it exists, else the start directory', () => {
    const home = tmp();
    const cwd = tmp();
    assert.equal(resolveFiles(null, {}, { home, cwd, profileName: null }).downloadDir, cwd);
    fs.mkdirSync(path.join(home, 'Downloads'));
    assert.equal(resolveFiles(null, {}, { home, cwd, profileName: null }).downloadDir, path.join(home, 'Downloads'));
  });

  it('a directory that does not exist is one line naming the flag or the field', () => {
    const home = tmp();
    assert.throws(
      () => resolveFiles(null, { acceptFiles: '~/nope' }, { home, cwd: home, profileName: null }),
      (e: unknown) => e instanceof UsageError && e.message === `--accept-files: ${path.join(home, 'nope')} does not exist`,
    );
    assert.throws(
      () => resolveFiles({ ...DEFAULT_FILES, downloadDir: '~/nope' }, {}, { home, cwd: home, profileName: 'bob' }),
      (e: unknown) => e instanceof UsageError && e.message === `profiles.bob.files.downloadDir: ${path.join(home, 'nope')} does not exist`,
    );
    fs.writeFileSync(path.join(home, 'file'), 'x');
    assert.throws(
      () => resolveFiles(null, { downloadDir: '~/file' }, { home, cwd: home, profileName: null }),
      (e: unknown) => e instanceof UsageError && /is not a directory$/.test(e.message),
    );
  });

  it('a directory that is not writable is refused', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, () => {
    const home = tmp();
    const ro = path.join(home, 'ro');
    fs.mkdirSync(ro, { mode: 0o500 });
    assert.throws(
      () => resolveFiles(null, { downloadDir: ro }, { home, cwd: home, profileName: null }),
      (e: unknown) => e instanceof UsageError && e.message === `--download-dir: ${ro} is not writable`,
    );
  });

  it('resolveChatOptions carries the settings and --no-pmtu-probe', () => {
    const home = tmp();
    const opts = resolveChatOptions({
      profileName: null,
      profile: null,
      flags: { key: ZERO_KEY, acceptFiles: '~', maxFileSize: '1K', pmtuProbe: false },
      defaultNick: 'me',
      home,
      cwd: home,
    });
    assert.deepEqual(opts.files, { downloadDir: home, acceptDir: home, maxFileBytes: 1024 });
    assert.equal(opts.pmtuProbe, false);
  });
});
