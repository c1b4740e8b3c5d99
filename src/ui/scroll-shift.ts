/**
 * How far to scroll a screen region up so that the fewest rows need painting.
 *
 * A chat pane that follows the bottom moves all its rows up when a line
 * arrives: diffing cell by cell, every row looks changed and the whole pane
 * goes out to the terminal again (≈5.6 KB for 38×120). Scrolling the region
 * in the terminal itself (scroll region + delete line) moves the k rows it
 * already shows; only the k new rows at the bottom, and any row that changed
 * in place (a ✓ appearing), are painted.
 *
 * Pure: rows are compared as strings (the tagged rows the pane paints, so
 * equal strings paint equal cells). Only upward shifts are considered: new
 * content arrives at the bottom; anything else repaints.
 */

/**
 * The shift k (0 ≤ k < rows) minimising the rows left to paint, counted as
 * the k rows scrolled in at the bottom plus every other row that still
 * differs: `next[i]` against `prev[i + k]`. Ties go to the smaller shift, so
 * 0 (no scrolling) wins unless scrolling saves at least one row.
 *
 * Cost O(rows × best cost): the search stops as soon as k alone reaches the
 * best cost found, so a one-line append costs about two passes over the rows.
 */
export function scrollShift(prev: readonly string[], next: readonly string[]): number {
  if (!Array.isArray(prev) || !Array.isArray(next)) throw new TypeError('scrollShift: prev and next must be arrays of rows');
  const rows = next.length;
  if (prev.length !== rows || rows < 2) return 0;
  let best = 0;
  let bestCost = mismatches(prev, next, 0, rows);
  for (let k = 1; k < rows && k < bestCost; k++) {
    const cost = k + mismatches(prev, next, k, bestCost - k);
    if (cost < bestCost) {
      best = k;
      bestCost = cost;
    }
  }
  return best;
}

/** Rows i with next[i] !== prev[i + k], counting no further than `limit`. */
function mismatches(prev: readonly string[], next: readonly string[], k: number, limit: number): number {
  let n = 0;
  for (let i = 0; i + k < next.length && n < limit; i++) {
    if (next[i] !== prev[i + k]) n += 1;
  }
  return n;
}
