/**
 * Keys while searching (search-mode.ts) against a real ChatPane on a null
 * blessed screen: what the pane shows after /search, n / N, Ctrl-R typing,
 * Enter and Esc, and what the prompt row says.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNullScreen, type NullScreen } from '../../src/testing/null-screen.js';
import { ChatPane } from '../../src/ui/chat-pane.js';
import { matchStyle } from '../../src/ui/search-highlight.js';
import { ScrollbackSearch } from '../../src/ui/search-mode.js';

const W = 80;
const H = 20;
const CURRENT = matchStyle(true, false).open;
const OTHER = matchStyle(false, false).open;

const screens: NullScreen[] = [];
after(() => {
  for (const s of screens) s.destroy();
});

function setup(lines = 500, capacity = 100_000) {
  const ns = createNullScreen(W, H + 4);
  screens.push(ns);
  const pane = new ChatPane(ns.screen, { capacity, seconds: false, colors: 256 });
  for (let i = 0; i < lines; i++) pane.add({ kind: 'message', nick: i % 2 ? 'alice' : 'bob', text: `line ${i} ${i % 100 === 42 ? 'Needle' : 'hay'}` });
  const search = new ScrollbackSearch(pane);
  /** The rows on screen now, as the pane's sync() shows them (less the "scrolled up" marker). */
  const rows = (): string[] => {
    pane.sync(W, H);
    return pane.atBottom ? pane.buffer.visibleRows(H) : pane.buffer.visibleRows(H - 1);
  };
  const plain = (): string[] => rows().map((r) => r.replace(/\{[^}]*\}/g, ''));
  rows();
  return { pane, search, rows, plain };
}

describe('/search TEXT, then n / N', () => {
  test('jumps to the newest match, highlighted; n older, N newer; the ends keep the view and say so', () => {
    const { pane, search, rows, plain } = setup();
    assert.equal(search.startBrowse('needle'), null);
    assert.equal(search.mode, 'browse');
    assert.equal(pane.atBottom, false);
    let shown = rows();
    const at = (n: number): string | undefined => shown.find((r) => r.replace(/\{[^}]*\}/g, '').includes(`line ${n} `));
    assert.ok(at(442)?.includes(CURRENT), plain().join('\n'));
    assert.equal(search.typed('n'), '');
    shown = rows();
    assert.ok(at(342)?.includes(CURRENT), plain().join('\n'));
    search.typed('nnn');
    shown = rows();
    assert.ok(at(42)?.includes(CURRENT), plain().join('\n'));
    const before = plain();
    search.typed('n');
    assert.deepEqual(plain(), before, 'no older match: the view does not move');
    assert.match(search.bar(W).row, /no older match/);
    search.typed('N');
    shown = rows();
    assert.ok(at(142)?.includes(CURRENT), plain().join('\n'));
    assert.equal(search.key('C-r'), 'handled');
    shown = rows();
    assert.ok(at(42)?.includes(CURRENT));
    assert.equal(search.key('C-s'), 'handled');
    shown = rows();
    assert.ok(at(142)?.includes(CURRENT));
  });

  test('every visible match is highlighted, the current one distinctly', () => {
    const { search, rows } = setup(30);
    search.startBrowse('line 1');
    const shown = rows();
    const current = shown.filter((r) => r.includes(CURRENT)).length;
    const others = shown.filter((r) => r.includes(OTHER)).length;
    assert.equal(current, 1);
    assert.ok(others >= 5, `line 1, 10…19 on screen are highlighted too:\n${shown.join('\n')}`);
  });

  test('Esc goes back to where the view was; Enter stays at the match', () => {
    const { pane, search, plain } = setup();
    const bottom = plain();
    search.startBrowse('needle');
    search.typed('n');
    assert.equal(search.key('escape'), 'handled');
    assert.equal(search.active, false);
    assert.equal(pane.atBottom, true);
    assert.deepEqual(plain(), bottom);
    assert.ok(!plain().join('').includes('{'), 'no highlight left');

    pane.pageUp();
    const scrolled = plain();
    search.startBrowse('needle');
    search.key('escape');
    assert.deepEqual(plain(), scrolled, 'back to the scrolled-up position, not the bottom');

    search.startBrowse('needle');
    search.typed('n');
    const there = plain();
    assert.equal(search.key('return'), 'handled');
    assert.equal(search.active, true, 'blessed sends return and enter for one CR: only enter acts');
    assert.equal(search.key('enter'), 'handled');
    assert.equal(search.active, false);
    assert.deepEqual(plain(), there, 'Enter keeps the position (the highlight goes)');
  });

  test('any other key ends the search where it is and does what it does; typed text goes to the input line', () => {
    const { search } = setup();
    search.startBrowse('needle');
    assert.equal(search.typed('nok'), 'ok', 'n stepped, then "ok" is for the input line');
    assert.equal(search.active, false);
    search.startBrowse('needle');
    assert.equal(search.key('pageup'), 'pass');
    assert.equal(search.active, false);
    search.startBrowse('needle');
    assert.equal(search.key('C-l'), 'pass', 'redraw');
    assert.equal(search.active, true, 'a redraw does not end the search');
  });

  test('no match: the prompt row says so until the next key, the view does not move', () => {
    const { pane, search, plain } = setup();
    const before = plain();
    // 500 messages and the date line the pane starts with.
    assert.equal(search.startBrowse('a.*(b'), 'no match for "a.*(b" in the 501 lines held');
    assert.match(search.bar(W).row, /search "a\.\*\(b" — no match for "a\.\*\(b" in the 501 lines held/);
    assert.equal(pane.atBottom, true);
    assert.deepEqual(plain(), before);
    assert.equal(search.typed('n'), '');
    assert.deepEqual(plain(), before);
    assert.equal(search.typed('ok'), 'ok');
    assert.equal(search.active, false);
    assert.deepEqual(plain(), before);
    // Capitals make case matter: "NEEDLE" is not in any line.
    assert.match(search.startBrowse('NEEDLE') ?? '', /^no match for "NEEDLE"/);
  });
});

