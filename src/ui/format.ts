/**
 * One chat line → the styled rows the pane shows (blessed tags, one parse).
 *
 *   [12:05] <alice> text that wraps is indented
 *                   under the start of the text ✓
 *   [12:05] -!- peer online
 *            ─── Wednesday, 25 November 2026 ───
 *
 * Text and nicks are sanitized and tag-escaped here, always: whatever a peer
 * sends ends up as literal characters. Widths come from width.ts, so every row
 * fits `width` columns, CJK and emoji included.
 */

import { MAX_NICK_CHARS } from '../constants.js';
import { nickColor } from './nick-color.js';
import { escapeTags, sanitizeInline, sanitizeText } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';
import { wrapSpans } from '../text/wrap.js';

export type LineKind = 'message' | 'own' | 'system' | 'error' | 'day';
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
  /** Why delivery failed (`delivery: 'failed'`). */
  reason?: string;
}

export interface FormatOptions {
  /** Show seconds in timestamps. */
  seconds: boolean;
  /** The terminal's colour count (screen.tput.colors): 2, 8, 16, 256. */
  colors: number;
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

/** The line as rows with blessed tags, each at most `width` columns. width < 1 → TypeError. */
export function formatLine(line: ChatLine, width: number, opts: FormatOptions): string[] {
  if (!Number.isInteger(width) || width < 1) throw new TypeError(`formatLine: width must be an integer >= 1, got ${width}`);
  const st = styles(opts.colors);
  if (line.kind === 'day') return [formatDaySeparator(line.time, width, st.dim)];

  const header: Seg[] = [seg(`[${formatTime(line.time, opts.seconds)}] `, st.dim)];
  const body: Seg[] = [];
  const text = sanitizeText(line.text);
  switch (line.kind) {
    case 'message':
    case 'own': {
      const nick = truncate(sanitizeInline(line.nick ?? '?'), MAX_NICK_CHARS);
      const color = nickColor(nick, opts.colors);
      header.push(seg('<'), seg(nick, line.kind === 'own' ? st.bold : color ? tag(`${color}-fg`) : st.none), seg('> '));
      body.push(seg(text));
      if (line.kind === 'own') body.push(...deliverySegs(line, st));
      break;
    }
    case 'system':
      header.push(seg('-!- ', st.system));
      body.push(seg(text));
      break;
    case 'error':
      header.push(seg('-!- ', st.error));
      body.push(seg(text, st.error));
      break;
    default:
      throw new TypeError(`formatLine: unknown line kind ${String(line.kind)}`);
  }
  return layout(header, body, width);
}

/** "12:05" or "12:05:09", local time. */
export function formatTime(time: number, seconds: boolean): string {
  const d = new Date(time);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return seconds ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

/** "Wednesday, 25 November 2026", local date. */
export function formatDay(time: number): string {
  const d = new Date(time);
  return `${WEEKDAYS[d.getDay()]}, ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/** The suffix shown after an own message, in plain text ('' for none). */
export function deliveryMark(line: Pick<ChatLine, 'delivery' | 'reason'>): string {
  switch (line.delivery) {
    case 'pending':
      return '…';
    case 'delivered':
      return '✓';
    case 'failed':
      return `✗ failed${line.reason ? `: ${sanitizeInline(line.reason)}` : ''} — press Up, then Enter to retry`;
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

function formatDaySeparator(time: number, width: number, dim: Style): string {
  let label = `─── ${formatDay(time)} ───`;
  if (stringWidth(label) > width) {
    const d = new Date(time);
    label = `─ ${WEEKDAYS[d.getDay()]!.slice(0, 3)} ${d.getDate()} ${MONTHS[d.getMonth()]!.slice(0, 3)} ${d.getFullYear()} ─`;
  }
  label = truncate(label, width, '');
  const left = Math.floor((width - stringWidth(label)) / 2);
  return ' '.repeat(left) + dim.open + escapeTags(label) + dim.close;
}

/** Header on the first row, body wrapped beside it with a hanging indent. */
function layout(header: Seg[], body: Seg[], width: number): string[] {
  const headerText = header.map((s) => s.text).join('');
  const indent = stringWidth(headerText);
  const bodyText = body.map((s) => s.text).join('');
  if (width - indent < MIN_TEXT_COLUMNS) {
    const rows = [renderSpan(header, 0, truncate(headerText, width, '').length)];
    if (bodyText === '') return rows;
    for (const span of wrapSpans(bodyText, width)) rows.push(renderRow(body, span));
    return rows;
  }
  const head = renderSpan(header, 0, headerText.length);
  const pad = ' '.repeat(indent);
  return wrapSpans(bodyText, width - indent).map((span, i) => (i === 0 ? head : pad) + renderRow(body, span));
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
}

function styles(colors: number): Styles {
  const none = { open: '', close: '' };
  const bold = tag('bold');
  if (colors < 8) return { none, dim: none, bold, ok: bold, system: bold, error: bold };
  return {
    none,
    // Grey is colour 8, absent on 8-colour terminals (blessed would map it to black).
    dim: colors >= 16 ? tag('gray-fg') : none,
    bold,
    ok: tag('green-fg'),
    // Plain yellow is unreadable on light backgrounds; 136 is a dark gold that reads on both.
    system: colors >= 256 ? tag('136-fg') : tag('yellow-fg'),
    error: tag('red-fg'),
  };
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
