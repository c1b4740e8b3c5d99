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
 */

import { clusterWidth, segmentsOf } from './width.js';

/** One wrapped row: `text.slice(start, end)`, `width` columns wide (-1: a lone 2-column cluster in a 1-column row, shown as '?'). */
export interface RowSpan {
  start: number;
  end: number;
  width: number;
}

/**
 * Where a row starts, enough to wrap on from there exactly as a wrap from
 * the text's start would: the offset, and whether that is the start of a
 * hard line ('line'), inside a line's leading spaces, which are content
 * ('indent'), or elsewhere, where spaces at a row start are dropped ('row').
 */
export interface WrapPos {
  offset: number;
  at: 'line' | 'indent' | 'row';
}

/** A row with the position it was wrapped from (for resuming or resynchronising after an edit). */
export interface WrapRow extends RowSpan {
  from: WrapPos;
}

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

const isPrintableAscii = (c: number): boolean => c >= 0x20 && c < 0x7f;

/**
 * LineWrapper's rules for a line of printable ASCII (one code unit, one
 * cluster, one column each), on character codes: no cluster objects, several
 * times faster on the common case. At the first other character it gives up
 * and says where the row being built started (`bail`), for LineWrapper to go
 * on from there: every row it emitted was decided on ASCII alone (the
 * character after a break is checked before the break), so they stand.
 */
