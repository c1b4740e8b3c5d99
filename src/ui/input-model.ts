/**
 * The input line editor: text, cursor, history, completion and layout, with
 * no terminal in sight (input-box.ts maps keys to these methods and draws
 * layout()).
 *
 * The cursor is a code-unit offset that always sits on a grapheme boundary,
 * so Left/Right/Backspace step over a whole emoji, flag or accented letter.
 * Everything inserted goes through sanitizeText: a paste cannot smuggle an
 * escape sequence into the box (or into the message). History keeps the
 * unsent draft and edits made to recalled entries until the next submit, so
 * browsing history never loses typing.
 *
 * Cost per keystroke is bounded by the rows near the edit and the rows shown,
 * not by the draft: the wrapped rows are kept up to date edit by edit
 * (draft-rows.ts) and layout() slices only the visible window.
 */

import { INPUT_HISTORY_MAX } from '../constants.js';
import { COMMANDS, completeCommand } from './commands.js';
import { InputHistory } from './input-history.js';
import { completeNick } from './nick-complete.js';
import { completePath, type PathCompleteDeps } from './path-complete.js';
import { sanitizeText } from '../text/sanitize.js';
import { graphemeAt, segmentsOf, stringWidth } from '../text/width.js';
import { DraftRows } from './draft-rows.js';
import { DraftText } from './draft-text.js';

export interface InputModelOptions {
  /** History entries kept (default INPUT_HISTORY_MAX). */
  historyMax?: number;
  /** Command names for Tab completion, with or without the '/' (default: every command in commands.ts). */
  commands?: string[];
}

export interface InputLayout {
  /** Plain text rows (not tag-escaped) of the visible window, each at most `width` columns. */
  rows: string[];
  /** Cursor row inside `rows`, and column. */
  cursorRow: number;
  cursorCol: number;
  /** Rows of the whole text at this width (more than rows.length when it scrolls). */
  totalRows: number;
}

const isSpace = (ch: string): boolean => ch !== '' && /\s/.test(ch);
/** Code units read on either side of the cursor to find the grapheme cluster it is in. */
const GRAPHEME_WINDOW = 64;

export class InputModel {
  /** The text, as pieces (draft-text.ts): an edit rebuilds a small piece, not a 1 MiB string. */
  private value = new DraftText();
  private pos = 0;
  private readonly commands: string[];
  private readonly history: InputHistory;
  private killed = '';
  /** The wrapped rows at the last layout width; null after a whole-text change. */
  private draft: DraftRows | null = null;

