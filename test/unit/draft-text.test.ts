import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DraftText } from '../../src/ui/draft-text.js';

describe('DraftText: a string in pieces, edits into the small one', () => {
  const op = fc.record({ at: fc.nat(), len: fc.nat({ max: 3_000 }), insert: fc.constantFrom('', 'x', '\n', 'ab\ncd', 'é', '👍', 'y'.repeat(5_000)) });

  test('after any edits it reads exactly as the same edits on a plain string', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30_000, unit: fc.constantFrom('a', ' ', '\n', 'b') }),
        fc.array(op, { maxLength: 20 }),
        fc.nat(),
        (start, ops, probe) => {
          let s = start;
          const d = new DraftText(start);
          for (const o of ops) {
            const from = o.at % (s.length + 1);
            const to = Math.min(s.length, from + o.len);
            s = s.slice(0, from) + o.insert + s.slice(to);
            d.replace(from, to, o.insert);
            assert.equal(d.length, s.length);
            const i = probe % (s.length + 1);
            const j = Math.min(s.length, i + (probe % 9_000));
            assert.equal(d.slice(i, j), s.slice(i, j));
            assert.equal(d.charAt(i), s.charAt(i));
            for (const k of [-1, 0, i - 1, i, j, s.length - 1, s.length + 5]) {
              assert.equal(d.indexOf('\n', k), s.indexOf('\n', k), `indexOf from ${k}`);
              assert.equal(d.lastIndexOf('\n', k), s.lastIndexOf('\n', k), `lastIndexOf from ${k}`);
            }
          }
          assert.equal(d.toString(), s);
        },
      ),
      { numRuns: 300 },
    );
  });
});
