/**
 * Word wrap to terminal columns.
 *
 * Greedy. A line is cut into units: runs of spaces, words (runs of narrow
 * non-space clusters) and single wide clusters (CJK, emoji: text without
 * spaces may break on either side of them). A unit that does not fit on the
 * row starts the next one, and the spaces before it are dropped; a unit wider
 * than a whole row is broken between clusters. Leading spaces of a line
 * (indentation) are kept; a hard newline always starts a new row. Grapheme
 * clusters are never split, so no row is wider than `width` — except that a
 * 2-column cluster cannot fit a 1-column row, where it is shown as '?'.
 *
 * Rows are also returned as code-unit spans of the input, so format.ts can lay
 * styles over wrapped text and input-model.ts can place the cursor.
 *
 * Bounded work: wrapRows() stops after `maxRows` rows and says where the next
 * row starts (a WrapPos), and wrapping can resume from any such position, so
 * a 4 MiB message costs only the rows asked for. Clusters are read in chunks
 * and a unit is looked ahead at most one row's width, never a whole line.
 *
 * One hard line at a time: wrap-ascii.ts on character codes while the line
 * is printable ASCII, wrap-clusters.ts (grapheme clusters) from the first
 * row that is not; both follow the rules above exactly.
 */

import { asciiLine } from './wrap-ascii.js';
import { LineWrapper } from './wrap-clusters.js';
import type { RowSpan, WrapPos, WrapRow } from './wrap-types.js';

export type { RowSpan, WrapPos, WrapRow } from './wrap-types.js';

export const TEXT_START: WrapPos = { offset: 0, at: 'line' };

/** Rows of `text` wrapped to `width` columns (≥ 1 row; '' gives ['']). width < 1 → TypeError. */
export function wrap(text: string, width: number): string[] {
  return wrapSpans(text, width).map((s) => (s.width < 0 ? '?' : text.slice(s.start, s.end)));
}

/** wrap() as spans of `text`, in order. */
export function wrapSpans(text: string, width: number): RowSpan[] {
  return wrapRows(text, width, TEXT_START, Number.POSITIVE_INFINITY).rows.map(({ start, end, width: w }) => ({ start, end, width: w }));
}

/**
 * At most `maxRows` rows of `text` from `from` (a position a previous call
 * returned, or TEXT_START), and the position of the row after them (null at
 * the end of the text). Work is O(rows produced × width), whatever the text.
 */
export function wrapRows(text: string, width: number, from: WrapPos, maxRows: number): { rows: WrapRow[]; next: WrapPos | null } {
  if (!Number.isInteger(width) || width < 1) throw new TypeError(`wrap: width must be an integer >= 1, got ${width}`);
  if (!(maxRows >= 1)) throw new TypeError(`wrapRows: maxRows must be >= 1, got ${maxRows}`);
  const rows: WrapRow[] = [];
  let pos: WrapPos | null = from;
  while (pos !== null && rows.length < maxRows) {
    let lineEnd = text.indexOf('\n', pos.offset);
    if (lineEnd === -1) lineEnd = text.length;
    const fast = asciiLine(text, pos, lineEnd, width, rows, maxRows);
    pos = 'next' in fast ? fast.next : new LineWrapper(text, fast.bail, lineEnd, width, rows, maxRows).run();
  }
  // After a '?' row at the end of a line only dropped spaces may be left: no row starts there.
  if (pos !== null && pos.at === 'row') {
    let i = pos.offset;
    while (text.charCodeAt(i) === 0x20) i++;
    if (i === text.length) pos = null;
    else if (text.charCodeAt(i) === 0x0a) pos = { offset: i + 1, at: 'line' };
  }
  return { rows, next: pos };
}