  constructor(opts: InputModelOptions = {}) {
    this.history = new InputHistory(opts.historyMax ?? INPUT_HISTORY_MAX);
    this.commands = (opts.commands ?? COMMANDS.map((c) => c.name)).map((c) => c.replace(/^\//, '').toLowerCase());
  }

  get text(): string {
    return this.value.toString();
  }
  /** Cursor offset in UTF-16 code units, always on a grapheme boundary. */
  get cursor(): number {
    return this.pos;
  }
  get isEmpty(): boolean {
    return this.value.length === 0;
  }

  /** Replace the whole text (cursor at the end unless given). */
  setText(text: string, cursor?: number): void {
    this.value = new DraftText(sanitizeText(text));
    this.draft = null;
    this.pos = this.snap(Math.max(0, Math.min(cursor ?? this.value.length, this.value.length)));
  }

  // ------------------------------------------------------------ editing

  /** Typed or pasted text, at the cursor. Sanitized: controls and escapes never enter. */
  insert(s: string): void {
    const clean = sanitizeText(s);
    if (clean === '') return;
    this.replace(this.pos, this.pos, clean);
    this.pos = this.snap(this.pos + clean.length);
  }

  /** Alt-Enter / Ctrl-J. */
  newline(): void {
    this.insert('\n');
  }

  backspace(): void {
    if (this.pos === 0) return;
    this.remove(this.prevBoundary(this.pos), this.pos);
  }

  del(): void {
    if (this.pos === this.value.length) return;
    this.remove(this.pos, this.nextBoundary(this.pos));
  }

  /** Ctrl-W: the word before the cursor (and the spaces after it), like readline's unix-word-rubout. */
  killWordBack(): void {
    this.kill(this.wordStartBefore(this.pos), this.pos);
  }

  /** Ctrl-U: everything before the cursor. */
  killToStart(): void {
    this.kill(0, this.pos);
  }

  /** Everything after the cursor (Ctrl-K in readline; the app binds Ctrl-K to rotation). */
  killToEnd(): void {
    this.kill(this.pos, this.value.length);
  }

  /** Ctrl-Y: insert the last killed text. */
  yank(): void {
    this.insert(this.killed);
  }

  // ------------------------------------------------------------ movement

  left(): void {
    this.pos = this.prevBoundary(this.pos);
  }

  right(): void {
    this.pos = this.nextBoundary(this.pos);
  }

  /** Ctrl-A / Home: start of the current line; pressed again there, start of the text. */
  home(): void {
    const lineStart = this.value.lastIndexOf('\n', this.pos - 1) + 1;
    this.pos = lineStart === this.pos ? 0 : lineStart;
  }

  /** Ctrl-E / End: end of the current line; pressed again there, end of the text. */
  end(): void {
    const nl = this.value.indexOf('\n', this.pos);
    const lineEnd = nl === -1 ? this.value.length : nl;
    this.pos = lineEnd === this.pos ? this.value.length : lineEnd;
  }

  wordLeft(): void {
    this.pos = this.wordStartBefore(this.pos);
  }

  wordRight(): void {
    let i = this.pos;
    while (i < this.value.length && isSpace(this.value.charAt(i))) i++;
    while (i < this.value.length && !isSpace(this.value.charAt(i))) i++;
    this.pos = this.snap(i);
  }

  /** Up: the previous line of a multi-line text, or (on its first line) the previous history entry. False when nothing moved. */
  up(): boolean {
    const lineStart = this.value.lastIndexOf('\n', this.pos - 1) + 1;
    if (lineStart === 0) return this.historyUp();
    const col = stringWidth(this.value.slice(lineStart, this.pos));
    const prevStart = this.value.lastIndexOf('\n', lineStart - 2) + 1;
    this.pos = this.offsetAtColumn(prevStart, lineStart - 1, col);
    return true;
  }

  /** Down: the next line, or (on the last line) the next history entry / the draft. False when nothing moved. */
  down(): boolean {
    const nl = this.value.indexOf('\n', this.pos);
    if (nl === -1) return this.historyDown();
    const lineStart = this.value.lastIndexOf('\n', this.pos - 1) + 1;
    const col = stringWidth(this.value.slice(lineStart, this.pos));
    const nextEnd = this.value.indexOf('\n', nl + 1);
    this.pos = this.offsetAtColumn(nl + 1, nextEnd === -1 ? this.value.length : nextEnd, col);
    return true;
  }

  // ------------------------------------------------------------ history

  /** Show the previous history entry; the draft (or an edited entry) is kept for the way back. False at the oldest. */
  historyUp(): boolean {
    return this.show(this.history.up(this.value.toString()));
  }

  /** Show the next entry, and after the newest the draft. False when already on the draft. */
  historyDown(): boolean {
    return this.show(this.history.down(this.value.toString()));
  }

  /**
   * Enter: the text to send (trailing newlines dropped), or null when there
   * is nothing but whitespace (the text is then left as it is). Pushes the
   * text to history and clears the box.
   */
  submit(): string | null {
    const out = this.value.toString().replace(/\n+$/, '');
    if (out.trim() === '') return null;
    this.history.push(out);
    this.value = new DraftText();
    this.draft = null;
    this.pos = 0;
    return out;
  }

  // ------------------------------------------------------------ completion

  /**
   * Tab: complete the /command before the cursor. One match → completed,
   * with a space after. Several → extended to their longest common prefix,
   * and the matches are returned (sorted) for the UI to list; no cycling, so
   * Tab never replaces what was typed with a guess. Anything else: the word
   * before the cursor as one of `nicks` (nick-complete.ts: `bob: ` at the
   * start of the line, `bob ` inside it). After `/send `, the path
   * (path-complete.ts, with `paths` listing the disk). [] when nothing was listed.
   */
  complete(nicks: readonly string[] = [], paths: PathCompleteDeps | null = null): string[] {
    const before = this.value.toString();
    const path = paths === null ? null : completePath(before, this.pos, paths);
    if (path !== null) {
      this.value = new DraftText(path.text);
      this.draft = null;
      this.pos = path.cursor;
      return path.matches;
    }
    let r: { text: string; cursor: number; matches: string[] } = completeCommand(before, this.pos, this.commands);
    if (r.text === before && r.matches.length === 0) r = completeNick(before, this.pos, nicks) ?? r;
    if (r.text !== before) {
      this.value = new DraftText(r.text);
      this.draft = null;
    }
    this.pos = r.cursor;
    return r.matches;
  }

  // ------------------------------------------------------------ layout

  /**
   * The text word-wrapped to `width` columns, windowed to at most `maxRows`
   * rows around the cursor (the box grows with the text up to maxRows, then
   * scrolls). The cursor never lands past the last column: after a full row
   * it moves to the start of the next.
   */
  layout(width: number, maxRows: number): InputLayout {
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new TypeError(`layout: maxRows must be an integer >= 1, got ${maxRows}`);
    const d = this.rows(width);
    // The row holding the cursor: the last one starting at or before it.
    let lo = 0;
    let hi = d.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (d.row(mid).start <= this.pos) lo = mid;
      else hi = mid - 1;
    }
    let cursorRow = lo;
    const span = d.row(lo);
    let cursorCol = span.width < 0 ? (this.pos > span.start ? 1 : 0) : stringWidth(this.value.slice(span.start, this.pos));
    // After a full row the cursor goes to the start of the next one (an empty row of its own when there is none).
    let extra = -1;
    if (cursorCol >= width) {
      const next = lo + 1 < d.length ? d.row(lo + 1) : undefined;
      if (next === undefined || next.start !== this.pos) extra = lo + 1;
      cursorRow += 1;
      cursorCol = 0;
    }
    const total = d.length + (extra === -1 ? 0 : 1);
    const first = Math.max(0, Math.min(cursorRow - maxRows + 1, total - maxRows));
    const rows: string[] = [];
    for (let k = first; k < Math.min(total, first + maxRows); k++) {
      if (k === extra) {
        rows.push('');
        continue;
      }
      const s = d.row(extra !== -1 && k > extra ? k - 1 : k);
      rows.push(s.width < 0 ? '?' : this.value.slice(s.start, s.end));
    }
    return { rows, cursorRow: cursorRow - first, cursorCol, totalRows: total };
  }

  /** Rows wrapped or re-wrapped so far (tests: a keystroke costs O(rows near it), not O(draft)). */
  get wrapWork(): number {
    return this.draft?.work ?? 0;
  }

  // ------------------------------------------------------------ internals

  private rows(width: number): DraftRows {
    if (this.draft === null || this.draft.width !== width) this.draft = new DraftRows(this.value, width);
    return this.draft;
  }

  /** Every edit of the text goes through here, so the wrapped rows follow it. */
  private replace(from: number, to: number, s: string): void {
    this.value.replace(from, to, s);
    this.draft?.edit(this.value, from, to, s.length);
  }

  private remove(from: number, to: number): void {
    this.replace(from, to, '');
    this.pos = this.snap(from);
  }

  private kill(from: number, to: number): void {
    if (from === to) return;
    this.killed = this.value.slice(from, to);
    this.remove(from, to);
  }

  private wordStartBefore(i: number): number {
    while (i > 0 && isSpace(this.value.charAt(i - 1))) i--;
    while (i > 0 && !isSpace(this.value.charAt(i - 1))) i--;
    return this.snap(i);
  }

  private prevBoundary(i: number): number {
    return i <= 0 ? 0 : this.grapheme(i - 1).start;
  }

  private nextBoundary(i: number): number {
    return i >= this.value.length ? this.value.length : this.grapheme(i).end;
  }

  /** `i` if it is a grapheme boundary, else the end of the grapheme it falls in. */
  private snap(i: number): number {
    if (i <= 0 || i >= this.value.length) return i;
    const g = this.grapheme(i);
    return g.start === i ? i : g.end;
  }

  /**
   * graphemeAt over a window around `i` (a cluster is never longer than the
   * window in real text), so a step of the cursor reads 64 code units, not the draft.
   */
  private grapheme(i: number): { start: number; end: number } {
    const a = Math.max(0, i - GRAPHEME_WINDOW);
    const g = graphemeAt(this.value.slice(a, Math.min(this.value.length, i + GRAPHEME_WINDOW)), i - a);
    return { start: g.start + a, end: g.end + a };
  }

  private offsetAtColumn(start: number, end: number, col: number): number {
    let used = 0;
    for (const { segment, index } of segmentsOf(this.value.slice(start, end))) {
      const w = stringWidth(segment);
      if (used + w > col) return start + index;
      used += w;
    }
    return end;
  }

  private show(text: string | null): boolean {
    if (text === null) return false;
    this.value = new DraftText(text);
    this.draft = null;
    this.pos = text.length;
    return true;
  }
}
