import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFolded, type ChatLine } from '../../src/ui/format.js';
import { LineRing } from '../../src/ui/line-ring.js';
import { matchStyle } from '../../src/ui/search-highlight.js';
import { SearchModel, SearchQuery, type LineSource } from '../../src/ui/search-model.js';

const T = new Date(2026, 11, 3, 12, 0).getTime();

function ringOf(texts: string[], capacity = 1000): { ring: LineRing; source: LineSource; push(text: string, over?: Partial<ChatLine>): number } {
  const ring = new LineRing(capacity);
  let id = 0;
  const push = (text: string, over: Partial<ChatLine> = {}): number => ring.push({ id: ++id, kind: 'message', nick: 'bob', time: T, text, ...over });
  for (const t of texts) push(t);
  const source: LineSource = {
    get firstSeq() {
      return ring.firstSeq;
    },
    get lastSeq() {
      return ring.lastSeq;
    },
    at: (seq) => ring.at(seq),
  };
  return { ring, source, push };
}

describe('SearchQuery', () => {
  test('smart case: lower case finds any case; a capital makes case matter', () => {
    const lower = new SearchQuery('hello');
    assert.equal(lower.caseSensitive, false);
    assert.ok(lower.test('say HeLLo there'));
    const upper = new SearchQuery('Hello');
    assert.equal(upper.caseSensitive, true);
    assert.ok(upper.test('Hello'));
    assert.ok(!upper.test('hello'));
    // Beyond ASCII: é finds É; a capital Ä makes case matter.
    assert.ok(new SearchQuery('été').test('ÉTÉ 2026'));
    assert.ok(!new SearchQuery('Ärger').test('ärger'));
  });

  test('plain text, never a regex: a.*(b matches those characters only', () => {
    const q = new SearchQuery('a.*(b');
    assert.ok(q.test('x a.*(b y'));
    assert.ok(!q.test('aXXb'));
    assert.ok(!q.test('ab'));
    for (const s of ['[', '\\', '$^', '|', '{1}', '/x/', '?+', ')']) assert.ok(new SearchQuery(s).test(`<${s}>`), s);
    assert.ok(!new SearchQuery('.').test('abc'));
  });

  test('ranges: every occurrence, in order, not overlapping, in code units', () => {
    assert.deepEqual(new SearchQuery('ab').ranges('ab xAB abab'), [
      [0, 2],
      [4, 6],
      [7, 9],
      [9, 11],
    ]);
    assert.deepEqual(new SearchQuery('aa').ranges('aaa'), [[0, 2]]);
    assert.deepEqual(new SearchQuery('🙂x').ranges('a🙂x'), [[1, 4]]);
    assert.deepEqual(new SearchQuery('zz').ranges('abc'), []);
  });

  test('an empty text is caller misuse (the model treats it as "nothing to look for")', () => {
    assert.throws(() => new SearchQuery(''), TypeError);
    assert.throws(() => new SearchQuery('\x1b[0m'), TypeError); // nothing left once sanitized
  });
});

