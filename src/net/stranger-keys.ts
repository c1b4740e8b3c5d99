import { DEFAULT_CLOCK_SKEW_S, DEFAULT_TOKEN_TTL_S } from '../constants.js';
import { FernetError } from '../crypto/errors.js';
import { Fernet } from '../crypto/fernet.js';
import type { KeySlot } from './keyring.js';
import type { DropReason } from './errors.js';

/** What StrangerKeys.open tells: as a connection's open, plus the policy key that opened it. */
export type StrangerOpened = { ok: true; plaintext: Buffer; slot: KeySlot; key: Buffer } | { ok: false; reason: DropReason };

/**
 * Opens a stranger's datagram under the keys an accept policy names (the
 * room key; during a room rotation the next one too), when no connection's
 * keys open it: an endpoint with no connection yet can still hear the first
 * member that dials it. Counts nothing. The Fernet contexts are kept per key
 * and rebuilt only when the keys change (their setup is the costly part).
 * A token that opens here opened under a live room key: its slot is current.
 */
export class StrangerKeys {
  private readonly fernets = new Map<string, Fernet>();
  private readonly opts = { ttlS: DEFAULT_TOKEN_TTL_S, clockSkewS: DEFAULT_CLOCK_SKEW_S, nowS: 0, binary: true };

  open(datagram: Buffer, keys: readonly Buffer[], now: number): StrangerOpened {
    const fernets = this.keep(keys);
    this.opts.nowS = Math.floor(now / 1000);
    for (let i = 0; i < fernets.length; i++) {
      try {
        return { ok: true, plaintext: fernets[i]!.decrypt(datagram, this.opts), slot: 'current', key: keys[i]! };
      } catch (err) {
        // Only a signature mismatch means "maybe another key": anything else is final, as in the keyring.
        if (err instanceof FernetError && err.code === 'bad-signature') continue;
        const stale = err instanceof FernetError && (err.code === 'expired' || err.code === 'from-future');
        return { ok: false, reason: stale ? 'replayed' : 'unauthenticated' };
      }
    }
    return { ok: false, reason: 'unauthenticated' };
  }

  private keep(keys: readonly Buffer[]): Fernet[] {
    const ids = keys.map((k) => k.toString('hex'));
    for (const id of this.fernets.keys()) if (!ids.includes(id)) this.fernets.delete(id);
    return keys.map((k, i) => {
      let f = this.fernets.get(ids[i]!);
      if (f === undefined) this.fernets.set(ids[i]!, (f = new Fernet(k)));
      return f;
    });
  }
}
