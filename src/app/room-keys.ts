/**
 * A room session's keys (#15): the room key in use, the retired ones, and
 * what the accept policy seats under each. Pure apart from `save` (the
 * profile write it is given).
 *
 *   current   every connection sends under it; strangers under it are
 *             seated as members (the room's admission rules then apply)
 *   retired   the keys before the last ROOM_RETIRED_KEYS_MAX rotations, for
 *             ROOM_RETIRED_KEY_MS, in memory only (a later leak of the
 *             config file must not reveal them): a stranger under one is a
 *             member that missed a rotation (or a kicked one); its seat only
 *             hears room:rekeyed and closes, and at most ROOM_STALE_SEATS_MAX
 *             such seats exist at once
 *
 * The new key is saved to the profile before anything is sent under it or
 * tells a member of it (a crash right after must not come back on the old
 * key).
 */
import { errorMessage } from '../bus.js';
import type { ChatOptions } from '../config/chat-options.js';
import { ROOM_RETIRED_KEY_MS, ROOM_RETIRED_KEYS_MAX, ROOM_STALE_SEATS_MAX } from '../constants.js';
import { encodeKey, fingerprint } from '../crypto/keys.js';

export type SeatKind = 'member' | 'stale';

export class RoomKeys {
  private key: Buffer;
  private retired: Array<{ key: Buffer; until: number }> = [];
  private staleSeats = 0;

  constructor(
    key: Buffer,
    private readonly profile: Pick<ChatOptions, 'saveKeys' | 'saveKey'>,
    private readonly warn: (line: string) => void,
  ) {
    this.key = Buffer.from(key);
  }

  get current(): Buffer {
    return this.key;
  }

  fingerprint(): string {
    return fingerprint(this.key);
  }

  /** The accept policy's keys: current first, then the retired ones still kept. */
  acceptKeys(now: number): Buffer[] {
    this.retired = this.retired.filter((r) => r.until > now);
    return [this.key, ...this.retired.map((r) => r.key)];
  }

  /** What a stranger whose datagram opened under `key` gets: a member's seat, a stale one (if one is free), or none. */
  seatFor(key: Buffer): SeatKind | null {
    if (key.equals(this.key)) return 'member';
    if (!this.retired.some((r) => r.key.equals(key)) || this.staleSeats >= ROOM_STALE_SEATS_MAX) return null;
    return 'stale';
  }

  staleOpened(): void {
    this.staleSeats += 1;
  }

  staleClosed(): void {
    this.staleSeats = Math.max(0, this.staleSeats - 1);
  }

  /** Saves `key` to the profile, before the switch; a failure is one warning: the key is used for this run only. */
  save(key: Buffer): void {
    try {
      const text = encodeKey(key);
      if (this.profile.saveKeys !== undefined) this.profile.saveKeys({ key: text, pendingKey: null });
      else this.profile.saveKey?.(text);
    } catch (err) {
      this.warn(
        `the new room key (${fingerprint(key)}) could not be saved: ${errorMessage(err)} — it is used for this run only; a restart comes back on the old key and needs a new invite`,
      );
    }
  }

  /** The room switched to `key` (saved already): the old one is retired. */
  switchTo(key: Buffer, now: number): void {
    if (key.equals(this.key)) return;
    this.retired.unshift({ key: this.key, until: now + ROOM_RETIRED_KEY_MS });
    this.retired.length = Math.min(this.retired.length, ROOM_RETIRED_KEYS_MAX);
    this.key = Buffer.from(key);
  }
}