function asciiLine(
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

/** Grapheme clusters of text[from, end), read a chunk at a time. */
class Clusters {
  private buf: Array<{ segment: string; index: number }> = [];
  private i = 0;
  private base: number;
  private chunk = 512;

  constructor(
    private readonly text: string,
    from: number,
    private readonly end: number,
  ) {
    this.base = from;
  }

  /** The next cluster ({segment, index} with index into the whole text), or null at the end. */
  peek(): { segment: string; index: number } | null {
    if (this.i >= this.buf.length - 1) this.fill();
    const s = this.buf[this.i];
    return s === undefined ? null : s;
  }

  skip(): void {
    this.i++;
  }

  /**
   * Reads on: every cluster of a chunk but the last is exact (a scan from a
   * cluster start finds the same clusters as a scan of the whole text), so
   * the last one is read again as the first of the next chunk.
   */
  private fill(): void {
    const at = this.i < this.buf.length ? this.buf[this.i]!.index : this.base;
    if (at >= this.end) {
      this.buf = [];
      this.i = 0;
      return;
    }
    for (;;) {
      const to = Math.min(this.end, at + this.chunk);
      const segs = segmentsOf(this.text.slice(at, to));
      if (to === this.end || segs.length >= 2) {
        if (to < this.end) segs.pop();
        for (const s of segs) s.index += at;
        this.buf = segs;
        this.i = 0;
        this.base = to < this.end ? at + segs.reduce((n, s) => n + s.segment.length, 0) : this.end;
        return;
      }
      this.chunk *= 2; // one cluster longer than the chunk (a pile of combining marks)
    }
  }
}

interface Cluster {
  segment: string;
  index: number;
  width: number;
}

/** One hard line from a row start, until its end or until `maxRows` rows are out. */
class LineWrapper {
  private readonly clusters: Clusters;
  // The row being built: [start, end) in the text, `cols` columns, and how it was entered.
  private start: number;
  private end: number;
  private cols = 0;
  private rowFrom: WrapPos;
  private emitted = 0;
  /** Set when maxRows rows are out: where the next row starts. */
  private stop: WrapPos | null = null;
  // Spaces seen after the row's last unit, not yet placed.
  private spaces: Cluster[] = [];

  constructor(
    private readonly text: string,
    from: WrapPos,
    private readonly lineEnd: number,
    private readonly width: number,
    private readonly rows: WrapRow[],
    private readonly maxRows: number,
  ) {
    this.clusters = new Clusters(text, from.offset, lineEnd);
    this.start = this.end = from.offset;
    this.rowFrom = from;
    this.emitted = from.at === 'line' ? 0 : 1;
  }

  /** Wraps on; returns where the next row starts (null at the end of the text). */
  run(): WrapPos | null {
    const c = this.clusters;
    let first = this.rowFrom.at !== 'row';
    while (this.stop === null) {
      const s = c.peek();
      if (s === null) break;
      if (s.segment === ' ') {
        const run: Cluster[] = [];
        for (let t = c.peek(); t !== null && t.segment === ' '; t = c.peek()) {
          run.push({ segment: ' ', index: t.index, width: 1 });
          c.skip();
        }
        if (first) this.placeClusters(run, true);
        else this.spaces = run;
      } else {
        this.placeUnit(s);
      }
      first = false;
    }
    if (this.stop !== null) return this.stop;
    // Trailing spaces: keep what fits (the input box puts its cursor after them).
    if (this.spaces.length > 0 && this.end > this.start) {
      for (const sp of this.spaces) {
        if (this.cols + sp.width > this.width) break;
        this.add(sp);
      }
    }
    if (this.end > this.start || this.emitted === 0) this.emit();
    return this.lineEnd < this.text.length ? { offset: this.lineEnd + 1, at: 'line' } : null;
  }

  /**
   * A word (narrow clusters up to a space or a wide cluster) or one wide
   * cluster. Read ahead only as far as it could fit on a row: past that it
   * is broken between clusters anyway. `head` is the next cluster, not read yet.
   */
  private placeUnit(head: { segment: string; index: number }): void {
    const c = this.clusters;
    const first: Cluster = { segment: head.segment, index: head.index, width: clusterWidth(head.segment) };
    const unit: Cluster[] = [first];
    c.skip();
    let unitCols = first.width;
    const wide = unitCols === 2;
    const rowHasText = this.end > this.start;
    let spaceCols = 0;
    if (rowHasText) for (const sp of this.spaces) spaceCols += sp.width;
    const room = this.width - this.cols - spaceCols;
    let ended = wide;
    while (!ended && unitCols <= this.width) {
      const t = c.peek();
      if (t === null || t.segment === ' ') {
        ended = true;
        break;
      }
      const w = clusterWidth(t.segment);
      if (w === 2) {
        ended = true;
        break;
      }
      unit.push({ segment: t.segment, index: t.index, width: w });
      unitCols += w;
      c.skip();
    }
    if (ended && unitCols <= room) {
      if (spaceCols > 0) for (const sp of this.spaces) this.add(sp);
      this.spaces = [];
      this.placeClusters(unit, false);
      return;
    }
    this.spaces = [];
    if (rowHasText) this.breakRow(first.index, 'row');
    if (this.stop !== null) return;
    this.placeClusters(unit, false);
    // The rest of a unit too wide for a row: cluster by cluster.
    if (!ended) {
      for (let t = c.peek(); t !== null && this.stop === null; t = c.peek()) {
        if (t.segment === ' ') break;
        const w = clusterWidth(t.segment);
        if (w === 2) break;
        this.placeClusters([{ segment: t.segment, index: t.index, width: w }], false);
        if (this.stop !== null) return;
        c.skip();
      }
    }
  }

  /** Place clusters one by one, breaking the row wherever the next one does not fit. */
  private placeClusters(list: Cluster[], indent: boolean): void {
    for (const k of list) {
      if (this.stop !== null) return;
      if (this.cols + k.width > this.width && this.end > this.start) {
        this.breakRow(k.index, indent ? 'indent' : 'row');
        if (this.stop !== null) return;
      }
      if (k.width > this.width) {
        this.rows.push({ start: k.index, end: k.index + k.segment.length, width: -1, from: this.rowFrom });
        this.emitted++;
        this.start = this.end = k.index + k.segment.length;
        this.rowFrom = { offset: this.start, at: 'row' };
        if (this.rows.length >= this.maxRows) this.stop = this.rowFrom;
        continue;
      }
      this.add(k);
    }
  }

  private add(k: Cluster): void {
    if (this.end === this.start) this.start = k.index;
    this.end = k.index + k.segment.length;
    this.cols += k.width;
  }

  private breakRow(nextStart: number, at: 'indent' | 'row'): void {
    this.emit();
    this.start = this.end = nextStart;
    this.cols = 0;
    this.rowFrom = { offset: nextStart, at };
    if (this.rows.length >= this.maxRows) this.stop = this.rowFrom;
  }

  private emit(): void {
    this.rows.push({ start: this.start, end: this.end, width: this.cols, from: this.rowFrom });
    this.emitted++;
  }
}
