import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRecord, HISTORY_VERSION, type HistoryRecord, parseRecordLine } from '../../src/history/record.js';

const rec = (over: Partial<HistoryRecord> = {}): HistoryRecord => ({ t: 1_764_784_500_000, dir: 'in', from: 'bob', text: 'hi', kind: 'message', ...over });

describe('history record codec', () => {
  it('is one JSON line ending in a newline, with the version first', () => {
    assert.equal(encodeRecord(rec()), '{"v":1,"t":1764784500000,"dir":"in","from":"bob","text":"hi","kind":"message"}\n');
  });

  it('round-trips any text as exactly one line: newlines, controls, U+2028, escapes, emoji', () => {
    for (const text of ['a\nb\r\nc', '\u0000\u001b[31mred', 'x\u2028y\u2029z', '{"v":1}\n{"v":1', '日本 🎉', '', 'a'.repeat(10_000)]) {
      const line = encodeRecord(rec({ text, dir: 'out', kind: 'action' }));
      assert.equal(line.indexOf('\n'), line.length - 1, `one line for ${JSON.stringify(text).slice(0, 40)}`);
      assert.deepEqual(parseRecordLine(line.slice(0, -1)), { kind: 'record', record: rec({ text, dir: 'out', kind: 'action' }) });
    }
  });

  it('skips a record of a later version by its v alone, whatever else it holds', () => {
    assert.deepEqual(parseRecordLine(`{"v":${HISTORY_VERSION + 1},"when":"tomorrow","shape":["new"]}`), { kind: 'newer', v: HISTORY_VERSION + 1 });
  });

  it('reads a v1 record without a kind (or with one it does not know) as a message', () => {
    assert.deepEqual(parseRecordLine('{"v":1,"t":5,"dir":"out","from":"al","text":"x"}'), {
      kind: 'record',
      record: { t: 5, dir: 'out', from: 'al', text: 'x', kind: 'message' },
    });
    const odd = parseRecordLine('{"v":1,"t":5,"dir":"out","from":"al","text":"x","kind":"sticker"}');
    assert.equal(odd.kind === 'record' && odd.record.kind, 'message');
  });

  it('names what is wrong with a bad line and never quotes it', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"v":1,"t":5,"dir":"in","from":"b","text":"secret', /not a JSON record/],
      ['secret words', /not a JSON record/],
      ['["secret"]', /not a JSON object/],
      ['{"t":5,"text":"secret"}', /version/],
      ['{"v":0,"text":"secret"}', /version/],
      ['{"v":1.5,"text":"secret"}', /version/],
      ['{"v":1,"t":"noon","dir":"in","from":"b","text":"secret"}', /"t"/],
      ['{"v":1,"t":5,"dir":"sideways","from":"b","text":"secret"}', /"dir"/],
      ['{"v":1,"t":5,"dir":"in","from":7,"text":"secret"}', /"from"/],
      ['{"v":1,"t":5,"dir":"in","from":"b","text":["secret"]}', /"text"/],
    ];
    for (const [line, problem] of cases) {
      const r = parseRecordLine(line);
      assert.equal(r.kind, 'bad', line);
      assert.match(r.kind === 'bad' ? r.problem : '', problem, line);
      assert.doesNotMatch(r.kind === 'bad' ? r.problem : '', /secret/);
    }
  });
});
