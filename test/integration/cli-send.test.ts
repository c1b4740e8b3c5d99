/**
 * `fernchat send FILE` against a headless receiver on loopback: exit 0 when
 * the peer holds the verified file, 1 when it declines or never answers
 * (--timeout), 2 on bad usage, 130 on SIGINT with a line about resuming.
 * The cases run side by side, each on its own ports.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertUsageFailure, CliSandbox, ensureBuilt } from '../_cli.js';
import { freeUdpPorts, headless, HeadlessProc } from '../_headless-proc.js';
import { loopbackFlags } from '../../src/testing/ports.js';

const WAIT_MS = 20_000;
const KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

before(() => ensureBuilt());
const box = new CliSandbox();
after(() => box.cleanup());

function dir(name: string): string {
  const d = path.join(box.root, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function file(name: string, bytes: number): { path: string; data: Buffer } {
  const data = randomBytes(bytes);
  const p = path.join(dir('src'), name);
  fs.writeFileSync(p, data);
  return { path: p, data };
}

describe('fernchat send', { concurrency: true }, () => {
  test('exit 0 once the receiver holds the whole file; state lines, no progress bar when stderr is not a terminal', { timeout: 60_000 }, async (t) => {
    const [ps, pr] = await freeUdpPorts(2);
    const inbox = dir('inbox-ok');
    const f = file('ok.bin', 200 * 1024 + 3);
    const rx = headless(t, ['--config-dir', box.configDir(), `--key=${KEY}`, ...loopbackFlags(pr, ps), '--accept-files', inbox]);
    await rx.waitLine('err', /^listening on/, WAIT_MS);
    const r = await box.runAsync(['send', f.path, `--key=${KEY}`, ...loopbackFlags(ps, pr)], { configDir: box.configDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(path.join(inbox, 'ok.bin')), f.data);
    assert.match(r.stderr, /^transfer 1: ✓ sent ok\.bin/m);
    assert.doesNotMatch(r.stderr, /\r/, 'no progress bar on a pipe');
  });

  test('exit 1 with the reason when the receiver types /decline', { timeout: 60_000 }, async (t) => {
    const [ps, pr] = await freeUdpPorts(2);
    const f = file('no.bin', 4096);
    const rx = headless(t, ['--config-dir', box.configDir(), `--key=${KEY}`, ...loopbackFlags(pr, ps)]);
    await rx.waitLine('err', /^listening on/, WAIT_MS);
    const sending = box.runAsync(['send', f.path, `--key=${KEY}`, ...loopbackFlags(ps, pr)], { configDir: box.configDir() });
    await rx.waitLine('err', /^transfer 1: offered: no\.bin \(4\.0 KiB, sha256 [0-9a-f]{12}\) — \/accept 1 or \/decline 1$/, WAIT_MS);
    rx.write('/decline');
    const r = await sending;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.errLines.at(-1)!, /^transfer 1: ✗ no\.bin: the peer declined it/);
  });

  test('--timeout: exit 1 and the offer withdrawn when nobody answers', { timeout: 30_000 }, async () => {
    const [ps, pr] = await freeUdpPorts(2);
    const f = file('late.bin', 100);
    const r = await box.runAsync(['send', f.path, `--key=${KEY}`, ...loopbackFlags(ps, pr), '--timeout', '1'], { configDir: box.configDir() });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^fernchat: no answer from the peer within 1 s; the offer is withdrawn$/m);
  });

  test('SIGINT: exit 130 with a line saying the same command resumes', { timeout: 30_000 }, async (t) => {
    const [ps, pr] = await freeUdpPorts(2);
    const f = file('stop.bin', 100);
    const p = new HeadlessProc(['--config-dir', box.configDir(), 'send', f.path, `--key=${KEY}`, ...loopbackFlags(ps, pr)]);
    t.after(() => p.kill());
    await p.waitLine('err', /^transfer 1: → stop\.bin .*offered, waiting for the peer/, WAIT_MS);
    p.child.kill('SIGINT');
    assert.equal(await p.exitCode(WAIT_MS), 130);
    assert.match(p.err.at(-1)!, /^fernchat: interrupted; running the same command again resumes stop\.bin/);
  });

  test('bad usage is one line, exit 2', async () => {
    const [missing, isDir, badTimeout] = await Promise.all([
      box.runAsync(['send', path.join(box.root, 'absent.bin'), `--key=${KEY}`]),
      box.runAsync(['send', dir('a-dir'), `--key=${KEY}`]),
      box.runAsync(['send', file('x.bin', 1).path, `--key=${KEY}`, '--timeout', 'soon']),
    ]);
    assertUsageFailure(missing, /cannot send .*absent\.bin: no such file$/);
    assertUsageFailure(isDir, /it is a directory/);
    assertUsageFailure(badTimeout, /--timeout must be a number of seconds/);
  });

  test('file settings: profile add/set keep them, profile show shows them, bad values are one line', async () => {
    const cfg = box.configDir();
    const inbox = dir('inbox-settings');
    const add = await box.runFast(['profile', 'add', 'p', '--download-dir', inbox, '--max-file-size', '200M'], { configDir: cfg });
    assert.equal(add.code, 0, add.stderr);
    const set = await box.runFast(['profile', 'set', 'p', '--accept-files', inbox], { configDir: cfg });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /updated profile p: accept-files$/m);
    const shown = await box.runFast(['profile', 'show', 'p', '--json'], { configDir: cfg });
    assert.deepEqual((JSON.parse(shown.stdout) as { files: unknown }).files, { downloadDir: inbox, acceptDir: inbox, maxFileSize: 200 * 1024 ** 2 });
    const [badSize, badDir, badProfileSize] = await Promise.all([
      box.runAsync(['chat', '--headless', `--key=${KEY}`, '--max-file-size', '2X'], { configDir: cfg }),
      box.runAsync(['chat', '--headless', `--key=${KEY}`, '--download-dir', path.join(inbox, 'nope')], { configDir: cfg }),
      box.runFast(['profile', 'set', 'p', '--max-file-size', 'lots'], { configDir: cfg }),
    ]);
    assertUsageFailure(badSize, /--max-file-size must be a size in bytes or with K, M or G/);
    assertUsageFailure(badDir, /--download-dir: .*nope does not exist$/);
    assertUsageFailure(badProfileSize, /--max-file-size must be a size/);
  });
});
