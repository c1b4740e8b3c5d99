/**
 * Search in the scrollback as keys see it: the two ways in, the keys while
 * searching, and the prompt line. No blessed: it drives a SearchHost (the
 * chat pane) and says what the prompt row shows; app.ts routes keys here
 * first while a search is open.
 *
 *            Ctrl-R                         /search TEXT (a match)
 *   idle ───────────▶ prompt                idle ──────────▶ browse
 *     ▲   text edits the query,               n / Ctrl-R older, N / Ctrl-S newer
 *     │   each edit searches from the newest  │
 *     │   Ctrl-R / Up older, Ctrl-S / Down newer
 *     │                                       │
 *     └── Enter: stay at the match ───────────┤
 *     └── Esc, Ctrl-G: back to where the view was when the search began
 *     └── any other key: stay at the match, and the key does what it does
 *
 * Enter keeps the position and Esc restores it, as weechat's search does
 * (Enter: search_stop_here; Ctrl-Q/Esc: back to the scroll state before the
 * search) and as bash's reverse-i-search does with the command line. In
 * browse mode a typed character other than n / N ends the search where it
 * is and goes to the input line, so a reply can be typed at once.
 *
 * The prompt row's colours are cyan (keys) and yellow (what happened), as the
 * input box's hints: never grey, which an 8-colour terminal shows as black.
 */
import type { ViewPosition } from './pane-buffer.js';
import { SearchModel, type LineSource, type SearchStep } from './search-model.js';
import { escapeTags, sanitizeInline } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';

/** What the search needs from the chat pane. */
export interface SearchHost {
  readonly lines: LineSource;
  readonly viewPosition: ViewPosition;
  setViewPosition(p: ViewPosition): void;
  /** Show line `seq`: scroll its first highlighted row into view; returns whether the occurrence lies in the folded part of the message. */
  showMatch(seq: number): { inFold: boolean };
  /** Highlight the query's occurrences (the current line's distinctly), or nothing. */
  setHighlight(h: { model: SearchModel; current: number | null } | null): void;
}

export type SearchModeName = 'prompt' | 'browse';

/** Most code units of a search text (a paste into the prompt is cut here). */
const MAX_QUERY_CHARS = 1_000;

interface Active {
  mode: SearchModeName;
  text: string;
  model: SearchModel;
  /** Where the view was when the search began (Esc goes back there). */
  saved: ViewPosition;
  /** One line about the last step: no match, no older match, … ('' when there is nothing to say). */
  status: string;
}

/** What a key did: consumed by the search, or to be handled as usual (the search may have ended first). */
export type SearchKeyResult = 'handled' | 'pass';

export class ScrollbackSearch {
  private a: Active | null = null;
  /** The text of the last search that ended, for Ctrl-R on an empty prompt (as bash). */
  private last = '';

  constructor(private readonly host: SearchHost) {}

  get active(): boolean {
    return this.a !== null;
  }

  get mode(): SearchModeName | null {
    return this.a?.mode ?? null;
  }

  get text(): string {
    return this.a?.text ?? '';
  }

  /** Ctrl-R: the incremental prompt, empty. */
  startPrompt(): void {
    this.end(false);
    this.a = { mode: 'prompt', text: '', model: new SearchModel(this.host.lines), saved: this.host.viewPosition, status: '' };
  }

  /**
   * /search TEXT: the newest match, then n / N. Returns null when it went to
   * a match, else the line the prompt row shows (no match: the view did not
   * move; the row stays until the next key).
   */
  startBrowse(text: string): string | null {
    this.end(false);
    this.a = { mode: 'browse', text, model: new SearchModel(this.host.lines), saved: this.host.viewPosition, status: '' };
    this.show(this.a.model.setText(text));
    return this.a.status === '' ? null : this.a.status;
  }

  /** Ends the search: `restore` puts the view back where it was when the search began. */
  end(restore: boolean): void {
    const a = this.a;
    if (a === null) return;
    this.a = null;
    if (a.text !== '') this.last = a.text;
    this.host.setHighlight(null);
    if (restore) this.host.setViewPosition(a.saved);
  }

  /** A named key (blessed's `full` name) while a search may be open. */
  key(full: string): SearchKeyResult {
    const a = this.a;
    if (a === null) return 'pass';
    switch (full) {
      case 'return':
        return 'handled'; // blessed sends 'enter' too, for the same CR
      case 'enter':
        this.end(false);
        return 'handled';
      case 'escape':
      case 'C-g':
        this.end(true);
        return 'handled';
      case 'C-r':
        if (a.mode === 'prompt' && a.text === '' && this.last !== '') this.edit(this.last);
        else this.show(a.model.older());
        return 'handled';
      case 'C-s':
        this.show(a.model.newer());
        return 'handled';
      case 'C-l':
        return 'pass'; // redraw; the search stays
    }
    if (a.mode === 'prompt') {
      if (full === 'up') return (this.show(a.model.older()), 'handled');
      if (full === 'down') return (this.show(a.model.newer()), 'handled');
      if (full === 'backspace' || full === 'C-h') return (this.edit([...a.text].slice(0, -1).join('')), 'handled');
      if (full === 'C-u' || full === 'C-w') return (this.edit(''), 'handled');
    }
    this.end(false);
    return 'pass';
  }

