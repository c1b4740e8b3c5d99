/**
 * Test helpers for @xterm/headless: a terminal emulator that measures
 * characters as fernchat does, and the visible screen as text.
 *
 * xterm.js ships Unicode 6 widths, where emoji such as 👍 are one column — no
 * terminal in use today draws them so. The emulator is given a current
 * wcwidth instead (width.ts's per-code-point table, i.e. EastAsianWidth
 * Wide/Fullwidth = 2, marks = 0), as glibc, VTE, kitty and tmux use.
 * Clusters are NOT merged (ZWJ sequences count per code point, as in most
 * terminals), so tests stick to single-code-point CJK/emoji.
 */
import xterm from '@xterm/headless';
import { charWidth } from '../src/text/width.js';

const { Terminal } = xterm;
export type Term = InstanceType<typeof Terminal>;

/** width.ts's widths as an xterm.js Unicode provider; the property packing is xterm.js's own. */
const MODERN_WIDTHS = {
  version: 'fernchat',
  wcwidth: (cp: number): 0 | 1 | 2 => (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0 : charWidth(cp)),
  charProperties(cp: number, preceding: number): number {
    let width: number = this.wcwidth(cp);
    let join = width === 0 && preceding !== 0;
    if (join) {
      const before = (preceding >> 1) & 3;
      if (before === 0) join = false;
      else if (before > width) width = before;
    }
    return ((width & 3) << 1) | (join ? 1 : 0);
  },
};

/** A headless terminal with width.ts's character widths. `scrollback` in lines. */
export function widthTerminal(cols: number, rows: number, scrollback: number): Term {
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback });
  term.unicode.register(MODERN_WIDTHS);
  term.unicode.activeVersion = MODERN_WIDTHS.version;
  return term;
}

/** The visible screen, one string per row, trailing blank cells dropped. */
export function visibleLines(term: Term): string[] {
  const b = term.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
  return out;
}
