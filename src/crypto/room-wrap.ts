/**
 * A room's new key, carried from the rotation's leader to one member (#15,
 * "Group rotation"): both made a fresh X25519 share for this rotation, and
 *
 *   W = HKDF-SHA256(ikm  = X25519(own private, peer public),
 *                   salt = the room key in use,
 *                   info = "fernchat room key wrap v1" ‖ rotation id ‖ min(pubs) ‖ max(pubs), 32 bytes)
 *   wrapped = Fernet(W).encrypt(new room key)
 *
 * Someone who knows the room key in use but neither ephemeral private key
 * sees the two public shares and `wrapped`, and cannot compute W, so not the
 * new key either. The rotation id binds W to this rotation: a wrap replayed
 * from another one does not open. Fernet authenticates the wrap, so a
 * forged or damaged one is refused, never taken as a key.
 */
import { FernetError } from './errors.js';
import { Fernet } from './fernet.js';
import { FERNET_KEY_BYTES } from './format.js';
import { derivePairKey, type RotationKeyPair } from './rotation-kdf.js';

/** HKDF info label of the room key wrap; changing it is a wire change. */
export const ROOM_WRAP_HKDF_INFO = 'fernchat room key wrap v1';
const LABEL = Buffer.from(ROOM_WRAP_HKDF_INFO, 'utf8');

/** Why a wrapped room key was refused. */
export class RoomKeyWrapError extends Error {
  override name = 'RoomKeyWrapError';
}

/** The wrapped key (Fernet token text) for the member whose share is `peerPublic`. */
export function wrapRoomKey(own: RotationKeyPair, peerPublic: Buffer, currentKey: Buffer, rotationId: Buffer, newKey: Buffer): Buffer {
  if (!(newKey instanceof Uint8Array) || newKey.length !== FERNET_KEY_BYTES) throw new TypeError(`wrapRoomKey: the new key must be ${FERNET_KEY_BYTES} bytes`);
  return new Fernet(wrapKey(own, peerPublic, currentKey, rotationId)).encrypt(newKey);
}

/** The new room key from a wrap made for our share; RoomKeyWrapError if it does not open or is not a key. */
export function unwrapRoomKey(own: RotationKeyPair, peerPublic: Buffer, currentKey: Buffer, rotationId: Buffer, wrapped: Buffer): Buffer {
  let key: Buffer;
  try {
    key = new Fernet(wrapKey(own, peerPublic, currentKey, rotationId)).decrypt(wrapped);
  } catch (err) {
    if (err instanceof FernetError) throw new RoomKeyWrapError(`the wrapped room key does not open (${err.message})`);
    throw err;
  }
  if (key.length !== FERNET_KEY_BYTES) throw new RoomKeyWrapError(`the wrapped room key is ${key.length} bytes, not ${FERNET_KEY_BYTES}`);
  return key;
}

function wrapKey(own: RotationKeyPair, peerPublic: Buffer, currentKey: Buffer, rotationId: Buffer): Buffer {
  if (!(rotationId instanceof Uint8Array) || rotationId.length === 0) throw new TypeError('room key wrap: the rotation id must be bytes');
  return derivePairKey(own, peerPublic, currentKey, LABEL, rotationId);
}
