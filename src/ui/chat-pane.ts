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
 */
import type blessed from 'blessed';
import { createRowsBox, type RowsBox } from './draw.js';
import { formatLine, type ChatLine } from './format.js';
import { PaneBuffer } from './pane-buffer.js';
import { stringWidth } from '../text/width.js';

export interface ChatPaneOptions {
  /** Scrollback, in lines. */
  capacity: number;
  seconds: boolean;
  colors: number;
}

export type NewLine = Omit<ChatLine, 'id' | 'time'> & { time?: number };

export class ChatPane {
  readonly buffer: PaneBuffer;
  private readonly box: RowsBox;
  private nextId = 1;
  private height = 1;

  constructor(parent: blessed.Widgets.Screen, opts: ChatPaneOptions) {
    this.box = createRowsBox({ parent, top: 0, left: 0, width: '100%', height: 1 });
    const fmt = { seconds: opts.seconds, colors: opts.colors };
    this.buffer = new PaneBuffer({
      capacity: opts.capacity,
      width: Math.max(1, parent.width as number),
      format: (line, width) => formatLine(line, width, fmt),
    });
  }

  get element(): blessed.Widgets.BoxElement {
    return this.box.element;
  }

  /** Adds a line at the bottom; returns its id (for update()). */
  add(line: NewLine): number {
    const id = this.nextId++;
    this.buffer.append({ ...line, id, time: line.time ?? Date.now() });
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

  pageUp(): void {
    this.buffer.scrollBy(this.page);
  }

  pageDown(): void {
    this.buffer.scrollBy(-this.page);
  }

  scrollLines(n: number): void {
    this.buffer.scrollBy(n);
  }

  top(): void {
    this.buffer.scrollToTop();
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
