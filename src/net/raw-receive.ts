import { formatAddress, type Address } from '../address/address.js';
import type { WireMode } from '../bus.js';
import type { ActionQueue } from './actions.js';
import type { KeySlot } from './keyring.js';
import type { PeerState } from './peer-state.js';
import { RawDedupe, tokenHmac, tokenTimestampS } from './raw-dedupe.js';
import type { SendPath } from './send-path.js';
import type { LinkCounters } from './stats.js';
import { mayRoamRaw, rawAllowed } from './trust.js';

/**
 * The receive path of raw text: a valid token whose plaintext is not a frame
 * (a Python peer's `Fernet(key).encrypt(text)`, or our own --wire raw). No
 * session, no packet number, no acks.
 *
 *  1. previous key → 'old-key' (a raw peer cannot rotate: it is a thief's).
 *  2. the token's HMAC: one we sent → 'reflected'; one seen within the TTL +
 *     skew → 'replayed'.
 *  3. the address moves only by mayRoamRaw (trust.ts): first contact, or a
 *     raw-speaking peer's token made after this process started and no older
 *     than the newest raw token accepted.
 *  4. `message:received`; a reliable side warns once that the peer is raw.
 */
export class RawReceiver {
  /** HMACs of raw tokens received (replays). */
  private readonly seen: RawDedupe;
  private newestTs = 0;

  constructor(
    private readonly o: {
      wire: WireMode;
      /** This connection started at, in s (floor). */
      startedS: number;
      /** Token HMACs remembered for this long, in ms (TTL + clock skew). */
      retainMs: number;
      /** HMACs of raw tokens we sent (reflections), shared with the send path. */
      sent: RawDedupe;
      peer: PeerState;
      sender: SendPath;
      counters: LinkCounters;
      out: ActionQueue;
    },
  ) {
    this.seen = new RawDedupe(o.retainMs);
  }

  receive(token: Buffer, plaintext: Buffer, slot: KeySlot, from: Address, now: number, closing: boolean): void {
    const { peer, counters } = this.o;
    // 1, 2
    if (!rawAllowed(slot)) return counters.drop('old-key');
    const mac = tokenHmac(token);
    if (mac === null) return counters.drop('malformed');
    if (this.o.sent.has(mac, now)) return counters.drop('reflected');
    if (!this.seen.check(mac, now)) return counters.drop('replayed');
    // 3
    const tokenTs = tokenTimestampS(token) ?? 0;
    const rawPeer = this.o.wire === 'raw' || !peer.sawFrameFromPeer;
    const roam = mayRoamRaw({ hasPeer: peer.address !== null, rawPeer, tokenTs, startedS: this.o.startedS, newestTs: this.newestTs });
    if (tokenTs > this.newestTs) this.newestTs = tokenTs;
    if (closing) return;
    if (peer.heard(from, roam, false, now)) this.o.sender.rearm();
    // 4
    if (this.o.wire === 'reliable' && !peer.sawFrameFromPeer) {
      peer.rawOnly();
      peer.warnOnce(
        'peer-raw',
        'warning',
        'the peer sends raw Fernet text, no frames: it can read you only if you run with --wire raw (receipts and key rotation need --wire reliable on both sides)',
      );
    }
    this.o.out.fact('message:received', { from: peer.nick ?? formatAddress(from), text: plaintext.toString('utf8'), time: now, kind: 'message' });
  }
}
