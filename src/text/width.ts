/**
 * Terminal column width, wcwidth-style, per grapheme cluster.
 *
 * A terminal advances 0, 1 or 2 columns per character; a wrong guess here
 * makes rows overflow and scramble the screen. Rules:
 *   - 0: combining and enclosing marks, format characters (ZWJ, ZWNJ,
 *     variation selectors), Hangul medial/final jamo, controls (which
 *     sanitize.ts strips before display anyway).
 *   - 2: East Asian Wide and Fullwidth (which include every emoji with
 *     default emoji presentation), and whole emoji clusters: ZWJ sequences,
 *     flags (two regional indicators), a pictograph made emoji by U+FE0F,
 *     keycaps. Each such cluster is one 2-column cell.
 *   - 1: everything else (East Asian Ambiguous counts as narrow, as in
 *     xterm/glibc outside CJK locales).
 *
 * The Wide/Fullwidth table is Unicode 17 (EastAsianWidth.txt, as shipped by
 * get-east-asian-width 1.7.0), a superset of Unicode 15.
 */

/** [start, end] pairs, inclusive, sorted: East Asian Wide ∪ Fullwidth. */
// prettier-ignore
const WIDE_RANGES: readonly number[] = [
  0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3,
  0x25FD, 0x25FE, 0x2614, 0x2615, 0x2630, 0x2637, 0x2648, 0x2653, 0x267F, 0x267F, 0x268A, 0x268F,
  0x2693, 0x2693, 0x26A1, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26CE,
  0x26D4, 0x26D4, 0x26EA, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA, 0x26FA, 0x26FD, 0x26FD,
  0x2705, 0x2705, 0x270A, 0x270B, 0x2728, 0x2728, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755,
  0x2757, 0x2757, 0x2795, 0x2797, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50,
  0x2B55, 0x2B55, 0x2E80, 0x2E99, 0x2E9B, 0x2EF3, 0x2F00, 0x2FD5, 0x2FF0, 0x303E, 0x3041, 0x3096,
  0x3099, 0x30FF, 0x3105, 0x312F, 0x3131, 0x318E, 0x3190, 0x31E5, 0x31EF, 0x321E, 0x3220, 0x3247,
  0x3250, 0xA48C, 0xA490, 0xA4C6, 0xA960, 0xA97C, 0xAC00, 0xD7A3, 0xF900, 0xFAFF, 0xFE10, 0xFE19,
  0xFE30, 0xFE52, 0xFE54, 0xFE66, 0xFE68, 0xFE6B, 0xFF01, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0, 0x16FE4,
  0x16FF0, 0x16FF6, 0x17000, 0x18CDA, 0x18CFF, 0x18D20, 0x18D80, 0x18DF2, 0x18E00, 0x19191,
  0x191A0, 0x191D2, 0x1AFF0, 0x1AFF3, 0x1AFF5, 0x1AFFB, 0x1AFFD, 0x1AFFE, 0x1B000, 0x1B128,
  0x1B132, 0x1B132, 0x1B150, 0x1B152, 0x1B155, 0x1B155, 0x1B164, 0x1B168, 0x1B170, 0x1B2FB,
  0x1D300, 0x1D356, 0x1D360, 0x1D376, 0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E,
  0x1F191, 0x1F19A, 0x1F1AE, 0x1F1AE, 0x1F200, 0x1F202, 0x1F210, 0x1F23B, 0x1F240, 0x1F248,
  0x1F250, 0x1F251, 0x1F260, 0x1F265, 0x1F300, 0x1F320, 0x1F32D, 0x1F335, 0x1F337, 0x1F37C,
  0x1F37E, 0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0, 0x1F3F4, 0x1F3F4,
  0x1F3F8, 0x1F43E, 0x1F440, 0x1F440, 0x1F442, 0x1F4FC, 0x1F4FF, 0x1F53D, 0x1F54B, 0x1F54E,
  0x1F550, 0x1F567, 0x1F57A, 0x1F57A, 0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4, 0x1F5FB, 0x1F64F,
  0x1F680, 0x1F6C5, 0x1F6CC, 0x1F6CC, 0x1F6D0, 0x1F6D2, 0x1F6D5, 0x1F6D9, 0x1F6DC, 0x1F6DF,
  0x1F6EB, 0x1F6EC, 0x1F6F4, 0x1F6FC, 0x1F7DA, 0x1F7DA, 0x1F7E0, 0x1F7EB, 0x1F7F0, 0x1F7F0,
  0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1F9FF, 0x1FA70, 0x1FA7C, 0x1FA80, 0x1FAC6,
  0x1FAC8, 0x1FAC8, 0x1FACC, 0x1FADD, 0x1FADF, 0x1FAEB, 0x1FAEF, 0x1FAFA, 0x20000, 0x2FFFD,
  0x30000, 0x3FFFD,
];

