/**
 * Search in the scrollback (/search, Ctrl-R): which held line is the match
 * being shown, and where a query occurs in a text. Pure: no blessed, no
 * screen; the pane's lines come in through a LineSource (PaneBuffer).
 *
 * Rules (what less and weechat users expect):
 *   - The query is plain text, never a regex: `a.*(b` matches those five
 *     characters.
 *   - Smart case: case-insensitive unless the query has a capital letter.
 *   - A match is a line (a message, a system line): n / older() goes to the
 *     next older line holding the query, N / newer() to the next newer one.
 *     Every occurrence in a line is highlighted (ranges()).
 *   - Lines are searched as they are shown: the sanitized text (escape
 *     sequences removed, tabs expanded), so `red text` is found in a line a
 *     peer coloured, and what is found is what is highlighted. A line that
 *     needs no sanitizing (nearly all of them: one regex test) is searched as
 *     it is; the sanitized copy of one that does is kept in a WeakMap for the
 *     search's lifetime (one SearchModel), so each line is sanitized once per
 *     search, and the copies go with the model or with the evicted line.
 *   - Day separators never match.
 *
 * Cost of a step: one test per line between the current match and the next
 * one, so at most one pass over the lines held (100,000 lines: a few ms).
 * The ring may evict the current match while the search is open; newer()
 * then starts from the oldest line held, and older() finds nothing older.
 */
import { sanitizeText } from '../text/sanitize.js';
import type { ChatLine } from './format.js';

/** The pane's lines by sequence number (PaneBuffer). firstSeq > lastSeq when empty. */
export interface LineSource {
  readonly firstSeq: number;
  readonly lastSeq: number;
  at(seq: number): ChatLine;
}

/**
 * Characters sanitizeText changes or removes (controls but LF, C1, bidi
 * controls, invisible format characters, U+2028/9, tag characters), as a
 * regex class in `u` mode. A line without any is shown as it is. Lone
 * surrogates become U+FFFD, one code unit for one: offsets stay, and a query
 * never holds one (it is sanitized too).
 */
const NEEDS_SANITIZING =
  '[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f\\u00ad\\u115f\\u1160\\u3164\\uffa0\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\u{E0000}-\\u{E007F}]';

/** A search text, ready to match: literal, smart case. */
export class SearchQuery {
  /** The text searched for: what was typed, sanitized as the pane's lines are (so it can match them). */
  readonly text: string;
  /** The text has a capital letter: match case exactly. */
  readonly caseSensitive: boolean;
  /** The text, escaped: a literal, never a pattern. Global (ranges); `i` (Unicode case folding: a match keeps the length of the text matched) unless caseSensitive. */
  private readonly re: RegExp;
  /**
   * The text, or a character that needs sanitizing, whichever comes first:
   * one pass over a raw line decides it (the query first: a match in a clean
   * prefix is a match in the shown text; a character to sanitize first: the
   * shown text must be searched).
   */
  private readonly rawRe: RegExp;

  constructor(typed: string) {
    if (typeof typed !== 'string') throw new TypeError(`SearchQuery: text must be a string, got ${typeof typed}`);
    const text = sanitizeText(typed);
    if (text === '') throw new TypeError('SearchQuery: text must not be empty');
    this.text = text;
    this.caseSensitive = text !== text.toLowerCase();
    const literal = text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    const flags = this.caseSensitive ? 'gu' : 'giu';
    this.re = new RegExp(literal, flags);
    this.rawRe = new RegExp(`(${literal})|${NEEDS_SANITIZING}`, flags.replace('g', ''));
  }

  /** Whether the shown (sanitized) text `s` holds the text. */
  test(s: string): boolean {
    this.re.lastIndex = 0;
    return this.re.test(s);
  }

  /** Whether a line's raw text holds the text: true / false, or null when the line must be sanitized to tell. */
  testRaw(raw: string): boolean | null {
    const m = this.rawRe.exec(raw);
    if (m === null) return false;
    return m[1] !== undefined ? true : null;
  }

  /** Every occurrence in `s`, as [start, end) code-unit ranges, in order, not overlapping. */
  ranges(s: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.re.lastIndex = 0;
    for (let m = this.re.exec(s); m !== null; m = this.re.exec(s)) {
      out.push([m.index, m.index + m[0].length]);
      if (m[0].length === 0) this.re.lastIndex += 1; // a non-empty literal never matches empty; never loop
    }
    return out;
  }
}

/** What a step found: the line shown now, or why the view stays. */
export type SearchStep =
  | { kind: 'found'; seq: number }
  /** The query is empty: nothing to look for. */
  | { kind: 'empty' }
  /** No line held has the text. */
  | { kind: 'none' }
  /** No match further that way; the current match stays. */
  | { kind: 'end'; direction: 'older' | 'newer' };

export class SearchModel {
  private q: SearchQuery | null = null;
  private seq: number | null = null;
  private readonly clean = new WeakMap<ChatLine, { raw: string; text: string }>();

  constructor(private readonly lines: LineSource) {}

  get query(): SearchQuery | null {
    return this.q;
  }

  /** The line of the match shown, while it is still held; null before the first match and after it was evicted. */
  get current(): number | null {
    return this.seq !== null && this.seq >= this.lines.firstSeq && this.seq <= this.lines.lastSeq ? this.seq : null;
  }

  /** A new search text: the newest line holding it (as bash's reverse-i-search, every keystroke starts from the newest). */
  setText(text: string): SearchStep {
    this.q = sanitizeText(text) === '' ? null : new SearchQuery(text);
    this.seq = null;
    if (this.q === null) return { kind: 'empty' };
    const seq = this.scan(this.lines.lastSeq, -1);
    if (seq === null) return { kind: 'none' };
    this.seq = seq;
    return { kind: 'found', seq };
  }

  /** The next older line holding the text (n, Ctrl-R). */
  older(): SearchStep {
    return this.step(-1);
  }

  /** The next newer line holding the text (N, Ctrl-S). */
  newer(): SearchStep {
    return this.step(1);
  }

  /** Whether the line holds the text as the pane shows it (false without a query; day separators never). */
  matches(line: ChatLine): boolean {
    if (this.q === null || line.kind === 'day') return false;
    return this.q.testRaw(line.text) ?? this.q.test(this.sanitized(line));
  }

  /** The sanitized text of a line that needs it, once per search. */
  private sanitized(line: ChatLine): string {
    const c = this.clean.get(line);
    if (c !== undefined && c.raw === line.text) return c.text;
    const text = sanitizeText(line.text);
    this.clean.set(line, { raw: line.text, text });
    return text;
  }

  private step(dir: -1 | 1): SearchStep {
    if (this.q === null) return { kind: 'empty' };
    // An evicted current match is older than every line held: older finds nothing, newer starts at the oldest line (scan clamps).
    const from = this.seq === null ? (dir < 0 ? this.lines.lastSeq : this.lines.firstSeq) : this.seq + dir;
    const seq = this.scan(from, dir);
    if (seq === null) return this.seq === null ? { kind: 'none' } : { kind: 'end', direction: dir < 0 ? 'older' : 'newer' };
    this.seq = seq;
    return { kind: 'found', seq };
  }

  /** The first line from `from` (inclusive) going `dir` that matches, or null. */
  private scan(from: number, dir: -1 | 1): number | null {
    const { firstSeq, lastSeq } = this.lines;
    for (let s = dir < 0 ? Math.min(from, lastSeq) : Math.max(from, firstSeq); s >= firstSeq && s <= lastSeq; s += dir) {
      if (this.matches(this.lines.at(s))) return s;
    }
    return null;
  }
}
