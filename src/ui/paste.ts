/**
 * Bracketed paste: after ESC[?2004h the terminal wraps every paste in
 * ESC[200~ … ESC[201~. input-box.ts feeds raw stdin chunks here before
 * blessed's key parser sees them, so a paste arrives as one text instead of
 * keystrokes (where each newline would be an Enter, and blessed drops lines).
 *
 * Flow of push(chunk):
 *   1. Decode (UTF-8 split across chunks is carried over) and prepend what
 *      was held back from the previous chunk.
 *   2. Outside a paste: text up to a start marker is key input; a stray end
 *      marker is dropped.
 *   3. Inside a paste: text up to the end marker is collected; a nested
 *      start marker is dropped (terminals do not nest; it is garbage).
 *   4. A chunk tail that could be the beginning of a marker is held back
 *      until the next chunk, or until flush(): the input layer calls flush()
 *      after KEY_PREFIX_TIMEOUT_MS of silence (a lone Esc key press is such a
 *      tail) or PASTE_END_TIMEOUT_MS inside a paste (the end marker never
 *      came). Nothing is lost: flush() hands everything out.
 *   5. A paste is released when its end marker arrives, with CR LF and CR
 *      turned into LF (terminals send Enter as CR). A paste that outgrows
 *      maxBytes is released in pieces marked `partial`.
 */

import { StringDecoder } from 'node:string_decoder';
import { MAX_MESSAGE_BYTES, PASTE_CONFIRM_BYTES, PASTE_CONFIRM_LINES, PASTE_MAX_BYTES } from '../constants.js';

/** Write to the terminal to turn bracketed paste on / off. */
export const BRACKETED_PASTE_ON = '\x1b[?2004h';
export const BRACKETED_PASTE_OFF = '\x1b[?2004l';
export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

export type PasteEvent =
  | { kind: 'keys'; data: string }
  /** `partial`: a piece of a paste longer than maxBytes (more follows), or released by flush() without its end marker. */
  | { kind: 'paste'; text: string; partial?: true };

export interface PasteParserOptions {
  /** Most bytes (UTF-8) collected before a piece of an unfinished paste is released (default PASTE_MAX_BYTES). */
  maxBytes?: number;
}

export class PasteParser {
  private readonly maxBytes: number;
  private readonly decoder = new StringDecoder('utf8');
  private inPaste = false;
  private held = '';
  private pieces: string[] = [];
  private bytes = 0;

  constructor(opts: PasteParserOptions = {}) {
    this.maxBytes = opts.maxBytes ?? PASTE_MAX_BYTES;
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1) throw new TypeError(`PasteParser: maxBytes must be an integer >= 1, got ${this.maxBytes}`);
  }

  /** What is waiting for more input: nothing, a possible marker start, or an unfinished paste. Decides the flush timeout. */
  get pending(): 'none' | 'prefix' | 'paste' {
    if (this.inPaste) return 'paste';
    return this.held === '' ? 'none' : 'prefix';
  }

  /** Raw input → key input and complete pastes, in order. */
  push(chunk: string | Uint8Array): PasteEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let data = this.held + text;
    this.held = '';
    const out: PasteEvent[] = [];
    while (data.length > 0) {
      if (this.inPaste) {
        const end = data.indexOf(PASTE_END);
        if (end === -1) {
          const keep = markerPrefixLength(data);
          this.collect(data.slice(0, data.length - keep), out);
          this.held = data.slice(data.length - keep);
          break;
        }
        this.collect(data.slice(0, end), out);
        this.release(out, false);
        this.inPaste = false;
        data = data.slice(end + PASTE_END.length);
      } else {
        const start = data.indexOf(PASTE_START);
        const stray = data.indexOf(PASTE_END);
        if (stray !== -1 && (start === -1 || stray < start)) {
          keys(out, data.slice(0, stray));
          data = data.slice(stray + PASTE_END.length);
          continue;
        }
        if (start === -1) {
          const keep = markerPrefixLength(data);
          keys(out, data.slice(0, data.length - keep));
          this.held = data.slice(data.length - keep);
          break;
        }
        keys(out, data.slice(0, start));
        this.inPaste = true;
        data = data.slice(start + PASTE_START.length);
      }
    }
    return out;
  }

  /** Release everything held: a partial marker as keys, an unfinished paste as a (partial) paste. */
  flush(): PasteEvent[] {
    const out: PasteEvent[] = [];
    const rest = this.held + this.decoder.end();
    this.held = '';
    if (this.inPaste) {
      this.collect(rest, out);
      this.release(out, true);
      this.inPaste = false;
    } else {
      keys(out, rest);
    }
    return out;
  }

  private collect(text: string, out: PasteEvent[]): void {
    const clean = text.includes(PASTE_START) ? text.split(PASTE_START).join('') : text;
    if (clean === '') return;
    this.pieces.push(clean);
    this.bytes += Buffer.byteLength(clean);
    if (this.bytes >= this.maxBytes) this.release(out, true);
  }

  private release(out: PasteEvent[], partial: boolean): void {
    const text = this.pieces.join('').replace(/\r\n?/g, '\n');
    this.pieces = [];
    this.bytes = 0;
    if (partial && text === '') return;
    out.push(partial ? { kind: 'paste', text, partial: true } : { kind: 'paste', text });
  }
}

