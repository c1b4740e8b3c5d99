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
 * previous line's gets a `day` line (negative id) before it, as irssi's "Day
 * changed"; with `datedStart`, so does the first line (of the pane, or after
 * clear()), so a session starts by saying the date.
 *
 * Bounded whatever a peer sends: a line is formatted to at most `foldRows`
 * rows (format.ts folds a longer one: first rows, then "… N more lines"), the
 * row cache holds at most cacheRows rows and cacheLines lines, and the ring
 * holds at most maxChars of text besides its line cap.
 */

import { PANE_ROW_CACHE_LINES, PANE_ROW_CACHE_ROWS, PANE_TEXT_MAX_CHARS } from '../constants.js';
import type { ChatLine, FormattedLine } from './format.js';
import { LineRing } from './line-ring.js';
import { RowCache, type CachedRows } from './row-cache.js';

export interface PaneBufferOptions {
  /** Lines kept (day separators included); the oldest is evicted past this. */
  capacity: number;
  /** Columns of the pane. */
  width: number;
  /**
   * Rows of one line at a width, at most `maxRows` of them (format.ts
   * formatFolded with the UI's options bound). A plain array is a line that
   * is not folded.
   */
  format: (line: ChatLine, width: number, maxRows: number) => string[] | FormattedLine;
  /** Lines whose rows stay cached (default PANE_ROW_CACHE_LINES). */
  cacheLines?: number;
  /** Rows cached, all lines together (default PANE_ROW_CACHE_ROWS). */
  cacheRows?: number;
  /** Text held, all lines together, in code units (default PANE_TEXT_MAX_CHARS). */
  maxChars?: number;
  /** Most rows of one line; longer ones are folded (default: never folded). */
  foldRows?: number;
  /** The first line gets a day separator too (default false: only a change of date does). */
  datedStart?: boolean;
}

/** foldedLine() looks this many lines back from the newest when none is on screen. */
const FOLDED_SEARCH_LINES = 1_000;

/** A saved scroll position: null while following the bottom. */
export type ViewPosition = { seq: number; row: number; atTop: boolean } | null;

/** A row position: row `row` of the wrapped rows of the line with sequence number `seq`. */
interface Pos {
  seq: number;
  row: number;
}

export class PaneBuffer {
  private readonly ring: LineRing;
  private readonly format: PaneBufferOptions['format'];
  private width: number;
  private foldRows: number;
  private readonly cache: RowCache;
  /** Sequence numbers of the first and last line shown by the latest visibleRows(). */
  private shown: { first: number; last: number } | null = null;
  private lastDay: string | null = null;
  private readonly datedStart: boolean;
  private dayIds = 0;
  private following = true;
  /** Pinned to the first row by scrollToTop until the next scroll, whatever the viewport height. */
  private atTop = false;
  private anchor: Pos = { seq: 0, row: 0 };
  private lastHeight = 1;
  private unseen = 0;

  constructor(opts: PaneBufferOptions) {
    if (typeof opts.format !== 'function') throw new TypeError('PaneBuffer: format must be a function');
    this.ring = new LineRing(opts.capacity, (seq) => this.cache.delete(seq), opts.maxChars ?? PANE_TEXT_MAX_CHARS);
    this.format = opts.format;
    this.cache = new RowCache(opts.cacheLines ?? PANE_ROW_CACHE_LINES, opts.cacheRows ?? PANE_ROW_CACHE_ROWS);
    this.foldRows = checkFoldRows(opts.foldRows ?? Number.POSITIVE_INFINITY);
    this.width = checkWidth(opts.width);
    this.datedStart = opts.datedStart === true;
  }

  /** Rows cached now, all lines together (for tests: bounded by cacheRows). */
  get cacheSize(): { lines: number; rows: number } {
    return this.cache.size;
  }

  /** Text held, in code units (bounded by maxChars). */
  get textChars(): number {
    return this.ring.chars;
  }

  /** Most rows of one line from now on (a screenful); cached rows are dropped when it changes. */
  setFoldRows(rows: number): void {
    checkFoldRows(rows);
    if (rows === this.foldRows) return;
    this.foldRows = rows;
    this.cache.clear();
  }

  /**
   * The folded line to open in the pager: the newest folded line on screen,
   * else the newest folded line held. Undefined when there is none.
   */
  foldedLine(): ChatLine | undefined {
    if (this.ring.length === 0) return undefined;
    if (this.shown !== null) {
      for (let seq = Math.min(this.shown.last, this.ring.lastSeq); seq >= Math.max(this.shown.first, this.ring.firstSeq); seq--) {
        if (this.cached(seq).folded) return this.ring.at(seq);
      }
    }
    // A line of fewer code units than foldRows - 1 cannot fill foldRows rows (each row but the first takes one at least).
    // The newest FOLDED_SEARCH_LINES lines only: a key press must not format the whole scrollback.
    for (let seq = this.ring.lastSeq; seq >= Math.max(this.ring.firstSeq, this.ring.lastSeq - FOLDED_SEARCH_LINES + 1); seq--) {
      if (this.ring.at(seq).text.length + 1 >= this.foldRows && this.cached(seq).folded) return this.ring.at(seq);
    }
    return undefined;
  }

  /** Lines held, day separators included. */
  get length(): number {
    return this.ring.length;
  }

  /** True while the view follows the newest line. */
  get atBottom(): boolean {
    return this.following;
  }

