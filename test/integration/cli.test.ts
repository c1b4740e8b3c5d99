/**
 * The `fernchat` command as a user meets it: one temp config dir per test,
 * exit codes and the exact shape of stdout/stderr. Some tests spawn
 * dist/cli.js; the one-shot commands otherwise run in this process
 * (_cli.ts), and the first describe shows both give the same results.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fingerprint, parseKey } from '../../src/crypto/keys.js';
import { assertUsageFailure, CliSandbox, ensureBuilt, ok, PACKAGE_VERSION, readConfig } from '../_cli.js';

const box = new CliSandbox();
before(() => ensureBuilt());
after(() => box.cleanup());

const ZERO_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const KEY_B = 'ERERERERERERERERERERERERERERERERERERERERERE=';

describe('the in-process runner', () => {
  it('gives what the binary gives: exit code, stdout and stderr, byte for byte', async () => {
    const [spawned, here] = [box.configDir(), box.configDir()];
    const steps: string[][] = [
      ['--version'],
      ['profile', 'list'],
      ['profile', 'add', 'bob', '--key', KEY_B, '--nick', 'al', '--port', '7001', '--peer', '127.0.0.1:7002'],
      ['profile', 'add', 'bob'],
      ['profile', 'show', 'bob', '--json', '--reveal'],
      ['profile', 'set', 'bob', '--history', 'on'],
      ['fingerprint'],
      ['invite', '--host', '127.0.0.1'],
      ['history', 'bob'],
      // (a room made has a random key and member id: only the refusals compare)
      ['room', 'create', 'club', '--port', '0'],
      ['room'],
      ['profile', 'list'],
      ['keygen', '--bogus-flag'],
      ['profile', 'use'],
      ['profile', 'add', 'x', '--help'],
    ];
    for (const args of steps) {
      const [a, b] = [await box.runAsync(args, { configDir: spawned }), await box.runInProcess(args, { configDir: here })];
      const same = (text: string, dir: string): string => text.split(dir).join('CONFIG');
      assert.deepEqual(
        { code: b.code, stdout: same(b.stdout, here), stderr: same(b.stderr, here) },
        { code: a.code, stdout: same(a.stdout, spawned), stderr: same(a.stderr, spawned) },
        args.join(' '),
      );
    }
  });
});

describe('keys', { concurrency: 4 }, () => {
  it('keygen prints one line holding a key parseKey accepts, new each time', async () => {
    const a = ok(await box.runAsync(['keygen']));
    const b = ok(await box.runAsync(['keygen']));
    assert.match(a.stdout, /^[A-Za-z0-9_-]{43}=\n$/);
    assert.equal(parseKey(a.stdout).length, 32);
    assert.notEqual(a.stdout, b.stdout);
  });

  it('fingerprint with --key and with --profile agree, and match the library', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'bob', '--key', KEY_B], { configDir: dir }));
    const byKey = ok(await box.runFast(['fingerprint', '--key', KEY_B], { configDir: dir })).stdout.trim();
    const byProfile = ok(await box.runFast(['fingerprint', '--profile', 'bob'], { configDir: dir })).stdout.trim();
    const byDefault = ok(await box.runFast(['fingerprint'], { configDir: dir })).stdout.trim();
    assert.equal(byKey, fingerprint(parseKey(KEY_B)));
    assert.equal(byProfile, byKey);
    assert.equal(byDefault, byKey);
  });

  it('a wrong key is one line naming the problem, exit 2, never the key', async () => {
    const bad = 'SECRETSECRETSECRETSECRETSECRETSECRET';
    const r = await box.runFast(['fingerprint', '--key', bad]);
    assertUsageFailure(r, /--key is not a valid Fernet key: key decodes to 27 bytes/);
    assert.ok(!r.stderr.includes('SECRETSECRET'));
    assertUsageFailure(await box.runFast(['fingerprint', '--key', 'ab\u00e9c']), /key contains U\+00E9 at position 3/);
  });

  it('--debug adds the stack trace', async () => {
    const r = await box.runFast(['fingerprint', '--key', 'nope', '--debug']);
    assert.equal(r.code, 2);
    assert.match(r.errLines[0]!, /^fernchat: --key is not a valid Fernet key/);
    assert.match(r.stderr, /^\s+at /m);
  });
});

describe('profiles', { concurrency: 4 }, () => {
  it('add, list, show (masked), show --reveal, set, use, rm', async () => {
    const dir = box.configDir();
    const added = ok(await box.runAsync(['profile', 'add', 'alice', '--port', '7001', '--peer', '127.0.0.1:7002', '--nick', 'al'], { configDir: dir }));
    assert.match(added.stderr, /added profile alice \(now the default\)/);
    assert.match(added.stderr, /generated a new key/);
    ok(await box.runAsync(['profile', 'add', 'bob', '--key', KEY_B, '--peer', '[::1]:7755'], { configDir: dir }));

    const list = ok(await box.runAsync(['profile', 'list'], { configDir: dir }))
      .stdout.trim()
      .split('\n');
    assert.equal(list.length, 2);
    assert.match(list[0]!, /^\*\s+alice\s+peer 127\.0\.0\.1:7002/);
    assert.match(list[1]!, /^\s+bob\s+peer \[::1\]:7755/);

    const shown = ok(await box.runAsync(['profile', 'show', 'bob'], { configDir: dir })).stdout;
    assert.match(shown, /^key\s+\(masked: --reveal shows it\)$/m);
    assert.ok(!shown.includes(KEY_B));
    assert.match(shown, new RegExp(`^fingerprint\\s+${fingerprint(parseKey(KEY_B))}$`, 'm'));
    const revealed = ok(await box.runAsync(['profile', 'show', 'bob', '--reveal'], { configDir: dir })).stdout;
    assert.match(revealed, new RegExp(`^key\\s+${KEY_B}$`, 'm'));
    const json = JSON.parse(ok(await box.runAsync(['profile', 'show', 'bob', '--json'], { configDir: dir })).stdout) as Record<string, unknown>;
    assert.equal(json.key, '(masked: --reveal shows it)');

    const before = JSON.parse(readConfig(dir)) as { profiles: Record<string, Record<string, unknown>> };
    ok(await box.runAsync(['profile', 'set', 'bob', '--port', '7100', '--mouse'], { configDir: dir }));
    const afterSet = JSON.parse(readConfig(dir)) as typeof before;
    assert.deepEqual(afterSet.profiles.bob!.listen, { host: '0.0.0.0', port: 7100 });
    assert.equal((afterSet.profiles.bob!.ui as Record<string, unknown>).mouse, true);
    assert.equal(afterSet.profiles.bob!.key, KEY_B);
    assert.deepEqual(afterSet.profiles.alice, before.profiles.alice);

    ok(await box.runAsync(['profile', 'use', 'bob'], { configDir: dir }));
    assert.match(ok(await box.runAsync(['profile', 'list'], { configDir: dir })).stdout, /^\*\s+bob/m);
    const rm = ok(await box.runAsync(['profile', 'rm', 'bob'], { configDir: dir }));
    assert.match(rm.stderr, /it was the default/);
    const cfg = JSON.parse(readConfig(dir)) as { defaultProfile: unknown; profiles: object };
    assert.equal(cfg.defaultProfile, null);
    assert.deepEqual(Object.keys(cfg.profiles), ['alice']);
  });

  it('add refuses an existing name; a missing profile is one line listing the known ones', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'alice'], { configDir: dir }));
    const before = readConfig(dir);
    assertUsageFailure(await box.runFast(['profile', 'add', 'alice', '--key', KEY_B], { configDir: dir }), /profile "alice" already exists/);
    assert.equal(readConfig(dir), before);
    for (const args of [
      ['profile', 'show', 'zed'],
      ['fingerprint', '--profile', 'zed'],
      ['chat', '--profile', 'zed'],
      ['profile', 'rm', 'zed'],
    ]) {
      // One at a time: a failing `profile rm` must not race the others.
      assertUsageFailure(await box.runFast(args, { configDir: dir }), /^fernchat: no profile named "zed" \(known profiles: alice\)$/);
    }
    assert.equal(readConfig(dir), before);
  });

  it('FERNCHAT_CONFIG_DIR is used when --config-dir is not given', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'envy', '--key', ZERO_KEY], { env: { FERNCHAT_CONFIG_DIR: dir } }));
    assert.match(readConfig(dir), /"envy"/);
  });

  it('a fresh directory is 0700 and the file 0600', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'a'], { configDir: dir }));
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'config.json')).mode & 0o777, 0o600);
  });

  it('a file readable by others gets one warning line, and the command still works', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'a', '--key', ZERO_KEY], { configDir: dir }));
    fs.chmodSync(path.join(dir, 'config.json'), 0o644);
    const r = ok(await box.runFast(['profile', 'list'], { configDir: dir }));
    assert.equal(r.errLines.length, 1);
    assert.match(r.errLines[0]!, /^fernchat: warning: .*config\.json is readable by other users \(mode 0644\); run: chmod 600 /);
    assert.match(r.stdout, /^\*\s+a\s/);
  });
});

describe('command line', { concurrency: 4 }, () => {
  it('unknown flags and commands are usage errors', async () => {
    assertUsageFailure(await box.runFast(['keygen', '--frobnicate']), /Unknown argument: frobnicate/);
    assertUsageFailure(await box.runAsync(['frobnicate']), /frobnicate/);
    assertUsageFailure(await box.runFast(['profile', 'add']), /missing argument \(see fernchat profile add --help\)/);
  });

  it('a key or invite code pasted without its flag is never echoed back', async () => {
    const key = (await box.runFast(['keygen'])).stdout.trim();
    const dashed = `-${key.slice(1)}`; // one key in 64 starts with '-': yargs would read it as short flags
    const argLists = [['chat', key], ['keygen', key], [key], ['chat', dashed], [dashed]];
    const results = await Promise.all(argLists.map((args) => box.runFast(args)));
    for (const [i, args] of argLists.entries()) {
      const r = results[i]!;
      assertUsageFailure(r, /hidden: looks like a key or invite code.*a key goes after --key/);
      assert.ok(!r.stderr.includes(key.slice(1, 21)), `${args.join(' ').length} chars of args: the key leaked: ${r.stderr}`);
      assert.ok(r.stderr.split(',').length < 5, `no letter-by-letter echo: ${r.stderr}`);
    }
  });

  it('chat without a profile or a key says how to create one', async () => {
    assertUsageFailure(
      await box.runAsync(['chat', '--headless'], { configDir: box.configDir() }),
      /fernchat profile add NAME --peer HOST:PORT.*fernchat join -.*--key-file FILE/,
    );
    assertUsageFailure(
      await box.runAsync(['chat', '--headless', '--key', ZERO_KEY, '--port', '70000'], { configDir: box.configDir() }),
      /--port must be an integer 1-65535/,
    );
    assertUsageFailure(
      await box.runAsync(['--headless', '--key', ZERO_KEY, '--peer', '127.0.0.1'], { configDir: box.configDir() }),
      /--peer must be HOST:PORT/,
    );
  });

  const commands = [
    [],
    ['chat'],
    ['demo'],
    ['keygen'],
    ['fingerprint'],
    ['profile'],
    ['profile', 'list'],
    ['profile', 'show'],
    ['profile', 'add'],
    ['profile', 'set'],
    ['profile', 'rm'],
    ['profile', 'use'],
    ['invite'],
    ['join'],
  ];
  it('--help works for every command, exits 0 and shows an example', async () => {
    const results = await Promise.all(commands.map((c) => box.runFast([...c, '--help'])));
    for (const [i, c] of commands.entries()) {
      const r = results[i]!;
      assert.equal(r.code, 0, `${c.join(' ')} --help: ${r.stderr}`);
      assert.match(r.stdout, /Examples:\n\s+fernchat/, `${c.join(' ')} --help shows an example`);
    }
  });

  it('an unknown dashed flag is named once, as typed', async () => {
    assertUsageFailure(await box.runFast(['keygen', '--bogus-flag']), /: Unknown argument: bogus-flag \(see fernchat keygen --help\)$/);
    const r = await box.runFast(['keygen', '--bogus-flag', '--other-one', '-x']);
    assertUsageFailure(r, /: Unknown arguments: bogus-flag, other-one, x \(see fernchat keygen --help\)$/);
    assert.doesNotMatch(r.stderr, /bogusFlag|otherOne/);
  });

  it('--help lists only the options that do something there', async () => {
    const keygen = ok(await box.runAsync(['keygen', '--help'])).stdout;
    assert.doesNotMatch(keygen, /--profile|--config-dir/, 'keygen reads no profile');
    assert.match(keygen, /--debug/);
    const list = ok(await box.runFast(['profile', 'list', '--help'])).stdout;
    assert.doesNotMatch(list, /--profile/, 'profile list lists every profile');
    assert.match(list, /--config-dir/);
    // Still there where they count.
    assert.match(ok(await box.runFast(['profile', 'show', '--help'])).stdout, /--profile/);
  });

  it('--key is described for what it does in profile add and in profile set', async () => {
    const helpLine = async (args: string[]): Promise<string> =>
      ok(await box.runFast([...args, '--help']))
        .stdout.split('\n')
        .find((l) => l.includes('--key')) ?? '';
    const [add, set] = await Promise.all([helpLine(['profile', 'add']), helpLine(['profile', 'set'])]);
    assert.match(add, /generated/);
    assert.doesNotMatch(set, /generated/);
    assert.match(set, /Fernet key/);
  });

  it('--version prints the package version', async () => {
    assert.equal(ok(await box.runAsync(['--version'])).stdout.trim(), PACKAGE_VERSION);
  });
});
