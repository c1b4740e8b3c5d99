/**
 * Keys and the command line (issue 12, part 1): no error path prints any
 * part of a key or an invite code, and keys can reach fernchat without
 * being on the command line (--key-file, FERNCHAT_KEY, join -).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readKeyFileKeys, writeKeyFile } from '../../src/config/key-file.js';
import { type CliResult, CliSandbox, ensureBuilt, ok } from '../_cli.js';
import { freeUdpPorts, HeadlessProc } from '../_headless-proc.js';

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

// Cases run four at a time (each is a few process starts that only read the config).
describe('no error message echoes a key or an invite code', { concurrency: 4 }, () => {
  const dir = box.configDir();
  // One invite code serves every case (each run of `invite` costs a process start).
  let invite = '';
  before(async () => {
    ok(await box.runFast(['profile', 'add', 'work', '--port', '7002'], { configDir: dir }));
    invite = ok(await box.runFast(['invite', '--profile', 'work', '--host', '127.0.0.1'], { configDir: dir })).stdout.trim();
  });
  const code = (): string => invite;

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
    it(`${what} KEY: one line, exit ${exit}, no part of the key`, async () => {
      const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
      // The key, the same key in the standard alphabet, and a third of it: all hidden.
      const [whole, standard, third] = await Promise.all([
        box.runFast(args(KEY), { configDir: dir }),
        box.runFast(args(KEY.replace(/-/g, '+').replace(/_/g, '/')), { configDir: dir }),
        fragment ? box.runFast(args(KEY.slice(10, 26)), { configDir: dir }) : null,
      ]);
      assertOneLineNoSecret(whole, exit, KEY);
      assertOneLineNoSecret(standard, exit, KEY);
      if (third !== null) assertOneLineNoSecret(third, exit, KEY.slice(10, 26));
      assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), before, 'profiles untouched');
    });
    it(`${what} INVITE-CODE: one line, exit ${exit}, no part of the code`, async () => {
      const c = code();
      assertOneLineNoSecret(await box.runFast(args(c), { configDir: dir }), exit, c);
    });
  }

  it('an ordinary wrong value is still quoted', async () => {
    const r = await box.runFast(['profile', 'show', 'nosuch'], { configDir: dir });
    assertOneLineNoSecret(r, 2, KEY, /no profile named "nosuch"/);
    assert.match((await box.runFast(['profile', 'set', 'work', '--port', 'abc'], { configDir: dir })).stderr, /got "abc"/);
  });
});

describe('key strictness', { concurrency: 4 }, () => {
  it("a 43-character key without its '=' is refused as Python refuses it: one line, exit 2", async () => {
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key', KEY.slice(0, 43)]), 2, KEY, /lacks its final '='/);
    ok(await box.runFast(['fingerprint', '--key', KEY]));
  });
});

describe('keys off the command line', { concurrency: 4 }, () => {
  const keyFile = (mode: number, text = `${KEY}\n`): string => {
    const f = path.join(box.root, `key-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(f, text, { mode });
    fs.chmodSync(f, mode);
    return f;
  };
  let fp = '';
  before(async () => {
    fp = ok(await box.runFast(['fingerprint', '--key', KEY])).stdout;
  });

  it('--key-file, FERNCHAT_KEY and --key give the same key', async () => {
    assert.equal(ok(await box.runAsync(['fingerprint', '--key-file', keyFile(0o600)])).stdout, fp);
    assert.equal(ok(await box.runFast(['fingerprint', '--key-file', keyFile(0o400, KEY)])).stdout, fp);
    assert.equal(ok(await box.runAsync(['fingerprint'], { env: { FERNCHAT_KEY: KEY } })).stdout, fp);
  });

  it('precedence: --key > --key-file > --profile NAME > FERNCHAT_KEY > the default profile', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'p'], { configDir: dir }));
    const profileFp = ok(await box.runFast(['fingerprint'], { configDir: dir })).stdout;
    assert.notEqual(profileFp, fp);
    const env = { FERNCHAT_KEY: KEY };
    assert.equal(ok(await box.runFast(['fingerprint'], { configDir: dir, env })).stdout, fp, 'the variable wins over the default profile');
    assert.equal(ok(await box.runFast(['fingerprint', '--profile', 'p'], { configDir: dir, env })).stdout, profileFp, 'a named profile wins over the variable');
    const other = ok(await box.runFast(['keygen'])).stdout.trim();
    const otherFp = ok(await box.runFast(['fingerprint', '--key', other])).stdout;
    assert.equal(ok(await box.runFast(['fingerprint', '--key-file', keyFile(0o600, other)], { configDir: dir, env })).stdout, otherFp);
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key', KEY, '--key-file', keyFile(0o600)]), 2, KEY, /give --key or --key-file, not both/);
  });

  it('a key file others can read is refused as ssh refuses it: one line naming the file and chmod 600', async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      const f = keyFile(mode);
      assertOneLineNoSecret(
        await box.runFast(['fingerprint', '--key-file', f]),
        2,
        KEY,
        new RegExp(`key file ${f} is accessible by other users .*chmod 600 ${f}$`),
      );
    }
  });

  it('a missing, unreadable, empty, oversized or malformed key file: one line, exit 2, never the content', async (t) => {
    const missing = path.join(box.root, 'nope');
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key-file', missing]), 2, KEY, /cannot read key file .*nope: no such file/);
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key-file', box.root]), 2, KEY, /is not a regular file/);
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key-file', keyFile(0o600, '\n')]), 2, KEY, /is empty/);
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key-file', keyFile(0o600, KEY.repeat(200))]), 2, KEY, /is not a key file/);
    assertOneLineNoSecret(
      await box.runFast(['fingerprint', '--key-file', keyFile(0o600, KEY.slice(0, 43))]),
      2,
      KEY,
      /does not hold a valid Fernet key: key lacks/,
    );
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key-file', keyFile(0o600, KEY.slice(0, 30))]), 2, KEY, /does not hold a valid Fernet key/);
    assertOneLineNoSecret(
      await box.runFast(['fingerprint'], { env: { FERNCHAT_KEY: KEY.slice(0, 43) } }),
      2,
      KEY,
      /^fernchat: FERNCHAT_KEY is not a valid Fernet key/,
    );
    if (process.getuid?.() === 0) t.diagnostic('root reads a 000 file: the unreadable case is skipped');
    else assertOneLineNoSecret(await box.runFast(['fingerprint', '--key-file', keyFile(0o000)]), 2, KEY, /cannot read key file .*: permission denied/);
  });

  it('profile add and set take --key-file; a bad one leaves the profiles untouched', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'p', '--key-file', keyFile(0o600)], { configDir: dir }));
    assert.equal(ok(await box.runFast(['fingerprint', '--profile', 'p'], { configDir: dir })).stdout, fp);
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    assertOneLineNoSecret(await box.runFast(['profile', 'set', 'p', '--key-file', keyFile(0o644)], { configDir: dir }), 2, KEY, /chmod 600/);
    assertOneLineNoSecret(await box.runFast(['profile', 'add', 'q', '--key-file', path.join(box.root, 'nope')], { configDir: dir }), 2, KEY, /no such file/);
    assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), before);
  });

  it('invite prints the code on stdout only; join - reads it from stdin', async () => {
    const inviter = box.configDir();
    ok(await box.runAsync(['profile', 'add', 'home', '--nick', 'alice', '--key', KEY], { configDir: inviter }));
    const inv = ok(await box.runAsync(['invite', '--host', '127.0.0.1'], { configDir: inviter }));
    const code = inv.stdout.trim();
    assertNoPart(inv.stderr, code);
    assertNoPart(inv.stderr, KEY);
    const joiner = box.configDir();
    const joined = ok(await box.runAsync(['join', '-', '--nick', 'bob'], { configDir: joiner, input: `\n${code}\n` }));
    assertNoPart(joined.stdout + joined.stderr, code);
    assert.equal(ok(await box.runAsync(['fingerprint'], { configDir: joiner })).stdout, fp);
    assertOneLineNoSecret(await box.runAsync(['join', '-'], { configDir: box.configDir(), input: '' }), 2, KEY, /invite code is empty/);
    assertOneLineNoSecret(await box.runAsync(['join', '-'], { configDir: box.configDir(), input: code.slice(0, -3) }), 2, code, /truncated or damaged/);
  });
});

describe('a chat with its key off the command line', { concurrency: 4 }, () => {
  it('FERNCHAT_KEY on one side, --key-file on the other: a line each way, and no key in either /proc/PID/cmdline', async (t) => {
    const [pa, pb] = await freeUdpPorts(2);
    const file = path.join(box.root, 'chat.key');
    fs.writeFileSync(file, `${KEY}\n`, { mode: 0o600 });
    const home = { HOME: box.root, XDG_CONFIG_HOME: path.join(box.root, 'xdg') };
    const common = ['chat', '--headless', '--host', '127.0.0.1', '--linger', '5'];
    const alice = new HeadlessProc([...common, '--nick', 'alice', '--port', String(pa), '--peer', `127.0.0.1:${pb}`], { ...home, FERNCHAT_KEY: KEY });
    const bob = new HeadlessProc([...common, '--nick', 'bob', '--port', String(pb), '--peer', `127.0.0.1:${pa}`, '--key-file', file], home);
    t.after(() => (alice.kill(), bob.kill()));
    await alice.waitLine('err', /listening on/, 10_000);
    await bob.waitLine('err', /listening on/, 10_000);
    for (const p of [alice, bob]) {
      const cmdline = fs.readFileSync(`/proc/${p.child.pid}/cmdline`, 'utf8').split('\0').join(' ');
      assertNoPart(cmdline, KEY);
      assert.match(cmdline, /chat --headless/);
    }
    alice.write('hello from alice');
    bob.write('hello from bob');
    await bob.waitLine('out', /<alice> hello from alice/, 10_000);
    await alice.waitLine('out', /<bob> hello from bob/, 10_000);
    alice.end();
    bob.end();
    assert.equal(await alice.exitCode(15_000), 0);
    assert.equal(await bob.exitCode(15_000), 0);
    assertNoPart([...alice.out, ...alice.err, ...bob.out, ...bob.err].join('\n'), KEY);
  });
});

describe('invite --host', { concurrency: 4 }, () => {
  it('an IPv6 --host for a profile listening on 0.0.0.0 is refused with one line saying why and what to do; --host :: fixes it', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'p'], { configDir: dir }));
    const r = await box.runFast(['invite', '--host', '::1'], { configDir: dir });
    assertOneLineNoSecret(
      r,
      2,
      KEY,
      /listens on 0\.0\.0\.0 \(IPv4 only\).*IPv6 address ::1: pass an IPv4 --host, or listen on both with fernchat profile set p --host ::$/,
    );
    assert.equal(r.stdout, '', 'no code');
    ok(await box.runFast(['profile', 'set', 'p', '--host', '::'], { configDir: dir }));
    assert.match(ok(await box.runFast(['invite', '--host', '::1'], { configDir: dir })).stdout, /^fc1\./);
  });
});

describe('a key file keeps an unfinished rotation, as a profile does', { concurrency: 4 }, () => {
  it('writeKeyFile → readKeyFileKeys round-trips the pending key; mode 600; no overwrite unless asked; a damaged pending line is one line', async () => {
    const file = path.join(box.root, 'rot.key');
    const other = ok(await box.runFast(['keygen'])).stdout.trim();
    const keys = { key: KEY, pendingKey: { key: other, slot: 'previous' as const } };
    writeKeyFile(file, keys, { replace: false });
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
    assert.deepEqual(readKeyFileKeys(file), keys);
    assert.throws(() => writeKeyFile(file, { key: other, pendingKey: null }, { replace: false }), /it already exists/);
    assert.equal(ok(await box.runFast(['fingerprint', '--key-file', file])).stdout, ok(await box.runFast(['fingerprint', '--key', KEY])).stdout);
    writeKeyFile(file, { key: other, pendingKey: null }, { replace: true });
    assert.deepEqual(readKeyFileKeys(file), { key: other, pendingKey: null });
    assert.equal(fs.readFileSync(file, 'utf8'), `${other}\n`, 'one line again once the rotation is done');
    fs.writeFileSync(file, `${KEY}\n# fernchat pending-key {"key":"${other.slice(0, 30)}","slot":"next"}\n`, { mode: 0o600 });
    assertOneLineNoSecret(await box.runFast(['fingerprint', '--key-file', file]), 2, other, /its pending-key line is damaged; fix or remove that line$/);
    assertNoPart((await box.runFast(['fingerprint', '--key-file', file])).stderr, KEY);
  });
});
