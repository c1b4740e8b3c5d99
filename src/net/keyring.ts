import type { PendingKeySlot, PersistedKeys } from '../bus.js';
import type { Clock } from '../clock.js';
import { KEY_GRACE_MS } from '../constants.js';
import { FERNET_KEY_BYTES } from '../crypto/format.js';
import { FernetError } from '../crypto/errors.js';
import { Fernet } from '../crypto/fernet.js';
import { fingerprint, parseKey } from '../crypto/keys.js';

/**
 * The keys a session accepts, in three slots, as wireguard-go's
 * device/keypair.go keeps them:
 *
 *   current   — every token we send is encrypted under it
 *   next      — a responder's K' while a rotation waits for the initiator's
 *               first frame under it (that frame promotes it)
 *   previous  — the key before the last switch, still accepted so nothing in
 *               flight is lost: kept until the peer proves it holds current,
 *               then for KEY_GRACE_MS more
 *
 * A rotation that has not finished has a *pending* key beside current: the
 * responder's next, or the committed initiator's previous until the peer
 * proves it holds current. `pending` names it; the Rotation persists it with
 * current (the `key:persist` action), and a restarted process passes it back
 * to the constructor, into the same slot, so it can still read its peer.
 *
 * Fernet tokens carry no key id, so decrypt tries current, then next, then
 * previous. The Fernet class checks the HMAC before the timestamp, so every
 * wrong key fails with InvalidSignatureError and only the right one can say
 * anything else.
 *
 * Pure apart from the injected clock; the Rotation drives the slot changes.
 */

export type KeySlot = 'current' | 'next' | 'previous';

export interface KeyringDecryptResult {
  plaintext: Buffer;
  slot: KeySlot;
}

/** A key of an unfinished rotation and its slot (bus.ts PendingKeySlot); a `next` one with the accept it answered, if known. */
export interface PendingKey {
  key: Buffer;
  slot: PendingKeySlot;
  accept?: Buffer;
}

/** A profile's pendingKey (bus.ts PersistedKeys: urlsafe base64) as the constructor takes it back. */
export function pendingFromPersisted(p: PersistedKeys['pendingKey'] | undefined): PendingKey | null {
  if (p === undefined || p === null) return null;
  return { key: parseKey(p.key), slot: p.slot, ...(p.accept !== undefined ? { accept: Buffer.from(p.accept, 'base64url') } : {}) };
}

export interface KeyringDecryptOptions {
  /** Tokens older than this are rejected, in seconds. */
  ttlS: number;
  /** Allowed future skew of token timestamps, in seconds. */
  clockSkewS: number;
  /** Take binary tokens too (the reliable wire's bulk and probe frames; PROTOCOL.md, "Token forms"). Default false. */
  binary?: boolean;
}

/** The order decrypt tries them in. */
const SLOTS: readonly KeySlot[] = ['current', 'next', 'previous'];

interface Entry {
  key: Buffer;
  fernet: Fernet;
}

function entry(key: Buffer, what: string): Entry {
  if (!Buffer.isBuffer(key) || key.length !== FERNET_KEY_BYTES) {
    throw new TypeError(`Keyring: ${what} must be a Buffer of ${FERNET_KEY_BYTES} bytes`);
  }
  // A private copy: the caller's buffer may be reused or wiped.
  const own = Buffer.from(key);
  return { key: own, fernet: new Fernet(own) };
}

export class Keyring {
  private current: Entry;
  private next: Entry | null = null;
  private previous: Entry | null = null;
  private installedAt: number;
  /** When the previous key stops being accepted; null while the peer has not yet proven it holds current. */
  private previousExpiresAt: number | null = null;
  private readonly fernetOpts = { ttlS: 0, clockSkewS: 0, nowS: 0, binary: false };
  /** The accept a restored next answered (opaque here; the Rotation resumes with it), until next changes. */
  private restored: Buffer | null = null;

  /**
   * `pendingKey`: what the last `key:persist` saved beside `key`, after a
   * restart. In `next` it is promoted by the first frame under it; in
   * `previous` it is read until the peer proves it holds `key`.
   */
  constructor(
    key: Buffer,
    private readonly clock: Clock,
    pendingKey: PendingKey | null = null,
  ) {
    this.current = entry(key, 'key');
    this.installedAt = clock.now();
    if (pendingKey === null) return;
    if (pendingKey.slot === 'next') {
      this.next = entry(pendingKey.key, 'pending key');
      this.restored = pendingKey.accept === undefined ? null : Buffer.from(pendingKey.accept);
    } else if (pendingKey.slot === 'previous') this.previous = entry(pendingKey.key, 'pending key');
    else throw new TypeError(`Keyring: a pending key's slot must be 'next' or 'previous', got ${String(pendingKey.slot)}`);
  }