  /** Typed text while a search may be open; returns what is left for the input line. */
  typed(s: string): string {
    const a = this.a;
    if (a === null) return s;
    if (a.mode === 'prompt') {
      this.edit(a.text + s);
      return '';
    }
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === 'n') this.show(a.model.older());
      else if (ch === 'N') this.show(a.model.newer());
      else {
        this.end(false);
        return s.slice(i);
      }
    }
    return '';
  }

  /** A paste while the prompt is open goes into the search text (its first line); true when taken. */
  paste(text: string): boolean {
    if (this.a?.mode !== 'prompt') return false;
    this.edit(this.a.text + (text.split(/\r\n|[\r\n]/)[0] ?? ''));
    return true;
  }

  /**
   * The prompt row for `width` columns (blessed tags) and the caret's column
   * (prompt mode) or null (browse mode: n / N are keys, not text).
   */
  bar(width: number): { row: string; caret: number | null } {
    const a = this.a;
    if (a === null) return { row: '', caret: null };
    const keys = a.mode === 'prompt' ? 'Ctrl-R older · Ctrl-S newer · Enter stays · Esc goes back' : 'n older · N newer · Enter stays · Esc goes back';
    if (a.mode === 'browse') {
      const label = truncate(`search "${sanitizeInline(a.text)}"${a.status ? ` — ${a.status}` : ''}`, Math.max(1, width));
      const rest = width - stringWidth(label) - 3;
      const hint = rest >= stringWidth(keys) ? `   {cyan-fg}${escapeTags(keys)}{/cyan-fg}` : '';
      return { row: `{bold}${escapeTags(label)}{/bold}${hint}`, caret: null };
    }
    const prompt = 'search: ';
    const after = a.status !== '' ? `— ${a.status}` : a.text === '' ? keys : '';
    // The end of the text stays in view, as in an input line; what happened keeps its room unless that leaves the text under 10 columns.
    const free = Math.max(1, width - prompt.length - 1);
    const room = Math.max(Math.min(10, free), free - (after === '' ? 0 : stringWidth(after) + 1));
    const shown = lastColumns(sanitizeInline(a.text), room);
    const caret = Math.min(width - 1, prompt.length + stringWidth(shown));
    const tail = truncate(after, Math.max(0, width - caret - 1), '');
    const tailTags = a.status !== '' ? `{yellow-fg}${escapeTags(tail)}{/yellow-fg}` : `{cyan-fg}${escapeTags(tail)}{/cyan-fg}`;
    return { row: `{bold}${prompt}{/bold}${escapeTags(shown)}${tail ? ` ${tailTags}` : ''}`, caret };
  }

  // ------------------------------------------------------------ internals

  /** The prompt's text changed: search again from the newest line. */
  private edit(text: string): void {
    const a = this.a!;
    a.text = text.slice(0, MAX_QUERY_CHARS);
    const step = a.model.setText(a.text);
    if (step.kind === 'empty') {
      // Nothing to look for: the view goes back to where the search began.
      a.status = '';
      this.host.setHighlight(null);
      this.host.setViewPosition(a.saved);
      return;
    }
    this.show(step);
  }

  /** After a step: scroll to the match (the view stays otherwise), highlight, and say what happened. */
  private show(step: SearchStep): void {
    const a = this.a!;
    a.status = this.describe(step, a.text) ?? '';
    const current = a.model.current;
    this.host.setHighlight({ model: a.model, current });
    if (step.kind === 'found' && this.host.showMatch(step.seq).inFold) a.status = 'in the folded part of the message: Ctrl-O reads it';
  }

  /** The line about a step, or null for a match. */
  private describe(step: SearchStep, text: string): string | null {
    const held = Math.max(0, this.host.lines.lastSeq - this.host.lines.firstSeq + 1);
    switch (step.kind) {
      case 'found':
        return null;
      case 'empty':
        return 'type the text to find';
      case 'none':
        return `no match for "${sanitizeInline(text)}" in the ${held.toLocaleString('en-US')} line${held === 1 ? '' : 's'} held`;
      case 'end':
        return step.direction === 'older' ? 'no older match' : 'no newer match';
    }
  }
}

/** The end of `s` that fits `columns` columns. */
function lastColumns(s: string, columns: number): string {
  if (stringWidth(s) <= columns) return s;
  const chars = [...s];
  let i = chars.length;
  for (let w = 0; i > 0 && w + stringWidth(chars[i - 1]!) <= columns; i--) w += stringWidth(chars[i - 1]!);
  return chars.slice(i).join('');
}
