import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputModel } from '../../src/ui/input-model.js';
import { stringWidth } from '../../src/text/width.js';

/** A model with `text` typed and the cursor at `|` (or at the end). */
function at(textWithBar: string, opts?: ConstructorParameters<typeof InputModel>[0]): InputModel {
  const m = new InputModel(opts);
  const bar = textWithBar.indexOf('|');
  if (bar === -1) {
    m.insert(textWithBar);
  } else {
    m.insert(textWithBar.slice(0, bar) + textWithBar.slice(bar + 1));
    while (m.cursor > bar) m.left();
  }
  return m;
}
/** The model's text with `|` at the cursor. */
const show = (m: InputModel): string => `${m.text.slice(0, m.cursor)}|${m.text.slice(m.cursor)}`;

type Op = (m: InputModel) => unknown;
const editing: Array<[string, string, Op, string]> = [
  ['insert in the middle', 'ac|', (m) => (m.left(), m.insert('b')), 'ab|c'],
  ['insert strips controls and escapes', '|', (m) => m.insert('a\x1b[2Jb\x07c'), 'abc|'],
  ['insert expands tabs', '|', (m) => m.insert('\tx'), '    x|'],
  ['insert keeps newlines from a paste', '|', (m) => m.insert('a\r\nb'), 'a\nb|'],
  ['newline (Alt-Enter / Ctrl-J)', 'ab|', (m) => (m.left(), m.newline()), 'a\n|b'],
  ['left / right', 'abc|', (m) => (m.left(), m.left(), m.right()), 'ab|c'],
  ['left at start stays', '|abc', (m) => m.left(), '|abc'],
  ['right at end stays', 'abc|', (m) => m.right(), 'abc|'],
  ['home (Ctrl-A)', 'abc|', (m) => m.home(), '|abc'],
  ['end (Ctrl-E)', '|abc', (m) => m.end(), 'abc|'],
  ['home goes to the line start, then the text start', 'ab\ncd|', (m) => m.home(), 'ab\n|cd'],
  ['home twice', 'ab\ncd|', (m) => (m.home(), m.home()), '|ab\ncd'],
  ['end goes to the line end, then the text end', '|ab\ncd', (m) => m.end(), 'ab|\ncd'],
  ['end twice', '|ab\ncd', (m) => (m.end(), m.end()), 'ab\ncd|'],
  ['wordLeft', 'foo bar  baz|', (m) => m.wordLeft(), 'foo bar  |baz'],
  ['wordLeft over spaces', 'foo bar  |baz', (m) => m.wordLeft(), 'foo |bar  baz'],
  ['wordRight', '|foo bar', (m) => m.wordRight(), 'foo| bar'],
  ['wordRight over spaces', 'foo| bar', (m) => m.wordRight(), 'foo bar|'],
  ['backspace', 'abc|', (m) => m.backspace(), 'ab|'],
  ['backspace at start', '|abc', (m) => m.backspace(), '|abc'],
  ['del', 'a|bc', (m) => m.del(), 'a|c'],
  ['del at end', 'abc|', (m) => m.del(), 'abc|'],
  ['Ctrl-W kills the word before the cursor', 'foo bar|', (m) => m.killWordBack(), 'foo |'],
  ['Ctrl-W with trailing spaces', 'foo bar  |', (m) => m.killWordBack(), 'foo |'],
  ['Ctrl-W in the middle', 'foo bar| baz', (m) => m.killWordBack(), 'foo | baz'],
  ['Ctrl-W at start', '|foo', (m) => m.killWordBack(), '|foo'],
  ['Ctrl-U kills to the start', 'foo b|ar', (m) => m.killToStart(), '|ar'],
  ['killToEnd', 'foo b|ar', (m) => m.killToEnd(), 'foo b|'],
  ['Ctrl-Y yanks the last kill', 'foo bar|', (m) => (m.killWordBack(), m.home(), m.yank()), 'bar|foo '],
  ['setText', 'x|', (m) => m.setText('hello'), 'hello|'],
];

