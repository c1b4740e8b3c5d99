import { RETIRED_SESSIONS_MAX } from '../constants.js';
import type { SessionId } from './frame.js';
import { ReplayWindow } from './replay.js';

/**
 * Which session of the peer we talk to, and whether a frame from an unknown
 * session id means the peer restarted or is a replay (whether a frame may
 * move the peer's address is trust.ts mayRoam). Pure: time comes in as
 * arguments.
 *
 * Everyone holds the same key, so "authenticated" says nothing about *when*
 * a datagram was made: within the Fernet TTL, a recording of any earlier
 * session still decrypts. Two facts bound what a replay can do:
 *
 *  - proof: a frame addressed to our own session id was made after the peer
 *    learned this process exists — it cannot be a recording from before our
 *    start. A session is `proven` once such a frame arrived from it.
 *  - ts order: a restarted process stamps its frames later than its
 *    predecessor did (same machine, same clock).
 *
 *   sender = current                  → 'current'
 *   sender retired                    → 'retired'  (drop)
 *   no current, or current unproven   → 'first'    (adopt; an unproven session
 *                                                    is not retired: it may be
 *                                                    the real one)
 *   ts newer than the newest ts of
 *   the proven current, or current
 *   silent > staleAfter, or unpinned  → 'restart'  (adopt, `vetted`; retire the old)
 *   else                              → 'stale'    (drop: a recording of an
 *                                                    older session)
 *
 * Silence longer than TTL + skew is enough on its own: every token of an
 * older session has expired by then (this covers a peer whose clock stepped
 * back). ts values are the peer's clock in ms mod 2^32, compared in serial
 * arithmetic (RFC 1982), sound while they are less than ~24 days apart.
 */

export type SessionVerdict = 'current' | 'first' | 'restart' | 'retired' | 'stale';

/** How a packet number fared in the replay window. */
export type PacketVerdict = 'replayed' | 'newest' | 'older';

export class PeerSessions {
  private currentId: SessionId | null = null;
  private readonly retired: SessionId[] = [];
  private newestTs = 0;
  private newestPacket = 0;
  private lastHeardAt = 0;
  private pinned = true;
  private isProven = false;
  private isVetted = false;
  private readonly replay = new ReplayWindow();

  /** staleAfterMs: silence after which any new session is believed (TTL + clock skew, in ms). */
  constructor(private readonly staleAfterMs: number) {}

  get id(): SessionId | null {
    return this.currentId;
  }

  /** A frame addressed to our session came from the current one. */
  get proven(): boolean {
    return this.isProven;
  }

  /** The current session replaced a proven one by the ts rule (so it is no recording of an older one). */
  get vetted(): boolean {
    return this.isVetted;
  }

  classify(sender: SessionId, ts: number, now: number): SessionVerdict {
    if (sender === this.currentId) return 'current';
    if (this.retired.includes(sender)) return 'retired';
    if (this.currentId === null || !this.isProven) return 'first';
    if (!this.pinned || serialNewer(ts, this.newestTs) || now - this.lastHeardAt > this.staleAfterMs) return 'restart';
    return 'stale';
  }

  /** Make `sender` current, after classify() said 'first' or 'restart'. */
  adopt(sender: SessionId, verdict: 'first' | 'restart', ts: number, now: number): void {
    if (this.currentId !== null && this.isProven) {
      this.retired.push(this.currentId);
      if (this.retired.length > RETIRED_SESSIONS_MAX) this.retired.shift();
    }
    this.currentId = sender;
    this.newestTs = ts;
    this.newestPacket = 0;
    this.lastHeardAt = now;
    this.pinned = true;
    this.isProven = false;
    this.isVetted = verdict === 'restart';
    this.replay.reset();
  }

  /** Replay window of the current session (marks the packet seen). */
  checkPacket(packet: number): PacketVerdict {
    if (!this.replay.validate(packet)) return 'replayed';
    if (packet <= this.newestPacket) return 'older';
    this.newestPacket = packet;
    return 'newest';
  }

  /** A frame of the current session was accepted; `toUs`: it was addressed to our session. */
  heard(ts: number, now: number, toUs: boolean): void {
    if (serialNewer(ts, this.newestTs)) this.newestTs = ts;
    this.lastHeardAt = now;
    if (toUs) this.isProven = true;
  }

  /** The user chose another peer address: the next unknown session is taken whatever its clock says. */
  unpin(): void {
    this.pinned = false;
  }
}

/** a > b in serial arithmetic mod 2^32. */
export function serialNewer(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x8000_0000;
}
