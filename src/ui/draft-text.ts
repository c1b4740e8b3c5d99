/**
 * The input box's text as three pieces: head + mid + tail, edits going into
 * the small mid piece.
 *
 * Why not one string: every edit of a JS string builds a new one, and the
 * engine flattens it (copies all of it) on the next read — ~6-8 ms per
 * keystroke for a 1 MiB draft on a busy machine. Here an edit near the last
 * one rebuilds only `mid` (at most MID_MAX_CHARS); an edit elsewhere, or a mid
 * grown past that, re-splits the text once (O(text)), so typing in one place
 * costs O(MID_MAX_CHARS) a keystroke. Reads (slice, indexOf, …) never join
 * the pieces unless asked for the whole text (toString, cached until the
 * next edit).
 */

/** What a reader of draft text needs: the length and any slice (a plain string qualifies). */
export interface TextLike {
  readonly length: number;
  slice(start: number, end: number): string;
}

/** Most code units in the piece edits go into before the text is re-split. */
const MID_MAX_CHARS = 8_192;
/** Room on either side of an edit in a new mid piece, in code units. */
const MID_MARGIN_CHARS = 1_024;

export class DraftText implements TextLike {
  private head: string;
  private mid = '';
  private tail = '';
  private whole: string | null;

  constructor(text = '') {
    this.head = text;
    this.whole = text;
  }

  get length(): number {
    return this.head.length + this.mid.length + this.tail.length;
  }

  /** The whole text (joined once per edit, when asked). */
  toString(): string {
    this.whole ??= this.head + this.mid + this.tail;
    return this.whole;
  }

  /** text.slice(start, end) for 0 ≤ start ≤ end ≤ length. */
  slice(start: number, end: number): string {
    const h = this.head.length;
    const m = h + this.mid.length;
    if (end <= h) return this.head.slice(start, end);
    if (start >= h && end <= m) return this.mid.slice(start - h, end - h);
    if (start >= m) return this.tail.slice(start - m, end - m);
    let out = start < h ? this.head.slice(start, h) : '';
    out += this.mid.slice(Math.max(0, start - h), Math.min(end, m) - h);
    if (end > m) out += this.tail.slice(0, end - m);
    return out;
  }

  /** The code unit at `i` as a one-character string ('' outside the text). */
  charAt(i: number): string {
    return i < 0 || i >= this.length ? '' : this.slice(i, i + 1);
  }

  /** String.prototype.indexOf for one character. */
  indexOf(ch: string, from = 0): number {
    const h = this.head.length;
    const m = h + this.mid.length;
    from = Math.max(0, from);
    if (from < h) {
      const k = this.head.indexOf(ch, from);
      if (k !== -1) return k;
    }
    if (from < m) {
      const k = this.mid.indexOf(ch, Math.max(0, from - h));
      if (k !== -1) return k + h;
    }
    const k = this.tail.indexOf(ch, Math.max(0, from - m));
    return k === -1 ? -1 : k + m;
  }

  /** String.prototype.lastIndexOf for one character (a negative `from` searches at 0, as it does). */
  lastIndexOf(ch: string, from = Number.POSITIVE_INFINITY): number {
    const len = this.length;
    if (len === 0) return -1;
    from = Math.min(Math.max(0, from), len - 1);
    const h = this.head.length;
    const m = h + this.mid.length;
    if (from >= m) {
      const k = this.tail.lastIndexOf(ch, from - m);
      if (k !== -1) return k + m;
    }
    if (from >= h && this.mid.length > 0) {
      const k = this.mid.lastIndexOf(ch, Math.min(from, m - 1) - h);
      if (k !== -1) return k + h;
    }
    return h === 0 ? -1 : this.head.lastIndexOf(ch, Math.min(from, h - 1));
  }

  /** Replace [from, to) with `s`. */
  replace(from: number, to: number, s: string): void {
    const h = this.head.length;
    const m = h + this.mid.length;
    if (from >= h && to <= m && this.mid.length + s.length <= MID_MAX_CHARS) {
      this.mid = this.mid.slice(0, from - h) + s + this.mid.slice(to - h);
    } else {
      const whole = this.toString();
      const a = Math.max(0, from - MID_MARGIN_CHARS);
      const b = Math.min(whole.length, to + MID_MARGIN_CHARS);
      this.head = whole.slice(0, a);
      this.mid = whole.slice(a, from) + s + whole.slice(to, b);
      this.tail = whole.slice(b);
    }
    this.whole = null;
  }
}
