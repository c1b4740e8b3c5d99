import { ACK_DELAY_MS, MAX_ACCEPTED_DATAGRAM_BYTES } from '../constants.js';
import { errorMessage } from '../bus.js';
import { FernetError } from '../crypto/errors.js';
import { DatagramError } from './errors.js';
import { claimsFrame, isRotationFrame, NO_SESSION, type Frame, type FrameType } from './frame.js';
import type { KeySlot } from './keyring.js';
import type { Link } from './link.js';
import { decodeMessage } from './message.js';
import { mayRoam } from './peer-session.js';
import { formatAddress, sameAddress, type Address } from '../address/address.js';
import { tokenHmac } from './raw-dedupe.js';
import { RecvQueue } from './recv-queue.js';
import type { Outbound } from './send.js';

/** What the receive path needs from the transport around it. */
export interface InboundHooks {
  /** A frame of the current peer session authenticated under `slot` (rotation frames go to rotationFrame instead). */
  authenticated(slot: KeySlot): void;
  rotationFrame(type: FrameType, payload: Buffer, slot: KeySlot, packet: number): void;
  /** Before anything else of the frame that revealed the restart. */
  peerRestarted(): void;
  /** After each batch: replies, pumping, re-arming the timer. */
  afterBatch(): void;
}

/**
 * The receive path. Every datagram is dropped and counted at the first check
 * it fails; none is ever answered before it authenticated, none throws.
 *
 *  1. onDatagram()   oversized → drop; queue full → drop as 'flood'; else queue.
 *  2. RecvQueue      at most RECV_BATCH_MAX per event-loop turn (the rest wait
 *                    for setImmediate, so a flood cannot starve the UI);
 *                    receiveGuarded() turns any throw into a counted drop.
 *  3. receive()      Fernet through the keyring (current, next, previous):
 *                    bad token → 'unauthenticated'; expired or from the
 *                    future → 'replayed'. A plaintext not starting with the
 *                    frame magic byte is raw text → receiveRaw().
 *  4. receiveFrame() decode ('malformed'); our own session as sender →
 *                    'reflected'; whose session (peer-session.ts): retired or
 *                    stale → 'stale-session', first contact / restart →
 *                    adopt; replay window on the packet number → 'replayed'.
 *  5. heard()        only now: online, roaming (mayRoam: never for a frame
 *                    addressed to a session of ours that is gone), RTT from
 *                    the echo, the ts to echo back, rotation promotion (the
 *                    key slot).
 *  6.                a frame addressed to a session of ours that is not this
 *                    one: the peer does not know us → hello; its data and
 *                    acks are not ours ('stale-session' for data).
 *  7.                acks → SendWindow → `message:delivered`.
 *  8. by type:       data → receiveData() (RecvWindow in order → Reassembler →
 *                    `message:received`); ping → pong; rot-* → rotation; bye →
 *                    offline, answered with an ack.
 *  While closing, step 5 on is skipped: nothing new is taken in, except that
 *  the key slot and rotation frames still reach the rotation, so one that
 *  completes during the bye linger is saved.
 */
export class Inbound {
  private readonly queue: RecvQueue;

  constructor(
    private readonly link: Link,
    private readonly out: Outbound,
    private readonly hooks: InboundHooks,
  ) {
    this.queue = new RecvQueue(
      (data, from) => this.receiveGuarded(data, from),
      () => hooks.afterBatch(),
    );
  }

  // 1 --------------------------------------------------------------------
  readonly onDatagram = (data: Buffer, from: Address): void => {
    if (this.queue.isClosed) return;
    const { counters } = this.link;
    counters.datagramsIn += 1;
    if (data.length > MAX_ACCEPTED_DATAGRAM_BYTES) return counters.drop('oversized');
    if (!this.queue.push(data, from)) counters.drop('flood');
  };

  close(): void {
    this.queue.close();
  }

