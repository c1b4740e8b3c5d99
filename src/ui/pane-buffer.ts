/**
 * The chat pane's model: a bounded ring of chat lines, rendered a window at
 * a time.
 *
 * blessed's Log re-wraps and re-parses its whole history on every append
 * (29 ms per append at 10,000 lines). Here an append stores the line and does
 * nothing else; visibleRows() formats only the lines it shows, and keeps
 * their wrapped rows in a bounded cache so the next render reuses them. Cost
 * per append + render: O(lines on screen), whatever the history length.
 *
 * Scroll position: either following the bottom, or anchored on the row shown
 * at the bottom of the viewport (a line's sequence number + a row inside its
 * wrapped rows). An anchor does not move when lines arrive, so reading
 * scrollback is not disturbed; lines appended meanwhile are counted in
 * newWhileScrolled. Every scroll moves O(rows scrolled) lines through the
 * formatter, never the whole history.
 *
 * Day separators are added here: a line whose local date differs from the
 * previous line's gets a `day` line (negative id) before it.
 */

import { PANE_ROW_CACHE_LINES } from '../constants.js';
import type { ChatLine } from './format.js';
import { LineRing } from './line-ring.js';

export interface PaneBufferOptions {
  /** Lines kept (day separators included); the oldest is evicted past this. */
  capacity: number;
  /** Columns of the pane. */
  width: number;
  /** Rows of one line at a width (format.ts formatLine with the UI's options bound). */
  format: (line: ChatLine, width: number) => string[];
  /** Lines whose rows stay cached (default PANE_ROW_CACHE_LINES). */
  cacheLines?: number;
}

/** A row position: row `row` of the wrapped rows of the line with sequence number `seq`. */
interface Pos {
  seq: number;
  row: number;
}

export class PaneBuffer {
  private readonly ring: LineRing;
  private readonly format: (line: ChatLine, width: number) => string[];
  private readonly cacheLines: number;
  private width: number;
  private readonly bySeq = new Map<number, string[]>(); // row cache (insertion order = eviction order)
  private lastDay: string | null = null;
  private dayIds = 0;
  private following = true;
  /** Pinned to the first row by scrollToTop until the next scroll, whatever the viewport height. */
  private atTop = false;
  private anchor: Pos = { seq: 0, row: 0 };
  private lastHeight = 1;
  private unseen = 0;

  constructor(opts: PaneBufferOptions) {
    if (typeof opts.format !== 'function') throw new TypeError('PaneBuffer: format must be a function');
    this.ring = new LineRing(opts.capacity, (seq) => this.bySeq.delete(seq));
    this.format = opts.format;
    this.cacheLines = opts.cacheLines ?? PANE_ROW_CACHE_LINES;
    if (!Number.isInteger(this.cacheLines) || this.cacheLines < 1)
      throw new TypeError(`PaneBuffer: cacheLines must be an integer >= 1, got ${this.cacheLines}`);
    this.width = checkWidth(opts.width);
  }

  /** Lines held, day separators included. */
  get length(): number {
    return this.ring.length;
  }

  /** True while the view follows the newest line. */
  get atBottom(): boolean {
    return this.following;
  }

  /** Lines (day separators excluded) appended while scrolled up; 0 again at the bottom. */
  get newWhileScrolled(): number {
    return this.unseen;
  }

  /** Add a line at the bottom. O(1) amortized: nothing is formatted here. */
  append(line: ChatLine): void {
    if (line.kind !== 'day') {
      const day = localDay(line.time);
      if (this.lastDay !== null && day !== this.lastDay) {
        this.dayIds += 1;
        this.ring.push({ id: -this.dayIds, kind: 'day', time: line.time, text: '' });
      }
      this.lastDay = day;
      if (!this.following) this.unseen += 1;
    }
    this.ring.push({ ...line });
  }

  /** Change a line in place (delivery state). Unknown ids are ignored: the line may have been evicted. */
  update(id: number, patch: Partial<ChatLine>): void {
    if (patch.id !== undefined && patch.id !== id) throw new TypeError(`PaneBuffer.update: cannot change a line's id (${id} → ${patch.id})`);
    const seq = this.ring.seqOfId(id);
    if (seq === undefined) return;
    const line = this.ring.at(seq);
    if (patch.msgId !== undefined && patch.msgId !== line.msgId) this.ring.reindexMsgId(seq, line.msgId, patch.msgId);
    Object.assign(line, patch);
    this.bySeq.delete(seq);
  }

  /** The line sent with this bus message id, if still held. */
  findByMsgId(msgId: string): ChatLine | undefined {
    const seq = this.ring.seqOfMsgId(msgId);
    return seq === undefined ? undefined : this.ring.at(seq);
  }

  /** The line with this id, if still held. */
  findById(id: number): ChatLine | undefined {
    const seq = this.ring.seqOfId(id);
    return seq === undefined ? undefined : this.ring.at(seq);
  }

  /** Drop every line (/clear); the view follows the bottom again. */
  clear(): void {
    this.ring.clear();
    this.bySeq.clear();
    this.lastDay = null;
    this.scrollToBottom();
  }

  /** New pane width. Cached rows are dropped; lines are re-wrapped as they are shown. */
  resize(width: number): void {
    checkWidth(width);
    if (width === this.width) return;
    this.width = width;
    this.bySeq.clear();
  }

