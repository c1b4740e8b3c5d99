/**
 * One chat line → the styled rows the pane shows (blessed tags, one parse).
 *
 *   [12:05] <alice> text that wraps is indented
 *                   under the start of the text ✓
 *   [12:05] -!- peer online
 *                — Wednesday 25 November 2026 —
 *   [12:05] * alice waves
 *   [12:06] <bob> the first rows of a long message
 *                 …
 *                 … 48,213 more lines · 3.9 MB · Ctrl-O reads it all
 *
 * Folding (formatFolded): a line longer than `maxRows` rows shows its first
 * maxRows - 1 rows and a marker row. Only a prefix of the text is sanitized
 * and wrapped, just long enough for those rows, so a 4 MiB message costs
 * what a screenful costs; the pager (pager-model.ts) shows the rest.
 *
 * Text and nicks are sanitized and tag-escaped here, always: whatever a peer
 * sends ends up as literal characters. Widths come from width.ts, so every row
 * fits `width` columns, CJK and emoji included.
 */

import { MAX_NICK_CHARS, PANE_FOLD_PREFIX_SLACK_CHARS } from '../constants.js';
import { nickColor } from './nick-color.js';
import { findMentions } from '../text/mention.js';
import { highlightRuns, matchStyle, type Highlight } from './search-highlight.js';
import { escapeTags, sanitizeInline, sanitizeText } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';
import { TEXT_START, wrapRows, type RowSpan } from '../text/wrap.js';

/** `marker`: a label alone on its row, centred (`— unread —` where the user left off, `— history —` above restored lines). */
export type LineKind = 'message' | 'own' | 'system' | 'error' | 'day' | 'marker';
/** Delivery of an own message; `raw` = sent in raw wire mode, which has no receipts. */
export type Delivery = 'pending' | 'delivered' | 'failed' | 'raw';

export interface ChatLine {
  /** Chosen by the caller, unique in the pane (PaneBuffer's own day separators use negative ids). */
  id: number;
  kind: LineKind;
  /** When, in ms since the epoch; shown in local time. */
  time: number;
  /** Sender, for `message` and `own`. */
  nick?: string;
  text: string;
  /** `own` only. */
  delivery?: Delivery;
  /** The bus message id of an `own` line, for delivery updates. */
  msgId?: string;
  /** `message` and `own`: an action (/me), shown as `* alice waves`. */
  action?: boolean;
  /** `message`: our nick when the line was received, whose mentions (text/mention.ts) are highlighted. */
  mention?: string;
  /** Why delivery failed (`delivery: 'failed'`). */
  reason?: string;
  /** The failure is for good (too long for the wire): no retry is suggested. */
  permanent?: boolean;
  /** Restored from the history file (an earlier session): shown dimmed. */
  history?: boolean;
}

export interface FormatOptions {
  /** Show seconds in timestamps. */
  seconds: boolean;
  /** The terminal's colour count (screen.tput.colors): 2, 8, 16, 256. */
  colors: number;
  /** Occurrences of a search to highlight in the text (search-highlight.ts). */
  highlight?: Highlight;
}

/** Below this many columns for the text, the hanging indent is given up (header on a row of its own). */
const MIN_TEXT_COLUMNS = 10;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A run of plain text and the tags around it. */
interface Seg {
  text: string;
  open: string;
  close: string;
}

/** The line as rows with blessed tags, each at most `width` columns, never folded. width < 1 → TypeError. */
export function formatLine(line: ChatLine, width: number, opts: FormatOptions): string[] {
  return formatFolded(line, width, opts, Number.POSITIVE_INFINITY).rows;
}

/** Rows of a line, at most `maxRows` (≥ 2) of them: the line's own, or its first rows and a fold marker. */
export interface FormattedLine {
  rows: string[];
  folded: boolean;
}

/**
 * formatLine, folded to at most `maxRows` rows: a longer line shows its
 * first maxRows - 1 rows, then "… N more lines · size · Ctrl-O reads it all"
 * (and the delivery mark of an own line). Work is bounded by maxRows × width,
 * whatever the length of the text.
 */