const ZERO_WIDTH_CATEGORY = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EXTENDED_PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const EMOJI = /^\p{Emoji}/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

// Width cache, one byte per code point (0 = not yet known, else width + 1):
// the Unicode property regexes are too slow to run per character per render.
const widthCache = new Uint8Array(0x110000);

// Grapheme clusters (UAX #29 extended clusters) by one regex. Not
// Intl.Segmenter: in Node 20 every segment it yields carries a fresh copy of
// the whole input, so segmenting n characters costs O(n²) time and memory (a
// 64 KiB paste took 5 s, a 1 MiB message ran out of heap); this regex does 1 MiB
// in ~30 ms. It follows the same rules, except Indic conjuncts (GB9c), which
// it splits after the virama: terminals draw them cell by cell anyway, and
// the width sum is the same. width.test.ts checks it against Intl.Segmenter.
const PREPEND =
  '[\\u0600-\\u0605\\u06DD\\u070F\\u0890\\u0891\\u08E2\\u0D4E\\u{110BD}\\u{110CD}\\u{111C2}\\u{111C3}\\u{1193F}\\u{11941}\\u{11A3A}\\u{11A84}-\\u{11A89}\\u{11D46}\\u{11F02}]';
const EXTEND = '[\\p{Grapheme_Extend}\\p{Emoji_Modifier}\\u200d\\p{Mc}\\u0E33\\u0EB3]';
const [L, V, T] = ['[\\u1100-\\u115F\\uA960-\\uA97C]', '[\\u1160-\\u11A7\\uD7B0-\\uD7C6]', '[\\u11A8-\\u11FF\\uD7CB-\\uD7FB]'];
// Precomposed syllables: LV (every 28th from U+AC00: no final consonant) may take more vowels, LVT may not.
const LV = `[${Array.from({ length: 399 }, (_, i) => String.fromCharCode(0xac00 + i * 28)).join('')}]`;
const LVT = `(?!${LV})[\\uAC00-\\uD7A3]`;
const HANGUL = `${L}*(?:${V}+|${LV}${V}*|${LVT})${T}*|${L}+|${T}+`;
const PICTO = '\\p{Extended_Pictographic}';
const EMOJI_SEQUENCE = `${PICTO}(?:[\\p{Grapheme_Extend}\\p{Emoji_Modifier}]*\\u200d${PICTO})*`;
const GRAPHEME = new RegExp(`\\r\\n|[\\0-\\x1f\\x7f-\\x9f]|${PREPEND}*(?:${HANGUL}|\\p{RI}\\p{RI}|${EMOJI_SEQUENCE}|[^\\0-\\x1f\\x7f-\\x9f])${EXTEND}*`, 'gu');

