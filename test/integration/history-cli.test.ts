/**
 * `fernchat history` and the history settings of `profile add/set`, run as
 * the built binary in a sandbox (its own config dir, HOME and data dir).
 * The history files are written here byte for byte, as fernchat writes them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI, CliSandbox, ensureBuilt } from '../_cli.js';
import { encodeRecord, type HistoryRecord } from '../../src/history/record.js';

const box = new CliSandbox();
before(() => ensureBuilt());
after(() => box.cleanup());

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const DAY = 86_400_000;
const rec = (i: number, over: Partial<HistoryRecord> = {}): HistoryRecord => ({
  t: T0 + i * DAY,
  dir: i % 2 ? 'out' : 'in',
  from: i % 2 ? 'al' : 'bob',
  text: `message ${i}`,
  kind: 'message',
  ...over,
});

/** A config dir with profile bob (history on), made once by the binary; withHistory copies it. */
let template = '';
before(async () => {
  template = box.configDir();
  const add = await box.runFast(['profile', 'add', 'bob', '--nick', 'al', '--history', 'on'], { configDir: template });
  assert.equal(add.code, 0, add.stderr);
});

/** A config dir with profile bob (history on) and its history file holding `lines`. */
function withHistory(lines: string[]): { dir: string; file: string } {
  const dir = box.configDir();
  fs.cpSync(template, dir, { recursive: true });
  const file = path.join(dir, 'history', 'bob.history.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, lines.join(''), { mode: 0o600 });
  return { dir, file };
}

describe('profile add / set: the history settings', { concurrency: 4 }, () => {
  test('--history on and --history-max are kept and shown; off by default', async () => {
    const dir = box.configDir();
    assert.equal((await box.runFast(['profile', 'add', 'a', '--nick', 'al'], { configDir: dir })).code, 0);
    assert.match((await box.runFast(['profile', 'show', 'a'], { configDir: dir })).stdout, /^history\s+off \(cap 10 MiB\)$/m);
    const set = await box.runFast(['profile', 'set', 'a', '--history', 'on', '--history-max', '512KiB'], { configDir: dir });
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(set.errLines, ['fernchat: updated profile a: history, history-max']);
    assert.match((await box.runFast(['profile', 'show', 'a'], { configDir: dir })).stdout, /^history\s+on \(cap 512 KiB\)$/m);
    const json = JSON.parse((await box.runFast(['profile', 'show', 'a', '--json'], { configDir: dir })).stdout) as { history: unknown };
    assert.deepEqual(json.history, { enabled: true, maxBytes: 524_288 });
  });

  test('bad values: one line, exit 2, the file unchanged', async () => {
    const dir = box.configDir();
    assert.equal((await box.runFast(['profile', 'add', 'a', '--nick', 'al'], { configDir: dir })).code, 0);
    const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    const cases: Array<[string[], RegExp]> = [
      [['--history', 'yes'], /^fernchat: --history must be on or off, got "yes"$/],
      [['--history'], /^fernchat: --history must be on or off, got ""$/],
      [['--history-max', '1KiB'], /^fernchat: --history-max must be a size from 64 KiB to 1 GiB, such as 10MiB, 512KiB or 1048576 \(bytes\), got "1KiB"$/],
      [['--history-max', '5TB'], /^fernchat: --history-max must be a size/],
      [['--history-max', '10 MiB; rm -rf /'], /^fernchat: --history-max must be a size/],
    ];
    const results = await Promise.all(cases.map(([flags]) => box.runFast(['profile', 'set', 'a', ...flags], { configDir: dir })));
    for (const [i, [flags, re]] of cases.entries()) {
      const r = results[i]!;
      assert.equal(r.code, 2, flags.join(' '));
      assert.equal(r.errLines.length, 1, r.stderr);
      assert.match(r.errLines[0]!, re);
    }
    const add = await box.runFast(['profile', 'add', 'b', '--history', 'sometimes'], { configDir: dir });
    assert.equal(add.code, 2);
    assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), before);
  });
});

