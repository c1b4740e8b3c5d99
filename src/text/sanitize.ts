/**
 * The one place remote (and pasted) text is made safe for the terminal and
 * for blessed's tag parser.
 *
 * A peer controls every byte of its messages. Left alone, it could clear our
 * screen (ESC[2J), set our window title or write our clipboard (OSC 0 / OSC
 * 52), hide text with backspaces or carriage returns, reorder what we read
 * with bidi overrides ("Trojan Source"), or style text through blessed tags.
 *
 * Decisions:
 *   - Whole escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte ESC
 *     sequences, and their 8-bit C1 forms) are removed, not shown: pasted
 *     colour codes vanish instead of leaving "[31m" litter. Whatever ESC or
 *     control is left after that is removed too, so the output never holds one.
 *   - CR LF and lone CR become LF (a CR would let text overwrite its own row);
 *     U+2028/U+2029 (line/paragraph separators) become LF as well.
 *   - Tab expands to spaces up to the next multiple of TAB_STOP_COLUMNS,
 *     counted from the start of its line, so pasted code keeps its shape;
 *     past TAB_EXPAND_MAX_COLUMNS columns a tab is one space (bounded growth).
 *   - Lone surrogates become U+FFFD; bidi embeddings, overrides and isolates
 *     (U+202A–U+202E, U+2066–U+2069) are removed.
 *   - Invisible format characters are removed, so that a message or nick
 *     cannot hide text or look like another with no visible difference:
 *     U+200B–U+200F (zero-width space, joiners, LRM/RLM), U+2060–U+206F,
 *     U+FEFF, tag characters U+E0000–U+E007F, the Hangul fillers U+115F,
 *     U+1160, U+3164, U+FFA0, and the soft hyphen U+00AD. Kept, because
 *     emoji need them: a ZWJ between two pictographs (👨‍👩‍👧, 🏳️‍🌈), and the
 *     tag sequence of a subdivision flag (🏴 + tags + U+E007F). VS16 (U+FE0F)
 *     is not in these ranges and stays.
 */

import { TAB_EXPAND_MAX_COLUMNS, TAB_STOP_COLUMNS } from '../constants.js';
import { stringWidth } from './width.js';

// ESC-introduced sequences, then their C1 equivalents. A string sequence
// (OSC, DCS, …) without its terminator runs to the next ESC or the end.
const ESCAPE_SEQUENCE = new RegExp(
  [
    '\\x1b\\[[0-?]*[ -/]*(?:[@-~]|$)', // CSI … final (or cut short at the end)
    '\\x1b\\][^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?', // OSC … BEL | ST
    '\\x1b[PX^_][^\\x1b\\x9c]*(?:\\x1b\\\\|\\x9c)?', // DCS / SOS / PM / APC … ST
    '\\x1b[ -/]*[0-~]', // two-byte (and nF) escapes: ESC c, ESC 7, ESC ( B
    '\\x9b[0-?]*[ -/]*(?:[@-~]|$)', // C1 CSI
    '\\x9d[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?', // C1 OSC
    '[\\x90\\x98\\x9e\\x9f][^\\x1b\\x9c]*(?:\\x1b\\\\|\\x9c)?', // C1 DCS / SOS / PM / APC
  ].join('|'),
  'g',
);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NEWLINES = /\r\n|[\r\u2028\u2029]/g;
// C0 except TAB and LF, DEL, C1, bidi embeddings/overrides/isolates.
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
// A quick test (no Unicode mode) for the invisible characters below; \udb40 leads every tag character.
const MAYBE_INVISIBLE = /[\u00ad\u115f\u1160\u3164\uffa0\u200b-\u200f\u2060-\u206f\ufeff\udb40]/;
// Alternatives 1 and 2 are what emoji need, and are kept: a subdivision flag's tag sequence, and
// a pictograph (with VS16 or a skin tone) followed by the ZWJ that joins it to the next one.
const INVISIBLE =
  /(\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F})|(\p{Extended_Pictographic}(?:\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])?\u200d(?=\p{Extended_Pictographic}))|[\u00ad\u115f\u1160\u3164\uffa0\u200b-\u200f\u2060-\u206f\ufeff\u{E0000}-\u{E007F}]/gu;

/** Removes invisible format characters, keeping the joiners of emoji sequences (see the decisions above). */
export function stripInvisible(text: string): string {
  if (!MAYBE_INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE, (m, flag: string | undefined, joined: string | undefined) => flag ?? joined ?? '');
}

/** Remote or pasted text made safe to display: no escapes, no controls but LF, no bidi overrides, no invisible format characters, tabs expanded. */
export function sanitizeText(text: string): string {
  if (typeof text !== 'string') throw new TypeError(`sanitizeText: expected a string, got ${typeof text}`);
  const out = stripInvisible(text.replace(LONE_SURROGATE, '\ufffd').replace(ESCAPE_SEQUENCE, '').replace(NEWLINES, '\n').replace(FORBIDDEN, ''));
  return out.includes('\t') ? expandTabs(out) : out;
}

/** What stands for a line break in one-line contexts. */
export const INLINE_NEWLINE = '⏎';

/**
 * sanitizeText for one-line contexts (headless stdout, status bar): each line
 * break is shown as ⏎, so one message is always one output line and a
 * message cannot fake a second one.
 */
export function sanitizeInline(text: string): string {
  return sanitizeText(text).replaceAll('\n', INLINE_NEWLINE);
}

/**
 * Neutralize blessed tags: `{` → `{open}`, `}` → `{close}` (blessed's own
 * helpers.escape). Valid for exactly one tag-parsing pass, which is why the
 * pane parses each row once and never re-feeds parsed text (blessed's Log
 * does, and so undoes escaping).
 */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'));
}

/** Spaces, sliced for a run of tabs (at most TAB_EXPAND_MAX_COLUMNS + the run's length; longer fills are repeated). */
const SPACES = ' '.repeat(4 * TAB_EXPAND_MAX_COLUMNS);

/**
 * Tabs to spaces, stops counted from the start of each line. Past
 * TAB_EXPAND_MAX_COLUMNS columns of a line a tab is one space, so a
 * tab-heavy message grows by a bounded amount per line, not fourfold.
 * One pass over the text (no split into lines), one piece per run of tabs.
 */
function expandTabs(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let nextNewline = text.indexOf('\n');
  let col = 0; // columns of the current line before `colAt`
  let colAt = 0;
  for (let t = text.indexOf('\t'); t !== -1; t = text.indexOf('\t', t + 1)) {
    if (nextNewline !== -1 && t > nextNewline) {
      colAt = text.lastIndexOf('\n', t) + 1;
      nextNewline = text.indexOf('\n', colAt);
      col = 0;
    }
    if (col < TAB_EXPAND_MAX_COLUMNS) col += stringWidth(text.slice(colAt, t));
    let run = t + 1;
    while (text.charCodeAt(run) === 0x09) run++;
    let n = 0;
    for (let k = t; k < run; k++) {
      const w = col >= TAB_EXPAND_MAX_COLUMNS ? 1 : TAB_STOP_COLUMNS - (col % TAB_STOP_COLUMNS);
      n += w;
      col += w;
    }
    parts.push(text.slice(copied, t), n <= SPACES.length ? SPACES.slice(0, n) : ' '.repeat(n));
    colAt = copied = run;
    t = run - 1;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}
