/**
 * Raw terminal input (after bracketed pastes are taken out) split into plain
 * text and key sequences.
 *
 * Text goes straight into the input line; only key sequences (controls,
 * ESC-sequences) are handed to blessed's key parser to be named. blessed's
 * parser splits its input with split(''), so an emoji typed or sent by tmux
 * send-keys would reach it as two lone surrogates, and it drops a whole chunk
 * when anything in it looks like a mouse report: text never goes near it.
 *
 * Sequence shapes (ECMA-48, plus what terminals really send):
 *   ESC [ params intermediates final       CSI (arrows, PgUp, F5+, modified keys)
 *   ESC [ [ X                              Linux console F1–F5
 *   ESC [ I, ESC [ O                       focus in / out (mode 1004): a `focus` token
 *   ESC [ M b x y                          X10 mouse report (3 bytes follow)
 *   ESC O [digits;] X                      SS3 (application cursor keys, F1–F4)
 *   ESC ESC …                              Alt + a sequence (rxvt)
 *   ESC X                                  Alt + X (one code point)
 *   ESC                                    alone at the end: the Escape key
 *   C0 control / DEL                       one key each (Enter, Tab, Ctrl-letters, Backspace)
 */

/** `focus`: the terminal reports gaining (CSI I) or losing (CSI O) focus, mode 1004; never text, never a key. */
export type RawToken = { kind: 'text'; text: string } | { kind: 'key'; seq: string } | { kind: 'focus'; focused: boolean };

const FOCUS_IN = '\x1b[I';
const FOCUS_OUT = '\x1b[O';

const ESC = '\x1b';

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

/** Length of the key sequence starting with ESC at `i`. */
function escapeLength(s: string, i: number): number {
  const next = s[i + 1];
  if (next === undefined) return 1;
  if (next === ESC) {
    // ESC ESC: Alt + whatever sequence follows (or Alt-Escape).
    return 1 + (i + 2 < s.length ? escapeLength(s, i + 1) : 1);
  }
  if (next === '[') {
    if (s[i + 2] === '[') return Math.min(4, s.length - i);
    if (s[i + 2] === 'M') return Math.min(6, s.length - i);
    let j = i + 2;
    while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x3f) j++;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
    // rxvt ends some keys with '$' or '^' (shifted / ctrl'd), which is not a CSI final byte.
    if (j < s.length && ((s.charCodeAt(j) >= 0x40 && s.charCodeAt(j) <= 0x7e) || s[j] === '$' || s[j] === '^')) j++;
    return j - i;
  }
  if (next === 'O') {
    let j = i + 2;
    while (j < s.length && /[\d;]/.test(s[j]!)) j++;
    return Math.min(j + 1, s.length) - i;
  }
  // Alt + one code point (s[i + 1] is `next`, so there is one).
  const cp = s.codePointAt(i + 1)!;
  return 1 + (cp > 0xffff ? 2 : 1);
}

/** Splits `data` into text runs and key sequences, in order; concatenated, the tokens are `data`. */
export function splitRawInput(data: string): RawToken[] {
  const out: RawToken[] = [];
  let text = '';
  let i = 0;
  const flushText = (): void => {
    if (text !== '') out.push({ kind: 'text', text });
    text = '';
  };
  while (i < data.length) {
    const code = data.charCodeAt(i);
    if (code === 0x1b) {
      flushText();
      const n = escapeLength(data, i);
      const seq = data.slice(i, i + n);
      if (seq === FOCUS_IN || seq === FOCUS_OUT) out.push({ kind: 'focus', focused: seq === FOCUS_IN });
      else out.push({ kind: 'key', seq });
      i += n;
    } else if (isControl(code)) {
      flushText();
      out.push({ kind: 'key', seq: data[i]! });
      i += 1;
    } else {
      text += data[i];
      i += 1;
    }
  }
  flushText();
  return out;
}