describe('Ctrl-R: the incremental prompt', () => {
  test('each keystroke searches again from the newest; Ctrl-R / Up older, Ctrl-S / Down newer; Backspace; Esc restores', () => {
    const { pane, search, rows, plain } = setup();
    const bottom = plain();
    search.startPrompt();
    assert.equal(search.mode, 'prompt');
    assert.match(search.bar(W).row, /search: .*Ctrl-R older/);
    assert.equal(search.bar(W).caret, 'search: '.length);
    assert.deepEqual(plain(), bottom, 'nothing typed yet: the view stays');
    search.typed('N');
    search.typed('eedle');
    assert.equal(search.text, 'Needle');
    assert.equal(search.bar(W).caret, 'search: Needle'.length);
    assert.ok(rows().some((r) => r.includes(CURRENT) && r.includes('line 442 ')));
    assert.equal(search.key('C-r'), 'handled');
    assert.ok(rows().some((r) => r.includes(CURRENT) && r.includes('line 342 ')));
    assert.equal(search.key('up'), 'handled');
    assert.ok(rows().some((r) => r.includes(CURRENT) && r.includes('line 242 ')));
    assert.equal(search.key('down'), 'handled');
    assert.ok(rows().some((r) => r.includes(CURRENT) && r.includes('line 342 ')));
    // One more character: no match; the view stays where it was.
    const there = plain();
    search.typed('x');
    assert.deepEqual(plain(), there);
    assert.match(search.bar(W).row, /no match for "Needlex"/);
    search.key('backspace');
    assert.equal(search.text, 'Needle');
    assert.ok(
      rows().some((r) => r.includes(CURRENT) && r.includes('line 442 ')),
      'from the newest again',
    );
    // n and N are text here, not keys.
    search.key('C-u');
    assert.equal(search.text, '');
    assert.deepEqual(plain(), bottom, 'an empty text: the view goes back to where it was');
    search.typed('n');
    assert.equal(search.text, 'n');
    search.key('escape');
    assert.equal(search.active, false);
    assert.equal(pane.atBottom, true);
    assert.deepEqual(plain(), bottom);
  });

  test('Ctrl-R on an empty prompt searches for the last text again, as bash does', () => {
    const { search, rows } = setup();
    search.startBrowse('Needle');
    search.key('enter');
    search.startPrompt();
    assert.equal(search.key('C-r'), 'handled');
    assert.equal(search.text, 'Needle');
    assert.ok(rows().some((r) => r.includes(CURRENT) && r.includes('line 442 ')));
    search.key('C-r');
    assert.ok(
      rows().some((r) => r.includes(CURRENT) && r.includes('line 342 ')),
      'then older, as usual',
    );
  });

  test('bad search texts: invisible only, control characters, very long — one clear line, nothing breaks', () => {
    const { pane, search, plain } = setup();
    const bottom = plain();
    assert.equal(search.startBrowse('\u200b\u200b'), 'type the text to find'); // nothing visible left once sanitized
    assert.deepEqual(plain(), bottom);
    search.end(true);
    search.startPrompt();
    search.paste('\x1b[31mNeedle\x1b[0m'); // a coloured copy: its escape codes go, its text is searched
    assert.equal(search.bar(W).row.replace(/\{[^}]*\}/g, ''), 'search: Needle');
    assert.equal(pane.atBottom, false, 'found');
    search.paste('x'.repeat(5_000));
    assert.equal(search.text.length, 1_000, 'a search text is cut at 1,000 characters');
    assert.match(search.bar(W).row, /no match for/);
    assert.ok(!search.bar(W).row.includes('\x1b'));
    search.key('escape');
    assert.deepEqual(plain(), bottom);
  });

  test('a paste goes into the prompt (its first line); not into a /search browse', () => {
    const { search } = setup();
    search.startPrompt();
    assert.equal(search.paste('line 4\nsecond'), true);
    assert.equal(search.text, 'line 4');
    search.end(false);
    search.startBrowse('needle');
    assert.equal(search.paste('x'), false);
  });
});

