/**
 * The history file's bytes → its records, and the newest part of it. Pure.
 *
 * A file is lines (record.ts). Reading it:
 *   - a complete line (newline-terminated) is a record, a record of a later
 *     version (skipped, counted) or a bad line: the file is corrupt there.
 *     Reading goes on past a bad line, so nothing readable is lost, and the
 *     first one is reported with its line number;
 *   - the bytes after the last newline are a record torn by a kill: skipped,
 *     and never a reason to distrust the lines before them;
 *   - an empty line is skipped (fernchat never writes one).
 *
 * Lines are split on the byte 0x0a, which never occurs inside a UTF-8
 * sequence, so offsets are byte offsets in the file.
 */
import { HISTORY_KEEP_FRACTION } from '../constants.js';
import { type HistoryRecord, parseRecordLine } from './record.js';

export interface Scan {
  /** In file order. */
  records: HistoryRecord[];
  /** Records of a later format version: skipped, left in the file. */
  newer: { count: number; highest: number };
  /** The first bad complete line (1-based, counted from the start of what was scanned), or null. */
  bad: { line: number; problem: string } | null;
  /** Bad complete lines in all. */
  badCount: number;
  /** Bytes after the last newline: a torn last record (0 when the buffer ends with a newline). */
  tornBytes: number;
  /** Bytes of complete lines (up to and including the last newline). */
  completeBytes: number;
}

const NL = 0x0a;

/**
 * Every line of `buf`. With `partialStart` the buffer is a tail of the file
 * that may begin inside a record: its first line is dropped unscanned.
 */
export function scanHistory(buf: Buffer, opts: { partialStart?: boolean } = {}): Scan {
  const scan: Scan = { records: [], newer: { count: 0, highest: 0 }, bad: null, badCount: 0, tornBytes: 0, completeBytes: 0 };
  let start = 0;
  if (opts.partialStart === true) {
    const first = buf.indexOf(NL);
    start = first === -1 ? buf.length : first + 1;
  }
  let lineNo = 0;
  for (let nl = buf.indexOf(NL, start); nl !== -1; start = nl + 1, nl = buf.indexOf(NL, start)) {
    lineNo += 1;
    if (nl === start) continue;
    const parsed = parseRecordLine(buf.toString('utf8', start, nl));
    if (parsed.kind === 'record') scan.records.push(parsed.record);
    else if (parsed.kind === 'newer') {
      scan.newer.count += 1;
      scan.newer.highest = Math.max(scan.newer.highest, parsed.v);
    } else {
      scan.badCount += 1;
      scan.bad ??= { line: lineNo, problem: parsed.problem };
    }
  }
  scan.completeBytes = start;
  scan.tornBytes = buf.length - start;
  return scan;
}

/** The opening every record this or a later fernchat writes begins with (record.ts): what a torn tail must look like. */
const RECORD_OPENING = Buffer.from('{"v":');

/**
 * Whether the bytes after the last newline can be a torn record: a prefix of
 * one, starting as every record does. Anything else there is not ours, and
 * the file is left alone.
 */
export function looksLikeTornRecord(tail: Buffer): boolean {
  if (tail.length === 0 || tail.includes(NL)) return false;
  const n = Math.min(tail.length, RECORD_OPENING.length);
  return tail.subarray(0, n).equals(RECORD_OPENING.subarray(0, n));
}

/** Bytes kept when a file passes its cap of `maxBytes`. */
export function keepBytesFor(maxBytes: number): number {
  return Math.floor(maxBytes * HISTORY_KEEP_FRACTION);
}

/**
 * The newest whole lines of `complete` (a file's complete lines, ending with a
 * newline) that fit in `keepBytes`: the part kept when the file is rotated.
 * A single newest record larger than `keepBytes` is not kept either: the
 * file stays bounded whatever one message weighs.
 */
export function newestPart(complete: Buffer, keepBytes: number): Buffer {
  if (complete.length > 0 && complete[complete.length - 1] !== NL) throw new TypeError('newestPart: the buffer must end with a newline');
  if (complete.length <= keepBytes) return complete;
  const target = complete.length - keepBytes;
  // The first line starting at or after target: the newline before it is at target - 1 or later.
  const nl = complete.indexOf(NL, Math.max(0, target - 1));
  return complete.subarray(nl + 1);
}
