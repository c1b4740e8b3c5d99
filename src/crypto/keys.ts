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
import { encodeBase64Url, isBase64UrlChar } from './base64url.js';
import { KeyFormatError } from './errors.js';

/** Characters of the padded text form of a key. */
export const KEY_TEXT_CHARS = 44;
/** Bytes of SHA-256 shown in a fingerprint. */
const FINGERPRINT_BYTES = 8;

const ALPHABET_HINT = 'a Fernet key is urlsafe base64 (A-Z a-z 0-9 - _)';
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
 * Parse a key typed or pasted by a user: padded or unpadded urlsafe base64 of
 * exactly 32 bytes, surrounding whitespace ignored. Positions in messages are
 * 1-based and count in the text as given.
 *
 * Like Python, the unused low bits of the last character are ignored (the text
 * still names 32 bytes); unlike Python, '+', '/' and stray characters are
 * refused rather than silently reinterpreted or skipped.
 */
export function parseKey(text: string): Buffer {
  if (typeof text !== 'string') throw new TypeError('parseKey: key must be a string');
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new KeyFormatError('key is empty');
  const lead = text.length - text.trimStart().length;

  // The data part ends where the '=' padding starts.
  let dataEnd = trimmed.length;
  while (dataEnd > 0 && trimmed.charCodeAt(dataEnd - 1) === 0x3d) dataEnd--;
  for (let i = 0; i < dataEnd; i++) {
    const code = trimmed.charCodeAt(i);
    if (isBase64UrlChar(code)) continue;
    const where = `at position ${lead + i + 1}`;
    if (code === 0x3d) {
      throw new KeyFormatError(`key contains '=' ${where}: '=' may only pad the end of a key`);
    }
    throw new KeyFormatError(`key contains ${describeChar(trimmed, i)} ${where}: ${ALPHABET_HINT}`);
  }

  const padding = trimmed.length - dataEnd;
  if (dataEnd % 4 === 1) {
    throw new KeyFormatError(`key has ${dataEnd} base64 characters, which do not make whole bytes; ${LENGTH_HINT}`);
  }
  // A wrong length is the likelier mistake (a truncated paste), so it is named before the padding.
  const bytes = Math.floor((dataEnd * 3) / 4);
  if (bytes !== FERNET_KEY_BYTES) throw new KeyFormatError(`key decodes to ${bytes} bytes; ${LENGTH_HINT}`);
  const expected = (4 - (dataEnd % 4)) % 4;
  if (padding > 0 && padding !== expected) {
    throw new KeyFormatError(`key ends in ${padding} '=' but its length needs ${expected}; ${LENGTH_HINT}`);
  }
  // Every character is checked above, so Node's lenient decoder has nothing left to skip.
  return Buffer.from(trimmed.slice(0, dataEnd), 'base64url');
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
