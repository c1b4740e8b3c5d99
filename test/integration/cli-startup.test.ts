/**
 * What each command loads. Start-up time is mostly module loading (conf and
 * ajv alone are ~150 files), so the rule is structural: a command loads the
 * config store only when it reads profiles, and the UI only when it draws.
 *
 * dist/cli.js runs with a module hook (node:module register(), through
 * NODE_OPTIONS) that appends every URL Node loads to a log file; the tests
 * read that list. The hook sees ESM imports and the CommonJS packages they
 * import (conf → ajv, ui → blessed), which is all these checks need.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CliSandbox, ensureBuilt } from '../_cli.js';

const box = new CliSandbox();
const hookDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-hook-'));
const LOG_ENV = 'FERNCHAT_TEST_LOAD_LOG';
const KEY = 'ERERERERERERERERERERERERERERERERERERERERERE=';

before(() => {
  ensureBuilt();
  fs.writeFileSync(
    path.join(hookDir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.${LOG_ENV}, url + '\\n');
  return next(url, context);
}
`,
  );
  fs.writeFileSync(path.join(hookDir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
});
after(() => {
  box.cleanup();
  fs.rmSync(hookDir, { recursive: true, force: true });
});

let runs = 0;

/** Runs the CLI; returns its exit code and the URLs it loaded. */
async function loadedBy(args: string[], opts: { configDir?: string } = {}): Promise<{ code: number | null; urls: string[]; stderr: string }> {
  runs += 1;
  const log = path.join(hookDir, `loaded-${runs}.txt`);
  const r = await box.runAsync(args, {
    ...opts,
    env: { NODE_OPTIONS: `--import=${pathToFileURL(path.join(hookDir, 'register.mjs')).href}`, [LOG_ENV]: log },
  });
  const urls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.code, urls, stderr: r.stderr };
}

/** Module groups by what they cost and who needs them. */
const STORE = [/\/node_modules\/conf\//, /\/node_modules\/ajv\//, /\/dist\/config\/store\.js$/];
const UI = [/\/node_modules\/blessed\//, /\/dist\/ui\//, /\/dist\/demo\.js$/];
const TRANSPORT = [/\/dist\/session\.js$/, /\/dist\/net\/transport\.js$/];

function loads(urls: string[], group: RegExp[]): string[] {
  return urls.filter((u) => group.some((re) => re.test(u)));
}

// Each run goes through a module loader hook (slow to start): four at a time.
describe('what a command loads', { concurrency: 4 }, () => {
  it('the hook sees what a command loads lazily (else the checks below prove nothing)', async () => {
    const dir = box.configDir();
    const r = await loadedBy(['profile', 'list'], { configDir: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.urls.some((u) => u.endsWith('/dist/cli.js')),
      'cli.js is in the log',
    );
    assert.notDeepEqual(loads(r.urls, STORE), [], 'profile list loads the store');
    assert.deepEqual(loads(r.urls, UI), [], 'profile list draws nothing');
  });

  const noProfile = [
    ['--version'],
    ['--help'],
    ['keygen'],
    ['fingerprint', '--key', KEY],
    ['demo', '--help'],
    ['profile', 'add', '--help'],
    ['join', '--help'],
  ];
  for (const args of noProfile) {
    it(`${args.map((x) => (x === KEY ? 'KEY' : x)).join(' ')}: neither the config store nor the UI nor the transport`, async () => {
      const r = await loadedBy(args, { configDir: box.configDir() });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(loads(r.urls, STORE), []);
      assert.deepEqual(loads(r.urls, UI), []);
      assert.deepEqual(loads(r.urls, TRANSPORT), []);
    });
  }

  it('demo loads the UI but reads no config (here it stops at "not a terminal", before any socket)', async () => {
    const r = await loadedBy(['demo'], { configDir: box.configDir() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /terminal/);
    assert.notDeepEqual(loads(r.urls, UI), [], 'the demo got as far as the UI');
    assert.deepEqual(loads(r.urls, STORE), []);
  });

  it('demo --profile reads the config', async () => {
    const dir = box.configDir();
    assert.equal((await box.runFast(['profile', 'add', 'bob', '--key', KEY, '--peer', '127.0.0.1:7001'], { configDir: dir })).code, 0);
    const r = await loadedBy(['demo', '--profile', 'bob'], { configDir: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.notDeepEqual(loads(r.urls, STORE), []);
  });
});

describe('yargs texts', () => {
  it('stay English under another locale, like the rest of fernchat', () => {
    const r = box.run(['join'], { env: { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } });
    assert.equal(r.code, 2);
    assert.deepEqual(r.errLines, ['fernchat: missing argument (see fernchat join --help)']);
    const bad = box.run(['keygen', '--frobnicate'], { env: { LANG: 'de_DE.UTF-8' } });
    assert.deepEqual(bad.errLines, ['fernchat: Unknown argument: frobnicate (see fernchat keygen --help)']);
  });
});
