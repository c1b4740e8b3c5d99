/**
 * wrap.ts's rules for the common case, a line of printable ASCII (one code
 * unit, one cluster, one column each), on character codes: no cluster
 * objects, several times faster.
 */
import type { WrapPos, WrapRow } from './wrap-types.js';

const isPrintableAscii = (c: number): boolean => c >= 0x20 && c < 0x7f;

/**
 * LineWrapper's rules for a line of printable ASCII (one code unit, one
 * cluster, one column each), on character codes: no cluster objects, several
 * times faster on the common case. At the first other character it gives up
 * and says where the row being built started (`bail`), for LineWrapper to go
 * on from there: every row it emitted was decided on ASCII alone (the
 * character after a break is checked before the break), so they stand.
 */
export function asciiLine(
  text: string,
  from: WrapPos,
  lineEnd: number,
  width: number,
  rows: WrapRow[],
  maxRows: number,
): { next: WrapPos | null } | { bail: WrapPos } {
  let start = from.offset;
  let end = start;
  let cols = 0;
  let rowFrom = from;
  let emitted = from.at === 'line' ? 0 : 1;
  let spacesFrom = -1;
  let spacesTo = -1;
  let first = from.at !== 'row';
  const emit = (): void => {
    rows.push({ start, end, width: cols, from: rowFrom });
    emitted++;
  };
  /** Ends the row before `next`; true when that was the last row wanted. */
  const breakRow = (next: number, at: 'indent' | 'row'): boolean => {
    emit();
    start = end = next;
    cols = 0;
    rowFrom = { offset: next, at };
    return rows.length >= maxRows;
  };
  const add = (k: number): void => {
    if (end === start) start = k;
    end = k + 1;
    cols += 1;
  };
  let i = from.offset;
  while (i < lineEnd) {
    const c = text.charCodeAt(i);
    if (!isPrintableAscii(c)) return { bail: rowFrom };
    if (c === 0x20) {
      let j = i + 1;
      while (j < lineEnd && text.charCodeAt(j) === 0x20) j++;
      if (first) {
        // Indentation is content.
        for (let k = i; k < j; k++) {
          if (cols + 1 > width && end > start && breakRow(k, 'indent')) return { next: rowFrom };
          add(k);
        }
      } else {
        spacesFrom = i;
        spacesTo = j;
      }
      first = false;
      i = j;
      continue;
    }
    first = false;
    // A word, looked ahead one row's width at most.
    let j = i + 1;
    for (; j < lineEnd && j - i <= width; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x20) break;
      if (!isPrintableAscii(d)) return { bail: rowFrom };
    }
    const unitCols = j - i;
    const rowHasText = end > start;
    const spaceCols = rowHasText && spacesFrom >= 0 ? spacesTo - spacesFrom : 0;
    if (unitCols <= width && unitCols <= width - cols - spaceCols) {
      if (spaceCols > 0) {
        end = spacesTo;
        cols += spaceCols;
      }
      spacesFrom = -1;
      if (end === start) start = i;
      end = j;
      cols += unitCols;
      i = j;
      continue;
    }
    spacesFrom = -1;
    if (rowHasText && breakRow(i, 'row')) return { next: rowFrom };
    // Too wide for the row: character by character.
    let k = i;
    for (; k < lineEnd; k++) {
      const d = text.charCodeAt(k);
      if (d === 0x20) break;
      if (!isPrintableAscii(d)) return { bail: rowFrom };
      if (cols + 1 > width && end > start && breakRow(k, 'row')) return { next: rowFrom };
      add(k);
    }
    i = k;
  }
  // Trailing spaces: keep what fits.
  if (spacesFrom >= 0 && end > start) for (let k = spacesFrom; k < spacesTo && cols + 1 <= width; k++) add(k);
  if (end > start || emitted === 0) emit();
  return { next: lineEnd < text.length ? { offset: lineEnd + 1, at: 'line' } : null };
}
