import type { Address } from '../address/address.js';
import { formatAddress } from '../address/address.js';
import type { ActionQueue } from './actions.js';
import type { BulkPath } from './bulk-path.js';
import { DatagramError } from './errors.js';
import { Reassembler } from './fragment.js';
import { isDataKind, NO_SESSION, type Frame, type SessionId } from './frame.js';
import type { Keyring, KeySlot } from './keyring.js';
import { decodeMessage } from './message.js';
import { decodePack } from './pack.js';
import type { PeerSessions } from './peer-session.js';
import type { PeerState } from './peer-state.js';
import type { RecvWindow } from './reliable-recv.js';
import type { RotationRunner } from './rotation-runner.js';
import type { RtoEstimator } from './rto.js';
import { ts32, type SendPath } from './send-path.js';
import type { LinkCounters } from './stats.js';
import { judge, mayLearn, mayRoam, refusedInRoom } from './trust.js';

/**
 * The receive path of a decoded frame (connection.ts opened and decoded it).
 * Every frame is dropped and counted at the first check it fails; none is
 * answered before it passed them. The trust table (trust.ts) is asked once
 * and obeyed: nothing here decides what a key slot may do.
 *
 *  1. our own session as sender → 'reflected'.
 *  2. judge(slot, kind): null → 'old-key'; the `learn` right (a previous-key
 *     frame while our rotation is committed and unproven) may set or correct
 *     a guessed address and is dropped.
 *  3. whose session (peer-session.ts): retired or stale → 'stale-session';
 *     first contact / restart → adopt (the peer's numbering starts over).
 *  4. replay window on the packet number → 'replayed'.
 *     Closing: an answer to us proves our bye arrived; the rotation still
 *     settles; nothing else.
 *  5. heard: online, roaming (mayRoam), RTT from the echo, the ts to echo
 *     back; the rotation machine (the `rotate` right).
 *  6. addressed to a session of ours that is not this one: the peer does not
 *     know us → hello; its data and acks are not ours ('stale-session').
 *  7. acks → send windows → `message:delivered` (not for control messages).
 *  8. by type: data, and each record of a pack → RecvWindow in order →
 *     Reassembler → `message:received` (a control message: `xfer:control`);
 *     bulk → its stream (`bulk:data`); bulk-ack → our bulk streams
 *     (`bulk:acked`, losses, credits); probe → probe-ack; probe-ack → the
 *     PMTU search (bulk-path.ts);
 *     ping → pong; bye → left, answered with an ack.
 */
export class FrameReceiver {
  private readonly reassembler = new Reassembler();
  /** The peer sent frames to a session of ours it does not know: tell it who we are (connection.poll sends it). */
  helloDue = false;
  /** While closing: a frame of the peer addressed to us arrived after our bye. */
  byeAnswered = false;

  constructor(
    private readonly o: {
      sessionId: SessionId;
      /** A room's connection: rot-* frames are refused (trust.ts refusedInRoom). */
      roomKeys: boolean;
      keyring: Keyring;
      sessions: PeerSessions;
      recv: RecvWindow;
      rto: RtoEstimator;
      peer: PeerState;
      sender: SendPath;
      bulk: BulkPath;
      rotation: RotationRunner;
      counters: LinkCounters;
      out: ActionQueue;
    },
  ) {}

