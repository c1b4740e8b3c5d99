/**
 * Fernet (spec version 0x80) on node:crypto.
 *
 *   token = base64url( 0x80 ‖ timestamp u64 BE ‖ IV 16 ‖ AES-128-CBC(PKCS#7) ‖ HMAC-SHA256 32 )
 *
 * The 32-byte key is split: the first 16 bytes sign, the last 16 encrypt.
 * Tokens are exactly what Python's `Fernet.encrypt` returns (padded urlsafe
 * base64, as ASCII bytes), and every token Python or the npm `fernet` package
 * makes decrypts here.
 *
 * One AES context per key and direction, not one per token (creating a
 * cipher costs more than running it on a chat message). A CBC context left
 * open after an update chains the next one from the last ciphertext block it
 * saw, `chain`. So each token's first block is corrected by `chain` XOR IV:
 *
 *   encrypt: feed P1 ⊕ IV ⊕ chain   → E(P1 ⊕ IV), as a fresh context with IV gives
 *   decrypt: output D(C1) ⊕ chain   → XOR IV ⊕ chain gives D(C1) ⊕ IV = P1
 *
 * and every later block is plain CBC. Padding is done here (PKCS#7 both
 * ways), so the contexts only ever see whole blocks and hold nothing back.
 * `chain` is copied from the last block after each update; if an update
 * ever throws, both contexts are recreated (chain zero).
 *
 * The HMAC is computed by its definition (RFC 2104) with two one-shot
 * hashes and pads made once per key, not with an HMAC object per token:
 * the token buffer keeps one block of room in front for the inner pad.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hash, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { Cipher, Decipher, KeyObject } from 'node:crypto';
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

/** SHA-256's block: the HMAC key is padded to it, and the inner hash starts with one block of pad (RFC 2104). */
const HMAC_BLOCK_BYTES = 64;
const HMAC_IPAD = 0x36;
const HMAC_OPAD = 0x5c;

/** IVs are drawn from a pool refilled 256 at a time: one randomFillSync per 256 tokens instead of one each. */
const IV_POOL_BYTES = IV_BYTES * 256;

export interface DecryptOptions {
  /** Reject a token older than this many seconds. Default: no age limit. */
  ttlS?: number;
  /** The current time, in seconds since the epoch. Default: floor(Date.now() / 1000), as Python. */
  nowS?: number;
  /** Allowed future skew of the token's timestamp, in seconds. Default FERNET_DEFAULT_CLOCK_SKEW_S (60, as Python). */
  clockSkewS?: number;
  /**
   * Also take a token's binary form (encryptBinary): bytes whose first is the
   * version 0x80, which no token text starts with. Default false: text only,
   * as the spec and Python.
   */
  binary?: boolean;
}

/** Everything a verified token yields, for callers that need more than the plaintext. */
export interface DecryptedToken {
  plaintext: Buffer;
  /** The token's timestamp, in seconds since the epoch. */
  timestampS: number;
  /** The token's 32-byte HMAC: unique per token, e.g. for a replay cache. A view into the decoded token. */
  mac: Buffer;
}

/** The IV the long-lived contexts are created with; its value is irrelevant (see the file comment), the chain starts at it. */
const ZERO_IV = Buffer.alloc(IV_BYTES);

export class Fernet {
  /** The signing key XOR HMAC_IPAD, padded to a block. */
  readonly #innerPad = Buffer.alloc(HMAC_BLOCK_BYTES, HMAC_IPAD);
  /** The signing key XOR HMAC_OPAD, padded to a block, then room for the inner digest: the whole outer hash input. */
  readonly #outer = Buffer.alloc(HMAC_BLOCK_BYTES + HMAC_BYTES, HMAC_OPAD);
  readonly #encryptionKey: KeyObject;
  #ivPool = Buffer.alloc(0);
  #ivPos = 0;
  #enc!: Cipher;
  #dec!: Decipher;
  /** The last ciphertext block each context saw: where its CBC chain stands. */
  readonly #encChain = Buffer.alloc(BLOCK_BYTES);
  readonly #decChain = Buffer.alloc(BLOCK_BYTES);

