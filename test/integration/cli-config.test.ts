/**
 * The `fernchat` command as a user meets it, part two (cli.test.ts is part
 * one; two files so the runner runs them side by side): a configuration it
 * cannot use, and invite/join.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertUsageFailure, CliSandbox, ensureBuilt, ok, readConfig } from '../_cli.js';

const box = new CliSandbox();
before(() => ensureBuilt());
after(() => box.cleanup());

const ZERO_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const KEY_B = 'ERERERERERERERERERERERERERERERERERERERERERE=';
const isRoot = process.getuid?.() === 0;

describe('broken configuration', { concurrency: 4 }, () => {
  const cases: Array<[string, string, RegExp]> = [
    ['garbage', 'this is {not json', /not valid JSON/],
    ['an empty file', '', /the file is empty/],
    [
      'a schema violation',
      JSON.stringify({ profiles: { alice: { nick: 'a', key: ZERO_KEY, listen: { port: 70000 } } } }),
      /profiles\.alice\.listen\.port must be an integer 1-65535/,
    ],
  ];
  for (const [what, bytes, re] of cases) {
    it(`${what}: exit 2, one line naming the file, file bytes unchanged`, async () => {
      const dir = box.configDir();
      fs.mkdirSync(dir, { mode: 0o700 });
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, bytes, { mode: 0o600 });
      const argLists = [['profile', 'list'], ['profile', 'add', 'x'], ['profile', 'use', 'alice'], ['fingerprint'], ['invite'], ['chat', '--headless']];
      const results = await Promise.all(argLists.map((args) => box.runFast(args, { configDir: dir })));
      for (const r of results) {
        assertUsageFailure(r, re);
        assert.ok(r.errLines[0]!.includes(file), `names the file: ${r.errLines[0]}`);
        assert.match(r.errLines[0]!, /fix or move the file; it was not changed$/);
      }
      assert.equal(fs.readFileSync(file, 'utf8'), bytes);
      assert.deepEqual(fs.readdirSync(dir), ['config.json']);
    });
  }

  it('an uncreatable config dir (a path below a regular file): exit 2, one line, the file intact', async () => {
    const dir = box.configDir();
    fs.mkdirSync(dir);
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'keep');
    assertUsageFailure(
      await box.runFast(['profile', 'add', 'x'], { configDir: path.join(blocker, 'sub') }),
      /cannot write to the config directory .*nothing was changed/,
    );
    assert.equal(fs.readFileSync(blocker, 'utf8'), 'keep');
  });

  it('a config dir under /proc: exit 2 at once, one line naming the directory that cannot be made', async (t) => {
    if (!fs.existsSync('/proc/self')) return t.skip('no /proc here');
    const t0 = Date.now();
    assertUsageFailure(
      await box.runFast(['profile', 'add', 'x'], { configDir: '/proc/fernchat-test/x' }),
      /config directory \/proc\/fernchat-test\/x: \/proc does not take new directories/,
    );
    assert.ok(Date.now() - t0 < 10_000, 'no mkdir loop');
  });

  it('a read-only config dir (chmod 500): exit 2, one line, other profiles intact', async (t) => {
    if (isRoot) {
      const reason = 'running as root: directory permissions do not bind (the test above covers an unwritable dir for root)';
      console.log(`skip: ${reason}`);
      t.skip(reason);
      return;
    }
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'alice', '--key', ZERO_KEY], { configDir: dir }));
    const before = readConfig(dir);
    fs.chmodSync(dir, 0o500);
    try {
      assertUsageFailure(await box.runFast(['profile', 'add', 'bob'], { configDir: dir }), /cannot write to the config directory .*permission denied/);
      assert.equal(readConfig(dir), before);
      assert.match(ok(await box.runFast(['profile', 'list'], { configDir: dir })).stdout, /alice/);
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  });
});

describe('invite and join', { concurrency: 4 }, () => {
  it('invite → join creates the matching profile on the other side', async () => {
    const inviter = box.configDir();
    const joiner = box.configDir();
    ok(await box.runAsync(['profile', 'add', 'home', '--nick', 'alice', '--port', '7001', '--key', KEY_B], { configDir: inviter }));
    const inv = ok(await box.runAsync(['invite', '--host', '127.0.0.1'], { configDir: inviter }));
    const lines = inv.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, 'the code alone on stdout');
    const code = lines[0]!;
    assert.match(code, /^fc1\./);
    assert.match(inv.stderr, /on their machine: fernchat join - --name alice/);
    assert.ok(!inv.stderr.includes(code.slice(4, 20)), 'no copy of the code on stderr (it often ends in logs)');

    const joined = ok(await box.runAsync(['join', code, '--name', 'alice', '--port', '7002', '--nick', 'bob'], { configDir: joiner }));
    assert.match(joined.stderr, /created profile alice \(now the default\)/);
    const p = JSON.parse(ok(await box.runAsync(['profile', 'show', 'alice', '--json', '--reveal'], { configDir: joiner })).stdout) as Record<string, unknown>;
    assert.deepEqual(p.peer, { host: '127.0.0.1', port: 7001 });
    assert.deepEqual(p.listen, { host: '0.0.0.0', port: 7002 });
    assert.equal(p.key, KEY_B);
    assert.equal(p.nick, 'bob');
    assert.equal(p.default, true);
    assert.equal(ok(await box.runAsync(['fingerprint'], { configDir: joiner })).stdout, ok(await box.runAsync(['fingerprint'], { configDir: inviter })).stdout);

    const before = readConfig(joiner);
    assertUsageFailure(await box.runAsync(['join', code, '--name', 'alice'], { configDir: joiner }), /profile "alice" already exists: pass --force/);
    assert.equal(readConfig(joiner), before);
    ok(await box.runAsync(['join', code, '--name', 'alice', '--port', '7003', '--force'], { configDir: joiner }));
    assert.match(readConfig(joiner), /"port": 7003/);
  });

  it('invite uses a non-wildcard listen host as is, without a note', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'p', '--host', '127.0.0.1', '--port', '7009'], { configDir: dir }));
    const r = ok(await box.runFast(['invite'], { configDir: dir }));
    assert.equal(r.errLines.length, 1, r.stderr);
    assert.match(r.errLines[0]!, /on their machine: fernchat join -/);
  });

  it('a truncated or mangled code: exit 2, one clear line, nothing created', async () => {
    const inviter = box.configDir();
    ok(await box.runFast(['profile', 'add', 'home', '--key', KEY_B], { configDir: inviter }));
    const code = ok(await box.runFast(['invite', '--host', '10.0.0.1'], { configDir: inviter })).stdout.trim();
    const joiner = box.configDir();
    assertUsageFailure(
      await box.runFast(['join', code.slice(0, -2), '--name', 'x'], { configDir: joiner }),
      /^fernchat: invite code is truncated or damaged \(checksum mismatch\) — copy the whole line$/,
    );
    const flipped = code.slice(0, 10) + (code[10] === 'A' ? 'B' : 'A') + code.slice(11);
    assertUsageFailure(await box.runFast(['join', flipped, '--name', 'x'], { configDir: joiner }), /truncated or damaged/);
    assert.equal(fs.existsSync(path.join(joiner, 'config.json')), false);
  });
});
