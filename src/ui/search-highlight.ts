/**
 * The search highlight in formatted rows: a message's text cut into runs,
 * the occurrences of the query styled. format.ts renders code-unit ranges of
 * the runs row by row, so an occurrence that wraps onto the next row is
 * highlighted on both.
 *
 * Styles: every occurrence is reverse video; those of the match being shown
 * (the current line) are black on yellow, or reverse and underlined on a
 * terminal without colours (TuiScreen.monochrome: screen.colors is 8 there,
 * and colour codes never reach it).
 */
/** What format.ts highlights in a line's text. */
export interface Highlight {
  /** Where the occurrences are in a text: [start, end) code-unit ranges, in order (search-model.ts's SearchQuery). */
  query: { ranges(text: string): ReadonlyArray<readonly [number, number]> };
  /** The line is the match being shown. */
  current: boolean;
  /** The terminal has no colours (TuiScreen.monochrome): the styles are reverse and underline. */
  monochrome: boolean;
}

/** A run of text and the tags around it (format.ts's Seg). */
export interface Run {
  text: string;
  open: string;
  close: string;
}

/** The tags of an occurrence. */
export function matchStyle(current: boolean, monochrome: boolean): { open: string; close: string } {
  if (!current) return { open: '{inverse}', close: '{/inverse}' };
  return monochrome ? { open: '{inverse}{underline}', close: '{/underline}{/inverse}' } : { open: '{yellow-bg}{black-fg}', close: '{/black-fg}{/yellow-bg}' };
}

/** `text` in `style`, its occurrences of the query in the match style inside it; one run when there is nothing to highlight. */
export function highlightRuns(text: string, style: { open: string; close: string }, h: Highlight | undefined): Run[] {
  const plain = (t: string): Run => ({ text: t, open: style.open, close: style.close });
  if (h === undefined) return [plain(text)];
  const ranges = h.query.ranges(text);
  if (ranges.length === 0) return [plain(text)];
  const m = matchStyle(h.current, h.monochrome);
  const runs: Run[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) runs.push(plain(text.slice(at, start)));
    runs.push({ text: text.slice(start, end), open: style.open + m.open, close: m.close + style.close });
    at = end;
  }
  if (at < text.length) runs.push(plain(text.slice(at)));
  return runs;
}
