/**
 * The chat pane: PaneBuffer's visible window painted by a RowsBox.
 *
 * Appending costs O(1) and marks the screen dirty; the coalesced render asks
 * the buffer for exactly the rows on screen (sync()), so the pane's cost per
 * frame depends on its height, never on the 100,000 lines of history. Never
 * blessed's Log / pushLine: those re-parse every stored line on each append
 * (quadratic, and they undo tag escaping).
 *
 * Arriving lines scroll the terminal's region rather than repainting the
 * pane (draw.ts): a new message costs the terminal its own rows only.
 *
 * While scrolled up, the bottom row is a marker: "── 3 new messages · End to
 * follow ──".
 *
 * A message longer than a screenful is folded (format.ts): its first rows,
 * then "… N more lines · Ctrl-O reads it all". Ctrl-O opens the pager
 * (pager-model.ts) in the pane's place on the newest folded message on
 * screen; PgUp / PgDn, Ctrl-Home / Ctrl-End and the wheel move it; Esc or
 * Ctrl-O closes it. The pane listens for those keys on the screen itself
 * (app.ts still sees every key: while the pager is open the chat behind it
 * does not scroll).
 *
 * Search (search-mode.ts drives it through SearchHost): while a search is
 * open, lines are formatted with its occurrences highlighted (the row cache
 * is dropped at each step, so only the lines on screen are formatted again),
 * the match is scrolled into view, and Ctrl-O opens the match's message when
 * it is folded.
 */
import type blessed from 'blessed';
import { systemClock, type Clock } from '../clock.js';
import { PANE_FOLD_MAX_ROWS, PANE_FOLD_MIN_ROWS } from '../constants.js';
import { createRowsBox, type RowsBox } from './draw.js';
import { formatFolded, type ChatLine } from './format.js';
import { PaneBuffer, type ViewPosition } from './pane-buffer.js';
import { matchStyle } from './search-highlight.js';
import type { SearchHost } from './search-mode.js';
import type { SearchModel } from './search-model.js';
import { PagerModel } from './pager-model.js';
import { stringWidth } from '../text/width.js';

export interface ChatPaneOptions {
  /** Scrollback, in lines. */
  capacity: number;
  seconds: boolean;
  colors: number;
  /** The terminal has no colours (TuiScreen.monochrome): the search highlight uses reverse and underline only. */
  monochrome?: boolean;
  /** The time of a line added without one (system lines); default the system clock. */
  clock?: Clock;
}

export type NewLine = Omit<ChatLine, 'id' | 'time'> & { time?: number };

export class ChatPane implements SearchHost {
  readonly buffer: PaneBuffer;
  /** The open search's highlight (search-mode.ts): its model, and the id of the line of the match shown. */
  private search: { model: SearchModel; currentId: number | null } | null = null;
  private readonly monochrome: boolean;
  private readonly box: RowsBox;
  private nextId = 1;
  private height = 1;
  private pagerModel: PagerModel | null = null;
  private readonly clock: Clock;

  constructor(
    private readonly parent: blessed.Widgets.Screen,
    opts: ChatPaneOptions,
  ) {
    this.box = createRowsBox({ parent, top: 0, left: 0, width: '100%', height: 1 });
    this.clock = opts.clock ?? systemClock;
    const fmt = { seconds: opts.seconds, colors: opts.colors };
    this.monochrome = opts.monochrome === true;
    this.buffer = new PaneBuffer({
      capacity: opts.capacity,
      width: Math.max(1, parent.width as number),
      format: (line, width, maxRows) => {
        const query = this.search?.model.query;
        if (!query) return formatFolded(line, width, fmt, maxRows);
        return formatFolded(line, width, { ...fmt, highlight: { query, current: line.id === this.search!.currentId, monochrome: this.monochrome } }, maxRows);
      },
      foldRows: foldRowsFor(parent.height as number),
      // The session's first line says the date (irssi's day change, at the start too).
      datedStart: true,
    });
    parent.on('keypress', (_ch: string | undefined, key: { full?: string; name?: string } | undefined) => {
      if (key) this.pagerKey(key.full ?? key.name ?? '');
    });
  }

  /** The pager, while one is open. */
  get pager(): PagerModel | null {
    return this.pagerModel;
  }

  /** Ctrl-O: open the folded message of the search match shown, else the newest folded message on screen (else the newest folded one) in the pager; false when there is none. */
  openPager(): boolean {
    const current = this.search?.currentId;
    const seq = current === null || current === undefined ? undefined : this.buffer.lines.seqOfId(current);
    const line = seq !== undefined && this.buffer.formattedAt(seq).folded ? this.buffer.lines.at(seq) : this.buffer.foldedLine();
    if (line === undefined) return false;
    this.pagerModel = new PagerModel(line);
    return true;
  }

  closePager(): void {
    this.pagerModel = null;
  }

  /** The keys the pager takes (app.ts sees them too and leaves the chat alone while the pager is open). */
  pagerKey(full: string): void {
    const p = this.pagerModel;
    if (full === 'C-o') {
      if (p !== null) this.closePager();
      else if (!this.openPager()) this.system('nothing to expand: no folded message (a message longer than a screenful is folded; Ctrl-O opens it)');
      return;
    }
    if (p === null) return;
    if (full === 'escape') this.closePager();
    else if (full === 'pageup') p.scrollBy(-p.page);
    else if (full === 'pagedown') p.scrollBy(p.page);
    else if (full === 'C-home') p.toTop();
    else if (full === 'C-end') p.toEnd();
  }

