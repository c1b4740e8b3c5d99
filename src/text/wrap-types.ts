/** The types of wrap.ts (apart, so its two line wrappers can share them without an import cycle). */

/** One wrapped row: `text.slice(start, end)`, `width` columns wide (-1: a lone 2-column cluster in a 1-column row, shown as '?'). */
export interface RowSpan {
  start: number;
  end: number;
  width: number;
}

/**
 * Where a row starts, enough to wrap on from there exactly as a wrap from
 * the text's start would: the offset, and whether that is the start of a
 * hard line ('line'), inside a line's leading spaces, which are content
 * ('indent'), or elsewhere, where spaces at a row start are dropped ('row').
 */
export interface WrapPos {
  offset: number;
  at: 'line' | 'indent' | 'row';
}

/** A row with the position it was wrapped from (for resuming or resynchronising after an edit). */
export interface WrapRow extends RowSpan {
  from: WrapPos;
}
