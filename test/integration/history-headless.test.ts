/**
 * History kept by headless sessions (issue 13, parts 1 and 7): two
 * `fernchat chat --headless` processes on loopback with history on leave
 * records of both directions; with it off they write nothing; a session
 * killed with SIGKILL in the middle of a burst leaves a file that opens
 * with every complete record, and the next session appends after them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CliSandbox, ensureBuilt } from '../_cli.js';
import { freeUdpPorts, headless } from '../_headless-proc.js';
import { loopbackFlags } from '../../src/testing/ports.js';
import { scanHistory } from '../../src/history/scan.js';

const WAIT_MS = 15_000;

before(() => ensureBuilt());

/** Two config dirs holding profiles alice and bob that talk to each other on loopback; `history` for both. */
async function pair(box: CliSandbox, history: 'on' | 'off'): Promise<{ dirA: string; dirB: string }> {
  const [pa, pb] = await freeUdpPorts(2);
  const dirA = box.configDir();
  const dirB = box.configDir();
  const key = (await box.runFast(['keygen'])).stdout.trim();
  for (const [dir, name, port, peer] of [
    [dirA, 'alice', pa, pb],
    [dirB, 'bob', pb, pa],
  ] as const) {
    const r = await box.runFast(['profile', 'add', name, ...loopbackFlags(port, peer), '--nick', name, `--key=${key}`, '--history', history], {
      configDir: dir,
    });
    assert.equal(r.code, 0, r.stderr);
  }
  return { dirA, dirB };
}

const historyFile = (dir: string, name: string): string => path.join(dir, 'history', `${name}.history.jsonl`);

test(
  'two headless sessions with history on both keep the conversation, each from its side; a chat with a key alone keeps nothing',
  { timeout: 60_000 },
  async (t) => {
    const box = new CliSandbox();
    t.after(() => box.cleanup());
    const { dirA, dirB } = await pair(box, 'on');
    const a = headless(t, ['--config-dir', dirA, '--profile', 'alice', '--linger', '10']);
    const b = headless(t, ['--config-dir', dirB, '--profile', 'bob', '--linger', '10']);
    await a.waitLine('err', /^peer online$/, WAIT_MS);
    await b.waitLine('err', /^peer online$/, WAIT_MS);
    a.write('hello bob');
    await b.waitLine('out', /<alice> hello bob$/, WAIT_MS);
    b.write('hello alice\\twith a tab');
    await a.waitLine('out', /<bob> hello alice/, WAIT_MS);
    a.end();
    b.end();
    assert.equal(await a.exitCode(WAIT_MS), 0, a.err.join('\n'));
    assert.equal(await b.exitCode(WAIT_MS), 0, b.err.join('\n'));

    const recordsOf = (dir: string, name: string) =>
      scanHistory(fs.readFileSync(historyFile(dir, name))).records.map(({ dir: d, from, text, kind }) => ({ d, from, text, kind }));
    assert.deepEqual(recordsOf(dirA, 'alice'), [
      { d: 'out', from: 'alice', text: 'hello bob', kind: 'message' },
      { d: 'in', from: 'bob', text: 'hello alice\\twith a tab', kind: 'message' },
    ]);
    assert.deepEqual(recordsOf(dirB, 'bob'), [
      { d: 'in', from: 'alice', text: 'hello bob', kind: 'message' },
      { d: 'out', from: 'bob', text: 'hello alice\\twith a tab', kind: 'message' },
    ]);
    assert.equal(fs.statSync(historyFile(dirA, 'alice')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(historyFile(dirA, 'alice'))).mode & 0o777, 0o700);
    // A chat with a key given alone leaves the default profile (alice, history on) out: it keeps nothing.
    const before = fs.readFileSync(historyFile(dirA, 'alice'));
    const key = (await box.runFast(['profile', 'show', 'alice', '--reveal'], { configDir: dirA })).stdout.match(/key\s+(\S+)/)?.[1] ?? '';
    const [loose] = await freeUdpPorts(1);
    const plain = headless(t, ['--config-dir', dirA, `--key=${key}`, '--host', '127.0.0.1', '--port', String(loose), '--peer', '127.0.0.1:9', '--linger', '0']);
    plain.write('said without a profile');
    plain.end();
    await plain.exitCode(WAIT_MS);
    assert.ok(
      plain.err.some((l) => l.startsWith('listening on')),
      plain.err.join('\n'),
    );
    assert.deepEqual(fs.readFileSync(historyFile(dirA, 'alice')), before, 'the profile-less chat wrote nothing');
    assert.deepEqual(fs.readdirSync(path.join(dirA, 'history')), ['alice.history.jsonl']);

    const printed = await box.runFast(['history', 'alice'], { configDir: dirA });
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d <alice> hello bob\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d <bob> hello alice\\twith a tab\n$/);
  },
);

