/**
 * The Fernet token format (Fernet spec, vendored in test/fixtures/fernet-spec):
 * the facts every layer that sizes or picks apart a token needs, owned here
 * once. Pure.
 *
 *   version 1 ‖ timestamp 8 ‖ IV 16 ‖ ciphertext 16·n ‖ HMAC-SHA256 32
 *
 * all as padded base64url text — or, where a protocol says so (fernchat's
 * bulk frames), as those bytes themselves: the binary form, whose first byte
 * 0x80 no token text starts with.
 */

/** Token version byte. */
export const FERNET_VERSION = 0x80;
/** Key: 16 bytes signing key + 16 bytes encryption key. */
export const FERNET_KEY_BYTES = 32;
/** Future skew Fernet.decrypt allows when its caller passes none, in seconds (Python cryptography's _MAX_CLOCK_SKEW). */
export const FERNET_DEFAULT_CLOCK_SKEW_S = 60;

export const FERNET_TS_OFFSET = 1;
export const FERNET_IV_OFFSET = 9;
export const FERNET_IV_BYTES = 16;
/** Where the ciphertext starts (25). */
export const FERNET_CT_OFFSET = FERNET_IV_OFFSET + FERNET_IV_BYTES;
export const FERNET_HMAC_BYTES = 32;
export const FERNET_BLOCK_BYTES = 16;
/** Version, timestamp, IV and HMAC: everything but the ciphertext (57). */
export const FERNET_OVERHEAD_BYTES = FERNET_CT_OFFSET + FERNET_HMAC_BYTES;

/**
 * Length of the token text of a plaintext of `plainBytes`: the overhead
 * around a PKCS#7-padded ciphertext (always at least one pad byte), then
 * base64 4/3.
 */
export function fernetTokenLength(plainBytes: number): number {
  const ciphertext = FERNET_BLOCK_BYTES * (Math.floor(plainBytes / FERNET_BLOCK_BYTES) + 1);
  return 4 * Math.ceil((FERNET_OVERHEAD_BYTES + ciphertext) / 3);
}

/** Largest plaintext whose token text is at most `tokenBytes` long. */
export function maxFernetPlaintext(tokenBytes: number): number {
  const rawMax = Math.floor(tokenBytes / 4) * 3;
  const ciphertextMax = Math.floor((rawMax - FERNET_OVERHEAD_BYTES) / FERNET_BLOCK_BYTES) * FERNET_BLOCK_BYTES;
  return ciphertextMax - 1;
}

/** Length of the binary form of a token of a plaintext of `plainBytes` (no base64: 57 + the padded ciphertext). */
export function fernetBinaryTokenLength(plainBytes: number): number {
  return FERNET_OVERHEAD_BYTES + FERNET_BLOCK_BYTES * (Math.floor(plainBytes / FERNET_BLOCK_BYTES) + 1);
}

/** Largest plaintext whose binary token is at most `tokenBytes` long. */
export function maxFernetBinaryPlaintext(tokenBytes: number): number {
  return Math.floor((tokenBytes - FERNET_OVERHEAD_BYTES) / FERNET_BLOCK_BYTES) * FERNET_BLOCK_BYTES - 1;
}