  /**
   * Exactly `height` rows for the viewport, oldest first, blank rows on top
   * when the history is shorter than the pane.
   */
  visibleRows(height: number): string[] {
    if (!Number.isInteger(height) || height < 0) throw new TypeError(`visibleRows: height must be an integer >= 0, got ${height}`);
    this.lastHeight = Math.max(1, height);
    if (height === 0 || this.ring.length === 0) return new Array<string>(height).fill('');
    if (this.atTop) this.anchor = this.forward({ seq: this.ring.firstSeq, row: 0 }, height - 1);
    if (!this.following) this.clampAnchor();
    const bottom = this.following ? this.end() : this.anchor;
    const out: string[] = [];
    let seq = bottom.seq;
    let last = bottom.row;
    while (out.length < height && seq >= this.ring.firstSeq) {
      const rows = this.rowsOf(seq);
      for (let r = Math.min(last, rows.length - 1); r >= 0 && out.length < height; r--) out.push(rows[r]!);
      seq -= 1;
      last = Number.MAX_SAFE_INTEGER;
    }
    out.reverse();
    if (out.length < height && !this.following) {
      // The view reached the first row with room to spare (the pane grew):
      // fill it downwards, moving the anchor, and follow if that hits the end.
      let p = bottom;
      while (out.length < height) {
        const next = this.forward(p, 1);
        if (samePos(next, p)) break;
        p = next;
        out.push(this.rowsOf(p.seq)[p.row]!);
      }
      this.anchor = p;
      if (samePos(p, this.end())) this.scrollToBottom();
    }
    while (out.length < height) out.unshift('');
    return out;
  }

  /** Scroll by `rows`: positive scrolls UP into history (PgUp), negative back down (PgDn). */
  scrollBy(rows: number): void {
    if (!Number.isInteger(rows)) throw new TypeError(`scrollBy: rows must be an integer, got ${rows}`);
    if (this.ring.length === 0 || rows === 0) return;
    this.atTop = false;
    const from = this.following ? this.end() : this.anchor;
    if (rows < 0) {
      const to = this.forward(from, -rows);
      if (samePos(to, this.end())) this.scrollToBottom();
      else this.anchor = to;
      return;
    }
    let to = this.back(from, rows);
    // Every line has at least one row, so only an anchor this close to the top can leave the view short.
    if (to.seq - this.ring.firstSeq < this.lastHeight) {
      const minimum = this.forward({ seq: this.ring.firstSeq, row: 0 }, this.lastHeight - 1);
      if (isBefore(to, minimum)) to = minimum;
    }
    if (samePos(to, this.end())) return;
    this.following = false;
    this.anchor = to;
  }

  /** Show the oldest lines. */
  scrollToTop(): void {
    if (this.ring.length === 0) return;
    const to = this.forward({ seq: this.ring.firstSeq, row: 0 }, this.lastHeight - 1);
    if (samePos(to, this.end())) return;
    this.following = false;
    this.atTop = true;
    this.anchor = to;
  }

  /** Follow the newest line again. */
  scrollToBottom(): void {
    this.following = true;
    this.atTop = false;
    this.unseen = 0;
  }

  // ------------------------------------------------------------ internals

  private rowsOf(seq: number): string[] {
    let rows = this.bySeq.get(seq);
    if (rows === undefined) {
      rows = this.format(this.ring.at(seq), this.width);
      if (rows.length === 0) rows = [''];
      if (this.bySeq.size >= this.cacheLines) this.bySeq.delete(this.bySeq.keys().next().value!);
      this.bySeq.set(seq, rows);
    }
    return rows;
  }

  private end(): Pos {
    const seq = this.ring.lastSeq;
    return { seq, row: this.rowsOf(seq).length - 1 };
  }

  /** The anchor's line may have been evicted, or re-wrapped to fewer rows. */
  private clampAnchor(): void {
    if (this.anchor.seq < this.ring.firstSeq) this.anchor = { seq: this.ring.firstSeq, row: 0 };
    const rows = this.rowsOf(this.anchor.seq).length;
    if (this.anchor.row >= rows) this.anchor = { seq: this.anchor.seq, row: rows - 1 };
  }

  /** `n` rows towards the top, stopping at the first row. */
  private back(p: Pos, n: number): Pos {
    let { seq, row } = p;
    while (n > 0) {
      if (row >= n) return { seq, row: row - n };
      if (seq === this.ring.firstSeq) return { seq, row: 0 };
      n -= row + 1;
      seq -= 1;
      row = this.rowsOf(seq).length - 1;
    }
    return { seq, row };
  }

  /** `n` rows towards the bottom, stopping at the last row. */
  private forward(p: Pos, n: number): Pos {
    let { seq, row } = p;
    const lastSeq = this.ring.lastSeq;
    while (n > 0) {
      const rows = this.rowsOf(seq).length;
      if (row + n < rows) return { seq, row: row + n };
      if (seq === lastSeq) return { seq, row: rows - 1 };
      n -= rows - row;
      seq += 1;
      row = 0;
    }
    return { seq, row };
  }
}

function checkWidth(width: number): number {
  if (!Number.isInteger(width) || width < 1) throw new TypeError(`PaneBuffer: width must be an integer >= 1, got ${width}`);
  return width;
}

function localDay(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function samePos(a: Pos, b: Pos): boolean {
  return a.seq === b.seq && a.row === b.row;
}

function isBefore(a: Pos, b: Pos): boolean {
  return a.seq < b.seq || (a.seq === b.seq && a.row < b.row);
}
