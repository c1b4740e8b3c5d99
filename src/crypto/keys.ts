/**
 * Fernet keys in text form, and their fingerprints.
 *
 * A key is 32 random bytes written as urlsafe base64 with padding (44
 * characters), exactly as Python's `Fernet.generate_key()` writes it, so a key
 * can be shared with a Python peer. Errors name the problem in one line and
 * never repeat the key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FERNET_KEY_BYTES } from './format.js';
import { encodeBase64Url } from './base64url.js';
import { KeyFormatError } from './errors.js';

/** Characters of the padded text form of a key. */
export const KEY_TEXT_CHARS = 44;
/** Bytes of SHA-256 shown in a fingerprint. */
const FINGERPRINT_BYTES = 8;

const ALPHABET_HINT = 'a Fernet key is ASCII urlsafe base64 (A-Z a-z 0-9 - _)';
const LENGTH_HINT = `a Fernet key is ${FERNET_KEY_BYTES} bytes (${KEY_TEXT_CHARS} characters of urlsafe base64)`;

/** A new random key in the standard text form. */
export function generateKey(): string {
  return encodeKey(randomBytes(FERNET_KEY_BYTES));
}

/** The canonical padded text form of a raw 32-byte key. */
export function encodeKey(key: Buffer): string {
  assertRawKey(key, 'encodeKey');
  return encodeBase64Url(key).toString('latin1');
}

/**
 * Parse a key typed or pasted by a user: exactly the texts Python's
 * `Fernet(key)` accepts — `base64.urlsafe_b64decode` gives 32 bytes — and
 * the same 32 bytes, so a key works on both sides or on neither.
 *
 * That decoder (binascii.a2b_base64, non-strict) is lax in ways a paste
 * benefits from: characters outside the alphabet (spaces, line breaks from
 * a wrapped terminal) are skipped, '+' and '/' mean '-' and '_', the unused
 * low bits of the last character are ignored, and anything after complete
 * padding is ignored. It is strict about the one thing people get wrong: a
 * key without its '=' ("Incorrect padding"). Non-ASCII text is refused.
 * Messages name the problem, never the key (positions are 1-based).
 */
export function parseKey(text: string): Buffer {
  if (typeof text !== 'string') throw new TypeError('parseKey: key must be a string');
  const decoded = pythonUrlsafeB64Decode(text);
  if ('bytes' in decoded && decoded.bytes.length === FERNET_KEY_BYTES) return decoded.bytes;
  if (text.trim().length === 0) throw new KeyFormatError('key is empty');
  if ('bytes' in decoded) throw new KeyFormatError(`key decodes to ${decoded.bytes.length} bytes; ${LENGTH_HINT}`);
  if (decoded.problem === 'non-ascii')
    throw new KeyFormatError(`key contains ${describeChar(text, decoded.at)} at position ${decoded.at + 1}: ${ALPHABET_HINT}`);
  if (decoded.problem === 'one-extra') {
    throw new KeyFormatError(`key has ${decoded.chars} base64 characters, which do not make whole bytes; ${LENGTH_HINT}`);
  }
  const bytes = Math.floor((decoded.chars * 3) / 4);
  if (bytes !== FERNET_KEY_BYTES) throw new KeyFormatError(`key decodes to ${bytes} bytes; ${LENGTH_HINT}`);
  throw new KeyFormatError(`key lacks its final '=' (Python's Fernet refuses a key without it); ${LENGTH_HINT}`);
}

type DecodeFailure = { problem: 'non-ascii'; at: number } | { problem: 'one-extra' | 'padding'; chars: number };

/** ASCII code → 6-bit value, '-' and '+' both 62, '_' and '/' both 63 (urlsafe_b64decode's translation); -1 outside the alphabets. */
const SEXTET = new Int8Array(128).fill(-1);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'].forEach((c, i) => (SEXTET[c.charCodeAt(0)] = i));
SEXTET[0x2b] = SEXTET[0x2d] = 62;
SEXTET[0x2f] = SEXTET[0x5f] = 63;

/** CPython's `base64.urlsafe_b64decode` (binascii.a2b_base64 with strict_mode off), step for step. */
function pythonUrlsafeB64Decode(text: string): { bytes: Buffer } | DecodeFailure {
  const out: number[] = [];
  let quadPos = 0;
  let pads = 0;
  let left = 0;
  let chars = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return { problem: 'non-ascii', at: i };
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d) {
      // A pad ends the input once the quad it completes has data in two places; others are skipped.
      if (quadPos >= 2 && quadPos + ++pads >= 4) return { bytes: Buffer.from(out) };
      continue;
    }
    const v = SEXTET[code]!;
    if (v < 0) continue;
    chars += 1;
    pads = 0;
    if (quadPos === 0) {
      left = v;
    } else if (quadPos === 1) {
      out.push(((left << 2) | (v >> 4)) & 0xff);
      left = v & 0x0f;
    } else if (quadPos === 2) {
      out.push(((left << 4) | (v >> 2)) & 0xff);
      left = v & 0x03;
    } else {
      out.push(((left << 6) | v) & 0xff);
    }
    quadPos = (quadPos + 1) % 4;
  }
  if (quadPos === 1) return { problem: 'one-extra', chars };
  if (quadPos !== 0) return { problem: 'padding', chars };
  return { bytes: Buffer.from(out) };
}

/**
 * A short, readable fingerprint that two people can compare aloud: the first 8
 * bytes of SHA-256 of the raw key, uppercase hex in four groups of four,
 * e.g. "3F2A-9C01-77BE-4D10". Same key, same fingerprint, on every machine.
 */
export function fingerprint(key: Buffer): string {
  assertRawKey(key, 'fingerprint');
  const hex = createHash('sha256').update(key).digest().subarray(0, FINGERPRINT_BYTES).toString('hex').toUpperCase();
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}`;
}

function assertRawKey(key: unknown, fn: string): asserts key is Buffer {
  if (!(key instanceof Uint8Array) || key.length !== FERNET_KEY_BYTES) {
    throw new TypeError(`${fn}: key must be a Buffer of ${FERNET_KEY_BYTES} bytes`);
  }
}

/** Names a character that is not part of any key, so showing it reveals nothing. */
function describeChar(text: string, i: number): string {
  const code = text.codePointAt(i)!;
  if (code === 0x20) return 'a space';
  if (code === 0x09) return 'a tab';
  if (code === 0x0a || code === 0x0d) return 'a line break';
  if (code > 0x20 && code < 0x7f) return `'${String.fromCharCode(code)}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
