/**
 * Canonical urlsafe base64 (RFC 4648 §5) WITH '=' padding, the text form of
 * Fernet tokens and keys.
 *
 * Why not `Buffer.from(s, 'base64url')`: Node's decoder silently skips
 * characters outside the alphabet, accepts '+' and '/', ignores padding and
 * the unused low bits of the last character, so many texts decode to one
 * token. Python's `base64.urlsafe_b64decode` (what cryptography's Fernet uses)
 * is lax too: it accepts '+' and '/', discards other non-alphabet characters,
 * but it does reject a missing '=' ("Incorrect padding").
 *
 * This decoder accepts exactly one text per byte string: only A-Z a-z 0-9 - _,
 * length a multiple of 4, '=' only as the final one or two characters, and the
 * unused bits of the last data character zero. We mirror Python on missing
 * padding (reject) and are stricter on '+', '/', stray characters and
 * non-zero spare bits (reject). No Fernet implementation emits those, so
 * nothing genuine is lost, and every single-bit change of a token's text is
 * guaranteed to change its bytes or be refused.
 *
 * Both directions are hand-written loops over bytes: a token arrives as a
 * Buffer from the socket and leaves as one, so no string is built on the hot path.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PAD = 0x3d; // '='

const ENCODE = new Uint8Array(64);
/** Character code → 6-bit value, or -1 for anything outside the urlsafe alphabet. */
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENCODE[i] = c;
  DECODE[c] = i;
}

/** True when `code` (a character code) belongs to the urlsafe alphabet. */
export function isBase64UrlChar(code: number): boolean {
  return code < 256 && DECODE[code]! >= 0;
}

/** Length in characters of the padded encoding of `byteLength` bytes. */
export function encodedLength(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/** Padded urlsafe base64 of `bytes`, as ASCII bytes. */
export function encodeBase64Url(bytes: Uint8Array): Buffer {
  const n = bytes.length;
  const out = Buffer.allocUnsafe(encodedLength(n));
  const whole = n - (n % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[v >>> 18]!;
    out[o++] = ENCODE[(v >>> 12) & 63]!;
    out[o++] = ENCODE[(v >>> 6) & 63]!;
    out[o++] = ENCODE[v & 63]!;
  }
  const rest = n - whole;
  if (rest === 1) {
    const v = bytes[whole]!;
    out[o++] = ENCODE[v >>> 2]!;
    out[o++] = ENCODE[(v & 3) << 4]!;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (rest === 2) {
    const v = (bytes[whole]! << 8) | bytes[whole + 1]!;
    out[o++] = ENCODE[v >>> 10]!;
    out[o++] = ENCODE[(v >>> 4) & 63]!;
    out[o++] = ENCODE[(v & 15) << 2]!;
    out[o++] = PAD;
  }
  return out;
}

/**
 * Decode canonical padded urlsafe base64 (see the file comment), or return
 * null if `text` is anything else. A string is read as UTF-8, so a non-ASCII
 * character becomes bytes outside the alphabet and is refused.
 */
export function decodeBase64Url(text: Uint8Array | string): Buffer | null {
  const src = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const n = src.length;
  if (n % 4 !== 0) return null;
  if (n === 0) return Buffer.alloc(0);

  let pad = 0;
  if (src[n - 1] === PAD) pad = src[n - 2] === PAD ? 2 : 1;
  const out = Buffer.allocUnsafe((n / 4) * 3 - pad);

  // Every quad but the last has four data characters.
  const lastQuad = n - 4;
  let o = 0;
  for (let i = 0; i < lastQuad; i += 4) {
    const a = DECODE[src[i]!]!;
    const b = DECODE[src[i + 1]!]!;
    const c = DECODE[src[i + 2]!]!;
    const d = DECODE[src[i + 3]!]!;
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }

  const a = DECODE[src[lastQuad]!]!;
  const b = DECODE[src[lastQuad + 1]!]!;
  if ((a | b) < 0) return null;
  if (pad === 2) {
    if ((b & 15) !== 0) return null; // spare bits must be zero
    out[o] = (a << 2) | (b >>> 4);
    return out;
  }
  const c = DECODE[src[lastQuad + 2]!]!;
  if (c < 0) return null;
  if (pad === 1) {
    if ((c & 3) !== 0) return null;
    const v = (a << 12) | (b << 6) | c;
    out[o++] = v >>> 10;
    out[o] = (v >>> 2) & 255;
    return out;
  }
  const d = DECODE[src[lastQuad + 3]!]!;
  if (d < 0) return null;
  const v = (a << 18) | (b << 12) | (c << 6) | d;
  out[o++] = v >>> 16;
  out[o++] = (v >>> 8) & 255;
  out[o] = v & 255;
  return out;
}
