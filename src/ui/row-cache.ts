/**
 * The chat pane's cache of formatted rows, by line sequence number, bounded
 * both in lines and in rows (a row is at most a screen width, so rows bound
 * the bytes too). Insertion order is eviction order: the line formatted
 * longest ago goes first.
 */

/** A line's rows, and whether they are a fold of a longer line. */
export interface CachedRows {
  rows: string[];
  folded: boolean;
}

export class RowCache {
  private readonly bySeq = new Map<number, CachedRows>();
  private rowCount = 0;

  constructor(
    readonly maxLines: number,
    readonly maxRows: number,
  ) {
    if (!Number.isInteger(maxLines) || maxLines < 1) throw new TypeError(`RowCache: maxLines must be an integer >= 1, got ${maxLines}`);
    if (!(maxRows >= 1)) throw new TypeError(`RowCache: maxRows must be >= 1, got ${maxRows}`);
  }

  /** Lines and rows held now (at most maxLines and maxRows, except one line longer than maxRows on its own). */
  get size(): { lines: number; rows: number } {
    return { lines: this.bySeq.size, rows: this.rowCount };
  }

  get(seq: number): CachedRows | undefined {
    return this.bySeq.get(seq);
  }

  /** Holds `entry` for `seq`, evicting the oldest entries until it fits. */
  set(seq: number, entry: CachedRows): void {
    this.delete(seq);
    while (this.bySeq.size > 0 && (this.bySeq.size >= this.maxLines || this.rowCount + entry.rows.length > this.maxRows)) {
      this.delete(this.bySeq.keys().next().value!); // size > 0: there is a first key
    }
    this.bySeq.set(seq, entry);
    this.rowCount += entry.rows.length;
  }

  delete(seq: number): void {
    const c = this.bySeq.get(seq);
    if (c === undefined) return;
    this.bySeq.delete(seq);
    this.rowCount -= c.rows.length;
  }

  clear(): void {
    this.bySeq.clear();
    this.rowCount = 0;
  }
}
