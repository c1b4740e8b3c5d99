/**
 * One history record ↔ one line of the history file. Pure.
 *
 *   {"v":1,"t":1764784500000,"dir":"in","from":"bob","text":"hi","kind":"message"}\n
 *
 * JSON lines: JSON.stringify escapes every line break and control character,
 * so a record is exactly one line and the newline ends it. A line without
 * its newline is a record torn by a kill (scan.ts skips it). A record of a
 * later format version (`v` above HISTORY_VERSION) is recognised by its `v`
 * alone and skipped, never rewritten: the file stays as that version wrote it.
 */

/** Format version of the records this fernchat writes. */
export const HISTORY_VERSION = 1;

/** A message kind: an ordinary line, or a `/me` action. */
export type HistoryKind = 'message' | 'action';

export interface HistoryRecord {
  /** When it was sent or received, in ms since the epoch. */
  t: number;
  /** `in`: from the peer; `out`: ours. */
  dir: 'in' | 'out';
  /** The sender's nick as it was then (ours for `out`), as received: sanitize at display. */
  from: string;
  /** The message text, verbatim. */
  text: string;
  kind: HistoryKind;
}

/** What one line of the file holds. */
export type ParsedLine =
  | { kind: 'record'; record: HistoryRecord }
  /** Written by a later fernchat (format `v`): skipped, kept. */
  | { kind: 'newer'; v: number }
  /** Not a record: the file is corrupt here. `problem` never quotes the line (it holds messages). */
  | { kind: 'bad'; problem: string };

/** The file line for a record, newline included. */
export function encodeRecord(r: HistoryRecord): string {
  return `${JSON.stringify({ v: HISTORY_VERSION, t: r.t, dir: r.dir, from: r.from, text: r.text, kind: r.kind })}\n`;
}

const KINDS: readonly string[] = ['message', 'action'];

/** One line of the file, without its newline. */
export function parseRecordLine(line: string): ParsedLine {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { kind: 'bad', problem: 'not a JSON record' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { kind: 'bad', problem: 'not a JSON object' };
  const o = data as Record<string, unknown>;
  if (typeof o.v !== 'number' || !Number.isInteger(o.v) || o.v < 1) return { kind: 'bad', problem: 'no format version "v"' };
  if (o.v > HISTORY_VERSION) return { kind: 'newer', v: o.v };
  if (typeof o.t !== 'number' || !Number.isFinite(o.t)) return { kind: 'bad', problem: '"t" is not a time' };
  if (o.dir !== 'in' && o.dir !== 'out') return { kind: 'bad', problem: '"dir" is not in or out' };
  if (typeof o.from !== 'string') return { kind: 'bad', problem: '"from" is not a string' };
  if (typeof o.text !== 'string') return { kind: 'bad', problem: '"text" is not a string' };
  // A record of this version without a kind (or one this version does not know) reads as a message: nothing is lost.
  const kind: HistoryKind = typeof o.kind === 'string' && KINDS.includes(o.kind) ? (o.kind as HistoryKind) : 'message';
  return { kind: 'record', record: { t: o.t, dir: o.dir, from: o.from, text: o.text, kind } };
}
