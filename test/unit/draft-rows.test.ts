import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DraftRows } from '../../src/ui/draft-rows.js';
import { DraftText } from '../../src/ui/draft-text.js';
import { TEXT_START, wrapRows } from '../../src/text/wrap.js';

const whole = (text: string, width: number) => wrapRows(text, width, TEXT_START, Number.POSITIVE_INFINITY).rows;
const all = (d: DraftRows) => Array.from({ length: d.length }, (_, k) => d.row(k));

describe('DraftRows: the input box rows, edit by edit', () => {
  const piece = fc.constantFrom('a', 'word ', ' ', '   ', '\n', 'é', '漢', '👍🏽', 'xxxxxxxxxxxxxxxxxxxxxxx', 'e\u0301');
  const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));
  const edit = fc.record({ at: fc.nat(), len: fc.nat({ max: 12 }), insert: fc.array(piece, { maxLength: 3 }).map((p) => p.join('')) });

  test('after any sequence of edits the rows are those of a fresh wrap of the new text', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 20 }), fc.array(edit, { maxLength: 12 }), (start, width, edits) => {
        let t = start;
        const d = new DraftRows(t, width);
        for (const e of edits) {
          const from = Math.min(e.at, t.length);
          const to = Math.min(t.length, from + e.len);
          t = t.slice(0, from) + e.insert + t.slice(to);
          d.edit(t, from, to, e.insert.length);
          assert.deepEqual(all(d), whole(t, width));
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a keystroke in a 1 MiB draft re-wraps a few rows, not the draft', () => {
    const line = 'the quick brown fox jumps over the lazy dog, again and again\n';
    let t = line.repeat(Math.ceil((1024 * 1024) / line.length));
    const d = new DraftRows(t, 80);
    const rows = d.length;
    assert.ok(rows > 15_000);
    let at = Math.floor(t.length / 2);
    for (let i = 0; i < 50; i++) {
      d.work = 0;
      t = t.slice(0, at) + 'x' + t.slice(at);
      d.edit(t, at, at, 1);
      at += 1;
      assert.ok(d.work <= 100, `keystroke ${i}: ${d.work} rows of work`);
    }
    // Backspace at the same place, then typing far away: the rows in between are settled once.
    d.work = 0;
    t = t.slice(0, 10) + 'y' + t.slice(10);
    d.edit(t, 10, 10, 1);
    assert.ok(d.work <= rows, `${d.work}`);
    assert.deepEqual(all(d), whole(t, 80));
  });

  test('long texts: re-wrapping reads a window of the text, and a window too short is grown, never trusted', () => {
    const long = fc
      .array(fc.constantFrom('word ', 'a', ' ', '      ', '\n', '漢', 'e\u0301', 'x'.repeat(300), '\n\n'), { minLength: 2_000, maxLength: 4_000 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(long, fc.integer({ min: 1, max: 40 }), fc.array(edit, { maxLength: 6 }), (start, width, edits) => {
        let t = start;
        const d = new DraftRows(new DraftText(t), width);
        const doc = new DraftText(t);
        for (const e of edits) {
          const from = Math.min((e.at * 97) % (t.length + 1), t.length);
          const to = Math.min(t.length, from + e.len);
          t = t.slice(0, from) + e.insert + t.slice(to);
          doc.replace(from, to, e.insert);
          d.edit(doc, from, to, e.insert.length);
          assert.deepEqual(all(d), whole(t, width));
        }
      }),
      { numRuns: 20 },
    );
  });
});
