/**
 * What PaneBuffer gives the search (search-mode.ts): a read-only view of
 * its lines, a scroll position to save and restore, reveal() of a row.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatLine } from '../../src/ui/format.js';
import { PaneBuffer } from '../../src/ui/pane-buffer.js';
import { wrap } from '../../src/text/wrap.js';

const T = new Date(2026, 11, 3, 12, 0).getTime();

function make(lines: number, capacity = 1000) {
  const buf = new PaneBuffer({ capacity, width: 20, format: (l: ChatLine, w: number) => wrap(l.text, w) });
  let id = 0;
  const add = (text: string): void => buf.append({ id: ++id, kind: 'message', time: T, nick: 'n', text });
  for (let i = 0; i < lines; i++) add(`line ${i}`);
  return { buf, add };
}

describe('PaneBuffer for the search', () => {
  test('lines: the ring by sequence number, read-only', () => {
    const { buf } = make(5, 3);
    const l = buf.lines;
    assert.equal(l.firstSeq, 2);
    assert.equal(l.lastSeq, 4);
    assert.equal(l.at(3).text, 'line 3');
    assert.equal(l.seqOfId(5), 4);
    assert.equal(l.seqOfId(1), undefined);
  });

  test('reveal: a row on screen leaves the view alone; another is put a third of the pane above the bottom', () => {
    const { buf } = make(100);
    buf.visibleRows(9);
    buf.reveal(95, 0);
    assert.equal(buf.atBottom, true, 'line 95 is on screen: nothing moves');
    buf.reveal(40, 0);
    assert.equal(buf.atBottom, false);
    const rows = buf.visibleRows(9);
    assert.equal(rows.indexOf('line 40'), 5, rows.join('|')); // 3 rows under it: a third of 9
    buf.reveal(99, 0);
    assert.equal(buf.atBottom, true, 'revealing the newest lines follows the bottom again');
  });

  test('viewPosition / setViewPosition: back to the bottom or to the same rows; an evicted anchor is clamped', () => {
    const { buf, add } = make(100, 100);
    buf.visibleRows(5);
    assert.equal(buf.viewPosition, null);
    buf.scrollBy(30);
    const at = buf.viewPosition;
    const rows = buf.visibleRows(5);
    buf.scrollToBottom();
    buf.setViewPosition(at);
    assert.deepEqual(buf.visibleRows(5), rows);
    buf.setViewPosition(null);
    assert.equal(buf.atBottom, true);
    for (let i = 0; i < 100; i++) add(`new ${i}`); // every line of `at` evicted
    buf.setViewPosition(at);
    assert.equal(buf.visibleRows(5)[0], 'new 0');
  });
});
