/**
 * Fernet (spec version 0x80) on node:crypto.
 *
 *   token = base64url( 0x80 ‖ timestamp u64 BE ‖ IV 16 ‖ AES-128-CBC(PKCS#7) ‖ HMAC-SHA256 32 )
 *
 * The 32-byte key is split: the first 16 bytes sign, the last 16 encrypt.
 * Tokens are exactly what Python's `Fernet.encrypt` returns (padded urlsafe
 * base64, as ASCII bytes), and every token Python or the npm `fernet` package
 * makes decrypts here.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  FERNET_BLOCK_BYTES,
  FERNET_CT_OFFSET,
  FERNET_DEFAULT_CLOCK_SKEW_S,
  FERNET_HMAC_BYTES,
  FERNET_IV_BYTES,
  FERNET_IV_OFFSET,
  FERNET_KEY_BYTES,
  FERNET_OVERHEAD_BYTES,
  FERNET_TS_OFFSET,
  FERNET_VERSION,
} from './format.js';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import {
  InvalidBase64Error,
  InvalidCiphertextLengthError,
  InvalidLengthError,
  InvalidPaddingError,
  InvalidSignatureError,
  InvalidVersionError,
  TokenExpiredError,
  TokenFromFutureError,
} from './errors.js';

const TS_OFFSET = FERNET_TS_OFFSET;
const IV_OFFSET = FERNET_IV_OFFSET;
const IV_BYTES = FERNET_IV_BYTES;
const CT_OFFSET = FERNET_CT_OFFSET;
const HMAC_BYTES = FERNET_HMAC_BYTES;
const BLOCK_BYTES = FERNET_BLOCK_BYTES;

/** IVs are drawn from a pool refilled 256 at a time: one randomFillSync per 256 tokens instead of one each. */
const IV_POOL_BYTES = IV_BYTES * 256;

export interface DecryptOptions {
  /** Reject a token older than this many seconds. Default: no age limit. */
  ttlS?: number;
  /** The current time, in seconds since the epoch. Default: floor(Date.now() / 1000), as Python. */
  nowS?: number;
  /** Allowed future skew of the token's timestamp, in seconds. Default FERNET_DEFAULT_CLOCK_SKEW_S (60, as Python). */
  clockSkewS?: number;
}

/** Everything a verified token yields, for callers that need more than the plaintext. */
export interface DecryptedToken {
  plaintext: Buffer;
  /** The token's timestamp, in seconds since the epoch. */
  timestampS: number;
  /** The token's 32-byte HMAC: unique per token, e.g. for a replay cache. A view into the decoded token. */
  mac: Buffer;
}

export class Fernet {
  readonly #signingKey: KeyObject;
  readonly #encryptionKey: KeyObject;
  #ivPool = Buffer.alloc(0);
  #ivPos = 0;

  /** `key` is the raw 32-byte key (see parseKey in keys.ts for the text form). */
  constructor(key: Buffer) {
    if (!(key instanceof Uint8Array) || key.length !== FERNET_KEY_BYTES) {
      throw new TypeError(`Fernet key must be a Buffer of ${FERNET_KEY_BYTES} bytes`);
    }
    // KeyObjects are imported once per key, not once per token.
    this.#signingKey = createSecretKey(Buffer.from(key.subarray(0, 16)));
    this.#encryptionKey = createSecretKey(Buffer.from(key.subarray(16, 32)));
  }

