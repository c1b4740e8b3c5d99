/**
 * A blessed box that paints its rows itself, one grapheme cluster per cell.
 *
 * Why not setContent: blessed measures text with its own width table, which
 * counts some emoji (flags, ❤️, ZWJ families) as one column, and it re-wraps
 * and re-parses what it is given. Rows here are already wrapped by wrap.ts to
 * the widths width.ts computes; this writer puts each cluster in one cell and
 * leaves an empty string in the cell a 2-column cluster covers, so blessed's
 * draw outputs nothing there and the terminal's cursor and blessed's idea of
 * it stay in step (row-cells.ts). Each distinct row is laid out once and
 * reused while it stays on screen ({open}/{close} escapes hold), and only the
 * rows given are touched: the cost is the visible area, never the history.
 *
 * Scrolling (setRows with `scroll`): when the new rows are mostly the old
 * ones moved up (a line arrived at the bottom), the terminal scrolls the
 * region itself (blessed's screen.deleteLine: scroll region + delete line)
 * and blessed's two cell buffers — what should be on the terminal and what
 * is — are shifted the same way, so its diff finds only the new rows. This
 * stays correct whatever is painted afterwards, because both buffers and the
 * terminal move together and every cell of the region is painted again each
 * frame; it is only skipped when that move is not a plain whole-line scroll
 * (region moved or resized, not full width, buffers reallocated by a resize
 * or Ctrl-L, a terminal without scroll regions).
 *
 * Per frame: render → (overlays paint) → mend wide clusters an overlay cut in
 * half → blessed's draw writes the scroll, then the cells that differ.
 */
import blessed from 'blessed';
import { layoutRow, mendWideCells, paintRow, type BufferLine, type Cells } from './row-cells.js';
import { scrollShift } from './scroll-shift.js';

type CharWidth = ((str: string | number, i?: number) => number) & { blessedCharWidth?: CharWidth };

/**
 * With fullUnicode, blessed's draw asks unicode.charWidth about every cell it
 * outputs: a lookup in a sparse object and some sixty range tests, a third of
 * a full repaint's time. Printable ASCII is always one column there, so it is
 * answered first; anything else goes to blessed's own function, so every
 * answer is the same as before. Installed once per process (blessed's module
 * is shared); the original stays reachable as `blessedCharWidth`.
 */
export function installAsciiWidthFastPath(): void {
  const unicode = (blessed as unknown as { unicode: { charWidth: CharWidth } }).unicode;
  if (unicode.charWidth.blessedCharWidth) return;
  const original = unicode.charWidth;
  const fast: CharWidth = (str, i) => {
    const c = typeof str === 'number' ? str : typeof str === 'string' ? str.charCodeAt(i || 0) : -1;
    return c >= 0x20 && c < 0x7f ? 1 : original(str, i);
  };
  fast.blessedCharWidth = original;
  unicode.charWidth = fast;
}

/** The blessed internals this writer relies on (present in 0.1.81, absent from @types/blessed). */
interface ElementInternals {
  screen: ScreenInternals;
  style: Record<string, unknown>;
  hidden: boolean;
  lpos?: unknown;
  _getCoords(noScroll: boolean): { xi: number; xl: number; yi: number; yl: number } | undefined;
  _parseTags(text: string): string;
  sattr(style: Record<string, unknown>): number;
  _emit(event: string): void;
}

interface ScreenInternals {
  lines: BufferLine[];
  /** What blessed believes is on the terminal; replaced (not mutated) by alloc() on resize and Ctrl-L. */
  olines: unknown[];
  width: number;
  height: number;
  tput: { strings: Record<string, unknown> };
  attrCode(code: string, cur: number, def: number): number;
  /** Scrolls rows top..bottom up by n on the terminal (queued for the next draw) and in both cell buffers. */
  deleteLine(n: number, y: number, top: number, bottom: number): void;
  /** Writes the changed cells of lines start..end to the terminal; called by render after every element painted. */
  draw(start: number, end: number): void;
}

const beforeDraw = new WeakMap<ScreenInternals, Array<() => void>>();

/** Runs `fn` in every render after all elements painted, right before blessed diffs and writes. */
function onBeforeDraw(screen: ScreenInternals, fn: () => void): void {
  let hooks = beforeDraw.get(screen);
  if (hooks === undefined) {
    const list: Array<() => void> = [];
    hooks = list;
    beforeDraw.set(screen, list);
    const draw = screen.draw;
    screen.draw = function drawAfterHooks(this: ScreenInternals, start: number, end: number): void {
      for (const h of list) h();
      draw.call(this, start, end);
    };
  }
  hooks.push(fn);
}

interface Region {
  xi: number;
  xl: number;
  yi: number;
  yl: number;
}