describe('InputModel editing keys', () => {
  for (const [name, before, op, after] of editing) {
    test(`${name}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`, () => {
      const m = at(before);
      op(m);
      assert.equal(show(m), after);
    });
  }
});

describe('InputModel is grapheme-safe', () => {
  const cases: Array<[string, string, Op, string]> = [
    ['left over a ZWJ family', 'a👨‍👩‍👧|', (m) => m.left(), 'a|👨‍👩‍👧'],
    ['right over a flag', '|🇫🇷x', (m) => m.right(), '🇫🇷|x'],
    ['backspace removes a whole emoji with skin tone', 'x👍🏽|', (m) => m.backspace(), 'x|'],
    ['backspace removes e + combining accent', 'ce\u0301|', (m) => m.backspace(), 'c|'],
    ['del removes a whole flag', '|🇫🇷🇩🇪', (m) => m.del(), '|🇩🇪'],
    ['CJK steps one character at a time', '漢字|', (m) => (m.left(), m.backspace()), '|字'],
    ['Ctrl-W over CJK and emoji', 'hi 漢字👍|', (m) => m.killWordBack(), 'hi |'],
    ['a combining mark typed after a letter joins it', 'e|', (m) => (m.insert('\u0301'), m.left()), '|e\u0301'],
  ];
  for (const [name, before, op, after] of cases) {
    test(name, () => {
      const m = at(before);
      op(m);
      assert.equal(show(m), after);
    });
  }

  test('walking right then left through mixed text visits only grapheme boundaries', () => {
    const text = 'a👨‍👩‍👧b🇫🇷e\u0301漢👍🏽';
    const m = at(`|${text}`);
    const stops: number[] = [m.cursor];
    for (let i = 0; i < 20; i++) {
      m.right();
      stops.push(m.cursor);
    }
    assert.deepEqual([...new Set(stops)], [0, 1, 9, 10, 14, 16, 17, 21]);
    for (let i = 0; i < 20; i++) m.left();
    assert.equal(m.cursor, 0);
  });
});

describe('InputModel history', () => {
  function withHistory(...entries: string[]): InputModel {
    const m = new InputModel();
    for (const e of entries) {
      m.insert(e);
      assert.equal(m.submit(), e);
    }
    return m;
  }

  test('Up recalls, newest first; Down comes back', () => {
    const m = withHistory('one', 'two');
    assert.equal(m.historyUp(), true);
    assert.equal(m.text, 'two');
    m.historyUp();
    assert.equal(m.text, 'one');
    assert.equal(m.historyUp(), false, 'oldest');
    assert.equal(m.text, 'one');
    m.historyDown();
    assert.equal(m.text, 'two');
    assert.equal(m.cursor, 3);
  });

  test('the unsent draft survives a trip through history', () => {
    const m = withHistory('one');
    m.insert('draft in progress');
    m.historyUp();
    assert.equal(m.text, 'one');
    m.historyDown();
    assert.equal(m.text, 'draft in progress');
    assert.equal(m.historyDown(), false);
  });

  test('edits to a recalled entry are kept until submit', () => {
    const m = withHistory('one', 'two');
    m.historyUp();
    m.insert(' edited');
    m.historyUp();
    m.historyDown();
    assert.equal(m.text, 'two edited');
    assert.equal(m.submit(), 'two edited');
    m.historyUp();
    assert.equal(m.text, 'two edited');
    m.historyUp();
    assert.equal(m.text, 'two', 'the original entry is unchanged');
  });

  test('consecutive duplicates are stored once', () => {
    const m = withHistory('same', 'same');
    m.historyUp();
    assert.equal(m.historyUp(), false);
  });

  test('historyMax bounds the history', () => {
    const m = new InputModel({ historyMax: 2 });
    for (const e of ['a', 'b', 'c']) {
      m.insert(e);
      m.submit();
    }
    m.historyUp();
    m.historyUp();
    assert.equal(m.text, 'b');
    assert.equal(m.historyUp(), false);
  });

  test('Up/Down move between lines of a multi-line text before using history', () => {
    const m = withHistory('old');
    m.insert('abc\nde');
    assert.equal(m.up(), true);
    assert.equal(show(m), 'ab|c\nde');
    assert.equal(m.down(), true);
    assert.equal(show(m), 'abc\nde|');
    m.home();
    m.up();
    m.up();
    assert.equal(m.text, 'old', 'Up on the first line recalls history');
    m.down();
    assert.equal(m.text, 'abc\nde');
  });

  test('submit: returns the text, clears, trims trailing newlines; null for blank', () => {
    const m = new InputModel();
    assert.equal(m.submit(), null);
    m.insert('  \n ');
    assert.equal(m.submit(), null);
    assert.equal(m.text, '  \n ', 'blank text is left alone');
    m.setText('hello\n\n');
    assert.equal(m.submit(), 'hello');
    assert.equal(m.text, '');
    assert.equal(m.cursor, 0);
    assert.equal(m.isEmpty, true);
  });

  test('bad historyMax → TypeError', () => {
    assert.throws(() => new InputModel({ historyMax: -1 }), TypeError);
  });
});