/** Each grapheme cluster of text[from..] with its offset. */
function* clusters(text: string, from = 0): Generator<{ segment: string; index: number }> {
  const re = new RegExp(GRAPHEME);
  re.lastIndex = from;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) yield { segment: m[0], index: m.index };
}

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE_RANGES.length / 2 - 1;
  if (cp < WIDE_RANGES[0]! || cp > WIDE_RANGES[WIDE_RANGES.length - 1]!) return false;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < WIDE_RANGES[mid * 2]!) hi = mid - 1;
    else if (cp > WIDE_RANGES[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

function computeWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  // Soft hyphen is Cf but terminals (and glibc) print it as one column.
  if (cp === 0xad) return 1;
  // Hangul medial vowels and final consonants join the preceding syllable.
  if ((cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff)) return 0;
  if (cp >= 0xd800 && cp <= 0xdfff) return 1;
  if (ZERO_WIDTH_CATEGORY.test(String.fromCodePoint(cp))) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Columns one code point takes on its own. `codePoint` outside 0..0x10FFFF → TypeError. */
export function charWidth(codePoint: number): 0 | 1 | 2 {
  if (!Number.isInteger(codePoint) || codePoint < 0 || codePoint > 0x10ffff) {
    throw new TypeError(`charWidth: not a code point: ${codePoint}`);
  }
  if (codePoint >= 0x20 && codePoint < 0x7f) return 1;
  // The cache has a slot for every code point, and codePoint was checked above.
  const cached = widthCache[codePoint]!;
  if (cached !== 0) return (cached - 1) as 0 | 1 | 2;
  const w = computeWidth(codePoint);
  widthCache[codePoint] = w + 1;
  return w;
}

function isRegionalIndicator(cp: number): boolean {
  return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}

/** Columns one grapheme cluster takes. */
export function clusterWidth(cluster: string): number {
  const first = cluster.codePointAt(0);
  if (first === undefined) return 0;
  const firstLen = first > 0xffff ? 2 : 1;
  if (cluster.length === firstLen) return charWidth(first);
  if (isRegionalIndicator(first)) return 2;
  // An emoji base with modifiers (skin tone) is still one emoji.
  if (charWidth(first) === 2 && EXTENDED_PICTOGRAPHIC.test(String.fromCodePoint(first))) return 2;
  // Emoji clusters render as one 2-column glyph in current terminals.
  if (cluster.includes('\u200d') && EXTENDED_PICTOGRAPHIC.test(cluster)) return 2;
  if (cluster.includes('\ufe0f') && EMOJI.test(cluster)) return 2;
  if (cluster.includes('\u20e3')) return 2;
  let w = 0;
  for (const ch of cluster) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** The text's grapheme clusters (user-perceived characters), in order. */
export function graphemes(text: string): string[] {
  if (PRINTABLE_ASCII.test(text)) return text.split('');
  return text.match(GRAPHEME) ?? [];
}

/** Grapheme clusters with their code-unit offsets (for cursor and wrap maths). */
export function segmentsOf(text: string): Array<{ segment: string; index: number }> {
  if (PRINTABLE_ASCII.test(text)) return Array.from(text, (segment, index) => ({ segment, index }));
  return [...clusters(text)];
}

function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code < 0x7f;
}

/** Code-unit range [start, end) of the grapheme containing `index` (index in 0..length-1). */
export function graphemeAt(text: string, index: number): { start: number; end: number } {
  if (!Number.isInteger(index) || index < 0 || index >= text.length) {
    throw new TypeError(`graphemeAt: index ${index} outside 0..${text.length - 1}`);
  }
  // Fast path: printable ASCII between printable ASCII neighbours is its own
  // cluster (a non-ASCII neighbour could be a Prepend or Extend character).
  if (
    isPrintableAscii(text.charCodeAt(index)) &&
    (index + 1 >= text.length || isPrintableAscii(text.charCodeAt(index + 1))) &&
    (index === 0 || isPrintableAscii(text.charCodeAt(index - 1)))
  ) {
    return { start: index, end: index + 1 };
  }
  // Start from a point known to begin a cluster: the text start, after a
  // newline, or between two printable ASCII characters.
  let from = index;
  while (from > 0 && !(text.charCodeAt(from - 1) === 0x0a || (isPrintableAscii(text.charCodeAt(from - 1)) && isPrintableAscii(text.charCodeAt(from))))) from--;
  for (const c of clusters(text, from)) {
    if (c.index + c.segment.length > index) return { start: c.index, end: c.index + c.segment.length };
  }
  return { start: index, end: index + 1 };
}

/** Columns the text takes on one terminal row (newlines count as nothing). */
export function stringWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let w = 0;
  for (const g of text.match(GRAPHEME) ?? []) w += clusterWidth(g);
  return w;
}

/**
 * The longest prefix of `text` that fits in `width` columns, ending in
 * `ellipsis` when something was cut. Never splits a grapheme.
 */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  if (!Number.isInteger(width) || width < 0) throw new TypeError(`truncate: width must be an integer >= 0, got ${width}`);
  if (stringWidth(text) <= width) return text;
  const room = width - stringWidth(ellipsis);
  if (room < 0) return '';
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = clusterWidth(g);
    if (used + w > room) break;
    out += g;
    used += w;
  }
  return out + ellipsis;
}
