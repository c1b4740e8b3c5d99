/**
 * The pager's model: one whole message (a folded one, Ctrl-O), shown a
 * window at a time, like less.
 *
 * Nothing is done to the whole text up front. It is sanitized a piece at a
 * time as the reader goes down (pieces end at a newline and double in size,
 * so the work stays O(text) in all; an escape sequence that spans a newline
 * at a piece boundary has its tail shown as text: harmless, its escape
 * character is gone). Rows are found through checkpoints: the wrap position of
 * every PAGER_CHECKPOINT_ROWS-th row (wrap.ts can resume from any row start),
 * recorded as the reader goes down. Showing a window wraps at most
 * PAGER_CHECKPOINT_ROWS + height rows; moving down by n rows wraps about n
 * more once; the row count is known once the end was reached (End does that,
 * once, in O(text)). Memory: the text and one position per checkpoint.
 *
 *   ┌ alice 12:05 · rows 1–37 of ≥ 64 · 3.9 MB · PgUp PgDn Ctrl-Home Ctrl-End · Esc closes ┐
 *   │ the message, wrapped to the pane's width, no header or indent        │
 */
import { PAGER_CHECKPOINT_ROWS } from '../constants.js';
import type { ChatLine } from './format.js';
import { formatBytes, formatTime } from './format.js';
import { escapeTags, sanitizeInline, sanitizeText } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';
import { TEXT_START, wrapRows, type WrapPos } from '../text/wrap.js';

/** The first piece of the message sanitized, in code units (later pieces double). */
const FIRST_PIECE_CHARS = 64 * 1024;

export class PagerModel {
  readonly line: ChatLine;
  /**
   * The message sanitized so far: whole lines of it, without the newline
   * after the last one while more is to come (a line's rows never depend on
   * what follows it).
   */
  private text = '';
  /** Code units of line.text sanitized into `text`. */
  private rawDone = 0;
  private piece = FIRST_PIECE_CHARS;
  private readonly bytes: number;
  private width = 0;
  /** checkpoints[k]: where row k × PAGER_CHECKPOINT_ROWS starts. Never empty (row 0 starts at TEXT_START), and k is clamped to it. */
  private checkpoints: WrapPos[] = [TEXT_START];
  /** Rows of the whole text at this width, once the end was reached. */
  private total: number | null = null;
  private top = 0;
  private height = 1;
  /** Rows wrapped since creation (for tests: the work done stays bounded). */
  wrappedRows = 0;

  constructor(line: ChatLine) {
    this.line = line;
    this.bytes = Buffer.byteLength(line.text);
    this.grow();
  }

  /** Code units of the message sanitized so far (for tests: opening reads a prefix only). */
  get sanitizedChars(): number {
    return this.rawDone;
  }

  private get done(): boolean {
    return this.rawDone >= this.line.text.length;
  }

  /** Sanitizes the next piece of the message (up to and including a newline), appended to `text`. */
  private grow(): void {
    const raw = this.line.text;
    if (this.done) return;
    const nl = raw.indexOf('\n', Math.min(raw.length, this.rawDone + this.piece));
    const end = nl === -1 ? raw.length : nl + 1;
    let clean = sanitizeText(raw.slice(this.rawDone, end));
    const first = this.rawDone === 0;
    this.rawDone = end;
    this.piece *= 2;
    if (!this.done && clean.endsWith('\n')) clean = clean.slice(0, -1); // the newline goes in with the next piece
    this.text = first ? clean : `${this.text}\n${clean}`;
  }

  /** The first row shown, from 0. */
  get firstRow(): number {
    return this.top;
  }

  /** Rows of the text at the current width, or null while the end has not been reached. */
  get totalRows(): number | null {
    return this.total;
  }

  /**
   * Exactly `height` rows for a `width` × `height` pane: a title row, then
   * the window of the message (plain text, tag-escaped).
   */
  view(width: number, height: number): string[] {
    if (!Number.isInteger(width) || width < 1) throw new TypeError(`PagerModel.view: width must be an integer >= 1, got ${width}`);
    this.setSize(width, Math.max(1, height - 1));
    this.clampTop();
    const rows = this.rowsAt(this.top, this.height).map((r) => escapeTags(r));
    while (rows.length < this.height) rows.push('');
    if (height < 2) return rows.slice(0, Math.max(0, height));
    return [this.title(width, rows.length), ...rows];
  }

  /** Scroll by `rows`: positive moves DOWN the message (towards its end). */
  scrollBy(rows: number): void {
    if (!Number.isInteger(rows)) throw new TypeError(`PagerModel.scrollBy: rows must be an integer, got ${rows}`);
    this.top = Math.max(0, this.top + rows);
    this.clampTop();
  }

