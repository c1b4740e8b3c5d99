/**
 * Keys and the command line (issue 12, part 1): no error path prints any
 * part of a key or an invite code, and keys can reach fernchat without
 * being on the command line (--key-file, FERNCHAT_KEY, join -).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliResult, CliSandbox, ensureBuilt } from '../_cli.js';

const box = new CliSandbox();
before(() => ensureBuilt());
after(() => box.cleanup());

const KEY = 'q1Zx8Kc3-Tb_Ld9WmYp2Rf5NhJ0sAe7VgU4oIiXyEw0=';

/** Exit `code` with exactly one stderr line, prefixed, holding no run of the secret longer than 5 characters. */
function assertOneLineNoSecret(r: CliResult, code: number, secret: string, re?: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.errLines.length, 1, `one stderr line, got: ${r.stderr}`);
  assert.match(r.errLines[0]!, /^fernchat: /);
  if (re) assert.match(r.errLines[0]!, re);
  assertNoPart(r.stdout + r.stderr, secret);
}

/** No 6-character piece of `secret` (past its 'fc1.' prefix) appears in `text`. */
function assertNoPart(text: string, secret: string): void {
  const s = secret.replace(/^fc1\./, '');
  for (let i = 0; i + 6 <= s.length; i++) {
    const piece = s.slice(i, i + 6);
    assert.ok(!text.includes(piece), `output holds ${JSON.stringify(piece)} of the secret: ${text}`);
  }
}

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `exit code; stderr: ${r.stderr}`);
  return r;
}

describe('no error message echoes a key or an invite code', () => {
  const dir = box.configDir();
  before(() => ok(box.run(['profile', 'add', 'work', '--port', '7002'], { configDir: dir })));
  const code = (): string => ok(box.run(['invite', '--profile', 'work', '--host', '127.0.0.1'], { configDir: dir })).stdout.trim();

  // A third of a key is a valid profile name: `profile add` and `join --name` take it (the user chose it).
  const cases: Array<[string, (secret: string) => string[], number, 'fragment'?]> = [
    ['--port', (s) => ['profile', 'set', 'work', '--port', s], 2, 'fragment'],
    ['chat --port', (s) => ['chat', '--key', KEY, '--port', s], 2, 'fragment'],
    ['--linger', (s) => ['chat', '--headless', '--key', KEY, '--linger', s], 2, 'fragment'],
    ['--clock-skew', (s) => ['chat', '--key', KEY, '--clock-skew', s], 2, 'fragment'],
    ['--token-ttl', (s) => ['profile', 'set', 'work', '--token-ttl', s], 2, 'fragment'],
    ['--scrollback', (s) => ['profile', 'set', 'work', '--scrollback', s], 2, 'fragment'],
    ['--peer', (s) => ['profile', 'set', 'work', '--peer', `127.0.0.1:${s}`], 2, 'fragment'],
    ['profile add', (s) => ['profile', 'add', s], 2],
    ['join --name', (s) => ['join', code(), '--name', s], 2],
    ['--profile', (s) => ['chat', '--profile', s], 2, 'fragment'],
    ['fingerprint --profile', (s) => ['fingerprint', '--profile', s], 2, 'fragment'],
    ['profile show', (s) => ['profile', 'show', s], 2, 'fragment'],
    ['profile set', (s) => ['profile', 'set', s, '--nick', 'x'], 2, 'fragment'],
    ['profile rm', (s) => ['profile', 'rm', s], 2, 'fragment'],
    ['profile use', (s) => ['profile', 'use', s], 2, 'fragment'],
    ['a stray argument', (s) => ['profile', 'list', s], 2, 'fragment'],
  ];
  for (const [what, args, exit, fragment] of cases) {
    it(`${what} KEY: one line, exit ${exit}, no part of the key`, () => {
      const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
      assertOneLineNoSecret(box.run(args(KEY), { configDir: dir }), exit, KEY);
      // A standard-alphabet key and a third of a key are hidden too.
      assertOneLineNoSecret(box.run(args(KEY.replace(/-/g, '+').replace(/_/g, '/')), { configDir: dir }), exit, KEY);
      if (fragment) assertOneLineNoSecret(box.run(args(KEY.slice(10, 26)), { configDir: dir }), exit, KEY.slice(10, 26));
      assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), before, 'profiles untouched');
    });
    it(`${what} INVITE-CODE: one line, exit ${exit}, no part of the code`, () => {
      const c = code();
      assertOneLineNoSecret(box.run(args(c), { configDir: dir }), exit, c);
    });
  }

  it('an ordinary wrong value is still quoted', () => {
    const r = box.run(['profile', 'show', 'nosuch'], { configDir: dir });
    assertOneLineNoSecret(r, 2, KEY, /no profile named "nosuch"/);
    assert.match(box.run(['profile', 'set', 'work', '--port', 'abc'], { configDir: dir }).stderr, /got "abc"/);
  });
});

describe('key strictness', () => {
  it("a 43-character key without its '=' is refused as Python refuses it: one line, exit 2", () => {
    assertOneLineNoSecret(box.run(['fingerprint', '--key', KEY.slice(0, 43)]), 2, KEY, /lacks its final '='/);
    ok(box.run(['fingerprint', '--key', KEY]));
  });
});
