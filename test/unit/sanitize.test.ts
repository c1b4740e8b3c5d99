import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TAB_EXPAND_MAX_COLUMNS } from '../../src/constants.js';
import { escapeTags, sanitizeInline, sanitizeText } from '../../src/text/sanitize.js';
import { stringWidth } from '../../src/text/width.js';

/** Anything a terminal would act on, or that would reorder or corrupt text. */
const DANGEROUS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('sanitizeText', () => {
  const cases: Array<[string, string, string]> = [
    ['clear screen', 'a\x1b[2Jb', 'ab'],
    ['cursor home + clear', '\x1b[H\x1b[2Jhi', 'hi'],
    ['SGR colour', '\x1b[31mred\x1b[0m', 'red'],
    ['OSC 52 clipboard write (BEL)', 'x\x1b]52;c;cm0gLXJmIH4=\x07y', 'xy'],
    ['OSC 52 clipboard write (ST)', 'x\x1b]52;c;cm0gLXJmIH4=\x1b\\y', 'xy'],
    ['OSC 0 title change', '\x1b]0;pwned\x07hello', 'hello'],
    ['OSC 8 hyperlink keeps its label', '\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['unterminated OSC runs to the end', 'ok\x1b]0;title', 'ok'],
    ['DCS string', 'a\x1bP1$r0m\x1b\\b', 'ab'],
    ['C1 CSI (U+009B)', 'a\u009b2Jb', 'ab'],
    ['C1 OSC (U+009D) with C1 ST', 'a\u009d0;t\u009cb', 'ab'],
    ['two-byte escape (RIS)', 'a\x1bcb', 'ab'],
    ['charset escape', 'a\x1b(0b', 'ab'],
    ['CSI cut short at the end', 'a\x1b[3', 'a'],
    ['lone ESC', 'a\x1b', 'a'],
    ['bell', 'ding\x07dong', 'dingdong'],
    ['backspace overwrite trick', 'rm -rf ~\b\b\b\b\b\b\b\bls -l   ', 'rm -rf ~ls -l   '],
    ['carriage return overwrite trick', 'innocent\rEVIL', 'innocent\nEVIL'],
    ['CR LF', 'a\r\nb', 'a\nb'],
    ['DEL', 'a\x7fb', 'ab'],
    ['NUL and other C0', 'a\x00\x01\x0b\x0c\x1fb', 'ab'],
    ['NEL (C1) removed', 'a\u0085b', 'ab'],
    ['bidi override (Trojan Source)', 'access\u202e\u2066 // admin\u2069\u2066', 'access // admin'],
    ['bidi embeddings and isolates', '\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069x', 'x'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\nb\nc'],
    ['lone high surrogate', 'a\ud83db', 'a\ufffdb'],
    ['lone low surrogate', 'a\udc4db', 'a\ufffdb'],
    ['keeps a surrogate pair', 'a👍b', 'a👍b'],
    ['keeps newlines', 'a\nb\n', 'a\nb\n'],
    ['keeps ZWJ emoji and combining marks', '👨‍👩‍👧 e\u0301', '👨‍👩‍👧 e\u0301'],
    ['removes LRM/RLM (U+200E/F)', 'a\u200eb\u200f', 'ab'],
    ['removes zero-width space, non-joiner, lone joiner', 'a\u200bb\u200cc\u200dd', 'abcd'],
    ['removes word joiner, invisible operators, U+206F', 'a\u2060b\u2061\u2064c\u206fd', 'abcd'],
    ['removes BOM / ZWNBSP', '\ufeffa\ufeffb', 'ab'],
    ['removes tag characters outside a flag', 'a\u{E0001}\u{E0041}\u{E007F}b', 'ab'],
    ['removes Hangul fillers', 'a\u115f\u1160b\u3164\uffa0c', 'abc'],
    ['removes the soft hyphen', 'ad\u00admin', 'admin'],
    ['a nick hidden among invisibles is the plain nick', '\u200bal\u2063ice\u00ad', 'alice'],
    ['keeps ZWJ between pictographs (with VS16 and skin tones)', '🏳️‍🌈 👩🏽‍💻 ❤️‍🔥', '🏳️‍🌈 👩🏽‍💻 ❤️‍🔥'],
    ['removes a ZWJ after a pictograph when no pictograph follows', '👍\u200dx', '👍x'],
    ['keeps VS16 and keycaps', '☺️ 1️⃣', '☺️ 1️⃣'],
    [
      'keeps a subdivision flag tag sequence',
      '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}!',
      '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}!',
    ],
    ['removes an unterminated tag run after a black flag', '🏴\u{E0067}\u{E0062}x', '🏴x'],
    ['tab to the next stop', 'a\tb', 'a   b'],
    ['tab stops per line', 'ab\tc\n\tx', 'ab  c\n    x'],
    ['tab after wide text', '漢\tx', '漢  x'],
    ['braces untouched (escaping is separate)', '{bold}x{/bold}', '{bold}x{/bold}'],
    ['empty', '', ''],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.equal(sanitizeText(input), expected));
  }

  test('tab expansion is bounded: past TAB_EXPAND_MAX_COLUMNS a tab is one space, and each line starts over', () => {
    const line = '\t'.repeat(1000);
    const stops = TAB_EXPAND_MAX_COLUMNS / 4;
    assert.equal(sanitizeText(line), ' '.repeat(TAB_EXPAND_MAX_COLUMNS + (1000 - stops)));
    assert.equal(sanitizeText(`${line}\n\tx\t`), `${' '.repeat(TAB_EXPAND_MAX_COLUMNS + (1000 - stops))}\n    x   `);
    // 3.9 MB of tabs grows by at most TAB_EXPAND_MAX_COLUMNS columns per line, not fourfold.
    const giant = '\t'.repeat(3_900_000);
    assert.ok(sanitizeText(giant).length <= giant.length + TAB_EXPAND_MAX_COLUMNS);
  });

  test('property: tabs expand as a column-by-column reference does (runs of tabs, CJK, the cap, line starts)', () => {
    const reference = (text: string): string =>
      text
        .split('\n')
        .map((line) => {
          let out = '';
          let col = 0;
          for (const ch of line) {
            if (ch !== '\t') {
              out += ch;
              col += stringWidth(ch);
              continue;
            }
            const n = col >= TAB_EXPAND_MAX_COLUMNS ? 1 : 4 - (col % 4);
            out += ' '.repeat(n);
            col += n;
          }
          return out;
        })
        .join('\n');
    const piece = fc.constantFrom('\t', '\t\t\t', '\t'.repeat(70), 'a', 'word', '漢', '\n', ' ', 'x'.repeat(100));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        assert.equal(sanitizeText(text), reference(text));
      }),
      { numRuns: 500 },
    );
  });

  test('a non-string is caller misuse', () => {
    assert.throws(() => sanitizeText(undefined as unknown as string), TypeError);
  });

  test('property: output never holds a control (but LF), ESC, C1, bidi override or lone surrogate', () => {
    const nasty = fc.constantFrom(
      '\x1b',
      '\x9b',
      '\x9d',
      '\x07',
      '\x08',
      '\r',
      '\n',
      '\t',
      '[',
      ']',
      '2J',
      '\u202e',
      '\ud800',
      '\udc00',
      '👍',
      '漢',
      'a',
      ';',
      '\\',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(nasty, fc.string({ unit: 'binary' })), { maxLength: 30 }), (parts) => {
        const out = sanitizeText(parts.join(''));
        assert.ok(!DANGEROUS.test(out), JSON.stringify(out));
        assert.ok(!out.includes('\t'));
        assert.equal(sanitizeText(out), out, 'idempotent');
      }),
      { numRuns: 500 },
    );
  });
});

describe('sanitizeInline', () => {
  const cases: Array<[string, string]> = [
    ['one\ntwo', 'one⏎two'],
    ['a\r\nb\rc', 'a⏎b⏎c'],
    ['\x1b[2Jx\n', 'x⏎'],
    ['plain', 'plain'],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(sanitizeInline(input), expected));
  }
  test('property: never more than one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => assert.ok(!/[\n\r]/.test(sanitizeInline(s)))),
      { numRuns: 300 },
    );
  });
});

describe('escapeTags', () => {
  const cases: Array<[string, string]> = [
    ['{bold}x{/bold}', '{open}bold{close}x{open}/bold{close}'],
    ['{open}', '{open}open{close}'],
    ['}{', '{close}{open}'],
    ['no braces', 'no braces'],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(escapeTags(input), expected));
  }
});