  /** `key` is the raw 32-byte key (see parseKey in keys.ts for the text form). */
  constructor(key: Buffer) {
    if (!(key instanceof Uint8Array) || key.length !== FERNET_KEY_BYTES) {
      throw new TypeError(`Fernet key must be a Buffer of ${FERNET_KEY_BYTES} bytes`);
    }
    for (let i = 0; i < 16; i++) {
      this.#innerPad[i]! ^= key[i]!;
      this.#outer[i]! ^= key[i]!;
    }
    this.#encryptionKey = createSecretKey(Buffer.from(key.subarray(16, 32)));
    this.#openContexts();
  }

  /**
   * Encrypt `plaintext` into a token (ASCII bytes).
   * `nowS` (seconds, floored) and `iv` (16 bytes) exist for test vectors;
   * leave them out in real use.
   */
  encrypt(plaintext: Uint8Array, nowS?: number, iv?: Uint8Array): Buffer {
    return encodeBase64Url(this.#seal(plaintext, nowS, iv));
  }

  /**
   * The token's binary form: the bytes its text encodes (a third shorter, no
   * base64 work). Not a Fernet token by the spec: only for a protocol that
   * says so, whose receiver decrypts with `binary: true`.
   */
  encryptBinary(plaintext: Uint8Array, nowS?: number, iv?: Uint8Array): Buffer {
    return this.#seal(plaintext, nowS, iv);
  }

  #seal(plaintext: Uint8Array, nowS: number | undefined, iv: Uint8Array | undefined): Buffer {
    if (!(plaintext instanceof Uint8Array)) throw new TypeError('Fernet.encrypt: plaintext must be a Buffer');
    const ts = nowS === undefined ? Math.floor(Date.now() / 1000) : Math.floor(nowS);
    if (!(ts >= 0 && ts <= Number.MAX_SAFE_INTEGER)) {
      throw new TypeError(`Fernet.encrypt: nowS must be a non-negative number of seconds, got ${nowS}`);
    }
    if (iv !== undefined && (!(iv instanceof Uint8Array) || iv.length !== IV_BYTES)) {
      throw new TypeError(`Fernet.encrypt: iv must be ${IV_BYTES} bytes`);
    }
    const ivBytes = iv ?? this.#nextIv();

    // PKCS#7: 1 to 16 pad bytes, each holding the pad length.
    const n = plaintext.length;
    const pad = BLOCK_BYTES - (n % BLOCK_BYTES);
    const macOffset = CT_OFFSET + n + pad;
    const whole = Buffer.allocUnsafe(HMAC_BLOCK_BYTES + macOffset + HMAC_BYTES);
    const raw = whole.subarray(HMAC_BLOCK_BYTES);
    raw[0] = FERNET_VERSION;
    raw.writeUInt32BE(Math.floor(ts / 0x1_0000_0000), TS_OFFSET);
    raw.writeUInt32BE(ts >>> 0, TS_OFFSET + 4);
    raw.set(ivBytes, IV_OFFSET);
    // The padded plaintext goes where its ciphertext will be, first block corrected for the chain.
    raw.set(plaintext, CT_OFFSET);
    raw.fill(pad, CT_OFFSET + n, macOffset);
    const chain = this.#encChain;
    for (let i = 0; i < BLOCK_BYTES; i++) raw[CT_OFFSET + i]! ^= ivBytes[i]! ^ chain[i]!;
    const ct = this.#run(this.#enc, raw.subarray(CT_OFFSET, macOffset));
    raw.set(ct, CT_OFFSET);
    chain.set(ct.subarray(ct.length - BLOCK_BYTES));
    raw.set(this.#mac(whole, macOffset), macOffset);
    return raw;
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
    const raw = this.#verify(token, opts?.binary === true);
    const timestampS = readTimestamp(raw);
    checkTime(timestampS, opts);

    const macOffset = raw.length - HMAC_BYTES;
    const ct = raw.subarray(CT_OFFSET, macOffset);
    const padded = this.#run(this.#dec, ct);
    const chain = this.#decChain;
    for (let i = 0; i < BLOCK_BYTES; i++) padded[i]! ^= raw[IV_OFFSET + i]! ^ chain[i]!;
    chain.set(ct.subarray(ct.length - BLOCK_BYTES));
    // Padding is checked by hand so its failure has its own error and no extra copy is made.
    const plaintext = unpad(padded);
    return { plaintext, timestampS, mac: raw.subarray(macOffset) };
  }

  /** Steps 1–4 of the receive path; returns the decoded token. */
  #verify(token: Uint8Array | string, binary: boolean): Buffer {
    if (typeof token !== 'string' && !(token instanceof Uint8Array)) {
      throw new TypeError('Fernet.decrypt: token must be a Buffer or a string');
    }
    const whole = binary && typeof token !== 'string' && token[0] === FERNET_VERSION ? withHeadroom(token) : decodeBase64Url(token, HMAC_BLOCK_BYTES);
    if (whole === null) throw new InvalidBase64Error();
    const raw = whole.subarray(HMAC_BLOCK_BYTES);
    if (raw.length === 0) throw new InvalidLengthError('token is empty');
    if (raw[0] !== FERNET_VERSION) throw new InvalidVersionError();
    if (raw.length < FERNET_OVERHEAD_BYTES) {
      throw new InvalidLengthError(`token is too short: ${raw.length} bytes, at least ${FERNET_OVERHEAD_BYTES + BLOCK_BYTES} expected`);
    }
    const ctLength = raw.length - FERNET_OVERHEAD_BYTES;
    if (ctLength % BLOCK_BYTES !== 0) throw new InvalidCiphertextLengthError();
    if (ctLength === 0) throw new InvalidLengthError('token is too short: it holds no ciphertext block');

    const macOffset = raw.length - HMAC_BYTES;
    const expected = this.#mac(whole, macOffset);
    if (!timingSafeEqual(expected, raw.subarray(macOffset))) throw new InvalidSignatureError();
    return raw;
  }

