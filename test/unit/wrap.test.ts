import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TEXT_START, wrap, wrapRows, wrapSpans } from '../../src/text/wrap.js';
import { graphemes, stringWidth } from '../../src/text/width.js';

describe('wrap', () => {
  const cases: Array<[string, string, number, string[]]> = [
    ['empty text is one empty row', '', 10, ['']],
    ['fits', 'hello world', 11, ['hello world']],
    ['breaks at spaces', 'hello world foo', 5, ['hello', 'world', 'foo']],
    ['packs words greedily', 'a bb ccc dddd', 6, ['a bb', 'ccc', 'dddd']],
    ['long word broken at the edge', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['long word after a short one', 'hi abcdefghij', 5, ['hi', 'abcde', 'fghij']],
    ['spaces at a break are dropped', 'a      b', 4, ['a', 'b']],
    ['double space inside a row kept', 'a  b', 10, ['a  b']],
    ['indentation kept', '  code', 10, ['  code']],
    ['hard newlines', 'a\nb', 10, ['a', 'b']],
    ['empty lines kept', 'a\n\nb', 10, ['a', '', 'b']],
    ['trailing newline gives an empty row', 'a\n', 10, ['a', '']],
    ['CJK breaks anywhere', '漢字漢字漢字', 5, ['漢字', '漢字', '漢字']],
    ['a Latin word after CJK moves whole', '漢字abc', 5, ['漢字', 'abc']],
    ['Latin word is not split before a wide cluster', 'ab漢字', 3, ['ab', '漢', '字']],
    ['emoji stay whole', 'a 👍👍👍 b', 3, ['a', '👍', '👍', '👍', 'b']],
    ['ZWJ family never split', '👨‍👩‍👧👨‍👩‍👧', 3, ['👨‍👩‍👧', '👨‍👩‍👧']],
    ['flags never split', '🇫🇷🇩🇪🇮🇹', 4, ['🇫🇷🇩🇪', '🇮🇹']],
    ['combining marks stay on their letter', 'e\u0301e\u0301e\u0301', 2, ['e\u0301e\u0301', 'e\u0301']],
    ['width 1 with wide clusters', '漢a', 1, ['?', 'a']],
    ['width 1 ASCII', 'abc', 1, ['a', 'b', 'c']],
  ];
  for (const [name, text, width, expected] of cases) {
    test(name, () => assert.deepEqual(wrap(text, width), expected));
  }

  for (const bad of [0, -1, 2.5, Number.NaN]) {
    test(`width ${bad} → TypeError`, () => assert.throws(() => wrap('x', bad), TypeError));
  }

  test('spans point into the text', () => {
    const text = 'hello world\nfoo';
    assert.deepEqual(wrapSpans(text, 5), [
      { start: 0, end: 5, width: 5 },
      { start: 6, end: 11, width: 5 },
      { start: 12, end: 15, width: 3 },
    ]);
  });
});

describe('wrap properties', () => {
  const pieces = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom('a', 'b', 'word', ' ', '  ', '\n', 'é', 'e\u0301', '漢', '字', 'ｶ', '👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️', '1️⃣', '\u200d', '\u0301'),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  );
  const texts = fc.array(pieces, { maxLength: 40 }).map((p) => p.join(''));

  test('every row fits the width, and there is at least one row', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 1, max: 30 }), (text, width) => {
        const rows = wrap(text, width);
        assert.ok(rows.length >= 1);
        for (const row of rows) assert.ok(stringWidth(row) <= width, `${JSON.stringify(row)} wider than ${width}`);
      }),
      { numRuns: 1000 },
    );
  });

  test('no grapheme is split and nothing but spaces is lost', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 2, max: 30 }), (text, width) => {
        const spans = wrapSpans(text, width);
        const whole = new Set(graphemes(text).map((g) => g));
        for (const s of spans) for (const g of graphemes(text.slice(s.start, s.end))) assert.ok(whole.has(g), `split cluster ${JSON.stringify(g)}`);
        // Between consecutive spans only spaces and newlines may be skipped.
        let pos = 0;
        for (const s of spans) {
          assert.ok(/^[ \n]*$/.test(text.slice(pos, s.start)), `lost ${JSON.stringify(text.slice(pos, s.start))}`);
          pos = s.end;
        }
        assert.ok(/^[ \n]*$/.test(text.slice(pos)));
      }),
      { numRuns: 1000 },
    );
  });

  test('rows follow hard newlines: one row at least per line', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 1, max: 30 }), (text, width) => {
        assert.ok(wrap(text, width).length >= text.split('\n').length);
      }),
      { numRuns: 300 },
    );
  });

  test('wrapRows resumes from any row exactly where a whole wrap would be, across chunk boundaries', () => {
    // Long texts (> the 512-unit chunks clusters are read in), indentation, '?' rows.
    const long = fc
      .array(fc.constantFrom('word ', '  ', '      ', '\n', 'é', 'e\u0301', '漢', '👍🏽', '👨‍👩‍👧', 'x'.repeat(37), '\u0301'), { maxLength: 300 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(long, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 5 }), (text, width, n) => {
        const all = wrapRows(text, width, TEXT_START, Number.POSITIVE_INFINITY).rows;
        assert.deepEqual(
          all.map(({ start, end, width: w }) => ({ start, end, width: w })),
          wrapSpans(text, width),
        );
        for (let i = 0; i < all.length; i += n) {
          const r = wrapRows(text, width, all[i]!.from, n);
          assert.deepEqual(r.rows, all.slice(i, i + n));
          assert.deepEqual(r.next, all[i + n]?.from ?? null);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('wrapRows stops after maxRows rows of a 4 MB line and says where the next row starts', () => {
    const text = 'abc '.repeat(1_000_000);
    const r = wrapRows(text, 10, TEXT_START, 3);
    assert.deepEqual(
      r.rows.map((s) => text.slice(s.start, s.end)),
      ['abc abc', 'abc abc', 'abc abc'],
    );
    assert.deepEqual(r.next, { offset: 24, at: 'row' });
  });
});