describe('fernchat history', { concurrency: 4 }, () => {
  test('prints the records oldest first, one line each, local time, sanitized', async () => {
    const { dir } = withHistory([
      encodeRecord(rec(0)),
      encodeRecord(rec(1, { text: 'two\nlines \x1b[2J' })),
      encodeRecord(rec(2, { kind: 'action', text: 'waves' })),
    ]);
    const r = await box.runAsync(['history', 'bob'], { configDir: dir, env: { TZ: 'UTC' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '2026-12-01 12:00:00 <bob> message 0\n2026-12-02 12:00:00 <al> two⏎lines \n2026-12-03 12:00:00 * bob waves\n');
    assert.equal(r.stderr, '');
  });

  test('--json: one object per line, text verbatim', async () => {
    const { dir } = withHistory([encodeRecord(rec(0)), encodeRecord(rec(1, { text: 'a\nb' }))]);
    const r = await box.runFast(['history', 'bob', '--json'], { configDir: dir });
    assert.equal(r.code, 0, r.stderr);
    const objs = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(objs, [
      { time: '2026-12-01T12:00:00.000Z', dir: 'in', from: 'bob', text: 'message 0', kind: 'message' },
      { time: '2026-12-02T12:00:00.000Z', dir: 'out', from: 'al', text: 'a\nb', kind: 'message' },
    ]);
  });

  test('--grep is plain text in any case, never a pattern: a.*(b finds only itself', async () => {
    const { dir } = withHistory([
      encodeRecord(rec(0, { text: 'literally a.*(b here' })),
      encodeRecord(rec(1, { text: 'aXXb would match the regex' })),
      encodeRecord(rec(2, { text: 'A.*(B in capitals' })),
    ]);
    const r = await box.runAsync(['history', 'bob', '--grep', 'a.*(b'], { configDir: dir, env: { TZ: 'UTC' } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), ['2026-12-01 12:00:00 <bob> literally a.*(b here', '2026-12-03 12:00:00 <bob> A.*(B in capitals']);
    assert.equal((await box.runFast(['history', 'bob', '--grep', '['], { configDir: dir })).stdout, '');
  });

  test('--since takes a day or an ISO time; a bad one is one line and exit 2', async () => {
    const { dir } = withHistory([0, 1, 2, 3].map((i) => encodeRecord(rec(i))));
    const day = await box.runAsync(['history', 'bob', '--since', '2026-12-03'], { configDir: dir, env: { TZ: 'UTC' } });
    assert.equal(day.code, 0, day.stderr);
    assert.deepEqual(day.stdout.trimEnd().split('\n'), ['2026-12-03 12:00:00 <bob> message 2', '2026-12-04 12:00:00 <al> message 3']);
    const iso = await box.runFast(['history', 'bob', '--since', '2026-12-04T11:59:59Z', '--json'], { configDir: dir });
    assert.equal(iso.stdout.trimEnd().split('\n').length, 1);
    const bads = ['yesterday', '2026-02-30', '2026-12-03T24:00', '12/03/2026', ''];
    const results = await Promise.all(bads.map((bad) => box.runFast(['history', 'bob', '--since', bad], { configDir: dir })));
    for (const [i, bad] of bads.entries()) {
      const r = results[i]!;
      assert.equal(r.code, 2, bad);
      assert.equal(r.stdout, '');
      assert.equal(r.errLines.length, 1, r.stderr);
      assert.match(r.errLines[0]!, /^fernchat: --since must be a date YYYY-MM-DD or an ISO 8601 time/);
    }
  });

  test('--clear erases it; afterwards the file is gone and history says there is none yet', async () => {
    const { dir, file } = withHistory([encodeRecord(rec(0))]);
    const r = await box.runFast(['history', 'bob', '--clear'], { configDir: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^fernchat: erased the history of bob \(.*bob\.history\.jsonl\)\n$/);
    assert.ok(!fs.existsSync(file));
    const again = await box.runFast(['history', 'bob'], { configDir: dir });
    assert.equal(again.code, 0);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /no history yet for bob/);
    assert.equal((await box.runFast(['history', 'bob', '--clear', '--grep', 'x'], { configDir: dir })).code, 2);
  });

  test('the history of a removed profile can still be read and cleared; an unknown name is one line', async () => {
    const { dir, file } = withHistory([encodeRecord(rec(0))]);
    const rm = await box.runFast(['profile', 'rm', 'bob'], { configDir: dir });
    assert.equal(rm.code, 0);
    assert.equal(rm.errLines.at(-1), `fernchat: its history stays in ${file} (fernchat history bob --clear erases it)`);
    assert.match((await box.runFast(['history', 'bob'], { configDir: dir })).stdout, /message 0/);
    assert.equal((await box.runFast(['history', 'bob', '--clear'], { configDir: dir })).code, 0);
    assert.ok(!fs.existsSync(file));
    const r = await box.runFast(['history', 'nosuch'], { configDir: dir });
    assert.equal(r.code, 2);
    assert.deepEqual(r.errLines, ['fernchat: no profile named "nosuch" (there are no profiles yet)']);
  });

  test('a corrupt line in the middle: everything readable printed, one line naming the file and line, exit 2, file unchanged', async () => {
    const lines = [encodeRecord(rec(0)), 'this is not a record\n', encodeRecord(rec(1))];
    const { dir, file } = withHistory(lines);
    const r = await box.runFast(['history', 'bob', '--json'], { configDir: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout.trimEnd().split('\n').length, 2);
    assert.equal(r.errLines.length, 1, r.stderr);
    assert.equal(r.errLines[0], `fernchat: history: ${file} line 2: not a JSON record — the file is corrupt there (1 bad line skipped); it was not changed`);
    assert.equal(fs.readFileSync(file, 'utf8'), lines.join(''));
  });

  test('records of a newer version are skipped with one line, nothing else lost, file unchanged; a torn tail is skipped silently', async () => {
    const lines = [encodeRecord(rec(0)), '{"v":2,"t":1,"future":true}\n', encodeRecord(rec(1)), encodeRecord(rec(2)).slice(0, 30)];
    const { dir, file } = withHistory(lines);
    const r = await box.runFast(['history', 'bob'], { configDir: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').length, 2);
    assert.equal(r.errLines.length, 1);
    assert.match(
      r.errLines[0]!,
      /^fernchat: history: 1 record in .*bob\.history\.jsonl was written by a newer fernchat \(format 2\) and skipped; the file was not changed$/,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), lines.join(''));
  });

  test('a profile with history off and no file: says how to turn it on', async () => {
    const dir = box.configDir();
    assert.equal((await box.runFast(['profile', 'add', 'c', '--nick', 'al'], { configDir: dir })).code, 0);
    const r = await box.runFast(['history', 'c'], { configDir: dir });
    assert.equal(r.code, 0);
    assert.deepEqual(r.errLines, ['fernchat: profile c keeps no history (turn it on with: fernchat profile set c --history on)']);
  });

  test('a reader that goes away (| head -1) ends the output quietly: exit 0, no EPIPE trace', async () => {
    const { dir } = withHistory(Array.from({ length: 20_000 }, (_, i) => encodeRecord(rec(i % 50, { text: `line ${i} ${'z'.repeat(60)}` }))));
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        'bash',
        ['-c', `"${process.execPath}" "${CLI}" --config-dir "${dir}" history bob | head -1; echo "status \${PIPESTATUS[0]}" >&2`],
        { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: path.join(box.root, 'home') } },
        (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr })),
      ),
    );
    assert.match(r.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d <bob> line 0 z+\n$/);
    assert.equal(r.stderr, 'status 0\n');
  });

  test('a history file that cannot be read: one line naming it, exit 1', async () => {
    const { dir, file } = withHistory([]);
    fs.rmSync(file);
    fs.mkdirSync(file, { mode: 0o700 });
    const r = await box.runFast(['history', 'bob'], { configDir: dir });
    assert.equal(r.code, 1);
    assert.deepEqual(r.errLines, [`fernchat: cannot read ${file}: it is a directory`]);
  });

  test('a history file open to others gets the chmod warning', async () => {
    const { dir, file } = withHistory([encodeRecord(rec(0))]);
    fs.chmodSync(file, 0o644);
    const r = await box.runFast(['history', 'bob'], { configDir: dir });
    assert.match(r.stderr, /bob\.history\.jsonl is readable by other users \(mode 0644\); run: chmod 600 /);
  });
});
