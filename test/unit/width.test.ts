import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { charWidth, clusterWidth, graphemeAt, graphemes, stringWidth, truncate } from '../../src/text/width.js';

describe('stringWidth', () => {
  const cases: Array<[string, string, number]> = [
    ['empty', '', 0],
    ['ASCII', 'hello, world', 12],
    ['CJK ideographs', '漢字', 4],
    ['Hiragana + ASCII', 'こんにちは!', 11],
    ['Hangul syllables', '한국어', 6],
    ['fullwidth Latin', 'ＡＢ', 4],
    ['halfwidth katakana', 'ｶﾀｶﾅ', 4],
    ['thumbs up', '👍', 2],
    ['thumbs up + skin tone', '👍🏽', 2],
    ['family ZWJ sequence', '👨‍👩‍👧', 2],
    ['rainbow flag (ZWJ + VS16)', '🏳️‍🌈', 2],
    ['ZWJ sequence from a text-default pictograph, no VS16', '❤\u200d🔥', 2],
    ['flag FR (regional indicators)', '🇫🇷', 2],
    ['two flags', '🇫🇷🇩🇪', 4],
    ['heart with VS16', '❤️', 2],
    ['heart without VS16 (text presentation)', '❤', 1],
    ['keycap', '1️⃣', 2],
    ['combining acute (e + U+0301)', 'e\u0301', 1],
    ['precomposed é', 'é', 1],
    ['many combining marks', 'a\u0300\u0301\u0302\u0303', 1],
    ['ZWJ alone', '\u200d', 0],
    ['zero width space', 'a\u200bb', 2],
    ['variation selector after text', 'a\ufe0e', 1],
    ['Hangul jamo L+V+T', '\u1100\u1161\u11a8', 2],
    ['box drawing (ambiguous = narrow)', '───', 3],
    ['mixed', 'a漢👍é', 6],
    ['newline counts nothing', 'a\nb', 2],
  ];
  for (const [name, text, expected] of cases) {
    test(`${name}: ${JSON.stringify(text)} = ${expected}`, () => assert.equal(stringWidth(text), expected));
  }
});

describe('charWidth', () => {
  const cases: Array<[number, number]> = [
    [0x41, 1],
    [0x00, 0],
    [0x1b, 0],
    [0x7f, 0],
    [0x9b, 0],
    [0xad, 1], // soft hyphen prints
    [0x0301, 0],
    [0x200d, 0],
    [0xfe0f, 0],
    [0xe0100, 0], // variation selector supplement
    [0x1160, 0],
    [0x4e00, 2],
    [0x3000, 2], // ideographic space
    [0xff01, 2],
    [0x1f44d, 2],
    [0x1f1eb, 1], // a lone regional indicator
    [0x20000, 2], // CJK extension B
    [0x2500, 1],
  ];
  for (const [cp, expected] of cases) {
    test(`U+${cp.toString(16).toUpperCase().padStart(4, '0')} = ${expected}`, () => assert.equal(charWidth(cp), expected));
  }
  test('same answer from the cache the second time', () => {
    assert.equal(charWidth(0x1f600), 2);
    assert.equal(charWidth(0x1f600), 2);
  });
  for (const bad of [-1, 0x110000, 1.5, Number.NaN]) {
    test(`bad code point ${bad} → TypeError`, () => assert.throws(() => charWidth(bad), TypeError));
  }
});

describe('graphemes', () => {
  const cases: Array<[string, string[]]> = [
    ['abc', ['a', 'b', 'c']],
    ['e\u0301x', ['e\u0301', 'x']],
    ['👨‍👩‍👧!', ['👨‍👩‍👧', '!']],
    ['🇫🇷🇩🇪', ['🇫🇷', '🇩🇪']],
    ['a\r\nb', ['a', '\r\n', 'b']],
    ['', []],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.deepEqual(graphemes(text), expected));
  }
  test('clusterWidth of each cluster sums to stringWidth', () => {
    const text = 'a漢👍🏽e\u0301🇫🇷 ok';
    assert.equal(
      graphemes(text).reduce((n, g) => n + clusterWidth(g), 0),
      stringWidth(text),
    );
  });
});

describe('graphemeAt', () => {
  const text = 'a👨‍👩‍👧e\u0301b';
  const cases: Array<[number, number, number]> = [
    [0, 0, 1],
    [1, 1, 9],
    [5, 1, 9],
    [9, 9, 11],
    [10, 9, 11],
    [11, 11, 12],
  ];
  for (const [index, start, end] of cases) {
    test(`index ${index} → [${start}, ${end})`, () => assert.deepEqual(graphemeAt(text, index), { start, end }));
  }
  test('ASCII before a combining mark belongs to its cluster', () => {
    assert.deepEqual(graphemeAt('xe\u0301', 1), { start: 1, end: 3 });
  });
  test('out of range → TypeError', () => {
    assert.throws(() => graphemeAt('ab', 2), TypeError);
    assert.throws(() => graphemeAt('ab', -1), TypeError);
  });
});

describe('truncate', () => {
  const cases: Array<[string, number, string]> = [
    ['hello', 10, 'hello'],
    ['hello', 5, 'hello'],
    ['hello world', 6, 'hello…'],
    ['漢字漢字', 5, '漢字…'],
    ['漢字漢字', 4, '漢字漢字'.slice(0, 1) + '…'],
    ['👨‍👩‍👧👨‍👩‍👧', 3, '👨‍👩‍👧…'],
    ['abc', 0, ''],
  ];
  for (const [text, width, expected] of cases) {
    test(`${JSON.stringify(text)} to ${width}`, () => {
      const out = truncate(text, width);
      assert.equal(out, expected);
      assert.ok(stringWidth(out) <= width);
    });
  }
  test('negative width → TypeError', () => assert.throws(() => truncate('a', -1), TypeError));
});

describe('grapheme segmentation agrees with Intl.Segmenter', () => {
  // width.ts segments with its own regex because Intl.Segmenter is quadratic
  // on Node 20; it must find the same clusters (Indic conjuncts aside).
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const reference = (text: string): string[] => Array.from(segmenter.segment(text), (s) => s.segment);
  const pieces = fc.constantFrom(
    'a',
    ' ',
    '\n',
    '\r',
    '\r\n',
    '\t',
    'é',
    '\u0301',
    '\u0308',
    '漢',
    'ｶ',
    '\uff9e',
    '👍',
    '\u{1F3FD}',
    '👨',
    '👩',
    '\u200d',
    '\ufe0f',
    '\u20e3',
    '1',
    '🇫',
    '🇷',
    '🇩',
    '❤',
    '🏳',
    '\u{E0067}',
    '\u0600',
    '\u0915',
    '\u093F',
    '\u0E33',
    '\u1100',
    '\u1161',
    '\u11A8',
    '가',
    '각',
    '\u0644',
    '\u064E',
    '\u200c',
    '\x1b',
    '\u0085',
    '\ud800',
  );
  test('property: same clusters on random mixes of tricky characters', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 25 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(graphemes(text), reference(text));
      }),
      { numRuns: 2000 },
    );
  });
  test('property: same clusters on random Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        assert.deepEqual(graphemes(text), reference(text));
      }),
      { numRuns: 1000 },
    );
  });
  test('segments 1 MiB of mixed text in one pass (linear, not quadratic)', () => {
    const text = 'héllo 漢字 👍🏽 👨‍👩‍👧 🇫🇷 '.repeat(40_000);
    const g = graphemes(text);
    assert.equal(g.length, 15 * 40_000);
    assert.equal(stringWidth(text), 20 * 40_000);
  });
});