  /**
   * Encrypt `plaintext` into a token (ASCII bytes).
   * `nowS` (seconds, floored) and `iv` (16 bytes) exist for test vectors;
   * leave them out in real use.
   */
  encrypt(plaintext: Uint8Array, nowS?: number, iv?: Uint8Array): Buffer {
    if (!(plaintext instanceof Uint8Array)) throw new TypeError('Fernet.encrypt: plaintext must be a Buffer');
    const ts = nowS === undefined ? Math.floor(Date.now() / 1000) : Math.floor(nowS);
    if (!(ts >= 0 && ts <= Number.MAX_SAFE_INTEGER)) {
      throw new TypeError(`Fernet.encrypt: nowS must be a non-negative number of seconds, got ${nowS}`);
    }
    if (iv !== undefined && (!(iv instanceof Uint8Array) || iv.length !== IV_BYTES)) {
      throw new TypeError(`Fernet.encrypt: iv must be ${IV_BYTES} bytes`);
    }
    const ivBytes = iv ?? this.#nextIv();

    const cipher = createCipheriv('aes-128-cbc', this.#encryptionKey, ivBytes);
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    const macOffset = CT_OFFSET + head.length + tail.length;

    const raw = Buffer.allocUnsafe(macOffset + HMAC_BYTES);
    raw[0] = FERNET_VERSION;
    raw.writeUInt32BE(Math.floor(ts / 0x1_0000_0000), TS_OFFSET);
    raw.writeUInt32BE(ts >>> 0, TS_OFFSET + 4);
    raw.set(ivBytes, IV_OFFSET);
    raw.set(head, CT_OFFSET);
    raw.set(tail, CT_OFFSET + head.length);
    const mac = createHmac('sha256', this.#signingKey).update(raw.subarray(0, macOffset)).digest();
    raw.set(mac, macOffset);
    return encodeBase64Url(raw);
  }

  /** Verify and decrypt `token`; throws a FernetError subclass naming the first problem found. */
  decrypt(token: Uint8Array | string, opts?: DecryptOptions): Buffer {
    return this.decryptDetailed(token, opts).plaintext;
  }

  /**
   * Receive path, in order:
   *  1. strict base64 decode                      → InvalidBase64Error
   *  2. version byte 0x80                         → InvalidVersionError
   *  3. room for header + HMAC, whole AES blocks  → InvalidLengthError / InvalidCiphertextLengthError
   *  4. HMAC, constant-time compare               → InvalidSignatureError
   *  5. timestamp: TTL, then future skew          → TokenExpiredError / TokenFromFutureError
   *  6. AES-128-CBC decrypt, PKCS#7 unpad         → InvalidPaddingError
   * Steps 1–3 look only at public structure, so they run first and cheaply.
   * Unlike the spec and Python, the timestamp is checked after the HMAC: an
   * expired/future verdict then always describes a genuine token, so a forger
   * cannot make us report "clock skew", and a keyring trying several keys sees
   * InvalidSignatureError for every wrong one. Also unlike Python, the future
   * skew is checked even without a TTL (pass clockSkewS: Infinity to disable).
   */
  decryptDetailed(token: Uint8Array | string, opts?: DecryptOptions): DecryptedToken {
    const raw = this.#verify(token);
    const timestampS = readTimestamp(raw);
    checkTime(timestampS, opts);

    const macOffset = raw.length - HMAC_BYTES;
    const decipher = createDecipheriv('aes-128-cbc', this.#encryptionKey, raw.subarray(IV_OFFSET, CT_OFFSET));
    // Padding is checked by hand so its failure has its own error and no extra copy is made.
    decipher.setAutoPadding(false);
    // No final(): without padding it has nothing left to emit (the ciphertext is whole blocks).
    const padded = decipher.update(raw.subarray(CT_OFFSET, macOffset));
    const plaintext = unpad(padded);
    return { plaintext, timestampS, mac: raw.subarray(macOffset) };
  }

  /** The token's timestamp (seconds since the epoch) without decrypting, after verifying the HMAC (as Python's extract_timestamp). */
  extractTimestamp(token: Uint8Array | string): number {
    return readTimestamp(this.#verify(token));
  }

  /** Steps 1–4 of the receive path; returns the decoded token. */
  #verify(token: Uint8Array | string): Buffer {
    if (typeof token !== 'string' && !(token instanceof Uint8Array)) {
      throw new TypeError('Fernet.decrypt: token must be a Buffer or a string');
    }
    const raw = decodeBase64Url(token);
    if (raw === null) throw new InvalidBase64Error();
    if (raw.length === 0) throw new InvalidLengthError('token is empty');
    if (raw[0] !== FERNET_VERSION) throw new InvalidVersionError();
    if (raw.length < FERNET_OVERHEAD_BYTES) {
      throw new InvalidLengthError(`token is too short: ${raw.length} bytes, at least ${FERNET_OVERHEAD_BYTES + BLOCK_BYTES} expected`);
    }
    const ctLength = raw.length - FERNET_OVERHEAD_BYTES;
    if (ctLength % BLOCK_BYTES !== 0) throw new InvalidCiphertextLengthError();
    if (ctLength === 0) throw new InvalidLengthError('token is too short: it holds no ciphertext block');

    const macOffset = raw.length - HMAC_BYTES;
    const expected = createHmac('sha256', this.#signingKey).update(raw.subarray(0, macOffset)).digest();
    if (!timingSafeEqual(expected, raw.subarray(macOffset))) throw new InvalidSignatureError();
    return raw;
  }

  #nextIv(): Buffer {
    if (this.#ivPos === this.#ivPool.length) {
      // A fresh pool each time: an IV handed out earlier is never overwritten under its caller.
      this.#ivPool = randomFillSync(Buffer.allocUnsafe(IV_POOL_BYTES));
      this.#ivPos = 0;
    }
    const iv = this.#ivPool.subarray(this.#ivPos, this.#ivPos + IV_BYTES);
    this.#ivPos += IV_BYTES;
    return iv;
  }
}

/** Seconds since the epoch; above 2^53 it is approximate, which only matters for rejecting it as future. */
function readTimestamp(raw: Buffer): number {
  return raw.readUInt32BE(TS_OFFSET) * 0x1_0000_0000 + raw.readUInt32BE(TS_OFFSET + 4);
}

function checkTime(timestampS: number, opts: DecryptOptions | undefined): void {
  const ttlS = opts?.ttlS;
  const nowS = opts?.nowS ?? Math.floor(Date.now() / 1000);
  const skewS = opts?.clockSkewS ?? FERNET_DEFAULT_CLOCK_SKEW_S;
  if (ttlS !== undefined && !(ttlS >= 0)) throw new TypeError(`Fernet.decrypt: ttlS must be >= 0, got ${ttlS}`);
  if (!Number.isFinite(nowS)) throw new TypeError(`Fernet.decrypt: nowS must be a finite number, got ${nowS}`);
  if (!(skewS >= 0)) throw new TypeError(`Fernet.decrypt: clockSkewS must be >= 0, got ${skewS}`);

  // The same comparisons as Python's cryptography, so both accept the same tokens at the same instant.
  if (ttlS !== undefined && timestampS + ttlS < nowS) {
    throw new TokenExpiredError(`token has expired: it is ${nowS - timestampS} s old, the limit is ${ttlS} s`);
  }
  if (nowS + skewS < timestampS) {
    throw new TokenFromFutureError(`token timestamp is ${timestampS - nowS} s in the future, more than the allowed clock skew of ${skewS} s`);
  }
}

/** Strip PKCS#7 padding. The HMAC already verified, so this is no padding oracle. */
function unpad(padded: Buffer): Buffer {
  const n = padded.length;
  const p = padded[n - 1]!;
  if (p < 1 || p > BLOCK_BYTES) throw new InvalidPaddingError();
  for (let i = n - p; i < n - 1; i++) {
    if (padded[i] !== p) throw new InvalidPaddingError();
  }
  return padded.subarray(0, n - p);
}