  receive(f: Frame, slot: KeySlot, from: Address, now: number, closing: boolean): void {
    const { sessions, peer, sender, rotation, counters } = this.o;
    // 1
    if (f.sender === this.o.sessionId) return counters.drop('reflected');
    // 2
    if (refusedInRoom(this.o.roomKeys, f.type)) return counters.drop('refused');
    // Whether our rotation is committed and unproven matters (and is asked) only for a previous-key frame.
    const committedUnproven = slot === 'previous' && this.o.keyring.pending?.slot === 'previous';
    const rights = judge({ slot, type: f.type, committedUnproven });
    if (rights === null) return counters.drop('old-key');
    if (rights.learn) {
      if (!closing && mayLearn(peer.address !== null, peer.addressLearned)) peer.guess(from);
      return counters.drop('old-key');
    }
    // 3
    const verdict = sessions.classify(f.sender, f.ts, now);
    if (verdict === 'retired' || verdict === 'stale') return counters.drop('stale-session');
    if (verdict === 'first' || verdict === 'restart') {
      const replaced = sessions.id !== null;
      sessions.adopt(f.sender, verdict, f.ts, now);
      if (verdict === 'restart') this.restarted(true);
      else if (replaced) this.restarted(false); // an unproven session was not the peer after all
    }
    // 4
    const packet = sessions.checkPacket(f.packet);
    if (packet === 'replayed') return counters.drop('replayed');
    const toUs = f.receiver === this.o.sessionId;
    sessions.heard(f.ts, now, toUs);
    if (closing) {
      // Nothing more is delivered (it could not be shown); an answer to us proves our bye, and the acks in it, arrived.
      if (toUs) this.byeAnswered = true;
      // But a rotation still settles: the peer's confirm-ack arriving now must let us save the key it already uses.
      if (rights.rotate) rotation.frame(f, slot, toUs);
      return;
    }
    // 5
    peer.framed();
    const roam =
      rights.roam &&
      mayRoam({
        hasPeer: peer.address !== null,
        addressLearned: peer.addressLearned,
        toUs,
        receiverUnknown: f.receiver === NO_SESSION,
        newest: packet === 'newest',
        vetted: sessions.vetted,
      });
    if (peer.heard(from, roam, toUs, now)) sender.rearm();
    if (toUs && f.echoTs !== 0) {
      const rtt = ((ts32(now) - f.echoTs) >>> 0) - f.echoDelay;
      if (f.echoDelay < 0xffff && rtt >= 0 && rtt < 0x8000_0000) this.o.rto.sample(rtt);
    }
    sender.echoLater(f.ts, now);
    if (rights.rotate) rotation.frame(f, slot, toUs);
    if (f.type === 'hello' || f.type === 'ping' || f.type === 'pong') peer.setNick(f.payload.toString('utf8'));
    if (f.type === 'bye') peer.setState('left');
    // 6
    if (!toUs) {
      this.helloDue = true;
      if (isDataKind(f.type)) counters.drop('stale-session');
      return;
    }
    // 7
    if (rights.ack) for (const m of sender.onAck(f.ack, f.sack)) if (!m.control) this.o.out.fact('message:delivered', { id: m.id, time: now });
    // 8
    if (f.type === 'data' && rights.deliver) this.data(f, now);
    else if (f.type === 'pack' && rights.deliver) this.pack(f, now);
    else if (f.type === 'bulk' && rights.deliver) this.o.bulk.frame('bulk', f.payload, now);
    else if (f.type === 'bulk-ack' && rights.ack) this.o.bulk.frame('bulk-ack', f.payload, now);
    else if (f.type === 'probe' || f.type === 'probe-ack') this.o.bulk.frame(f.type, f.payload, now);
    else if (f.type === 'ping') sender.control('pong', now);
    else if (f.type === 'bye') sender.control('ack', now); // the peer lingers for this answer
  }

  /** A new peer session: everything numbered for the old one starts over, every bulk stream ends (`announce`: it was a restart, not a correction). */
  private restarted(announce: boolean): void {
    this.o.recv.reset();
    this.reassembler.reset();
    this.o.sender.peerRestarted();
    this.o.bulk.reset();
    if (!announce) return;
    this.o.out.fact('peer:restarted', {});
    this.o.rotation.peerRestarted();
  }

  /** A malformed pack is dropped whole (FrameError), before any of its records reaches the window. */
  private pack(f: Frame, now: number): void {
    const records = decodePack(f.payload);
    this.o.sender.dataArrived(now, records.length);
    for (const r of records) this.o.recv.push(r);
    this.drain(now);
  }

  private data(f: Frame, now: number): void {
    this.o.sender.dataArrived(now);
    // The frame is a RecvFrame already; no copy of its fields per datagram.
    this.o.recv.push(f);
    this.drain(now);
  }

  /** What the receive window lets out in order → the reassembler → `message:received`. */
  private drain(now: number): void {
    const { recv, peer } = this.o;
    for (const frag of recv.drain()) {
      try {
        const whole = this.reassembler.push(frag.fragIndex, frag.fragCount, frag.payload);
        if (whole === null) continue;
        const m = decodeMessage(whole);
        peer.setNick(m.nick);
        if (m.kind === 'control') {
          this.o.out.fact('xfer:control', { body: m.text, time: now });
          continue;
        }
        const name = m.nick !== '' ? m.nick : (peer.nick ?? (peer.address ? formatAddress(peer.address) : 'peer'));
        this.o.out.fact('message:received', { from: name, text: m.text, time: now, kind: m.kind });
      } catch (err) {
        // A lying peer (bad counts, bad body) costs it that message, not the ones after it.
        if (err instanceof DatagramError) this.o.counters.drop(err.reason);
        else throw err;
      }
    }
  }
}