  /** Messages from the peer appended while scrolled up (not system lines, day separators or our own); 0 again at the bottom. */
  get newWhileScrolled(): number {
    return this.unseen;
  }

  /** Add a line at the bottom. O(1) amortized: nothing is formatted here. */
  append(line: ChatLine): void {
    if (line.kind !== 'day') {
      const day = localDay(line.time);
      if (day !== this.lastDay && (this.lastDay !== null || this.datedStart)) {
        this.dayIds += 1;
        this.ring.push({ id: -this.dayIds, kind: 'day', time: line.time, text: '' });
      }
      this.lastDay = day;
      if (!this.following && line.kind === 'message') this.unseen += 1;
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
    const before = line.text.length;
    Object.assign(line, patch);
    this.ring.textResized(line.text.length - before);
    this.cache.delete(seq);
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
    this.cache.clear();
    this.lastDay = null;
    this.scrollToBottom();
  }

  /** New pane width. Cached rows are dropped; lines are re-wrapped as they are shown. */
  resize(width: number): void {
    checkWidth(width);
    if (width === this.width) return;
    this.width = width;
    this.cache.clear();
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
    const lastShown = bottom.seq;
    let seq = bottom.seq;
    let last = bottom.row;
    while (out.length < height && seq >= this.ring.firstSeq) {
      const rows = this.rowsOf(seq);
      for (let r = Math.min(last, rows.length - 1); r >= 0 && out.length < height; r--) out.push(rows[r]!);
      seq -= 1;
      last = Number.MAX_SAFE_INTEGER;
    }
    out.reverse();
    this.shown = { first: seq + 1, last: lastShown };
    if (out.length < height && !this.following) {
      // The view reached the first row with room to spare (the pane grew):
      // fill it downwards, moving the anchor, and follow if that hits the end.
      let p = bottom;
      while (out.length < height) {
        const next = this.forward(p, 1);
        if (samePos(next, p)) break;
        p = next;
        out.push(this.rowsOf(p.seq)[p.row]!); // forward() returns a row its line has
      }
      this.anchor = p;
      this.shown = { first: this.shown.first, last: p.seq };
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

  // ------------------------------------------------- search (search-model.ts)

  /** The lines held, by sequence number, for search-model.ts (read-only: firstSeq, lastSeq, at). */
  get lines(): { readonly firstSeq: number; readonly lastSeq: number; at(seq: number): ChatLine; seqOfId(id: number): number | undefined } {
    const ring = this.ring;
    return {
      seqOfId: (id) => ring.seqOfId(id),
      get firstSeq() {
        return ring.firstSeq;
      },
      get lastSeq() {
        return ring.lastSeq;
      },
      at: (seq) => ring.at(seq),
    };
  }

  /** Formatted rows are stale (the search highlight changed): every line is formatted again when shown. */
  invalidateRows(): void {
    this.cache.clear();
  }

  /** The formatted rows of a held line, and whether they fold a longer one (for finding a match's row). */
  formattedAt(seq: number): Readonly<CachedRows> {
    return this.cached(seq);
  }

  /** Where the view is: following the bottom (null), or its anchor; for restoring it (Esc ends a search where it began). */
  get viewPosition(): ViewPosition {
    return this.following ? null : { seq: this.anchor.seq, row: this.anchor.row, atTop: this.atTop };
  }

  /** Back to a position from viewPosition (an evicted anchor is clamped to the oldest line). */
  setViewPosition(p: ViewPosition): void {
    if (p === null || this.ring.length === 0) return this.scrollToBottom();
    this.following = false;
    this.atTop = p.atTop;
    this.anchor = { seq: Math.max(p.seq, this.ring.firstSeq), row: p.seq < this.ring.firstSeq ? 0 : p.row };
  }

  /**
   * Scrolls so that row `row` of line `seq` is on screen: left alone when it
   * already is, else put a third of the pane above the bottom (the match and
   * what answered it both show). Costs O(pane height) rows formatted.
   */
  reveal(seq: number, row: number): void {
    if (seq < this.ring.firstSeq || seq > this.ring.lastSeq) return;
    const target = { seq, row: Math.max(0, Math.min(row, this.rowsOf(seq).length - 1)) };
    if (!this.following) this.clampAnchor(); // lines may have been evicted since the last render
    const bottom = this.following ? this.end() : this.anchor;
    const top = this.back(bottom, this.lastHeight - 1);
    if (!isBefore(target, top) && !isBefore(bottom, target)) return;
    const to = this.forward(target, Math.floor(this.lastHeight / 3));
    this.atTop = false;
    if (samePos(to, this.end())) return this.scrollToBottom();
    this.following = false;
    this.anchor = to;
  }

  // ------------------------------------------------------------ internals

  private rowsOf(seq: number): string[] {
    return this.cached(seq).rows;
  }

  private cached(seq: number): CachedRows {
    let c = this.cache.get(seq);
    if (c === undefined) {
      const f = this.format(this.ring.at(seq), this.width, this.foldRows);
      c = Array.isArray(f) ? { rows: f, folded: false } : f;
      if (c.rows.length === 0) c = { rows: [''], folded: c.folded };
      this.cache.set(seq, c);
    }
    return c;
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

function checkFoldRows(rows: number): number {
  if (!(rows >= 2) || (Number.isFinite(rows) && !Number.isInteger(rows))) throw new TypeError(`PaneBuffer: foldRows must be an integer >= 2, got ${rows}`);
  return rows;
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
