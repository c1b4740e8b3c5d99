/**
 * wrap.ts's rules on grapheme clusters (width.ts): any text, one hard line
 * from a row start, reading clusters a chunk at a time.
 */
import { clusterWidth, segmentsOf } from './width.js';
import type { WrapPos, WrapRow } from './wrap-types.js';

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
export class LineWrapper {
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
