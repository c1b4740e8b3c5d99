import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRecord, type HistoryRecord } from '../../src/history/record.js';
import { keepBytesFor, looksLikeTornRecord, newestPart, scanHistory } from '../../src/history/scan.js';

const rec = (i: number): HistoryRecord => ({ t: 1000 + i, dir: i % 2 ? 'out' : 'in', from: i % 2 ? 'al' : 'bo', text: `message ${i}`, kind: 'message' });
const file = (...parts: string[]): Buffer => Buffer.from(parts.join(''));
const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => encodeRecord(rec(i)));

describe('scanHistory', () => {
  it('reads every record in order', () => {
    const s = scanHistory(file(...lines(5)));
    assert.deepEqual(s.records, [0, 1, 2, 3, 4].map(rec));
    assert.equal(s.bad, null);
    assert.equal(s.tornBytes, 0);
  });

  it('skips a torn last record, byte for byte at every cut, and keeps every complete one before it', () => {
    const whole = lines(3).join('');
    const last = encodeRecord({ ...rec(3), text: 'torn 🎉 here' });
    for (let cut = 1; cut < Buffer.byteLength(last); cut++) {
      const buf = Buffer.concat([Buffer.from(whole), Buffer.from(last).subarray(0, cut)]);
      const s = scanHistory(buf);
      assert.deepEqual(s.records, [0, 1, 2].map(rec), `cut at ${cut}`);
      assert.equal(s.bad, null, `cut at ${cut}: a torn tail is not corruption`);
      assert.equal(s.tornBytes, cut);
      assert.equal(s.completeBytes, Buffer.byteLength(whole));
      assert.ok(looksLikeTornRecord(buf.subarray(s.completeBytes)), `cut at ${cut} looks torn`);
    }
  });

  it('reports a corrupt line in the middle by number, and still reads everything else', () => {
    const l = lines(4);
    const s = scanHistory(file(l[0]!, l[1]!, '{"v":1,"t":oops\n', l[2]!, 'garbage\n', l[3]!));
    assert.deepEqual(s.records, [0, 1, 2, 3].map(rec));
    assert.deepEqual(s.bad, { line: 3, problem: 'not a JSON record' });
    assert.equal(s.badCount, 2);
  });

  it('counts records of a later version and skips them, reading the rest', () => {
    const l = lines(2);
    const s = scanHistory(file(l[0]!, '{"v":2,"t":5,"whatever":true}\n', '{"v":7}\n', l[1]!));
    assert.deepEqual(s.records, [rec(0), rec(1)]);
    assert.deepEqual(s.newer, { count: 2, highest: 7 });
    assert.equal(s.bad, null);
  });

  it('skips empty lines without calling them corrupt', () => {
    const l = lines(2);
    assert.equal(scanHistory(file(l[0]!, '\n', l[1]!)).bad, null);
  });

  it('drops the first, partial line of a tail read from the middle of the file', () => {
    const buf = file(...lines(4));
    const from = Buffer.byteLength(lines(1)[0]!) + 5; // inside record 1
    const s = scanHistory(buf.subarray(from), { partialStart: true });
    assert.deepEqual(s.records, [2, 3].map(rec));
    assert.equal(s.bad, null);
  });

  it('an empty file is an empty history', () => {
    assert.deepEqual(scanHistory(Buffer.alloc(0)).records, []);
  });
});

describe('looksLikeTornRecord', () => {
  it('is true only for a prefix of a record', () => {
    assert.ok(looksLikeTornRecord(Buffer.from('{')));
    assert.ok(looksLikeTornRecord(Buffer.from('{"v":1,"t":12')));
    assert.ok(!looksLikeTornRecord(Buffer.alloc(0)));
    assert.ok(!looksLikeTornRecord(Buffer.from('hello')));
    assert.ok(!looksLikeTornRecord(Buffer.from('{"x":1')));
    assert.ok(!looksLikeTornRecord(Buffer.from('\x00\x01\x02')));
  });
});

describe('newestPart (rotation)', () => {
  it('keeps the newest whole records that fit, never part of one', () => {
    const l = lines(10);
    const buf = file(...l);
    for (let keep = 0; keep <= buf.length + 5; keep++) {
      const kept = newestPart(buf, keep);
      assert.ok(kept.length <= keep, `keep ${keep}: ${kept.length} bytes`);
      const s = scanHistory(kept);
      assert.equal(s.bad, null);
      assert.equal(s.tornBytes, 0);
      // As many of the newest records as fit, whole.
      let n = 0;
      for (let total = 0; n < l.length && total + Buffer.byteLength(l[l.length - 1 - n]!) <= keep; n++) total += Buffer.byteLength(l[l.length - 1 - n]!);
      assert.deepEqual(
        s.records,
        Array.from({ length: n }, (_, i) => rec(10 - n + i)),
        `keep ${keep}`,
      );
    }
  });

  it('keeps nothing of a newest record larger than the part kept', () => {
    const big = encodeRecord({ ...rec(1), text: 'x'.repeat(1000) });
    assert.equal(newestPart(file(...lines(3), big), 500).length, 0);
  });

  it('refuses a buffer with a torn end (the caller passes complete lines)', () => {
    assert.throws(() => newestPart(Buffer.from('{"v":1'), 2), TypeError);
  });

  it('keeps half the cap', () => {
    assert.equal(keepBytesFor(10 * 1024 * 1024), 5 * 1024 * 1024);
  });
});