  get element(): blessed.Widgets.BoxElement {
    return this.box.element;
  }

  /** Adds a line at the bottom; returns its id (for update()). */
  add(line: NewLine): number {
    const id = this.nextId++;
    this.buffer.append({ ...line, id, time: line.time ?? this.clock.now() });
    return id;
  }

  system(text: string): number {
    return this.add({ kind: 'system', text });
  }

  error(text: string): number {
    return this.add({ kind: 'error', text });
  }

  update(id: number, patch: Partial<ChatLine>): void {
    this.buffer.update(id, patch);
  }

  /**
   * Places the pane (rows 0..height-1) and copies the visible rows in. Called
   * right before each render. `overlaid`: something (help, link panel) is
   * drawn over the pane this frame; the pane then repaints instead of
   * scrolling the terminal, which would move the overlay too and make it
   * repaint (correct either way, this is the cheaper one).
   */
  sync(width: number, height: number, opts: { overlaid?: boolean } = {}): void {
    this.height = Math.max(1, height);
    this.box.element.height = this.height;
    this.buffer.resize(Math.max(1, width));
    this.buffer.setFoldRows(foldRowsFor(this.parent.height as number));
    if (this.pagerModel !== null) {
      this.box.setRows(this.pagerModel.view(Math.max(1, width), this.height), { scroll: false });
      return;
    }
    const scroll = { scroll: opts.overlaid !== true };
    if (this.buffer.atBottom || this.height < 2) {
      this.box.setRows(this.buffer.visibleRows(this.height), scroll);
      return;
    }
    const rows = this.buffer.visibleRows(this.height - 1);
    rows.push(markerRow(this.buffer.newWhileScrolled, width));
    this.box.setRows(rows, scroll);
  }

  /** Rows the terminal scrolled instead of being repainted (see draw.ts). */
  get scrolledRows(): number {
    return this.box.scrolledRows;
  }

  /** Page size for PgUp/PgDn: the pane less two rows of overlap, so the reader keeps context. */
  private get page(): number {
    return Math.max(1, this.height - 2);
  }

  // While the pager is open it takes PgUp / PgDn / Ctrl-Home / Ctrl-End itself
  // (pagerKey); the chat behind it stays where it is.

  pageUp(): void {
    if (this.pagerModel === null) this.buffer.scrollBy(this.page);
  }

  pageDown(): void {
    if (this.pagerModel === null) this.buffer.scrollBy(-this.page);
  }

  /** The wheel: scrolls the pager when it is open. */
  scrollLines(n: number): void {
    if (this.pagerModel !== null) this.pagerModel.scrollBy(-n);
    else this.buffer.scrollBy(n);
  }

  top(): void {
    if (this.pagerModel === null) this.buffer.scrollToTop();
  }

  bottom(): void {
    this.buffer.scrollToBottom();
  }

  clear(): void {
    this.buffer.clear();
  }

  get atBottom(): boolean {
    return this.buffer.atBottom;
  }

  // ------------------------------------------- SearchHost (search-mode.ts)

  get lines(): SearchHost['lines'] {
    return this.buffer.lines;
  }

  get viewPosition(): ViewPosition {
    return this.buffer.viewPosition;
  }

  setViewPosition(p: ViewPosition): void {
    this.buffer.setViewPosition(p);
  }

  setHighlight(h: { model: SearchModel; current: number | null } | null): void {
    this.search = h === null ? null : { model: h.model, currentId: h.current === null ? null : this.buffer.lines.at(h.current).id };
    this.buffer.invalidateRows();
  }

  /** Scrolls the first highlighted row of line `seq` into view (the fold marker when the match lies in the folded part). */
  showMatch(seq: number): { inFold: boolean } {
    const { rows, folded } = this.buffer.formattedAt(seq);
    const open = matchStyle(this.search?.currentId === this.buffer.lines.at(seq).id, this.monochrome).open;
    const row = rows.findIndex((r) => r.includes(open));
    this.buffer.reveal(seq, row === -1 ? rows.length - 1 : row);
    return { inFold: row === -1 && folded };
  }
}

/** A screenful: the terminal's rows less the status bar, the input line and a row of context, within the fold bounds. */
function foldRowsFor(screenRows: number): number {
  const rows = Number.isFinite(screenRows) ? Math.floor(screenRows) - 3 : PANE_FOLD_MIN_ROWS;
  return Math.max(PANE_FOLD_MIN_ROWS, Math.min(PANE_FOLD_MAX_ROWS, rows));
}

/** The bottom row while scrolled up, centred, in reverse video. */
export function markerRow(newLines: number, width: number): string {
  const what = newLines === 0 ? 'scrolled up' : `${newLines} new message${newLines === 1 ? '' : 's'}`;
  let label = ` ${what} · End / PgDn to follow `;
  if (stringWidth(label) > width) label = ` ${what} `;
  if (stringWidth(label) > width) label = label.slice(0, Math.max(0, width));
  const side = Math.max(0, width - stringWidth(label));
  const left = Math.floor(side / 2);
  return `${'─'.repeat(left)}{inverse}${label}{/inverse}${'─'.repeat(side - left)}`;
}
