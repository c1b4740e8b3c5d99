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
 */

import { clusterWidth, segmentsOf } from './width.js';

/** One wrapped row: `text.slice(start, end)`, `width` columns wide (-1: a lone 2-column cluster in a 1-column row, shown as '?'). */
export interface RowSpan {
  start: number;
  end: number;
  width: number;
}

/** Rows of `text` wrapped to `width` columns (≥ 1 row; '' gives ['']). width < 1 → TypeError. */
export function wrap(text: string, width: number): string[] {
  return wrapSpans(text, width).map((s) => (s.width < 0 ? '?' : text.slice(s.start, s.end)));
}

/** wrap() as spans of `text`, in order. */
export function wrapSpans(text: string, width: number): RowSpan[] {
  if (!Number.isInteger(width) || width < 1) throw new TypeError(`wrap: width must be an integer >= 1, got ${width}`);
  const rows: RowSpan[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    new LineWrapper(line, offset, width, rows).run();
    offset += line.length + 1;
  }
  return rows;
}

class LineWrapper {
  private readonly segs: Array<{ segment: string; index: number }>;
  private readonly widths: number[];
  // The row being built: [start, end) in the line, `cols` columns.
  private start = 0;
  private end = 0;
  private cols = 0;
  private emitted = 0;
  // Spaces seen after the row's last unit, not yet placed: [from, to) segment indexes.
  private spacesFrom = -1;
  private spacesTo = -1;

  constructor(
    private readonly line: string,
    private readonly base: number,
    private readonly width: number,
    private readonly rows: RowSpan[],
  ) {
    this.segs = segmentsOf(line);
    this.widths = this.segs.map((s) => clusterWidth(s.segment));
  }

  run(): void {
    const { segs, widths } = this;
    const n = segs.length;
    let i = 0;
    while (i < n) {
      let j = i + 1;
      if (segs[i]!.segment === ' ') {
        while (j < n && segs[j]!.segment === ' ') j++;
        if (i === 0)
          this.placeClusters(i, j); // indentation is content
        else [this.spacesFrom, this.spacesTo] = [i, j];
      } else {
        if (widths[i] !== 2) while (j < n && segs[j]!.segment !== ' ' && widths[j] !== 2) j++;
        this.placeUnit(i, j);
      }
      i = j;
    }
    // Trailing spaces: keep what fits (the input box puts its cursor after them).
    if (this.spacesFrom >= 0 && this.end > this.start) {
      for (let k = this.spacesFrom; k < this.spacesTo && this.cols + widths[k]! <= this.width; k++) this.add(k);
    }
    if (this.end > this.start || this.emitted === 0) this.emit();
  }

  private placeUnit(from: number, to: number): void {
    let unitCols = 0;
    for (let k = from; k < to; k++) unitCols += this.widths[k]!;
    let spaceCols = 0;
    if (this.spacesFrom >= 0 && this.end > this.start) {
      for (let k = this.spacesFrom; k < this.spacesTo; k++) spaceCols += this.widths[k]!;
    }
    if (this.cols + spaceCols + unitCols <= this.width) {
      if (spaceCols > 0) for (let k = this.spacesFrom; k < this.spacesTo; k++) this.add(k);
      this.spacesFrom = -1;
      this.placeClusters(from, to);
      return;
    }
    this.spacesFrom = -1;
    if (this.end > this.start) this.breakRow(this.segs[from]!.index);
    this.placeClusters(from, to);
  }

  /** Place clusters one by one, breaking the row wherever the next one does not fit. */
  private placeClusters(from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const w = this.widths[k]!;
      if (this.cols + w > this.width && this.end > this.start) this.breakRow(this.segs[k]!.index);
      if (w > this.width) {
        const s = this.segs[k]!;
        this.rows.push({ start: this.base + s.index, end: this.base + s.index + s.segment.length, width: -1 });
        this.emitted++;
        this.start = this.end = s.index + s.segment.length;
        continue;
      }
      this.add(k);
    }
  }

  private add(k: number): void {
    const s = this.segs[k]!;
    if (this.end === this.start) this.start = s.index;
    this.end = s.index + s.segment.length;
    this.cols += this.widths[k]!;
  }

  private breakRow(nextStart: number): void {
    this.emit();
    this.start = this.end = nextStart;
    this.cols = 0;
  }

  private emit(): void {
    this.rows.push({ start: this.base + this.start, end: this.base + this.end, width: this.cols });
    this.emitted++;
  }
}