/** What the last paint left: the rows, where, and on which generation of blessed's buffers. */
interface Painted extends Region {
  rows: string[];
  olines: unknown[];
}

export interface SetRowsOptions {
  /**
   * Let the next render scroll the terminal region when that saves repainting
   * (default false). Pass false while something is drawn over the box, where
   * scrolling would move that too and make it repaint.
   */
  scroll?: boolean;
}

export interface RowsBox {
  readonly element: blessed.Widgets.BoxElement;
  /** Rows with blessed tags; each must fit the box width as width.ts measures it (longer rows are cut). */
  setRows(rows: string[], opts?: SetRowsOptions): void;
  /** Rows scrolled by the terminal instead of repainted, since creation (for tests and the bench). */
  readonly scrolledRows: number;
}

/** A box (positioned by `options`) whose content is exactly `rows`, painted cell by cell. */
export function createRowsBox(options: blessed.Widgets.BoxOptions): RowsBox {
  installAsciiWidthFastPath();
  const element = blessed.box({ ...options, tags: true, wrap: false, scrollable: false });
  let rows: string[] = [];
  let scroll = false;
  let last: Painted | null = null;
  let scrolledRows = 0;
  let cellCache = new Map<string, Cells>();
  /** Cells painted in this render, by row of the region; null once mended (or when not rendered). */
  let paintedCells: Array<Cells | undefined> | null = null;
  const el = element as unknown as ElementInternals;
  onBeforeDraw(el.screen, () => {
    const cells = paintedCells;
    paintedCells = null;
    if (cells === null || last === null) return;
    for (let y = last.yi; y < last.yl; y++) {
      const line = el.screen.lines[y];
      const c = cells[y - last.yi];
      if (line?.dirty && c?.wide) mendWideCells(line, last.xi, c);
    }
  });
  (element as unknown as { render: () => unknown }).render = function render(): unknown {
    el._emit('prerender');
    const coords = el._getCoords(true);
    if (!coords) {
      delete el.lpos;
      last = null;
      return undefined;
    }
    const screen = el.screen;
    const painted = Array.from({ length: Math.max(0, coords.yl - coords.yi) }, (_, i) => rows[i] ?? '');
    if (scroll && last !== null && canScroll(screen, coords, last)) {
      const k = scrollShift(last.rows, painted);
      if (k > 0) {
        screen.deleteLine(k, coords.yi, coords.yi, coords.yl - 1);
        scrolledRows += k;
      }
    }
    const base = el.sattr(el.style);
    const width = Math.max(0, coords.xl - coords.xi);
    // Rows repeat from frame to frame (scrolled, or unchanged): lay each out once.
    const laid = new Map<string, Cells>();
    for (let y = coords.yi; y < coords.yl; y++) {
      const line = screen.lines[y];
      if (!line) continue;
      // painted has one row per y in coords.yi..coords.yl.
      const row = painted[y - coords.yi]!;
      let cells = laid.get(row) ?? cellCache.get(row);
      if (cells === undefined || cells.base !== base || cells.chs.length !== width) cells = layoutRow(el, row, width, base);
      laid.set(row, cells);
      paintRow(line, coords.xi, cells);
    }
    cellCache = laid;
    paintedCells = painted.map((row) => laid.get(row));
    last = { rows: painted, xi: coords.xi, xl: coords.xl, yi: coords.yi, yl: coords.yl, olines: screen.olines };
    el.lpos = coords;
    el._emit('render');
    return coords;
  };
  return {
    element,
    setRows(next: string[], opts: SetRowsOptions = {}): void {
      rows = next;
      scroll = opts.scroll === true;
    },
    get scrolledRows(): number {
      return scrolledRows;
    },
  };
}

/**
 * A whole-line scroll of the region is exactly what the terminal will do:
 * same place as last paint, full width (delete line moves entire terminal
 * lines), on screen, buffers not reallocated since, and the terminal has
 * scroll regions and deletes n lines at once.
 */
function canScroll(screen: ScreenInternals, now: Region, last: Painted): boolean {
  const s = screen.tput.strings;
  return (
    now.xi === last.xi &&
    now.xl === last.xl &&
    now.yi === last.yi &&
    now.yl === last.yl &&
    now.xi <= 0 &&
    now.xl >= screen.width &&
    now.yi >= 0 &&
    now.yl <= screen.height &&
    now.yl - now.yi >= 2 &&
    screen.olines === last.olines &&
    // blessed's deleteLine needs the first three; its tput.dl(n) is parm_delete_line, which a terminal
    // with only delete_line would turn into one deleted line whatever n, and the buffers would disagree.
    Boolean(s.change_scroll_region && s.delete_line && s.insert_line && s.parm_delete_line)
  );
}
