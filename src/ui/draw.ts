/**
 * A blessed box that paints its rows itself, one grapheme cluster per cell.
 *
 * Why not setContent: blessed measures text with its own width table, which
 * counts some emoji (flags, ❤️, ZWJ families) as one column, and it re-wraps
 * and re-parses what it is given. Rows here are already wrapped by wrap.ts to
 * the widths width.ts computes; this writer puts each cluster in one cell and
 * leaves an empty string in the cell a 2-column cluster covers, so blessed's
 * draw outputs nothing there and the terminal's cursor and blessed's idea of
 * it stay in step. Tags are parsed once per paint ({open}/{close} escapes
 * hold), and only the rows given are touched: the cost is the visible area,
 * never the history.
 */
import blessed from 'blessed';
import { clusterWidth, graphemes } from './width.js';

const SGR = /\x1b\[[\d;]*m/g;

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
  lines: Array<Array<[number, string]> & { dirty?: boolean }>;
  attrCode(code: string, cur: number, def: number): number;
}

export interface RowsBox {
  readonly element: blessed.Widgets.BoxElement;
  /** Rows with blessed tags; each must fit the box width as width.ts measures it (longer rows are cut). */
  setRows(rows: string[]): void;
}

/** A box (positioned by `options`) whose content is exactly `rows`, painted cell by cell. */
export function createRowsBox(options: blessed.Widgets.BoxOptions): RowsBox {
  const element = blessed.box({ ...options, tags: true, wrap: false, scrollable: false });
  let rows: string[] = [];
  const el = element as unknown as ElementInternals;
  (element as unknown as { render: () => unknown }).render = function render(): unknown {
    el._emit('prerender');
    const coords = el._getCoords(true);
    if (!coords) {
      delete el.lpos;
      return undefined;
    }
    const base = el.sattr(el.style);
    for (let y = coords.yi; y < coords.yl; y++) {
      const line = el.screen.lines[y];
      if (!line) continue;
      const row = rows[y - coords.yi];
      paintRow(el, line, coords.xi, coords.xl, row === undefined ? '' : row, base);
    }
    el.lpos = coords;
    el._emit('render');
    return coords;
  };
  return {
    element,
    setRows(next: string[]): void {
      rows = next;
    },
  };
}

function paintRow(el: ElementInternals, line: ScreenInternals['lines'][number], xi: number, xl: number, row: string, base: number): void {
  let x = xi;
  let attr = base;
  let changed = false;
  const put = (a: number, ch: string): void => {
    const cell = line[x];
    if (cell && (cell[0] !== a || cell[1] !== ch)) {
      cell[0] = a;
      cell[1] = ch;
      changed = true;
    }
    x += 1;
  };
  const parsed = row === '' ? '' : el._parseTags(row);
  let last = 0;
  const pieces: Array<string | { sgr: string }> = [];
  for (const m of parsed.matchAll(SGR)) {
    if (m.index! > last) pieces.push(parsed.slice(last, m.index));
    pieces.push({ sgr: m[0] });
    last = m.index! + m[0].length;
  }
  if (last < parsed.length) pieces.push(parsed.slice(last));
  outer: for (const piece of pieces) {
    if (typeof piece !== 'string') {
      attr = el.screen.attrCode(piece.sgr, attr, base);
      continue;
    }
    for (const g of graphemes(piece)) {
      const w = clusterWidth(g);
      if (w === 0) {
        // A stray mark with nothing to sit on: wrap.ts never produces one, drop it.
        continue;
      }
      if (x + w > xl) break outer;
      put(attr, g);
      if (w === 2) put(attr, '');
    }
  }
  while (x < xl) put(base, ' ');
  if (changed) line.dirty = true;
}