export function formatFolded(line: ChatLine, width: number, opts: FormatOptions, maxRows: number): FormattedLine {
  if (!Number.isInteger(width) || width < 1) throw new TypeError(`formatLine: width must be an integer >= 1, got ${width}`);
  if (!(maxRows >= 2)) throw new TypeError(`formatFolded: maxRows must be >= 2, got ${maxRows}`);
  const st = line.history === true ? dimmed(styles(opts.colors)) : styles(opts.colors);
  if (line.kind === 'day') return { rows: [formatDaySeparator(line.time, width, st.dim)], folded: false };
  if (line.kind === 'marker') return { rows: [centered(sanitizeInline(line.text), width, st.marker)], folded: false };

  const header: Seg[] = [seg(`[${formatTime(line.time, opts.seconds)}] `, st.dim)];
  let textStyle = st.none;
  switch (line.kind) {
    case 'message':
    case 'own': {
      const nick = truncate(sanitizeInline(line.nick ?? '?'), MAX_NICK_CHARS);
      const color = nickColor(nick, opts.colors);
      const nickStyle = line.kind === 'own' ? st.bold : color && line.history !== true ? tag(`${color}-fg`) : st.none;
      // st.none around the nick: plain on a live line, dim on a restored one.
      if (line.action === true) header.push(seg('* ', st.action), seg(nick, nickStyle), seg(' ', st.none));
      else header.push(seg('<', st.none), seg(nick, nickStyle), seg('> ', st.none));
      break;
    }
    case 'system':
      header.push(seg('-!- ', st.system));
      break;
    case 'error':
      header.push(seg('-!- ', st.error));
      textStyle = st.error;
      break;
    default:
      throw new TypeError(`formatLine: unknown line kind ${String(line.kind)}`);
  }
  const mark = line.kind === 'own' ? deliverySegs(line, st) : [];
  const headerText = header.map((s) => s.text).join('');
  const indent = stringWidth(headerText);
  const hanging = width - indent >= MIN_TEXT_COLUMNS;
  const textWidth = hanging ? width - indent : width;
  // Body rows available beside (or under) the header.
  const bodyRows = hanging ? maxRows : maxRows - 1;

  const markText = mark.map((m) => m.text).join('');
  const { text, rows: wrapped } = wrapBody(line.text, markText, textWidth, bodyRows + 1);
  let spans: RowSpan[] = wrapped;
  const body = bodyRuns(text, textStyle, line, st.mention, opts.highlight);
  if (spans.length <= bodyRows) return { rows: layout(header, [...body, ...mark], width, spans, hanging), folded: false };

  // Folded: bodyRows - 1 rows of text, then the marker row (not wrapped: cut to fit).
  spans = spans.slice(0, bodyRows - 1);
  const shownEnd = spans[spans.length - 1]?.end ?? 0;
  const lineDone = text.charCodeAt(shownEnd) === 0x0a; // the last row shown ends its line
  const size = messageSize(line);
  const more = Math.max(1, size.lines - countNewlines(text, shownEnd) - (lineDone ? 1 : 0));
  const rows = layout(header, body, width, spans, hanging);
  const columns = (hanging ? textWidth : width) - stringWidth(markText);
  const what = more === 1 && !lineDone ? 'the rest of the line' : `${more.toLocaleString('en-US')} more line${more === 1 ? '' : 's'}`;
  const notes = [`… ${what} · ${formatBytes(size.bytes)} · Ctrl-O reads it all`, `… ${what} · Ctrl-O`, '… Ctrl-O'];
  const note = truncate(notes.find((n) => stringWidth(n) <= columns) ?? notes[notes.length - 1]!, Math.max(0, columns));
  rows.push((hanging ? ' '.repeat(indent) : '') + renderSpan([seg(note, st.dim), ...mark], 0, note.length + markText.length));
  return { rows, folded: true };
}