describe('where the match is', () => {
  test('a match in the folded part of a long message: the fold shows, and the prompt says Ctrl-O reads it', () => {
    const { pane, search, plain } = setup(5);
    pane.add({ kind: 'message', nick: 'bob', text: `${'filler\n'.repeat(300)}hidden treasure` });
    for (let i = 0; i < 50; i++) pane.add({ kind: 'message', nick: 'alice', text: `after ${i}` });
    plain();
    search.startBrowse('treasure');
    assert.match(search.bar(W).row, /folded part of the message: Ctrl-O reads it/);
    assert.ok(
      plain().some((r) => /… [\d,]+ more lines/.test(r)),
      plain().join('\n'),
    );
    // Ctrl-O opens that message, not just the newest folded one.
    assert.equal(pane.openPager(), true);
    assert.ok(pane.pager!.line.text.endsWith('hidden treasure'));
    pane.closePager();
  });

  test('the ring evicts the match while searching: n says there is nothing older, N goes on from the oldest line held', () => {
    const { pane, search } = setup(0, 50);
    for (let i = 0; i < 50; i++) pane.add({ kind: 'message', nick: 'bob', text: i === 3 || i === 30 ? `mark ${i}` : `line ${i}` });
    search.startBrowse('mark');
    search.typed('n'); // mark 3
    for (let i = 0; i < 10; i++) pane.add({ kind: 'message', nick: 'bob', text: `new ${i}` }); // mark 3 evicted
    search.typed('n');
    assert.match(search.bar(W).row, /no older match/);
    search.typed('N');
    assert.equal(search.active, true);
    const rows = pane.buffer.visibleRows(H - 1);
    assert.ok(
      rows.some((r) => r.includes(CURRENT) && r.replace(/\{[^}]*\}/g, '').includes('mark 30')),
      rows.join('\n'),
    );
  });
});
