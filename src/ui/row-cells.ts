/**
 * Rows as blessed cells: laying a tagged row out once, copying it into
 * blessed's screen buffer, and mending the wide characters something else
 * painted half over.
 *
 * A cell is blessed's [attr, ch]. One grapheme cluster per cell; a 2-column
 * cluster is followed by a cell holding '' — blessed's draw prints nothing
 * for it, so its cursor and the terminal's stay in step (see draw.ts).
 */
import { clusterWidth, graphemes } from '../text/width.js';

const SGR = /\x1b\[[\d;]*m/g;

/** One blessed buffer line: cells plus the flag blessed's draw looks at. */
export type BufferLine = Array<[number, string]> & { dirty?: boolean };

/** The blessed element calls layoutRow needs (present in 0.1.81, absent from @types/blessed). */
export interface TagParser {
  _parseTags(text: string): string;
  screen: { attrCode(code: string, cur: number, def: number): number };
}

/** One row laid out as cells: what paintRow writes into blessed's buffer. */
export interface Cells {
  base: number;
  attrs: number[];
  chs: string[];
  /** Holds a 2-column cluster (so mendWideCells has something to look at). */
  wide: boolean;
}

/**
 * The cells of a tagged row over `width` columns: tags parsed, one grapheme
 * cluster per cell, '' in the cell a 2-column cluster covers, spaces to the end.
 */
export function layoutRow(el: TagParser, row: string, width: number, base: number): Cells {
  const attrs: number[] = [];
  const chs: string[] = [];
  let wide = false;
  const parsed = row === '' ? '' : el._parseTags(row);
  let attr = base;
  let last = 0;
  const pieces: Array<string | { sgr: string }> = [];
  for (const m of parsed.matchAll(SGR)) {
    if (m.index > last) pieces.push(parsed.slice(last, m.index));
    pieces.push({ sgr: m[0] });
    last = m.index + m[0].length;
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
      if (chs.length + w > width) break outer;
      attrs.push(attr);
      chs.push(g);
      if (w === 2) {
        attrs.push(attr);
        chs.push('');
        wide = true;
      }
    }
  }
  while (chs.length < width) {
    attrs.push(base);
    chs.push(' ');
  }
  return { base, attrs, chs, wide };
}

/** Copies cells into a buffer line from column xi; marks the line dirty only if a cell changed. */
export function paintRow(line: BufferLine, xi: number, cells: Cells): void {
  let changed = false;
  const { attrs, chs } = cells;
  for (let i = 0; i < chs.length; i++) {
    const cell = line[xi + i];
    if (!cell) break;
    // layoutRow() fills attrs and chs in step: one attribute per character.
    const a = attrs[i]!;
    const ch = chs[i]!;
    if (cell[0] !== a || cell[1] !== ch) {
      cell[0] = a;
      cell[1] = ch;
      changed = true;
    }
  }
  if (changed) line.dirty = true;
}

/**
 * After every element has painted, before blessed draws: where another box
 * (the help, the link panel) covers one half of a wide cluster painted from
 * `cells`, the other half becomes a blank. Otherwise blessed's draw either
 * prints nothing for an orphaned '' cell while counting a column (the rest
 * of the terminal row lands one column left), or prints the wide cluster
 * over the neighbour's first column.
 */
export function mendWideCells(line: BufferLine, xi: number, cells: Cells): void {
  const { chs } = cells;
  for (let i = 0; i < chs.length; i++) {
    const cell = line[xi + i];
    if (!cell) break;
    if (chs[i] === '') {
      if (cell[1] === '' && (i === 0 || line[xi + i - 1]![1] !== chs[i - 1])) cell[1] = ' ';
    } else if (chs[i + 1] === '' && cell[1] === chs[i]) {
      const next = line[xi + i + 1];
      if (next && next[1] !== '') cell[1] = ' ';
    }
  }
}
