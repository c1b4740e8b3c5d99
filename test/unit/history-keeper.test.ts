import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Bus } from '../../src/bus.js';
import { keepHistory, restoreHistory } from '../../src/app/history-keeper.js';
import { HistoryFile } from '../../src/history/file.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-keeper-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const target = () => ({ dir: path.join(root, `d${++n}`), profile: 'bob', maxBytes: 1 << 20 });

function setup() {
  const bus = new Bus();
  const errors: string[] = [];
  bus.on('error', (e) => errors.push(e.message));
  const t = target();
  const keeper = keepHistory(bus, t, 'al');
  const file = new HistoryFile(t.dir, t.profile);
  return { bus, errors, t, keeper, file };
}

describe('history keeper', () => {
  it('keeps what was received and what the transport accepted, with our nick of the moment', () => {
    const { bus, errors, keeper, file } = setup();
    bus.emit('send', { id: 'm1', text: 'not yet accepted' });
    bus.emit('message:sent', { id: 'm1', text: 'hi bob', time: 10, kind: 'message' });
    bus.emit('message:received', { from: 'bob', text: 'hi al', time: 11, kind: 'message' });
    bus.emit('message:failed', { id: 'm2', text: 'refused at once', reason: 'queue full' });
    bus.emit('set-nick', { nick: 'alice' });
    bus.emit('message:sent', { id: 'm3', text: 'new nick', time: 12, kind: 'message' });
    keeper.close();
    bus.emit('message:received', { from: 'bob', text: 'after close', time: 13, kind: 'message' });
    assert.deepEqual(file.read().records, [
      { t: 10, dir: 'out', from: 'al', text: 'hi bob', kind: 'message' },
      { t: 11, dir: 'in', from: 'bob', text: 'hi al', kind: 'message' },
      { t: 12, dir: 'out', from: 'alice', text: 'new nick', kind: 'message' },
    ]);
    assert.deepEqual(errors, []);
  });

  it('stores the kind of each message (an action: /me)', () => {
    const { bus, keeper, file } = setup();
    bus.emit('message:received', { from: 'bob', text: 'waves', time: 1, kind: 'action' });
    bus.emit('message:sent', { id: 'm1', text: 'bows', time: 2, kind: 'action' });
    keeper.close();
    assert.deepEqual(
      file.read().records.map((r) => [r.dir, r.kind]),
      [
        ['in', 'action'],
        ['out', 'action'],
      ],
    );
  });

  it('/history off stops writing, on resumes; /history says which', () => {
    const { bus, keeper, file } = setup();
    assert.match(keeper.describe(), /^history is on: kept in .*bob\.history\.jsonl/);
    assert.match(keeper.set(false), /^history off: nothing more of this session is kept/);
    bus.emit('message:received', { from: 'bob', text: 'off the record', time: 2, kind: 'message' });
    assert.match(keeper.describe(), /^history is off for this session \(\/history on resumes it\)$/);
    assert.match(keeper.set(true), /^history on/);
    bus.emit('message:received', { from: 'bob', text: 'on again', time: 3, kind: 'message' });
    keeper.close();
    assert.deepEqual(
      file.read().records.map((r) => r.text),
      ['on again'],
    );
  });

  it('a write problem is one warning naming the file, then history stops (no warning per message)', () => {
    const { bus, errors, keeper, file } = setup();
    fs.rmSync(file.path);
    fs.mkdirSync(file.path); // the file is now a directory: opening it again fails
    keeper.set(false);
    errors.length = 0;
    keeper.set(true);
    bus.emit('message:received', { from: 'bob', text: 'x', time: 1, kind: 'message' });
    bus.emit('message:received', { from: 'bob', text: 'y', time: 2, kind: 'message' });
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^history: cannot open .*bob\.history\.jsonl: it is a directory — history is not kept for the rest of this session$/);
    assert.equal(keeper.keeping(), false);
    keeper.close();
  });

  it('a history file open to others: one warning with the chmod, once', () => {
    const bus = new Bus();
    const errors: Array<{ severity: string; message: string }> = [];
    bus.on('error', (e) => errors.push(e));
    const t = target();
    const file = new HistoryFile(t.dir, t.profile);
    keepHistory(bus, t, 'al').close();
    fs.chmodSync(file.path, 0o640);
    const keeper = keepHistory(bus, t, 'al');
    bus.emit('message:received', { from: 'bob', text: 'still kept', time: 1, kind: 'message' });
    keeper.close();
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.severity, 'warning');
    assert.match(errors[0]!.message, /^history: \/.*bob\.history\.jsonl is readable by other users \(mode 0640\); run: chmod 600 /);
    assert.equal(file.read().records.length, 1, 'a loose mode is a warning, not a refusal');
  });

  it('restores the newest records, and names the file and line of a corrupt one', () => {
    const { bus, keeper, t, file } = setup();
    for (let i = 0; i < 5; i++) bus.emit('message:received', { from: 'bob', text: `m${i}`, time: i, kind: 'message' });
    keeper.close();
    assert.deepEqual(
      restoreHistory(t, 3).records.map((r) => r.text),
      ['m2', 'm3', 'm4'],
    );
    fs.appendFileSync(file.path, 'not a record\n{"v":5}\n');
    const r = restoreHistory(t, 3);
    assert.deepEqual(
      r.records.map((x) => x.text),
      ['m2', 'm3', 'm4'],
    );
    assert.equal(r.notes.length, 2);
    assert.match(
      r.notes[0]!,
      /^history: .*bob\.history\.jsonl line \d+: not a JSON record — the file is corrupt there \(1 bad line skipped\); it was not changed$/,
    );
    assert.match(r.notes[1]!, /^history: 1 record in .* was written by a newer fernchat \(format 5\) and skipped; the file was not changed$/);
  });
});
