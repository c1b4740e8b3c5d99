/**
 * The input box's wrapped rows, kept up to date edit by edit: a keystroke in
 * a 1 MiB draft re-wraps a few rows around the edit, not the draft.
 *
 * An edit of text[from, to) re-wraps from two rows before the row holding
 * `from` (greedy wrap can pull a shortened word back onto the previous row;
 * a word that started earlier than that already fills a whole row, so no
 * earlier decision can change), and stops as soon as a re-wrapped row starts
 * where an old row started, shifted by the edit's length, in the same state
 * (wrap.ts WrapPos): from there on the old rows are right as they are.
 *
 * The rows after the edit are not rewritten either: their offsets are off by
 * a pending `shift` from index `shiftFrom` on, applied when read. A later
 * edit elsewhere settles the rows between the two edits (typing in one place
 * settles nothing). `work` counts rows wrapped and settled, for tests.
 *
 * The re-wrap reads a window of the text from its first row on (the text
 * may be a DraftText, whose whole is never joined for an edit). A row is
 * only taken when the window reaches far enough past it for wrapping to have
 * decided its end (a row's width plus the look-ahead of the next unit);
 * otherwise the window doubles and the re-wrap starts over.
 */
import { TEXT_START, wrapRows, type WrapPos, type WrapRow } from '../text/wrap.js';
import type { TextLike } from './draft-text.js';

/** Rows wrapped per step while looking for the old rows again. */
const STEP_ROWS = 32;
/** First window read for a re-wrap, in code units past the edit. */
const WINDOW_CHARS = 4_096;
/** Code units per column assumed for the look-ahead margin (a cluster of up to this many units). */
const UNITS_PER_COLUMN = 16;

export class DraftRows {
  private rows: WrapRow[];
  private shiftFrom: number;
  private shift = 0;
  /** Rows wrapped or settled since creation (tests: an edit does O(rows near it) work). */
  work = 0;

  constructor(
    text: TextLike,
    readonly width: number,
  ) {
    this.rows = wrapRows(text.slice(0, text.length), width, TEXT_START, Number.POSITIVE_INFINITY).rows;
    this.shiftFrom = this.rows.length;
    this.work += this.rows.length;
  }

  get length(): number {
    return this.rows.length;
  }

  /** Row `k` (0 ≤ k < length) with its offsets in the current text. */
  row(k: number): WrapRow {
    const r = this.rows[k]!;
    if (k < this.shiftFrom || this.shift === 0) return r;
    return moved(r, this.shift);
  }

  /** Index of the last row starting at or before `offset` (the row holding it). */
  rowAt(offset: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.fromOffset(mid) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** `text` is the new text: the old one with [from, to) replaced by `inserted` code units. */
  edit(text: TextLike, from: number, to: number, inserted: number): void {
    const delta = inserted - (to - from);
    const r0 = Math.max(0, this.rowAt(from) - 2);
    const editEnd = from + inserted;
    const start = this.rowFromPos(r0);
    const margin = (this.width + 2) * 2 * UNITS_PER_COLUMN;
    for (let win = WINDOW_CHARS; ; win *= 2) {
      const base = start.offset;
      const end = Math.min(text.length, editEnd + win + margin);
      const truncated = end < text.length;
      const window = text.slice(base, end);
      // Rows ending past this are not final yet (window coordinates).
      const safe = truncated ? window.length - margin : Number.POSITIVE_INFINITY;
      const r = this.rewrap(window, base, { offset: 0, at: start.at }, safe, to, editEnd, delta, r0);
      if (r === null) continue; // ran into the end of the window: a bigger one
      this.splice(r0, r.resync, r.produced, delta);
      return;
    }
  }

  // ------------------------------------------------------------ internals

  /**
   * Re-wraps `window` (text from `base` on) until a row lines up with an
   * old one. Null when it needed text past `safe` first.
   */
  private rewrap(
    window: string,
    base: number,
    from0: WrapPos,
    safe: number,
    to: number,
    editEnd: number,
    delta: number,
    r0: number,
  ): { produced: WrapRow[]; resync: number } | null {
    let j = r0;
    const produced: WrapRow[] = [];
    let pos: WrapPos | null = from0;
    while (pos !== null) {
      const r = wrapRows(window, this.width, pos, STEP_ROWS);
      this.work += r.rows.length;
      for (const w of r.rows) {
        if (w.end > safe) return null;
        const row = base === 0 ? w : moved(w, base);
        if (row.from.offset >= editEnd) {
          const old = row.from.offset - delta;
          while (j < this.rows.length && this.fromOffset(j) < old) j++;
          if (j < this.rows.length && this.fromOffset(j) === old && this.rows[j]!.from.at === row.from.at && old >= to) return { produced, resync: j };
        }
        produced.push(row);
      }
      pos = r.next;
      if (pos !== null && pos.offset > safe) return null;
    }
    if (Number.isFinite(safe)) return null;
    return { produced, resync: this.rows.length };
  }

  private fromOffset(k: number): number {
    const r = this.rows[k]!;
    return k < this.shiftFrom ? r.from.offset : r.from.offset + this.shift;
  }

  private rowFromPos(k: number): WrapPos {
    if (k >= this.rows.length) return TEXT_START;
    return this.row(k).from;
  }

  /**
   * Rows [r0, resync) become `produced`; the rows from `resync` on move by
   * `delta`. Rows keep one pending shift at most, so the rows between this
   * edit and the previous one are settled first (none when typing in place).
   */
  private splice(r0: number, resync: number, produced: WrapRow[], delta: number): void {
    const s = this.shift;
    const sf = this.shiftFrom;
    let tailFrom = resync; // old index from which the pending shift applies afterwards
    if (s !== 0) {
      if (sf < r0) this.settle(sf, r0, s); // rows before the edit: exact again
      if (resync < sf) {
        this.settle(resync, sf, delta); // rows after the edit but before the old shift: moved now
        tailFrom = sf;
      }
    }
    if (produced.length === resync - r0) for (let i = 0; i < produced.length; i++) this.rows[r0 + i] = produced[i]!;
    else this.rows.splice(r0, resync - r0, ...produced);
    this.shiftFrom = tailFrom - (resync - r0) + produced.length;
    this.shift = s + delta;
  }

  /** Rows [from, to) get `add` added to their offsets, for good. */
  private settle(from: number, to: number, add: number): void {
    if (add === 0) return;
    for (let k = from; k < to; k++) this.rows[k] = moved(this.rows[k]!, add);
    this.work += Math.max(0, to - from);
  }
}

function moved(r: WrapRow, d: number): WrapRow {
  return { start: r.start + d, end: r.end + d, width: r.width, from: { offset: r.from.offset + d, at: r.from.at } };
}
