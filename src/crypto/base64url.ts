/**
 * Canonical urlsafe base64 (RFC 4648 §5) WITH '=' padding, the text form of
 * Fernet tokens and keys.
 *
 * Why not `Buffer.from(s, 'base64url')` alone: Node's decoder silently skips
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
 * Two decoders, one verdict. Long texts go through Node's native codec and
 * are accepted only if the canonical re-encoding of what it decoded IS the
 * input: a text with a stray character, a misplaced or missing '=' or non-zero
 * spare bits is the canonical encoding of nothing, so it is refused without a
 * character scan and whatever Node's decoder tolerates. Short texts (every
 * chat datagram) go through a JS loop that checks as it decodes: there the
 * native path's two temporary strings cost more than they save.
 */

import { constants } from 'node:buffer';

const { MAX_STRING_LENGTH } = constants;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PAD = 0x3d; // '='

/**
 * Texts of at least this many characters are decoded natively. Measured
 * inside Fernet.decrypt (Node 20, x86-64): the JS loop is a few % faster at
 * 1.5 K characters, the native path a few % faster at 2.8 K and 3–4× at 87 K.
 * Exported so the tests can straddle it.
 */
export const NATIVE_DECODE_MIN_CHARS = 2048;

/** Character code → 6-bit value, or -1 for anything outside the urlsafe alphabet. */
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** True when `code` (a character code) belongs to the urlsafe alphabet. */
export function isBase64UrlChar(code: number): boolean {
  return code < 256 && DECODE[code]! >= 0;
}

/** Length in characters of the padded encoding of `byteLength` bytes. */
export function encodedLength(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/** A Buffer view of `bytes`, no copy: toString and friends live on Buffer only. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Padded urlsafe base64 of `bytes`, as ASCII bytes. Native at every size: measured no slower than a JS loop at 100 B. */
export function encodeBase64Url(bytes: Uint8Array): Buffer {
  const n = encodedLength(bytes.length);
  const out = Buffer.allocUnsafe(n);
  // Node leaves the padding out; the unwritten tail is exactly the '=' count.
  const written = out.write(asBuffer(bytes).toString('base64url'), 0, 'latin1');
  if (written < n) out.fill(PAD, written);
  return out;
}

/**
 * Decode canonical padded urlsafe base64 (see the file comment), or return
 * null if `text` is anything else. Any non-ASCII byte or character lies
 * outside the alphabet, so it is refused.
 *
 * With `headroom`, the decoded bytes come after that many bytes of scratch
 * space (not initialised) in the returned buffer: room for a prefix the
 * caller hashes with them (Fernet's HMAC pad) without another copy.
 */
export function decodeBase64Url(text: Uint8Array | string, headroom = 0): Buffer | null {
  if (!(Number.isInteger(headroom) && headroom >= 0)) throw new TypeError(`decodeBase64Url: headroom must be a non-negative integer, got ${headroom}`);
  // Bytes past V8's string limit cannot become the native path's string.
  if (text.length >= NATIVE_DECODE_MIN_CHARS && text.length <= MAX_STRING_LENGTH) {
    const raw = decodeNative(typeof text === 'string' ? text : asBuffer(text).toString('latin1'));
    if (raw === null || headroom === 0) return raw;
    const out = Buffer.allocUnsafe(headroom + raw.length);
    out.set(raw, headroom);
    return out;
  }
  return decodeLoop(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, headroom);
}

/** `s` is not empty. */
function decodeNative(s: string): Buffer | null {
  const n = s.length;
  if (n % 4 !== 0) return null;
  const raw = Buffer.from(s, 'base64url');
  const canonical = raw.toString('base64url'); // unpadded
  const pad = n - canonical.length;
  if (pad === 0) return s === canonical ? raw : null;
  // n is a multiple of 4, so pad is also the number of '=' canonical lacks.
  if (pad < 0 || pad > 2 || s.charCodeAt(n - 1) !== PAD || (pad === 2 && s.charCodeAt(n - 2) !== PAD)) return null;
  // A sliced string compares as memory; startsWith is a character loop, 7× slower at 87 K.
  return s.slice(0, canonical.length) === canonical ? raw : null;
}

/** A string arrives here as UTF-8, so a non-ASCII character is a byte outside the alphabet. */
function decodeLoop(src: Uint8Array, headroom: number): Buffer | null {
  const n = src.length;
  if (n % 4 !== 0) return null;
  if (n === 0) return Buffer.alloc(headroom);
  let pad = 0;
  if (src[n - 1] === PAD) pad = src[n - 2] === PAD ? 2 : 1;
  const out = Buffer.allocUnsafe(headroom + (n / 4) * 3 - pad);

  // Every quad but the last has four data characters.
  const lastQuad = n - 4;
  let o = headroom;
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
