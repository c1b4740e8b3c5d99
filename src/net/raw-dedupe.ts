import { RAW_REPLAY_CACHE_MAX } from '../constants.js';
import { FERNET_HMAC_BYTES, FERNET_OVERHEAD_BYTES, FERNET_TS_OFFSET } from '../crypto/format.js';

/**
 * Replay cache for plaintexts that are not frames (raw mode: a Python peer
 * sends bare Fernet tokens, with no packet number a replay window could run
 * on). Pure: time comes in as an argument.
 *
 * Each accepted token is remembered by its HMAC for `retainMs`; a token seen
 * again within that time is a replay. Pass retainMs = (TTL + clock skew) in
 * ms: a token accepted now stays decryptable at most that long (its timestamp
 * is at most `skew` ahead of now, and it expires `ttl` after its timestamp),
 * after which Fernet's own TTL check rejects a replay, so forgetting it is
 * safe. Remembered by HMAC rather than token text, so the same token written
 * with different base64 padding is still the same token.
 *
 * Entries expire in insertion order (same retention for all), so a Map's
 * order is the expiry order. When full, the oldest entry is forgotten: that
 * weakens protection against replaying it, but only someone holding the key
 * can fill the cache, and they need no replay.
 */
export class RawDedupe {
  private readonly seen = new Map<string, number>();
  private evictions = 0;

  constructor(
    private readonly retainMs: number,
    private readonly maxEntries: number = RAW_REPLAY_CACHE_MAX,
  ) {
    if (!(retainMs > 0) || !Number.isFinite(retainMs)) throw new TypeError(`RawDedupe: retainMs must be a positive number, got ${retainMs}`);
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError(`RawDedupe: maxEntries must be a positive integer, got ${maxEntries}`);
    }
  }

  /** True if this HMAC is new (it is remembered from now on); false if it was seen within retainMs. */
  check(hmac: Buffer, nowMs: number): boolean {
    this.expire(nowMs);
    const k = hmac.toString('base64');
    const until = this.seen.get(k);
    if (until !== undefined && until > nowMs) return false;
    // delete first: a Map keeps an updated key at its old place, and the order is the expiry order.
    this.seen.delete(k);
    this.seen.set(k, nowMs + this.retainMs);
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
      this.evictions += 1;
    }
    return true;
  }

  /** True if this HMAC was seen within retainMs (does not remember it). */
  has(hmac: Buffer, nowMs: number): boolean {
    const until = this.seen.get(hmac.toString('base64'));
    return until !== undefined && until > nowMs;
  }

  /** Entries currently remembered. */
  get size(): number {
    return this.seen.size;
  }

  /** Entries forgotten before their time because the cache was full. */
  get evicted(): number {
    return this.evictions;
  }

  private expire(nowMs: number): void {
    for (const [k, until] of this.seen) {
      if (until > nowMs) break;
      this.seen.delete(k);
    }
  }
}

/** The HMAC of a Fernet token (its last 32 bytes), from the token text; null if it is not base64 of a plausible length. */
export function tokenHmac(token: Buffer): Buffer | null {
  const raw = Buffer.from(token.toString('latin1'), 'base64url');
  return raw.length >= FERNET_OVERHEAD_BYTES ? raw.subarray(raw.length - FERNET_HMAC_BYTES) : null;
}

/** The Fernet timestamp of a token (s since the epoch), from the token text; null if it is too short to hold one. */
export function tokenTimestampS(token: Buffer): number | null {
  // 12 base64 characters are the first 9 bytes: the version byte and the 8-byte timestamp.
  const head = Buffer.from(token.toString('latin1', 0, 12), 'base64url');
  return head.length >= FERNET_TS_OFFSET + 8 ? Number(head.readBigUInt64BE(FERNET_TS_OFFSET)) : null;
}
