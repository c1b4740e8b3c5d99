import { REPLAY_WINDOW_SIZE } from '../constants.js';
import { PACKET_MAX } from './frame-layout.js';

/**
 * Sliding-window replay filter over packet numbers: wireguard-go's
 * replay/replay.go (RFC 6479) ported to TypeScript.
 *
 * A ring of 32-bit words (JS bitwise operators are 32-bit) holds one bit per
 * packet number. The window is REPLAY_WINDOW_SIZE numbers behind the newest
 * accepted one; the ring has one word more than the window needs, so moving
 * the window forward only ever clears whole words the window has left
 * (that spare word is why WireGuard's window is 8192 - 64 bits of an 8192-bit
 * ring; here the ring is sized from the window instead).
 *
 * Packet numbers go up to 2^48 - 1, beyond 32 bits, so word and bit indexes
 * are computed with division rather than shifts (exact below 2^53).
 *
 * Usable as soon as constructed. Not shared between sessions: reset() it when
 * the peer's session changes.
 */

const WORD_BITS = 32;
/** Highest packet number (the frame's 48-bit field); 0 is never sent (packets start at 1). */
export const REPLAY_COUNTER_MAX = PACKET_MAX;

export class ReplayWindow {
  private readonly windowSize: number;
  private readonly ring: Uint32Array;
  /** Newest packet number accepted, 0 before any. */
  private newest = 0;

  /** `windowSize`: how far behind the newest a packet may arrive, a positive multiple of 32. */
  constructor(windowSize: number = REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(windowSize) || windowSize <= 0 || windowSize % WORD_BITS !== 0) {
      throw new TypeError(`ReplayWindow: windowSize must be a positive multiple of ${WORD_BITS}, got ${windowSize}`);
    }
    this.windowSize = windowSize;
    this.ring = new Uint32Array(windowSize / WORD_BITS + 1);
  }

  reset(): void {
    this.newest = 0;
    this.ring.fill(0);
  }

  /** True if `counter` is new (and marks it seen); false if replayed, too old or out of 1..2^48-1. */
  validate(counter: number): boolean {
    if (!Number.isInteger(counter) || counter < 1 || counter > REPLAY_COUNTER_MAX) return false;
    const words = this.ring.length;
    const indexWord = Math.floor(counter / WORD_BITS);

    if (counter > this.newest) {
      // Move the window forward, clearing the words it enters (all of them after a big jump).
      const current = Math.floor(this.newest / WORD_BITS);
      const diff = Math.min(indexWord - current, words);
      for (let i = 1; i <= diff; i++) this.ring[(current + i) % words] = 0;
      this.newest = counter;
    } else if (this.newest - counter > this.windowSize) {
      return false;
    }

    const slot = indexWord % words;
    const bit = (1 << (counter % WORD_BITS)) >>> 0;
    const old = this.ring[slot]!;
    if ((old & bit) !== 0) return false;
    this.ring[slot] = (old | bit) >>> 0;
    return true;
  }
}