  get currentKey(): Buffer {
    return this.current.key;
  }

  get nextKey(): Buffer | null {
    return this.next?.key ?? null;
  }

  get previousKey(): Buffer | null {
    return this.previous?.key ?? null;
  }

  /** The accept that the next key restored by the constructor answered, while that key is still in next; else null. */
  get restoredAccept(): Buffer | null {
    return this.restored;
  }

  /**
   * The key a restart must not lose: next while it waits, else previous while
   * the peer has not proven it holds current (a committed initiator); null
   * once nothing is unsettled.
   */
  get pending(): PendingKey | null {
    if (this.next !== null) return { key: this.next.key, slot: 'next' };
    if (this.previous !== null && this.previousExpiresAt === null) return { key: this.previous.key, slot: 'previous' };
    return null;
  }

  /** Encrypt under current, with the Fernet timestamp from the clock; `binary`: the token's binary form (bulk and probe frames). */
  encrypt(plain: Buffer, binary = false): Buffer {
    const nowS = Math.floor(this.clock.now() / 1000);
    return binary ? this.current.fernet.encryptBinary(plain, nowS) : this.current.fernet.encrypt(plain, nowS);
  }

  /**
   * Try current, next, previous. If none verifies, the current key's error is
   * thrown (InvalidSignatureError for a wrong key, or what is wrong with the
   * token itself); if a slot verified the HMAC but rejected the token later
   * (expired, from the future, bad padding), that slot's error is thrown.
   */
  decrypt(token: Buffer, opts: KeyringDecryptOptions): KeyringDecryptResult {
    // Per datagram: one options object reused (Fernet reads it synchronously) and the slots tried in place.
    const fernetOpts = this.fernetOpts;
    fernetOpts.ttlS = opts.ttlS;
    fernetOpts.clockSkewS = opts.clockSkewS;
    fernetOpts.binary = opts.binary === true;
    fernetOpts.nowS = Math.floor(this.clock.now() / 1000);
    let first: unknown = null;
    for (let i = 0; i < SLOTS.length; i++) {
      const slot = SLOTS[i]!;
      const e = this[slot];
      if (e === null) continue;
      try {
        return { plaintext: e.fernet.decrypt(token, fernetOpts), slot };
      } catch (err) {
        // Only a signature mismatch means "maybe another key": anything else is final.
        if (!(err instanceof FernetError) || err.code !== 'bad-signature') throw err;
        first ??= err;
      }
    }
    throw first;
  }

  /** Responder: K' waits in next until a frame arrives under it. */
  setNext(key: Buffer): void {
    this.next = entry(key, 'next key');
    this.restored = null;
  }

  dropNext(): void {
    this.next = null;
    this.restored = null;
  }

  /** Responder: a frame arrived under next. previous = current, current = next. */
  promoteNext(): void {
    if (this.next === null) throw new TypeError('Keyring.promoteNext: there is no next key');
    this.shift(this.next);
    this.next = null;
    this.restored = null;
  }

  /** Initiator: previous = current, current = key. */
  commit(key: Buffer): void {
    this.shift(entry(key, 'committed key'));
  }

  /** The peer proved it holds current: previous stays accepted for KEY_GRACE_MS from now. */
  peerConfirmedCurrent(): void {
    if (this.previous !== null && this.previousExpiresAt === null) {
      this.previousExpiresAt = this.clock.now() + KEY_GRACE_MS;
    }
  }

  /** Drop previous once its grace period has passed. */
  expire(): void {
    if (this.previousExpiresAt !== null && this.clock.now() >= this.previousExpiresAt) {
      this.previous = null;
      this.previousExpiresAt = null;
    }
  }

  /** When expire() has something to do (absolute ms), or null. */
  nextDeadline(): number | null {
    return this.previous !== null ? this.previousExpiresAt : null;
  }

  /** Fingerprint of the current key. */
  fingerprint(): string {
    return fingerprint(this.current.key);
  }

  /** ms since the current key was installed. */
  get keyAgeMs(): number {
    return Math.max(0, this.clock.now() - this.installedAt);
  }

  private shift(to: Entry): void {
    this.previous = this.current;
    this.previousExpiresAt = null;
    this.current = to;
    this.installedAt = this.clock.now();
  }
}
