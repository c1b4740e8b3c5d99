import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrollShift } from '../../src/ui/scroll-shift.js';

const rows = (s: string): string[] => s.split('');

/** Rows still to paint after scrolling `prev` up by k and showing `next`: the oracle the search must minimise. */
function cost(prev: string[], next: string[], k: number): number {
  let n = k;
  for (let i = 0; i + k < next.length; i++) if (next[i] !== prev[i + k]) n += 1;
  return n;
}

test('scrollShift: a table of pane transitions', () => {
  const cases: Array<[name: string, prev: string, next: string, expected: number]> = [
    ['nothing changed', 'abcdef', 'abcdef', 0],
    ['one row arrived at the bottom', 'abcdef', 'bcdefg', 1],
    ['a three-row message arrived', 'abcdef', 'defghi', 3],
    ['a row changed in place (✓ delivered)', 'abcdef', 'abcXef', 0],
    ['one new row and a ✓ on a row already shown', 'abcdef', 'bcXefg', 1],
    ['short history: blank rows on top move up too', '    ab', '   abc', 1],
    ['everything new: no shift helps', 'abcdef', 'uvwxyz', 0],
    ['scrolled back (content moves down): no upward shift helps', 'cdefgh', 'abcdef', 0],
    ['marker row pinned at the bottom, view moved down 2', 'abcdeM', 'cdefgM', 2],
    ['the last row reappears on top: scrolling by 5 paints 5 rows instead of 6', 'abcdef', 'fuvwxy', 5],
    ['a shift that saves nothing is not taken', 'abcdef', 'aXcdeY', 0],
  ];
  for (const [name, prev, next, expected] of cases) assert.equal(scrollShift(rows(prev), rows(next)), expected, name);
});

test('scrollShift: no shift for mismatched or tiny regions', () => {
  assert.equal(scrollShift(rows('abc'), rows('bcde')), 0, 'different heights (a resize) repaint');
  assert.equal(scrollShift(rows('a'), rows('b')), 0, 'one row cannot scroll');
  assert.equal(scrollShift([], []), 0);
});

test('scrollShift: the shift found is never worse than any other (exhaustive on small random panes)', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let run = 0; run < 2000; run++) {
    const h = 2 + rand(9);
    const prev = Array.from({ length: h }, () => 'abcd'[rand(4)]!);
    // Next is prev scrolled by a random amount with some rows altered, or noise.
    const s = rand(h);
    const next = Array.from({ length: h }, (_, i) => (i + s < h && rand(4) > 0 ? prev[i + s]! : 'abcdxyz'[rand(7)]!));
    const k = scrollShift(prev, next);
    assert.ok(k >= 0 && k < h, `k=${k} out of range for h=${h}`);
    for (let j = 0; j < h; j++) {
      assert.ok(cost(prev, next, k) <= cost(prev, next, j), `prev=${prev.join('')} next=${next.join('')}: k=${k} costs more than ${j}`);
      if (j < k) assert.ok(cost(prev, next, j) > cost(prev, next, k), `a tie must go to the smaller shift (${j} < ${k})`);
    }
  }
});

test('scrollShift: caller misuse is a TypeError', () => {
  assert.throws(() => scrollShift(null as unknown as string[], []), TypeError);
  assert.throws(() => scrollShift([], 'abc' as unknown as string[]), TypeError);
});