  // 2 --------------------------------------------------------------------
  private receiveGuarded(data: Buffer, from: Address): void {
    try {
      this.receive(data, from);
    } catch (err) {
      if (err instanceof DatagramError) this.link.counters.drop(err.reason);
      else {
        // A bug, not the peer's fault: count it, say it once, keep going.
        this.link.counters.drop('malformed');
        this.link.warnOnce(`internal:${errorMessage(err)}`, 'warning', `internal error on a received datagram: ${errorMessage(err)}`);
      }
    }
  }

  // 3 --------------------------------------------------------------------
  private receive(token: Buffer, from: Address): void {
    const { link } = this;
    let plaintext: Buffer;
    let slot: KeySlot;
    try {
      ({ plaintext, slot } = link.keyring.decrypt(token, { ttlS: link.tokenTtlS, clockSkewS: link.clockSkewS }));
    } catch (err) {
      const stale = err instanceof FernetError && (err.code === 'expired' || err.code === 'from-future');
      return link.counters.drop(stale ? 'replayed' : 'unauthenticated');
    }
    // 0xFC never starts UTF-8 text, so whatever starts with it is a frame or garbage, never a message.
    if (claimsFrame(plaintext)) return this.receiveFrame(link.codec.decode(plaintext), slot, from);
    this.receiveRaw(token, plaintext, from);
  }

  private receiveRaw(token: Buffer, plaintext: Buffer, from: Address): void {
    const { link } = this;
    const now = link.now();
    const mac = tokenHmac(token);
    if (mac === null) return link.counters.drop('malformed');
    if (link.rawSent.has(mac, now)) return link.counters.drop('reflected');
    if (!link.rawSeen.check(mac, now)) return link.counters.drop('replayed');
    // Raw text has no session to vet: it moves the peer only where raw is all the peer speaks.
    const roam = link.peer === null || link.wire === 'raw' || !link.sawFrameFromPeer;
    this.heard(from, roam, false, now);
    if (link.wire === 'reliable' && !link.sawFrameFromPeer) {
      link.peerIsRaw = true;
      link.warnOnce(
        'peer-raw',
        'warning',
        'the peer sends raw Fernet text, no frames: it can read you only if you run with --wire raw (receipts and key rotation need --wire reliable on both sides)',
      );
    }
    link.bus.emit('message:received', { from: link.peerNick ?? formatAddress(from), text: plaintext.toString('utf8'), time: now });
  }