  /** Rows of one page (the window less one row of overlap). */
  get page(): number {
    return Math.max(1, this.height - 1);
  }

  toTop(): void {
    this.top = 0;
  }

  /** The last page: wraps the rest of the text once, to know where it ends. */
  toEnd(): void {
    this.extend(Number.POSITIVE_INFINITY); // wraps until the end, so total is known
    this.top = Math.max(0, this.total! - this.height);
  }

  // ------------------------------------------------------------ internals

  private setSize(width: number, height: number): void {
    this.height = height;
    if (width === this.width) return;
    // Keep the text at the top of the window at the top after re-wrapping.
    const at = this.width === 0 ? 0 : this.offsetOf(this.top);
    this.width = width;
    this.checkpoints = [TEXT_START];
    this.total = null;
    this.top = 0;
    if (at > 0) this.top = this.rowAtOffset(at);
  }

  private clampTop(): void {
    this.extend(this.top + this.height);
    if (this.total !== null) this.top = Math.max(0, Math.min(this.top, this.total - this.height));
  }

  /** Records checkpoints until row `row` is covered, or the end is reached (sanitizing more of the message as needed). */
  private extend(row: number): void {
    while (this.total === null && (this.checkpoints.length - 1) * PAGER_CHECKPOINT_ROWS <= row) {
      const k = this.checkpoints.length - 1;
      const r = wrapRows(this.text, this.width, this.checkpoints[k]!, PAGER_CHECKPOINT_ROWS);
      this.wrappedRows += r.rows.length;
      if (r.next !== null) this.checkpoints.push(r.next);
      else if (this.done) this.total = k * PAGER_CHECKPOINT_ROWS + r.rows.length;
      else this.grow(); // and wrap this block again, now that its lines may go on
    }
  }

  /** Up to `n` rows from row `first`, as text. */
  private rowsAt(first: number, n: number): string[] {
    this.extend(first + n);
    const k = Math.min(Math.floor(first / PAGER_CHECKPOINT_ROWS), this.checkpoints.length - 1);
    const skip = first - k * PAGER_CHECKPOINT_ROWS;
    const r = wrapRows(this.text, this.width, this.checkpoints[k]!, skip + n);
    this.wrappedRows += r.rows.length;
    return r.rows.slice(skip).map((s) => (s.width < 0 ? '?' : this.text.slice(s.start, s.end)));
  }

  private offsetOf(row: number): number {
    const k = Math.min(Math.floor(row / PAGER_CHECKPOINT_ROWS), this.checkpoints.length - 1);
    const r = wrapRows(this.text, this.width, this.checkpoints[k]!, row - k * PAGER_CHECKPOINT_ROWS + 1);
    return r.rows[r.rows.length - 1]?.start ?? 0;
  }

  /** The row holding `offset`, recording checkpoints on the way (after a width change). */
  private rowAtOffset(offset: number): number {
    for (;;) {
      const k = this.checkpoints.length - 1;
      const r = wrapRows(this.text, this.width, this.checkpoints[k]!, PAGER_CHECKPOINT_ROWS);
      this.wrappedRows += r.rows.length;
      const i = r.rows.findIndex((s) => s.end >= offset);
      if (i !== -1 && (r.next !== null || this.done || i < r.rows.length - 1)) return k * PAGER_CHECKPOINT_ROWS + i;
      if (r.next !== null) this.checkpoints.push(r.next);
      else if (!this.done) this.grow();
      else {
        this.total = k * PAGER_CHECKPOINT_ROWS + r.rows.length;
        return k * PAGER_CHECKPOINT_ROWS + (i === -1 ? r.rows.length - 1 : i);
      }
    }
  }

  private title(width: number, shown: number): string {
    const from = this.top + 1;
    const to = this.top + shown;
    const of = this.total === null ? `≥ ${(this.checkpoints.length - 1) * PAGER_CHECKPOINT_ROWS}` : this.total.toLocaleString('en-US');
    const who = this.line.nick !== undefined ? `${sanitizeInline(this.line.nick)} ` : '';
    const parts = [
      ` ${who}${formatTime(this.line.time, false)} · rows ${from.toLocaleString('en-US')}–${to.toLocaleString('en-US')} of ${of} · ${formatBytes(this.bytes)}`,
      ' PgUp PgDn · Ctrl-Home Ctrl-End · Esc closes ',
    ];
    let label = parts.join(' ·');
    if (stringWidth(label) > width) label = `${parts[0]} `;
    label = truncate(label, width);
    return `{inverse}${escapeTags(label)}${' '.repeat(Math.max(0, width - stringWidth(label)))}{/inverse}`;
  }
}
