import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HistoryAppender, HistoryError, HistoryFile } from '../../src/history/file.js';
import { encodeRecord, type HistoryRecord } from '../../src/history/record.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-history-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A history file in a new (not yet created) directory. */
const fresh = (): HistoryFile => new HistoryFile(path.join(root, `d${++n}`, 'data'), 'bob');
const rec = (i: number, text = `message ${i}`): HistoryRecord => ({ t: 1000 + i, dir: i % 2 ? 'out' : 'in', from: 'x', text, kind: 'message' });
const mode = (p: string): number => fs.statSync(p).mode & 0o777;

describe('HistoryAppender', () => {
  it('makes the directory 0700 and the file 0600, and appends records that read back in order', () => {
    const f = fresh();
    const a = HistoryAppender.open(f, 1 << 20);
    for (let i = 0; i < 5; i++) a.append(rec(i));
    a.close();
    assert.equal(mode(f.dir), 0o700);
    assert.equal(mode(f.path), 0o600);
    assert.equal(path.basename(f.path), 'bob.history.jsonl');
    assert.deepEqual(
      f.read().records,
      [0, 1, 2, 3, 4].map((i) => rec(i)),
    );
    assert.equal(f.permissionWarning(), null);
  });

  it('warns when the directory or file is open to others, with the chmod to run', () => {
    const f = fresh();
    HistoryAppender.open(f, 1 << 20).close();
    fs.chmodSync(f.path, 0o644);
    assert.match(f.permissionWarning() ?? '', /bob\.history\.jsonl is readable by other users \(mode 0644\); run: chmod 600 /);
  });

  it('cuts a torn last record off before appending, so the next record is whole and nothing earlier is lost', () => {
    const f = fresh();
    const a = HistoryAppender.open(f, 1 << 20);
    for (let i = 0; i < 3; i++) a.append(rec(i));
    a.close();
    const torn = encodeRecord(rec(3)).slice(0, 20);
    fs.appendFileSync(f.path, torn);
    assert.deepEqual(
      f.read().records,
      [0, 1, 2].map((i) => rec(i)),
      'the torn record is skipped on reading',
    );
    const b = HistoryAppender.open(f, 1 << 20);
    b.append(rec(4));
    b.close();
    const s = f.read();
    assert.deepEqual(
      s.records,
      [0, 1, 2, 4].map((i) => rec(i)),
    );
    assert.equal(s.bad, null);
    assert.equal(s.tornBytes, 0);
  });

  it('leaves alone a file whose tail is not a record (not ours), and says so naming it', () => {
    const f = fresh();
    HistoryAppender.open(f, 1 << 20).close();
    const content = `${encodeRecord(rec(0))}some notes typed by hand`;
    fs.writeFileSync(f.path, content);
    assert.throws(
      () => HistoryAppender.open(f, 1 << 20),
      (e: Error) => e instanceof HistoryError && e.message.includes(f.path) && /not changed/.test(e.message),
    );
    assert.equal(fs.readFileSync(f.path, 'utf8'), content);
  });

  it('a file cleared (or replaced by another rotation) while open: the next record goes to the file at the path', () => {
    const f = fresh();
    const a = HistoryAppender.open(f, 1 << 20);
    a.append(rec(0));
    f.clear();
    a.append(rec(1));
    assert.deepEqual(f.read().records, [rec(1)]);
    fs.writeFileSync(`${f.path}.other`, encodeRecord(rec(7)));
    fs.renameSync(`${f.path}.other`, f.path);
    a.append(rec(2));
    a.close();
    assert.deepEqual(f.read().records, [rec(7), rec(2)]);
  });

  it('rotates at the cap: the file stays bounded and keeps the newest records, whole', () => {
    const f = fresh();
    const cap = 4096;
    const a = HistoryAppender.open(f, cap);
    for (let i = 0; i < 500; i++) {
      a.append(rec(i));
      assert.ok(fs.statSync(f.path).size <= cap, `after record ${i}: ${fs.statSync(f.path).size} bytes`);
    }
    a.close();
    const s = f.read();
    assert.equal(s.bad, null);
    assert.equal(s.records.at(-1)?.text, 'message 499');
    const first = s.records[0]!.t - 1000;
    assert.deepEqual(
      s.records.map((r) => r.t - 1000),
      Array.from({ length: 500 - first }, (_, i) => first + i),
      'a contiguous run of the newest',
    );
    assert.ok(s.records.length > 20, `${s.records.length} kept`);
    assert.equal(mode(f.path), 0o600, 'the rewritten file is private too');
    assert.ok(!fs.existsSync(f.tempPath), 'no temp file left');
  });

  it('leaves a rotation in progress (a fresh temp file) to its session, and clears a stale one left by a kill', () => {
    const f = fresh();
    const a = HistoryAppender.open(f, 2048);
    fs.writeFileSync(f.tempPath, 'another session is writing this');
    for (let i = 0; i < 40; i++) a.append(rec(i));
    assert.ok(fs.statSync(f.path).size > 2048, 'not rotated while the temp file is fresh');
    assert.equal(fs.readFileSync(f.tempPath, 'utf8'), 'another session is writing this', "the other session's temp file is not touched");
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(f.tempPath, old, old);
    a.append(rec(40));
    a.close();
    assert.ok(fs.statSync(f.path).size <= 2048, 'rotated once the temp file is stale');
    assert.ok(!fs.existsSync(f.tempPath));
    assert.equal(f.read().records.at(-1)?.text, 'message 40');
  });

  it('copies records of a later version through a rotation untouched', () => {
    const f = fresh();
    const a = HistoryAppender.open(f, 2048);
    for (let i = 0; i < 20; i++) a.append(rec(i));
    a.close();
    const future = '{"v":9,"t":1,"shape":"new"}\n';
    fs.appendFileSync(f.path, future);
    const b = HistoryAppender.open(f, 2048);
    for (let i = 20; i < 28; i++) b.append(rec(i)); // past the cap: rotated once, the v9 record among the newest half
    b.close();
    const s = f.read();
    assert.ok(s.records[0]!.t > 1000, 'rotated: the oldest records are gone');
    assert.ok(fs.readFileSync(f.path, 'utf8').includes(future), "the later version's record is kept as it was");
    assert.deepEqual(s.newer, { count: 1, highest: 9 });
  });

  it('never rewrites a corrupt file: the rotation refuses with the file name and line, and the bytes stay', () => {
    const f = fresh();
    const a = HistoryAppender.open(f, 1 << 20);
    a.append(rec(0));
    a.close();
    fs.appendFileSync(f.path, 'this line is not a record\n');
    const b = HistoryAppender.open(f, 1024);
    let thrown: unknown;
    let i = 1;
    try {
      for (; i < 100; i++) b.append(rec(i));
    } catch (e) {
      thrown = e;
    }
    b.close();
    assert.ok(thrown instanceof HistoryError, 'rotation refused');
    assert.match(thrown.message, new RegExp(`${f.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 2: not a JSON record .*not changed`));
    const s = f.read();
    assert.deepEqual(s.bad, { line: 2, problem: 'not a JSON record' });
    assert.deepEqual(
      s.records.map((r) => r.text),
      Array.from({ length: i + 1 }, (_, k) => `message ${k}`),
      'every record written is still there, the one that passed the cap too',
    );
  });
});

describe('HistoryFile', () => {
  it('readTail gives the newest records, reading back from the end as far as needed', () => {
    const f = fresh();
    const a = HistoryAppender.open(f, 64 << 20);
    const big = 'y'.repeat(50_000);
    for (let i = 0; i < 300; i++) a.append(rec(i, i % 50 === 0 ? big : `message ${i}`));
    a.close();
    assert.deepEqual(
      f.readTail(3).records.map((r) => r.text),
      ['message 297', 'message 298', 'message 299'],
    );
    const tail = f.readTail(260).records;
    assert.equal(tail.length, 260);
    assert.equal(tail[0]!.t, 1040);
    assert.equal(f.readTail(1000).records.length, 300);
  });

  it('an absent file is an empty history; clear removes the file and says whether there was one', () => {
    const f = fresh();
    assert.deepEqual(f.read().records, []);
    assert.deepEqual(f.readTail(5).records, []);
    assert.equal(f.clear(), false);
    HistoryAppender.open(f, 1 << 20).append(rec(0));
    fs.writeFileSync(f.tempPath, 'leftover');
    assert.equal(f.clear(), true);
    assert.ok(!fs.existsSync(f.path));
    assert.ok(!fs.existsSync(f.tempPath));
  });
});
