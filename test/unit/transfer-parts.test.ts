import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TransferState } from '../../src/bus.js';
import { TRANSFER_NAME_MAX_BYTES, TRANSFER_PROGRESS_INTERVAL_MS } from '../../src/constants.js';
import { encodeControl, parseControl, type Control } from '../../src/transfer/control.js';
import { EMPTY_SHA256, fileId } from '../../src/transfer/hash.js';
import { expandPath, insideDir, numberedName, sanitiseName, uniqueName, UNIQUE_NAME_TRIES } from '../../src/transfer/names.js';
import { Progress } from '../../src/transfer/progress.js';
import { parseRecords, RecordStore, transfersStateFile } from '../../src/transfer/records.js';
import { isEnded, next, type TransferEvent } from '../../src/transfer/state.js';

test('sanitiseName: one flat, visible name; never a path, never . or ..', () => {
  const cases: Array<[string, string]> = [
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['/etc/shadow', '_etc_shadow'],
    ['..', 'file'],
    ['.', 'file'],
    ['...', 'file'],
    ['a\\b', 'a_b'],
    ['evil\u001b[2Jname', 'evilname'],
    ['line\nbreak.txt', 'line break.txt'],
    ['rtl\u202egnp.exe', 'rtlgnp.exe'],
    ['trailing. . ', 'trailing'],
    ['  spaced   out  ', 'spaced out'],
    ['.bashrc', '.bashrc'],
    ['', 'file'],
  ];
  for (const [offered, want] of cases) assert.equal(sanitiseName(offered), want, JSON.stringify(offered));
  const long = sanitiseName(`${'é'.repeat(300)}.tar.gz`);
  assert.ok(Buffer.byteLength(long) <= TRANSFER_NAME_MAX_BYTES, long);
  assert.ok(long.endsWith('.gz'));
});

test('numberedName and uniqueName: "NAME (n).ext", the first one the claim takes', async () => {
  assert.equal(numberedName('a.txt', 0), 'a.txt');
  assert.equal(numberedName('a.txt', 2), 'a (2).txt');
  assert.equal(numberedName('.bashrc', 1), '.bashrc (1)');
  assert.equal(numberedName('archive.tar.gz', 1), 'archive.tar (1).gz');
  const taken = new Set(['a.txt', 'a (1).txt']);
  const tried: string[] = [];
  const claim = async (n: string): Promise<string | null> => {
    tried.push(n);
    return taken.has(n) ? null : `claimed ${n}`;
  };
  assert.equal(await uniqueName('a.txt', claim), 'claimed a (2).txt');
  assert.deepEqual(tried, ['a.txt', 'a (1).txt', 'a (2).txt'], 'in order, and no further');
  tried.length = 0;
  assert.equal(await uniqueName('a.txt', async (n) => (tried.push(n), null)), null);
  assert.equal(tried.length, UNIQUE_NAME_TRIES + 1);
  assert.equal(tried.at(-1), `a (${UNIQUE_NAME_TRIES}).txt`);
  await assert.rejects(
    uniqueName('a.txt', async () => {
      throw new Error('EACCES');
    }),
    /EACCES/,
    'what the claim throws passes through',
  );
});