/**
 * The message a paste sends: trailing newlines dropped, null when nothing but
 * whitespace is left. The same rule as InputModel.submit, so a paste ends the
 * same way whether it went through the line (small) or the confirmation (big).
 */
export function pasteMessage(text: string): string | null {
  const out = text.replace(/\n+$/, '');
  return out.trim() === '' ? null : out;
}

/** True when a paste is big enough to ask before sending: its message over PASTE_CONFIRM_BYTES bytes or PASTE_CONFIRM_LINES lines. */
export function needsPasteConfirmation(text: string): boolean {
  const message = text.replace(/\n+$/, '');
  return Buffer.byteLength(message) > PASTE_CONFIRM_BYTES || countLines(message) > PASTE_CONFIRM_LINES;
}

/** A paste too big to be one message: its size, for the line that refuses it. */
export interface RefusedPaste {
  /** Bytes (UTF-8) of its message (trailing newlines not counted). */
  bytes: number;
  lines: number;
}

/**
 * Joins the pieces of one paste (PasteParser releases a long one in pieces)
 * and refuses it once its message is over `limitBytes`: from then on the text
 * is no longer kept, only counted, so a paste of any size costs at most about
 * limitBytes of memory. Trailing newlines do not count towards the limit
 * (pasteMessage drops them), at any size.
 */
export class PasteCollector {
  private pieces: string[] = [];
  private bytes = 0;
  private lines = 0;
  /** Newlines (one byte each) at the end of what was added so far. */
  private trailing = 0;

  constructor(private readonly limitBytes: number = MAX_MESSAGE_BYTES) {
    if (!Number.isInteger(limitBytes) || limitBytes < 1) throw new TypeError(`PasteCollector: limitBytes must be an integer >= 1, got ${limitBytes}`);
  }

  add(piece: string): void {
    if (piece === '') return;
    const n = Buffer.byteLength(piece);
    this.bytes += n;
    this.lines += newlines(piece);
    const run = piece.length - piece.replace(/\n+$/, '').length;
    this.trailing = run === piece.length ? this.trailing + run : run;
    if (this.over) this.pieces = [];
    else this.pieces.push(piece);
  }

  /** The whole paste, or its size when it is over the limit; then starts afresh. */
  take(): { text: string } | { refused: RefusedPaste } {
    const out: { text: string } | { refused: RefusedPaste } = this.over
      ? { refused: { bytes: this.bytes - this.trailing, lines: this.lines - this.trailing + 1 } }
      : { text: this.pieces.join('') };
    this.pieces = [];
    this.bytes = 0;
    this.lines = 0;
    this.trailing = 0;
    return out;
  }

  private get over(): boolean {
    return this.bytes - this.trailing > this.limitBytes;
  }
}

/** "5.2 MiB", "700 KiB", "12 bytes": sizes in the unit the limits are given in. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KiB`;
  const mib = bytes / (1024 * 1024);
  // Rounded up: a size just over a limit never reads as the limit itself.
  return `${mib < 10 ? Math.ceil(mib * 10) / 10 : Math.ceil(mib)} MiB`;
}

/** The one line that says a paste was refused, where its text is, and why it is not in the input box. */
export function refusedPasteLine(r: RefusedPaste, limitBytes: number = MAX_MESSAGE_BYTES): string {
  return (
    `paste of ${formatSize(r.bytes)} (${r.lines.toLocaleString('en-US')} line${r.lines === 1 ? '' : 's'}) is over the ${formatSize(limitBytes)} message limit: not sent. ` +
    'It is not in the input box either (it could not be sent from there); the text is still where you copied it from — paste it in parts'
  );
}

/** Lines of text; a final newline does not start another line. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function keys(out: PasteEvent[], data: string): void {
  if (data === '') return;
  const last = out[out.length - 1];
  if (last?.kind === 'keys') last.data += data;
  else out.push({ kind: 'keys', data });
}

/** Length of the longest tail of `data` that is a proper beginning of a paste marker. */
function markerPrefixLength(data: string): number {
  for (let k = Math.min(PASTE_START.length - 1, data.length); k > 0; k--) {
    const tail = data.slice(data.length - k);
    if (PASTE_START.startsWith(tail) || PASTE_END.startsWith(tail)) return k;
  }
  return 0;
}