describe('InputModel completion', () => {
  const cases: Array<[string, string, string, string[]]> = [
    ['unique prefix completes with a space', '/ro|', '/rotate |', []],
    ['case-insensitive', '/RO|', '/rotate |', []],
    ['exact name completes with a space', '/quit|', '/quit |', []],
    ['ambiguous: longest common prefix, candidates returned', '/f|', '/fingerprint |', []],
    ['no match leaves the text', '/zz|', '/zz|', []],
    ['plain text is not completed', 'ro|', 'ro|', []],
    ['only the command word', '/nick al|', '/nick al|', []],
    ['a literal // is not completed', '//ro|', '//ro|', []],
  ];
  for (const [name, before, after, listed] of cases) {
    test(name, () => {
      const m = at(before);
      assert.deepEqual(m.complete(), listed);
      assert.equal(show(m), after);
    });
  }

  test('ambiguous prefix lists the matches and extends to their common part', () => {
    const m = at('/s|', { commands: ['save', 'say', 'sleep'] });
    assert.deepEqual(m.complete(), ['/save', '/say', '/sleep']);
    assert.equal(show(m), '/s|');
    const n = at('/sa|', { commands: ['/save', '/saveall'] });
    assert.deepEqual(n.complete(), ['/save', '/saveall']);
    assert.equal(show(n), '/save|');
  });

  test('Tab completes the peer nick: "nick: " at the start, "nick " inside; commands first; nothing known → as before', () => {
    const nicks = ['alice'];
    const cases: Array<[string, string]> = [
      ['a|', 'alice: |'],
      ['AL|', 'alice: |'],
      ['hi a|', 'hi alice |'],
      ['/me hugs a|', '/me hugs alice |'],
      ['hi al|ice', 'hi al|ice'],
      ['x|', 'x|'],
      ['|', '|'],
      ['/m|', '/me |'],
    ];
    for (const [before, after] of cases) {
      const m = at(before);
      assert.deepEqual(m.complete(nicks), [], before);
      assert.equal(show(m), after, before);
    }
    const none = at('a|');
    none.complete([]);
    assert.equal(show(none), 'a|', 'no peer nick yet: Tab changes nothing');
    const re = at('hi [|');
    re.complete(['[m]']);
    assert.equal(show(re), 'hi [m] |');
  });

  test('/ alone lists every command', () => {
    const m = at('/|');
    assert.ok(m.complete().length >= 8);
  });
});