test('uniqueName on a real directory: O_EXCL claims never replace a file, even when several run at once', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fernchat-unique-'));
  try {
    writeFileSync(path.join(dir, 'r.txt'), 'mine');
    const claim = async (n: string): Promise<string | null> => {
      try {
        await writeFile(path.join(dir, n), n, { flag: 'wx' });
        return n;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
        throw err;
      }
    };
    const got = await Promise.all(Array.from({ length: 5 }, () => uniqueName('r.txt', claim)));
    assert.deepEqual([...got].sort(), ['r (1).txt', 'r (2).txt', 'r (3).txt', 'r (4).txt', 'r (5).txt']);
    assert.equal(readFileSync(path.join(dir, 'r.txt'), 'utf8'), 'mine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('insideDir refuses anything that leaves the directory; expandPath knows ~', () => {
  assert.equal(insideDir('/d', 'x'), '/d/x');
  for (const bad of ['../x', 'a/b', '..', '/etc/passwd']) assert.throws(() => insideDir('/d', bad), /leaves/);
  assert.equal(expandPath('~', '/home/u', '/cwd'), '/home/u');
  assert.equal(expandPath('~/in', '/home/u', '/cwd'), '/home/u/in');
  assert.equal(expandPath('in', '/home/u', '/cwd'), '/cwd/in');
  assert.equal(expandPath('/abs', '/home/u', '/cwd'), '/abs');
});

test('control messages: each type round-trips; a wrong shape is refused with a reason', () => {
  const fid = 'ab'.repeat(16);
  const sha = 'cd'.repeat(32);
  const all: Control[] = [
    { t: 'offer', id: fid, name: 'a.txt', size: 10, sha256: sha },
    { t: 'accept', id: fid, offset: 4, prefix: sha },
    { t: 'start', id: fid, stream: 2 ** 32 - 1, offset: 4 },
    { t: 'decline', id: fid, reason: 'no' },
    { t: 'cancel', id: fid, by: 'receiver' },
    { t: 'fail', id: fid, by: 'sender', reason: 'disk full' },
    { t: 'done', id: fid },
  ];
  for (const c of all) assert.deepEqual(parseControl(encodeControl(c)), { ok: true, control: c });
  const bad: Array<[unknown, RegExp]> = [
    ['{', /not JSON/],
    [{ v: 2, t: 'done', id: fid }, /version/],
    [{ v: 1, t: 'exec', id: fid }, /unknown type/],
    [{ v: 1, t: 'done', id: 'x' }, /id must be 32 hex/],
    [{ v: 1, t: 'done', id: fid, extra: 1 }, /unexpected field "extra"/],
    [{ v: 1, t: 'offer', id: fid, name: 'a', size: 1.5, sha256: sha }, /size/],
    [{ v: 1, t: 'offer', id: fid, name: 'a', size: 2 ** 53, sha256: sha }, /size/],
    [{ v: 1, t: 'offer', id: fid, name: '', size: 1, sha256: sha }, /name/],
    [{ v: 1, t: 'offer', id: fid, name: 'a', size: 1, sha256: 'zz' }, /sha256/],
    [{ v: 1, t: 'offer', id: fid, name: 'a', size: 1 }, /missing sha256/],
    [{ v: 1, t: 'start', id: fid, stream: -1, offset: 0 }, /stream/],
    [{ v: 1, t: 'cancel', id: fid, by: 'me' }, /by must be/],
    [{ v: 1, t: 'fail', id: fid, by: 'sender', reason: 'x'.repeat(201) }, /reason/],
  ];
  for (const [body, why] of bad) {
    const r = parseControl(typeof body === 'string' ? body : JSON.stringify(body));
    assert.equal(r.ok, false, JSON.stringify(body));
    if (!r.ok) assert.match(r.reason, why);
  }
  assert.equal(parseControl('x'.repeat(5000)).ok, false);
});

test('the file id is the same for the same file and differs with any of hash, size, name', () => {
  const sha = EMPTY_SHA256;
  assert.match(fileId(sha, 0, 'a'), /^[0-9a-f]{32}$/);
  assert.equal(fileId(sha, 0, 'a'), fileId(sha, 0, 'a'));
  assert.notEqual(fileId(sha, 0, 'a'), fileId(sha, 1, 'a'));
  assert.notEqual(fileId(sha, 0, 'a'), fileId(sha, 0, 'b'));
  assert.notEqual(fileId(sha, 0, 'a'), fileId('0'.repeat(64), 0, 'a'));
});

test('the state table: ended states take nothing; a start cannot skip the accept; done only after the bytes (or a restart)', () => {
  const states: TransferState[] = ['offered', 'transferring', 'paused', 'verifying', 'done', 'failed', 'declined', 'cancelled'];
  const events: TransferEvent[] = ['accept', 'pause', 'resume', 'all-held', 'done', 'fail', 'decline', 'cancel'];
  for (const s of states.filter(isEnded)) for (const e of events) assert.equal(next(s, e), null, `${s} + ${e}`);
  assert.equal(next('offered', 'accept'), 'transferring');
  assert.equal(next('offered', 'all-held'), null);
  assert.equal(next('offered', 'resume'), null);
  assert.equal(next('transferring', 'done'), null, 'done needs every byte held first');
  assert.equal(next('transferring', 'all-held'), 'verifying');
  assert.equal(next('verifying', 'done'), 'done');
  assert.equal(next('paused', 'done'), 'done');
  assert.equal(next('transferring', 'decline'), null, 'only an offer is declined');
  assert.equal(next('paused', 'resume'), 'transferring');
  for (const s of states.filter((x) => !isEnded(x))) {
    assert.equal(next(s, 'cancel'), 'cancelled');
    assert.equal(next(s, 'fail'), 'failed');
  }
});

test('progress: rate over the window, ETA, and at most one progress event per interval', () => {
  const p = new Progress();
  p.restart(0, 0);
  assert.equal(p.rate(), null);
  p.sample(1000, 1_000_000);
  assert.equal(p.rate(), 1_000_000);
  assert.equal(p.eta(3_000_000), 3);
  p.sample(10_000, 1_000_000);
  assert.equal(p.rate(), 0, 'a stall shows as no rate, not an old one');
  assert.equal(p.eta(10), null);
  assert.equal(p.due(0), true);
  assert.equal(p.due(TRANSFER_PROGRESS_INTERVAL_MS - 1), false);
  assert.equal(p.due(TRANSFER_PROGRESS_INTERVAL_MS), true);
  p.emitted(1000);
  assert.equal(p.due(1000 + TRANSFER_PROGRESS_INTERVAL_MS - 1), false);
});

test('records: saved 0600 and read back; bad entries left out; an unreadable file is moved aside with one line', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fernchat-rec-'));
  try {
    const file = transfersStateFile(dir, 'alice');
    assert.equal(file, path.join(dir, 'alice.transfers.json'));
    const lines: string[] = [];
    const store = new RecordStore(file, (l) => void lines.push(l));
    assert.deepEqual(store.load(), { out: [], in: [], done: [] });
    const r = {
      out: [{ id: 'a'.repeat(32), path: '/x/y', name: 'y', size: 3, sha256: 'b'.repeat(64), mtimeMs: 5 }],
      in: [{ id: 'c'.repeat(32), name: 'z', size: 9, sha256: 'd'.repeat(64), part: '/d/z.part', accepted: true }],
      done: [{ id: 'e'.repeat(32), path: '/d/q' }],
    };
    store.save(r);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(store.load(), r);
    const withBad = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[]>;
    withBad['in']!.push({ id: 'nothex', name: 'z', size: 9, sha256: 'd'.repeat(64), part: 'relative', accepted: true });
    assert.deepEqual(parseRecords(JSON.stringify(withBad)), r);
    writeFileSync(file, 'not json');
    assert.deepEqual(store.load(), { out: [], in: [], done: [] });
    assert.match(lines.join('\n'), /is not a transfer list; moved aside to .*unreadable-/);
    assert.equal(readdirSync(dir).filter((f) => f.includes('unreadable')).length, 1, 'kept, not deleted');
    assert.deepEqual(new RecordStore(null, () => undefined).load(), { out: [], in: [], done: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