/** "12:05" or "12:05:09", local time. */
export function formatTime(time: number, seconds: boolean): string {
  const d = new Date(time);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return seconds ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

/** "Wednesday 25 November 2026", local date, English names whatever the locale (as irssi's day-change line). */
export function formatDay(time: number): string {
  const d = new Date(time);
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/** The suffix shown after an own message, in plain text ('' for none). */
export function deliveryMark(line: Pick<ChatLine, 'delivery' | 'reason' | 'permanent'>): string {
  switch (line.delivery) {
    case 'pending':
      return '…';
    case 'delivered':
      return '✓';
    case 'failed':
      return `✗ failed${line.reason ? `: ${sanitizeInline(line.reason)}` : ''}${line.permanent === true ? '' : ' — press Up, then Enter to retry'}`;
    default:
      return '';
  }
}

function deliverySegs(line: ChatLine, st: Styles): Seg[] {
  const mark = deliveryMark(line);
  if (!mark) return [];
  const style = line.delivery === 'delivered' ? st.ok : line.delivery === 'failed' ? st.error : st.dim;
  return [seg(' '), seg(mark, style)];
}

/**
 * The text as runs: a `message` line's mentions of our nick (line.mention) in
 * the mention style, the search's occurrences (search-highlight.ts) in theirs,
 * both where they overlap (the search's innermost, so its colours show).
 */
function bodyRuns(text: string, style: Style, line: ChatLine, mention: Style, h: Highlight | undefined): Seg[] {
  const mentions = line.kind === 'message' && line.mention !== undefined ? findMentions(text, line.mention) : [];
  if (mentions.length === 0) return highlightRuns(text, style, h);
  const layers: Layer[] = [{ ranges: mentions.map((m) => [m.start, m.end] as const), style: mention }];
  if (h !== undefined) layers.push({ ranges: h.query.ranges(text), style: matchStyle(h.current, h.monochrome) });
  return layeredRuns(text, style, layers);
}

/** Ranges of a text ([start, end), in order, not overlapping) and the style laid over them. */
interface Layer {
  ranges: ReadonlyArray<readonly [number, number]>;
  style: Style;
}

/** `text` cut wherever a layer's range starts or ends; each run in `base` plus every layer covering it, in layer order. */
function layeredRuns(text: string, base: Style, layers: Layer[]): Seg[] {
  const cuts = new Set<number>([0, text.length]);
  for (const l of layers) for (const [a, b] of l.ranges) cuts.add(Math.min(a, text.length)).add(Math.min(b, text.length));
  const points = [...cuts].sort((x, y) => x - y);
  const next = layers.map(() => 0);
  const out: Seg[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i]!;
    const to = points[i + 1]!;
    let open = base.open;
    let close = base.close;
    layers.forEach((l, k) => {
      while (next[k]! < l.ranges.length && l.ranges[next[k]!]![1] <= from) next[k]! += 1;
      const r = l.ranges[next[k]!];
      if (r !== undefined && r[0] <= from && to <= r[1]) {
        open += l.style.open;
        close = l.style.close + close;
      }
    });
    out.push({ text: text.slice(from, to), open, close });
  }
  return out;
}

function formatDaySeparator(time: number, width: number, dim: Style): string {
  let label = `— ${formatDay(time)} —`;
  if (stringWidth(label) > width) {
    const d = new Date(time);
    label = `— ${WEEKDAYS[d.getDay()]!.slice(0, 3)} ${d.getDate()} ${MONTHS[d.getMonth()]!.slice(0, 3)} ${d.getFullYear()} —`;
  }
  return centered(label, width, dim);
}

/** A label alone on its row, centred, cut to fit (day separators, markers such as "— unread —" and "— history —"). */
function centered(text: string, width: number, style: Style): string {
  const label = truncate(text, width, '');
  const left = Math.floor((width - stringWidth(label)) / 2);
  return ' '.repeat(left) + style.open + escapeTags(label) + style.close;
}

/** Header on the first row, body rows (`spans` of the body's text) beside it with a hanging indent, or under it when the pane is narrow. */
function layout(header: Seg[], body: Seg[], width: number, spans: RowSpan[], hanging: boolean): string[] {
  const headerText = header.map((s) => s.text).join('');
  if (!hanging) {
    const rows = [renderSpan(header, 0, truncate(headerText, width, '').length)];
    if (spans.length === 1 && spans[0]!.end === 0) return rows; // empty body
    for (const span of spans) rows.push(renderRow(body, span));
    return rows;
  }
  const head = renderSpan(header, 0, headerText.length);
  const pad = ' '.repeat(stringWidth(headerText));
  return spans.map((span, i) => (i === 0 ? head : pad) + renderRow(body, span));
}

/**
 * The sanitized text and its first `maxRows` rows, from a prefix of `raw`
 * just long enough for them (doubled when escapes or marks made it too
 * short); the whole text, with the delivery mark after it, when it is short.
 */
function wrapBody(raw: string, markText: string, width: number, maxRows: number): { text: string; rows: RowSpan[] } {
  for (let prefix = Math.min(raw.length, (maxRows - 1) * width * 2 + PANE_FOLD_PREFIX_SLACK_CHARS); ; prefix *= 2) {
    const complete = prefix >= raw.length;
    const text = sanitizeText(complete ? raw : raw.slice(0, prefix));
    const rows = wrapRows(complete ? text + markText : text, width, TEXT_START, maxRows).rows;
    if (complete || rows.length >= maxRows) return { text, rows };
  }
}

/** Hard lines and UTF-8 bytes of a line's text, counted once per line object and text (a folded line is formatted again on every cache miss). */
const sizes = new WeakMap<ChatLine, { text: string; lines: number; bytes: number }>();
function messageSize(line: ChatLine): { lines: number; bytes: number } {
  let size = sizes.get(line);
  if (size === undefined || size.text !== line.text) {
    size = { text: line.text, lines: countNewlines(line.text, line.text.length) + 1, bytes: Buffer.byteLength(line.text) };
    sizes.set(line, size);
  }
  return size;
}

/** Newlines in text[0, to). */
function countNewlines(text: string, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** "812 B", "64 KiB", "3.9 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function renderRow(segs: Seg[], span: { start: number; end: number; width: number }): string {
  return span.width < 0 ? '?' : renderSpan(segs, span.start, span.end);
}

/** The styled text of the code-unit range [start, end) of the segments' concatenation. */
function renderSpan(segs: Seg[], start: number, end: number): string {
  let out = '';
  let offset = 0;
  for (const s of segs) {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + s.text.length);
    if (from < to) out += s.open + escapeTags(s.text.slice(from - offset, to - offset)) + s.close;
    offset += s.text.length;
    if (offset >= end) break;
  }
  return out;
}

