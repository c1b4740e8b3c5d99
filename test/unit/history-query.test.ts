import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { localStamp, parseSince, recordLine, recordObject, selectRecords } from '../../src/history/query.js';
import type { HistoryRecord } from '../../src/history/record.js';

const T = new Date(2026, 11, 3, 17, 55, 2).getTime(); // local time
const rec = (over: Partial<HistoryRecord>): HistoryRecord => ({ t: T, dir: 'in', from: 'bob', text: 'hello', kind: 'message', ...over });

describe('history query', () => {
  it('--grep is a plain, case-insensitive substring of the text or sender, never a pattern', () => {
    const rs = [rec({ text: 'a.*(b is literal' }), rec({ text: 'aXXb' }), rec({ text: 'A.*(B upper' }), rec({ from: 'Grepme', text: 'x' }), rec({ text: '[' })];
    assert.deepEqual(
      selectRecords(rs, { grep: 'a.*(b' }).map((r) => r.text),
      ['a.*(b is literal', 'A.*(B upper'],
    );
    assert.deepEqual(
      selectRecords(rs, { grep: 'grepME' }).map((r) => r.from),
      ['Grepme'],
    );
    assert.equal(selectRecords(rs, { grep: '[' }).length, 1);
    assert.equal(selectRecords(rs, {}).length, rs.length);
  });

  it('--since keeps records at or after the time', () => {
    const rs = [rec({ t: T - 1 }), rec({ t: T }), rec({ t: T + 1 })];
    assert.deepEqual(
      selectRecords(rs, { since: T }).map((r) => r.t),
      [T, T + 1],
    );
  });

  it('parses YYYY-MM-DD as local midnight, and ISO times with or without a zone', () => {
    assert.equal(parseSince('2026-12-03'), new Date(2026, 11, 3).getTime());
    assert.equal(parseSince(' 2026-12-03 '), new Date(2026, 11, 3).getTime());
    assert.equal(parseSince('2026-12-03T17:55'), new Date(2026, 11, 3, 17, 55).getTime());
    assert.equal(parseSince('2026-12-03 17:55:02'), T);
    assert.equal(parseSince('2026-12-03T17:55:00Z'), Date.UTC(2026, 11, 3, 17, 55));
    assert.equal(parseSince('2026-12-03T17:55:00.250+01:00'), Date.UTC(2026, 11, 3, 16, 55, 0, 250));
  });

  it('refuses anything else with one line quoting the value', () => {
    for (const bad of [
      '',
      'yesterday',
      '2026-13-01',
      '2026-02-30',
      '2026-2-3',
      '03/12/2026',
      '2026-12-03T25:00',
      '2026-12-03T10:61',
      '2026-02-30T10:00',
      '1733248500000',
      '2026-12-03T10:00+5',
    ]) {
      assert.throws(
        () => parseSince(bad),
        (e: unknown) => e instanceof UsageError && e.message.startsWith('--since must be a date YYYY-MM-DD or an ISO 8601 time') && !e.message.includes('\n'),
        bad,
      );
    }
  });

  it('prints one sanitized line a record, an action as "* nick text"', () => {
    assert.equal(localStamp(T), '2026-12-03 17:55:02');
    assert.equal(recordLine(rec({ text: 'two\nlines \x1b[31mred' })), '2026-12-03 17:55:02 <bob> two⏎lines red');
    assert.equal(recordLine(rec({ kind: 'action', text: 'waves', dir: 'out', from: 'al' })), '2026-12-03 17:55:02 * al waves');
    assert.deepEqual(recordObject(rec({ text: 'a\nb' })), { time: new Date(T).toISOString(), dir: 'in', from: 'bob', text: 'a\nb', kind: 'message' });
  });
});