test('with history off (the default) nothing is written, not even the directory', { timeout: 60_000 }, async (t) => {
  const box = new CliSandbox();
  t.after(() => box.cleanup());
  const { dirA, dirB } = await pair(box, 'off');
  const a = headless(t, ['--config-dir', dirA, '--profile', 'alice', '--linger', '10']);
  const b = headless(t, ['--config-dir', dirB, '--profile', 'bob', '--linger', '10']);
  await a.waitLine('err', /^peer online$/, WAIT_MS);
  a.write('off the record');
  await b.waitLine('out', /<alice> off the record$/, WAIT_MS);
  a.end();
  b.end();
  assert.equal(await a.exitCode(WAIT_MS), 0, a.err.join('\n'));
  assert.equal(await b.exitCode(WAIT_MS), 0, b.err.join('\n'));
  for (const dir of [dirA, dirB]) assert.ok(!fs.existsSync(path.join(dir, 'history')), `${dir}/history exists`);
  // Nor in the sandbox's home (the XDG default), which a profile-less or misrouted session would use.
  assert.ok(!fs.existsSync(path.join(box.root, 'home', '.local', 'share', 'fernchat')));
});

test(
  'SIGKILL in the middle of a burst: the file opens with every complete record, in order, and the next session appends after them',
  { timeout: 90_000 },
  async (t) => {
    const box = new CliSandbox();
    t.after(() => box.cleanup());
    const { dirA, dirB } = await pair(box, 'on');
    const a = headless(t, ['--config-dir', dirA, '--profile', 'alice', '--linger', '1']);
    const b = headless(t, ['--config-dir', dirB, '--profile', 'bob', '--linger', '1']);
    await a.waitLine('err', /^peer online$/, WAIT_MS);
    await b.waitLine('err', /^peer online$/, WAIT_MS);
    const N = 5000;
    const text = (i: number): string => `burst ${i} ${'x'.repeat(i % 200)}`;
    a.child.stdin.write(Array.from({ length: N }, (_, i) => `${text(i)}\n`).join(''));
    // Kill bob, the receiver, while the records of the burst are being appended.
    await b.waitLine('out', /<alice> burst 800 /, WAIT_MS);
    b.kill();
    assert.equal(await b.exitCode(WAIT_MS), -1, 'killed by the signal');
    a.kill();

    const file = historyFile(dirB, 'bob');
    const scan = scanHistory(fs.readFileSync(file));
    assert.equal(scan.bad, null, 'no corrupt record');
    const got = scan.records.map((r) => r.text);
    assert.ok(got.length > 800 && got.length < N, `${got.length} records`);
    assert.deepEqual(
      got,
      Array.from({ length: got.length }, (_, i) => text(i)),
      'a gapless prefix of the burst',
    );
    const listed = await box.runFast(['history', 'bob', '--json'], { configDir: dirB });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout.trimEnd().split('\n').length, got.length);

    // A torn last record, as a kill in the middle of a write leaves it: the next session cuts it off and appends whole records.
    fs.appendFileSync(file, '{"v":1,"t":17648');
    const again = headless(t, ['--config-dir', dirB, '--profile', 'bob', '--linger', '0']);
    again.write('after the kill');
    again.end();
    await again.exitCode(WAIT_MS);
    const after = scanHistory(fs.readFileSync(file));
    assert.equal(after.bad, null);
    assert.equal(after.tornBytes, 0);
    assert.deepEqual(
      after.records.map((r) => r.text),
      [...got, 'after the kill'],
    );
  },
);