interface Style {
  open: string;
  close: string;
}
interface Styles {
  none: Style;
  dim: Style;
  bold: Style;
  ok: Style;
  system: Style;
  error: Style;
  /** The star of an action line. */
  action: Style;
  /** Our nick in a peer's line. */
  mention: Style;
  /** A marker line ("— unread —"). */
  marker: Style;
}

function styles(colors: number): Styles {
  const none = { open: '', close: '' };
  const bold = tag('bold');
  // No colour at all: bold, and bold underlined for a mention (reverse video is the search's).
  const underlined = { open: '{bold}{underline}', close: '{/underline}{/bold}' };
  if (colors < 8) return { none, dim: none, bold, ok: bold, system: bold, error: bold, action: bold, mention: underlined, marker: bold };
  return {
    none,
    // Grey is colour 8, absent on 8-colour terminals (blessed would map it to black).
    dim: colors >= 16 ? tag('gray-fg') : none,
    bold,
    ok: tag('green-fg'),
    // Plain yellow is unreadable on light backgrounds; 136 is a dark gold that reads on both.
    system: colors >= 256 ? tag('136-fg') : tag('yellow-fg'),
    error: tag('red-fg'),
    action: { open: '{bold}{magenta-fg}', close: '{/magenta-fg}{/bold}' },
    // Bold, underlined, orange (yellow where 256 colours are missing): apart from the search's
    // reverse video and black on yellow, readable on dark and light backgrounds.
    mention:
      colors >= 256
        ? { open: `${underlined.open}{166-fg}`, close: `{/166-fg}${underlined.close}` }
        : { open: `${underlined.open}{yellow-fg}`, close: `{/yellow-fg}${underlined.close}` },
    marker: tag('red-fg'),
  };
}

/** Every style dim, for lines restored from history: an earlier session, told apart at a glance. */
function dimmed(st: Styles): Styles {
  // Every style, whatever styles() comes to hold: a style added later is dim here without a change.
  return Object.fromEntries(Object.keys(st).map((k) => [k, st.dim])) as unknown as Styles;
}

function tag(name: string): Style {
  return { open: `{${name}}`, close: `{/${name}}` };
}

function seg(text: string, style: Style = { open: '', close: '' }): Seg {
  return { text, open: style.open, close: style.close };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