describe('InputModel layout', () => {
  test('single line', () => {
    assert.deepEqual(at('hello|').layout(20, 3), { rows: ['hello'], cursorRow: 0, cursorCol: 5, totalRows: 1 });
  });

  test('empty', () => {
    assert.deepEqual(new InputModel().layout(20, 3), { rows: [''], cursorRow: 0, cursorCol: 0, totalRows: 1 });
  });

  test('grows with hard newlines', () => {
    assert.deepEqual(at('ab\nc|').layout(20, 3), { rows: ['ab', 'c'], cursorRow: 1, cursorCol: 1, totalRows: 2 });
  });

  test('wraps long text and tracks the cursor', () => {
    const l = at('hello world|').layout(6, 5);
    assert.deepEqual(l.rows, ['hello', 'world']);
    assert.equal(l.cursorRow, 1);
    assert.equal(l.cursorCol, 5);
  });

  test('a cursor after a full row moves to the start of the next', () => {
    const l = at('abcd|').layout(4, 5);
    assert.deepEqual(l, { rows: ['abcd', ''], cursorRow: 1, cursorCol: 0, totalRows: 2 });
    const m = at('abcd|efgh').layout(4, 5);
    assert.deepEqual(m, { rows: ['abcd', 'efgh'], cursorRow: 1, cursorCol: 0, totalRows: 2 });
  });

  test('cursor column counts display width (CJK, emoji)', () => {
    assert.equal(at('漢字|').layout(20, 1).cursorCol, 4);
    assert.equal(at('👍|a').layout(20, 1).cursorCol, 2);
    assert.equal(at('e\u0301|').layout(20, 1).cursorCol, 1);
  });

  test('more rows than maxRows: the window scrolls to keep the cursor visible', () => {
    const m = at('1\n2\n3\n4\n5|');
    assert.deepEqual(m.layout(10, 2), { rows: ['4', '5'], cursorRow: 1, cursorCol: 1, totalRows: 5 });
    m.home();
    m.home();
    assert.deepEqual(m.layout(10, 2), { rows: ['1', '2'], cursorRow: 0, cursorCol: 0, totalRows: 5 });
    m.down();
    m.down();
    assert.deepEqual(m.layout(10, 2), { rows: ['2', '3'], cursorRow: 1, cursorCol: 0, totalRows: 5 });
  });

  test('rows never exceed the width', () => {
    const m = at('漢字 👨‍👩‍👧 hello wonderful world 🇫🇷🇩🇪 done|');
    for (let w = 1; w <= 30; w++) {
      const l = m.layout(w, 100);
      for (const r of l.rows) assert.ok(stringWidth(r) <= w, `${w}: ${r}`);
      assert.ok(l.cursorCol < w || (w === 1 && l.cursorCol === 0));
    }
  });

  test('bad arguments → TypeError', () => {
    assert.throws(() => at('x').layout(0, 1), TypeError);
    assert.throws(() => at('x').layout(10, 0), TypeError);
  });
});

describe('InputModel with a 1 MiB draft', () => {
  test('a keystroke re-wraps the rows near it, not the draft, and the layout is that of a fresh model', () => {
    const line = 'the quick brown fox jumps over the lazy dog, again and again\n';
    const draft = line.repeat(Math.ceil((1024 * 1024) / line.length));
    const m = new InputModel();
    m.setText(draft, draft.length / 2);
    m.layout(80, 10);
    const afterFirstLayout = m.wrapWork;
    assert.ok(afterFirstLayout > 15_000, 'the first layout wraps the whole draft once');
    for (let i = 0; i < 20; i++) {
      m.insert('x');
      m.layout(80, 10);
    }
    m.backspace();
    m.wordLeft();
    m.killWordBack();
    m.yank();
    m.layout(80, 10);
    assert.ok(m.wrapWork - afterFirstLayout < 1_000, `${m.wrapWork - afterFirstLayout} rows wrapped for 24 edits`);
    const fresh = new InputModel();
    fresh.setText(m.text, m.cursor);
    assert.deepEqual(m.layout(80, 10), fresh.layout(80, 10));
  });

  test('layout slices only the window: rows are at most maxRows, totalRows counts them all', () => {
    const m = at(`${'word '.repeat(100_000)}|`);
    const l = m.layout(40, 5);
    assert.equal(l.rows.length, 5);
    assert.equal(l.totalRows, 12_500 + 1); // 8 words a row, and the cursor after the last full row gets a row of its own
  });
});