  /**
   * HMAC-SHA256 of the token's first `macOffset` bytes, which sit in `whole`
   * after one block of scratch room: the inner pad goes there, and is wiped
   * after (the buffer may come from Node's shared pool).
   */
  #mac(whole: Buffer, macOffset: number): Buffer {
    whole.set(this.#innerPad, 0);
    const inner = hash('sha256', whole.subarray(0, HMAC_BLOCK_BYTES + macOffset), 'buffer');
    whole.fill(0, 0, HMAC_BLOCK_BYTES);
    this.#outer.set(inner, HMAC_BLOCK_BYTES);
    return hash('sha256', this.#outer, 'buffer');
  }

  /** Both CBC contexts, fresh: padding off (done here), chains at ZERO_IV. */
  #openContexts(): void {
    this.#enc = createCipheriv('aes-128-cbc', this.#encryptionKey, ZERO_IV).setAutoPadding(false);
    this.#dec = createDecipheriv('aes-128-cbc', this.#encryptionKey, ZERO_IV).setAutoPadding(false);
    this.#encChain.fill(0);
    this.#decChain.fill(0);
  }

  /** One update of whole blocks through a long-lived context; all of it comes out, or both contexts start over. */
  #run(context: Cipher | Decipher, blocks: Buffer): Buffer {
    let out: Buffer;
    try {
      out = context.update(blocks);
    } catch (err) {
      this.#openContexts();
      throw err;
    }
    if (out.length !== blocks.length) {
      this.#openContexts();
      throw new Error(`Fernet: the AES context returned ${out.length} bytes for ${blocks.length}`);
    }
    return out;
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

/** A binary token copied behind one block of room for the HMAC's inner pad (see #mac). */
function withHeadroom(token: Uint8Array): Buffer {
  const whole = Buffer.allocUnsafe(HMAC_BLOCK_BYTES + token.length);
  whole.set(token, HMAC_BLOCK_BYTES);
  return whole;
}