describe('SearchModel', () => {
  test('the newest match first, then n (older) and N (newer); the ends say so and keep the match', () => {
    const { source } = ringOf(['one apple', 'two', 'three apple', 'four', 'five APPLE', 'six']);
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('apple'), { kind: 'found', seq: 4 });
    assert.deepEqual(m.older(), { kind: 'found', seq: 2 });
    assert.deepEqual(m.older(), { kind: 'found', seq: 0 });
    assert.deepEqual(m.older(), { kind: 'end', direction: 'older' });
    assert.equal(m.current, 0);
    assert.deepEqual(m.newer(), { kind: 'found', seq: 2 });
    assert.deepEqual(m.newer(), { kind: 'found', seq: 4 });
    assert.deepEqual(m.newer(), { kind: 'end', direction: 'newer' });
    assert.equal(m.current, 4);
  });

  test('each new text searches again from the newest line', () => {
    const { source } = ringOf(['cat', 'car', 'cab']);
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('ca'), { kind: 'found', seq: 2 });
    m.older();
    assert.deepEqual(m.setText('car'), { kind: 'found', seq: 1 });
    assert.deepEqual(m.setText('cat'), { kind: 'found', seq: 0 });
  });

  test('no match: "none", nothing current; empty text: "empty"; an empty pane', () => {
    const { source } = ringOf(['alpha', 'beta']);
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('gamma'), { kind: 'none' });
    assert.equal(m.current, null);
    assert.deepEqual(m.older(), { kind: 'none' });
    assert.deepEqual(m.setText(''), { kind: 'empty' });
    assert.deepEqual(m.older(), { kind: 'empty' });
    assert.deepEqual(m.newer(), { kind: 'empty' });
    assert.equal(m.query, null);
    assert.deepEqual(new SearchModel(ringOf([]).source).setText('x'), { kind: 'none' });
  });

  test('a capital in the text: case matters', () => {
    const { source } = ringOf(['Fern chat', 'fern chat']);
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('Fern'), { kind: 'found', seq: 0 });
    assert.deepEqual(m.setText('fern'), { kind: 'found', seq: 1 });
    assert.deepEqual(m.older(), { kind: 'found', seq: 0 });
  });

  test('lines are searched as shown: escape codes removed, tabs expanded, invisible characters gone', () => {
    const { source } = ringOf(['\x1b[1mred\x1b[0m text', 'a\tb', 'pass\u200bword', '\x1b[31mplain']);
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('red text'), { kind: 'found', seq: 0 });
    assert.deepEqual(m.setText('a   b'), { kind: 'found', seq: 1 }); // the tab shows as three spaces after "a"
    assert.deepEqual(m.setText('password'), { kind: 'found', seq: 2 });
    // What the escape sequence was is not shown, so it is not found.
    assert.deepEqual(m.setText('31m'), { kind: 'none' });
    assert.deepEqual(m.setText('[1m'), { kind: 'none' });
  });

  test('day separators and the text of other kinds: days never match; system and own lines do', () => {
    const { source, push } = ringOf([]);
    push('', { kind: 'day' });
    push('peer online', { kind: 'system' });
    push('I am online', { kind: 'own', nick: 'alice' });
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('online'), { kind: 'found', seq: 2 });
    assert.deepEqual(m.older(), { kind: 'found', seq: 1 });
    assert.deepEqual(m.older(), { kind: 'end', direction: 'older' });
  });

  test('the ring evicts old lines while searching: an evicted match has nothing older; newer starts at the oldest line held', () => {
    const { ring, source, push } = ringOf(['x 0', 'y 1', 'x 2', 'y 3', 'x 4'], 5);
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('x'), { kind: 'found', seq: 4 });
    assert.deepEqual(m.older(), { kind: 'found', seq: 2 });
    assert.deepEqual(m.older(), { kind: 'found', seq: 0 });
    push('y 5');
    push('x 6'); // evicts seq 0 and 1
    assert.equal(ring.firstSeq, 2);
    assert.equal(m.current, null, 'the match shown was evicted');
    assert.deepEqual(m.older(), { kind: 'end', direction: 'older' });
    assert.deepEqual(m.newer(), { kind: 'found', seq: 2 });
    assert.deepEqual(m.newer(), { kind: 'found', seq: 4 });
    assert.deepEqual(m.newer(), { kind: 'found', seq: 6 }, 'a line that arrived during the search is found too');
    // Everything evicted under the search: nothing older, and newer finds what is held.
    for (let i = 0; i < 5; i++) push(`z ${i}`);
    assert.deepEqual(m.older(), { kind: 'end', direction: 'older' });
    assert.deepEqual(m.newer(), { kind: 'end', direction: 'newer' });
  });

  test('a long message: found wherever the text is in it, and each line is sanitized once per search', () => {
    const long = `${'word '.repeat(200_000)}needle\t${'more '.repeat(1000)}`;
    const { source } = ringOf(['short', long, 'after']);
    const m = new SearchModel(source);
    assert.deepEqual(m.setText('needle more'), { kind: 'found', seq: 1 }); // past column 256 a tab shows as one space
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) m.setText('needle');
    assert.ok(performance.now() - t0 < 2_000, 'sanitizing the long line again on every step would take far longer');
  });
});

describe('the highlight in formatted rows (format.ts + search-highlight.ts)', () => {
  const line = (text: string): ChatLine => ({ id: 1, kind: 'message', nick: 'bob', time: T, text });
  const cur = matchStyle(true, false);
  const other = matchStyle(false, false);

  test('every occurrence is styled; the current line distinctly; without colours (monochrome) reverse and underline', () => {
    const q = new SearchQuery('ab');
    const rows = formatFolded(line('ab cd AB'), 80, { seconds: false, colors: 256, highlight: { query: q, current: true, monochrome: false } }, 10).rows;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.split(cur.open).length - 1, 2, rows[0]);
    const others = formatFolded(line('ab'), 80, { seconds: false, colors: 256, highlight: { query: q, current: false, monochrome: false } }, 10).rows;
    assert.ok(others[0]!.includes(`${other.open}ab${other.close}`), others[0]);
    const mono = formatFolded(line('ab'), 80, { seconds: false, colors: 8, highlight: { query: q, current: true, monochrome: true } }, 10).rows;
    assert.ok(mono[0]!.includes('{inverse}{underline}ab{/underline}{/inverse}'), mono[0]);
    // The header is not searched: the nick "bob" is not highlighted by "bo".
    const nick = formatFolded(
      line('x'),
      80,
      { seconds: false, colors: 256, highlight: { query: new SearchQuery('bo'), current: true, monochrome: false } },
      10,
    ).rows;
    assert.ok(!nick[0]!.includes(cur.open), nick[0]);
  });

  test('an occurrence that wraps is highlighted on both rows', () => {
    // "[12:00] <bob> " takes 14 of 24 columns: 10 for the text, so "xxxxxxxxneedle" breaks inside "needle".
    const long = formatFolded(
      line('x'.repeat(8) + 'needle'),
      24,
      { seconds: false, colors: 256, highlight: { query: new SearchQuery('needle'), current: true, monochrome: false } },
      10,
    ).rows;
    assert.equal(long.length, 2, long.join('\n'));
    assert.ok(long[0]!.includes(`${cur.open}ne${cur.close}`) && long[1]!.includes(`${cur.open}edle${cur.close}`), long.join('\n'));
  });

  test('a folded message highlights only what it shows', () => {
    const text = `${'first line\n'.repeat(50)}needle at the end`;
    const f = formatFolded(
      line(text),
      40,
      { seconds: false, colors: 256, highlight: { query: new SearchQuery('needle'), current: true, monochrome: false } },
      6,
    );
    assert.equal(f.folded, true);
    assert.ok(!f.rows.some((r) => r.includes(cur.open)));
    const g = formatFolded(
      line(text),
      40,
      { seconds: false, colors: 256, highlight: { query: new SearchQuery('first'), current: true, monochrome: false } },
      6,
    );
    assert.equal(g.rows.filter((r) => r.includes(cur.open)).length, 5, g.rows.join('\n'));
  });
});
