/**
 * Key derivation for key rotation (src/net/PROTOCOL.md, "Key rotation"):
 *
 *   K' = HKDF-SHA256(ikm  = X25519(own private, peer public),
 *                    salt = current key,
 *                    info = "fernchat rotation v1" ‖ min(pubA, pubB) ‖ max(pubA, pubB),
 *                    32 bytes)
 *
 * Sorting the public keys bytewise makes the info identical on both sides
 * without agreeing on who is "A". Salting with the current key binds K' to
 * the session: a man in the middle who lacks K cannot land both peers on a
 * key of his choosing, and a listener who knows K but no ephemeral private
 * key cannot compute K'.
 */
import { createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { FERNET_KEY_BYTES } from './format.js';

/** HKDF info label of rotation key derivation; changing it is a wire change. */
export const ROTATION_HKDF_INFO = 'fernchat rotation v1';
import { RotationKeyError } from './errors.js';

/** Bytes of a raw X25519 public key (RFC 7748). */
export const ROTATION_PUBLIC_KEY_BYTES = 32;

/** DER SubjectPublicKeyInfo header for X25519 (OID 1.3.101.110); the raw key follows it. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const INFO_PREFIX = Buffer.from(ROTATION_HKDF_INFO, 'utf8');

export interface RotationKeyPair {
  /** 32 raw bytes, as carried in rot-offer / rot-accept. */
  publicKey: Buffer;
  /** Kept inside node:crypto; drop the pair as soon as the key is derived. */
  privateKey: KeyObject;
}

/** A fresh ephemeral X25519 key pair for one rotation. */
export function generateRotationKeyPair(): RotationKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { publicKey: Buffer.from(der.subarray(X25519_SPKI_PREFIX.length)), privateKey };
}

/**
 * The next Fernet key (32 raw bytes), the same on both sides.
 * Throws RotationKeyError for a peer key that is not 32 bytes, equals our own
 * (a reflected offer), or is a low-order point (all-zero shared secret).
 */
export function deriveRotatedKey(own: RotationKeyPair, peerPublic: Buffer, currentKey: Buffer): Buffer {
  return derivePairKey(own, peerPublic, currentKey, INFO_PREFIX);
}

/**
 * deriveRotatedKey with another HKDF info label (and context bytes after it):
 * the same checks, the same shape, a key of its own domain — a room's key
 * wrap (room-wrap.ts) must never equal a 1:1 rotation's key.
 */
export function derivePairKey(own: RotationKeyPair, peerPublic: Buffer, currentKey: Buffer, label: Buffer, context: Buffer = Buffer.alloc(0)): Buffer {
  if (
    own === null ||
    typeof own !== 'object' ||
    !(own.publicKey instanceof Uint8Array) ||
    own.publicKey.length !== ROTATION_PUBLIC_KEY_BYTES ||
    own.privateKey?.asymmetricKeyType !== 'x25519' ||
    own.privateKey.type !== 'private'
  ) {
    throw new TypeError('deriveRotatedKey: own must be a pair from generateRotationKeyPair()');
  }
  if (!(currentKey instanceof Uint8Array) || currentKey.length !== FERNET_KEY_BYTES) {
    throw new TypeError(`deriveRotatedKey: currentKey must be a Buffer of ${FERNET_KEY_BYTES} bytes`);
  }
  if (!(peerPublic instanceof Uint8Array) || peerPublic.length !== ROTATION_PUBLIC_KEY_BYTES) {
    const got = peerPublic instanceof Uint8Array ? `${peerPublic.length} bytes` : 'not bytes';
    throw new RotationKeyError(`peer rotation public key must be ${ROTATION_PUBLIC_KEY_BYTES} bytes, got ${got}`);
  }
  if (Buffer.compare(peerPublic, own.publicKey) === 0) {
    throw new RotationKeyError('peer rotation public key equals our own: the offer was reflected');
  }

  const shared = x25519(own.privateKey, peerPublic);
  const [low, high] = Buffer.compare(own.publicKey, peerPublic) < 0 ? [own.publicKey, peerPublic] : [peerPublic, own.publicKey];
  const info = Buffer.concat([label, context, low, high]);
  return Buffer.from(hkdfSync('sha256', shared, currentKey, info, FERNET_KEY_BYTES));
}

function x25519(privateKey: KeyObject, peerPublic: Uint8Array): Buffer {
  let shared: Buffer;
  try {
    const publicKey = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peerPublic]), format: 'der', type: 'spki' });
    shared = diffieHellman({ privateKey, publicKey });
  } catch {
    // OpenSSL refuses a derivation whose result is all zero (a low-order point); the cause says nothing more useful.
    throw new RotationKeyError('peer rotation public key is a low-order point (it gives no shared secret)');
  }
  // Checked here too, in case a future OpenSSL returns the zero secret instead of failing.
  if (shared.every((b) => b === 0)) {
    throw new RotationKeyError('peer rotation public key is a low-order point (it gives no shared secret)');
  }
  return shared;
}
