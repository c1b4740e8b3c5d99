/**
 * Errors of the crypto layer. None of them ever carries key material: messages
 * name the problem, and at most public facts such as a token's timestamp.
 *
 * Callers match on the class or on `code`, never on the message text.
 */

/** Stable reason a token was rejected. */
export type FernetErrorCode =
  'bad-base64' | 'bad-length' | 'bad-version' | 'bad-signature' | 'bad-ciphertext-length' | 'bad-padding' | 'expired' | 'from-future';

/** A token was rejected. Base class of the eight specific errors below. */
export class FernetError extends Error {
  override name = 'FernetError';
  readonly code: FernetErrorCode;

  constructor(code: FernetErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The token text is not canonical urlsafe base64 with '=' padding. */
export class InvalidBase64Error extends FernetError {
  override name = 'InvalidBase64Error';
  constructor(message = 'token is not valid urlsafe base64') {
    super('bad-base64', message);
  }
}

/** The decoded token is too short to hold version, timestamp, IV, one block and HMAC. */
export class InvalidLengthError extends FernetError {
  override name = 'InvalidLengthError';
  constructor(message = 'token is too short') {
    super('bad-length', message);
  }
}

/** The first byte is not the Fernet version 0x80. */
export class InvalidVersionError extends FernetError {
  override name = 'InvalidVersionError';
  constructor(message = 'token version is not 0x80') {
    super('bad-version', message);
  }
}

/** The HMAC does not verify: wrong key, or the token was altered. */
export class InvalidSignatureError extends FernetError {
  override name = 'InvalidSignatureError';
  constructor(message = 'token signature does not verify (wrong key or altered token)') {
    super('bad-signature', message);
  }
}

/** The ciphertext is not a whole number of 16-byte AES blocks. */
export class InvalidCiphertextLengthError extends FernetError {
  override name = 'InvalidCiphertextLengthError';
  constructor(message = 'token ciphertext is not a multiple of the 16-byte block size') {
    super('bad-ciphertext-length', message);
  }
}

/** The decrypted plaintext does not end in valid PKCS#7 padding. */
export class InvalidPaddingError extends FernetError {
  override name = 'InvalidPaddingError';
  constructor(message = 'token plaintext padding is invalid') {
    super('bad-padding', message);
  }
}

/** The token is older than the TTL the caller allowed. */
export class TokenExpiredError extends FernetError {
  override name = 'TokenExpiredError';
  constructor(message = 'token has expired') {
    super('expired', message);
  }
}

/** The token's timestamp lies further in the future than the allowed clock skew. */
export class TokenFromFutureError extends FernetError {
  override name = 'TokenFromFutureError';
  constructor(message = 'token timestamp is too far in the future') {
    super('from-future', message);
  }
}

/**
 * A key given by the user is not 32 bytes of urlsafe base64. The message is
 * one line naming the problem; it never repeats the key.
 */
export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
}

/** A peer's rotation public key is unusable (wrong length, low-order point, our own key reflected). */
export class RotationKeyError extends Error {
  override name = 'RotationKeyError';
}
