/**
 * `fernchat history`: which records (--grep, --since) and how each is
 * printed. Pure.
 *
 *   text:  2026-12-03 17:55:02 <bob> hello      local time, one line a record
 *          2026-12-03 17:55:09 * bob waves       an action (/me)
 *   JSON:  {"time":"2026-12-03T17:55:02.000Z","dir":"in","from":"bob","text":"hello","kind":"message"}
 *
 * Text goes through sanitizeInline (as the headless mode prints): escape
 * sequences and controls removed, line breaks shown as ⏎, so a record is one
 * line and cannot fake another. JSON keeps the text verbatim (the caller
 * escapes what a terminal might obey).
 */
import { UsageError } from '../errors.js';
import { senderNick } from '../text/nick.js';
import { quoteValue } from '../text/quote.js';
import { sanitizeInline } from '../text/sanitize.js';
import type { HistoryRecord } from './record.js';

export interface HistoryQuery {
  /** Case-insensitive plain substring of the text or the sender (never a pattern). */
  grep?: string;
  /** Only records at or after this time, in ms since the epoch. */
  since?: number;
}

export function selectRecords(records: readonly HistoryRecord[], q: HistoryQuery): HistoryRecord[] {
  const needle = q.grep?.toLowerCase();
  return records.filter(
    (r) =>
      (q.since === undefined || r.t >= q.since) && (needle === undefined || r.text.toLowerCase().includes(needle) || r.from.toLowerCase().includes(needle)),
  );
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * --since: YYYY-MM-DD (local midnight) or an ISO 8601 date and time
 * (2026-12-03T17:55, with seconds, a fraction and Z or ±hh:mm if wanted;
 * without a zone, local time). A day or time that does not exist
 * (2026-02-30, 25:00) is refused: one UsageError line.
 */
export function parseSince(text: string, flag = '--since'): number {
  const t = text.trim();
  const bad = (): UsageError =>
    new UsageError(`${flag} must be a date YYYY-MM-DD or an ISO 8601 time such as 2026-12-03T17:55 or 2026-12-03T17:55:00Z, got ${quoteValue(text)}`);
  const day = DAY.exec(t);
  if (day !== null) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const at = new Date(y, m - 1, d);
    if (at.getFullYear() !== y || at.getMonth() !== m - 1 || at.getDate() !== d) throw bad();
    return at.getTime();
  }
  const dt = DATE_TIME.exec(t);
  if (dt === null) throw bad();
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(dt[i] ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) throw bad();
  // Date.parse reads an ISO time without a zone as local time, as wanted; a space instead of T is not ISO to it.
  const ms = Date.parse(t.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw bad();
  // A day past the end of its month (2026-02-30T10:00) rolls over in Date: refuse it.
  const local = new Date(y, mo - 1, d);
  if (local.getMonth() !== mo - 1 || local.getDate() !== d) throw bad();
  return ms;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "2026-12-03 17:55:02", local time. */
export function localStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** One printed line for a record. */
export function recordLine(r: HistoryRecord): string {
  const nick = senderNick(r.from);
  const text = sanitizeInline(r.text);
  return r.kind === 'action' ? `${localStamp(r.t)} * ${nick} ${text}` : `${localStamp(r.t)} <${nick}> ${text}`;
}

/** The object of a record's JSON line. */
export function recordObject(r: HistoryRecord): { time: string; dir: 'in' | 'out'; from: string; text: string; kind: string } {
  return { time: new Date(r.t).toISOString(), dir: r.dir, from: r.from, text: r.text, kind: r.kind };
}