  // 4 --------------------------------------------------------------------
  private receiveFrame(f: Frame, slot: KeySlot, from: Address): void {
    const { link } = this;
    if (link.wire === 'raw') {
      link.warnOnce(
        'peer-reliable',
        'warning',
        'the peer runs --wire reliable: it shows what you send, but its own messages wait for a reliable handshake; run both sides with the same --wire',
      );
      return;
    }
    if (f.sender === link.sessionId) return link.counters.drop('reflected');
    const now = link.now();
    const sessions = link.peerSessions;
    const verdict = sessions.classify(f.sender, f.ts, now);
    if (verdict === 'retired' || verdict === 'stale') return link.counters.drop('stale-session');
    if (verdict === 'first' || verdict === 'restart') {
      const replaced = sessions.id !== null;
      sessions.adopt(f.sender, verdict, f.ts, now);
      if (verdict === 'restart') this.restarted(true);
      else if (replaced) this.restarted(false); // an unproven session was not the peer after all
    }
    const packet = sessions.checkPacket(f.packet);
    if (packet === 'replayed') return link.counters.drop('replayed');
    const toUs = f.receiver === link.sessionId;
    sessions.heard(f.ts, now, toUs);
    if (link.closing) {
      // Nothing more is delivered (it could not be shown); an answer to us proves our bye, and the acks in it, arrived.
      if (toUs) link.byeAnswered = true;
      // But a rotation still settles: the peer's confirm-ack arriving now must let us save the key it already uses.
      if (toUs && isRotationFrame(f.type)) this.hooks.rotationFrame(f.type, f.payload, slot, f.packet);
      else this.hooks.authenticated(slot);
      return;
    }
    // 5
    link.sawFrameFromPeer = true;
    link.peerIsRaw = false;
    const roam = mayRoam({
      hasPeer: link.peer !== null,
      addressLearned: link.peerAddressLearned,
      toUs,
      receiverUnknown: f.receiver === NO_SESSION,
      newest: packet === 'newest',
      vetted: sessions.vetted,
    });
    this.heard(from, roam, toUs, now);
    if (toUs && f.echoTs !== 0) {
      const rtt = ((link.ts32(now) - f.echoTs) >>> 0) - f.echoDelay;
      if (f.echoDelay < 0xffff && rtt >= 0 && rtt < 0x8000_0000) link.rto.sample(rtt);
    }
    link.echo = { ts: f.ts, at: now };
    if (isRotationFrame(f.type)) {
      if (toUs) this.hooks.rotationFrame(f.type, f.payload, slot, f.packet);
      else this.hooks.authenticated(slot);
    } else {
      this.hooks.authenticated(slot);
    }
    if (f.type === 'hello' || f.type === 'ping' || f.type === 'pong') link.setPeerNick(f.payload.toString('utf8'));
    if (f.type === 'bye') link.setState('offline');
    // 6
    if (!toUs) {
      link.helloDue = true;
      if (f.type === 'data') link.counters.drop('stale-session');
      return;
    }
    // 7
    for (const m of link.sendWindow.onAck(f.ack, f.sack)) link.bus.emit('message:delivered', { id: m.id, time: now });
    // 8
    if (f.type === 'data') this.receiveData(f, now);
    else if (f.type === 'ping') this.out.sendControl('pong');
    else if (f.type === 'bye') this.out.sendControl('ack'); // the peer lingers for this answer
  }

  /** A new peer session: everything numbered for the old one starts over (`announce`: it was a restart, not a correction). */
  private restarted(announce: boolean): void {
    const { link } = this;
    link.recvWindow.reset();
    link.reassembler.reset();
    link.sendWindow.restart();
    link.echo = null;
    link.ackDueAt = null;
    if (!announce) return;
    link.bus.emit('peer:restarted', {});
    this.hooks.peerRestarted();
  }

  // 5 --------------------------------------------------------------------
  /**
   * An authenticated, fresh datagram from the peer: it is alive, and where it
   * sent from becomes its address if `roam` (peer-session.ts mayRoam says when).
   */
  private heard(from: Address, roam: boolean, confirmed: boolean, now: number): void {
    const { link } = this;
    link.lastHeardAt = now;
    if (roam && !sameAddress(link.peer, from)) {
      link.setPeer(from, 'roamed');
      link.peerAddressLearned = !confirmed;
    } else if (confirmed && sameAddress(link.peer, from)) {
      link.peerAddressLearned = false;
    }
    if (link.state !== 'online') {
      const wasOffline = link.state === 'offline';
      link.setState('online');
      // What piled up backoff while the peer was away goes out now.
      if (wasOffline) link.sendWindow.rearm();
    }
  }

  // 8 --------------------------------------------------------------------
  private receiveData(f: Frame, now: number): void {
    const { link } = this;
    link.ackDueAt ??= now + ACK_DELAY_MS;
    link.unackedData += 1;
    // The frame is a RecvFrame already; no copy of its fields per datagram.
    link.recvWindow.push(f);
    for (const frag of link.recvWindow.drain()) {
      try {
        const whole = link.reassembler.push(frag.fragIndex, frag.fragCount, frag.payload);
        if (whole === null) continue;
        const m = decodeMessage(whole);
        link.setPeerNick(m.nick);
        const from = m.nick !== '' ? m.nick : (link.peerNick ?? (link.peer ? formatAddress(link.peer) : 'peer'));
        link.bus.emit('message:received', { from, text: m.text, time: now });
      } catch (err) {
        // A lying peer (bad counts, bad body) costs it that message, not the ones after it.
        if (err instanceof DatagramError) link.counters.drop(err.reason);
        else throw err;
      }
    }
  }
}
