import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGER_CHECKPOINT_ROWS } from '../../src/constants.js';
import type { ChatLine } from '../../src/ui/format.js';
import { PagerModel } from '../../src/ui/pager-model.js';
import { escapeTags, sanitizeText } from '../../src/text/sanitize.js';
import { wrap } from '../../src/text/wrap.js';

const T = new Date(2026, 10, 25, 9, 5, 7).getTime();
const message = (text: string): ChatLine => ({ id: 1, kind: 'message', time: T, nick: 'eve', text });
const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n');
const plain = (row: string): string =>
  row
    .replace(/\{open\}/g, '{')
    .replace(/\{close\}/g, '}')
    .replace(/\{\/?inverse\}/g, '');

describe('PagerModel: a whole message, a window at a time', () => {
  test('a title row, then the window; PgDn / PgUp move by a page less one row of overlap', () => {
    const p = new PagerModel(message(numbered(1_000)));
    const v = p.view(60, 6);
    assert.equal(v.length, 6);
    assert.match(plain(v[0]!), /^ eve 09:05 · rows 1–5 of ≥ 64 · 9 KiB/);
    assert.deepEqual(v.slice(1), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    p.scrollBy(p.page);
    assert.deepEqual(p.view(60, 6).slice(1), ['line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
    p.scrollBy(-100);
    assert.equal(p.firstRow, 0);
  });

  test('End shows the last page and knows the row count; Home goes back', () => {
    const p = new PagerModel(message(numbered(1_000)));
    p.view(60, 6);
    p.toEnd();
    const v = p.view(60, 6);
    assert.deepEqual(v.slice(1), ['line 995', 'line 996', 'line 997', 'line 998', 'line 999']);
    assert.equal(p.totalRows, 1_000);
    assert.match(plain(v[0]!), /rows 996–1,000 of 1,000/);
    p.scrollBy(50);
    assert.equal(p.firstRow, 995, 'never past the last page');
    p.toTop();
    assert.equal(p.view(60, 6)[1], 'line 0');
  });

  test('a window deep into a 4 MB message wraps at most a checkpoint interval plus the window', () => {
    const p = new PagerModel(message(`${'\t'.repeat(20)}cell\tcell\n`.repeat(200_000)));
    p.view(80, 40);
    for (let i = 0; i < 100; i++) p.scrollBy(p.page); // read down 3,900 rows
    const before = p.wrappedRows;
    const v = p.view(80, 40);
    assert.ok(p.wrappedRows - before <= PAGER_CHECKPOINT_ROWS + 40, `${p.wrappedRows - before} rows wrapped for one window`);
    assert.equal(v.length, 40);
    assert.equal(p.totalRows, null, 'the end was never needed');
    assert.ok(p.wrappedRows < 20_000, `${p.wrappedRows} rows wrapped in all (the message has 400,000)`);
  });

  test('text from the peer is sanitized and tag-escaped; a resize keeps the top row in view', () => {
    const p = new PagerModel(message('{bold}x\x1b[2J\n' + numbered(200)));
    const v = p.view(30, 4);
    assert.equal(v[1], '{open}bold{close}x');
    p.scrollBy(100);
    const top = p.view(30, 4)[1];
    p.view(12, 4);
    assert.ok(p.view(12, 4).slice(1).includes(top!), 'the same text is still on screen after the width changed');
  });

  test('opening a 4 MB message sanitizes a prefix only; paging through shows exactly the wrap of the whole sanitized text', () => {
    const giant = new PagerModel(message('x\ty\n'.repeat(1_000_000)));
    giant.view(80, 30);
    assert.ok(giant.sanitizedChars < 100_000, `${giant.sanitizedChars} code units sanitized to open it`);

    const text = Array.from({ length: 40_000 }, (_, i) => `${'\t'.repeat(i % 9)}row ${i} ${'word '.repeat(i % 30)}\r`).join('\n');
    const p = new PagerModel(message(text));
    const seen: string[] = [];
    p.view(50, 101);
    for (;;) {
      const rows = p.view(50, 101).slice(1);
      seen.push(...rows.slice(seen.length - p.firstRow));
      if (p.totalRows !== null && p.firstRow + 100 >= p.totalRows) break;
      p.scrollBy(100);
    }
    assert.deepEqual(seen, wrap(sanitizeText(text), 50).map(escapeTags));
  });
});
