import type { Address } from '../address/address.js';
import { errorMessage, type WireMode } from '../bus.js';
import { FRAME_VERSION, MAX_ACCEPTED_DATAGRAM_BYTES } from '../constants.js';
import { FernetError } from '../crypto/errors.js';
import { FERNET_VERSION } from '../crypto/format.js';
import type { ActionQueue } from './actions.js';
import { AuthFailures } from './auth-failures.js';
import { DatagramError, type DropReason } from './errors.js';
import type { FrameReceiver } from './frame-receive.js';
import { claimsFrame, FrameCodec, FRAME_OFFSET, frameVersion, mayExceedBaseSize, type SessionId } from './frame.js';
import type { Keyring, KeySlot } from './keyring.js';
import type { PeerState } from './peer-state.js';
import type { RawReceiver } from './raw-receive.js';
import type { LinkCounters } from './stats.js';

/** The key of the one warning that the peer speaks another frame version. */
export const FRAME_VERSION_WARNING = 'frame-version';

/** A datagram opened by one of the connection's keys, or why none could. */
export type Opened = { ok: true; plaintext: Buffer; slot: KeySlot } | { ok: false; reason: DropReason };

/**
 * The entry of a connection's receive path. Every datagram is counted in,
 * then dropped and counted at the first check it fails; nothing thrown
 * leaves it (a DatagramError is a counted drop; anything else is a bug,
 * counted as 'malformed' and reported once: garbage never stops the link).
 *
 *  1. receive()       oversized → 'oversized'.
 *  2. open()          Fernet through the keyring (current, next, previous):
 *                     bad token → 'unauthenticated' (from the peer's address,
 *                     repeatedly, the one hint of a key mismatch:
 *                     auth-failures.ts), expired or from the future →
 *                     'replayed'.
 *  3. receiveOpened() a plaintext starting with the frame magic is a frame:
 *                     another frame version → 'malformed' and one warning
 *                     (the peer runs another release); decoded
 *                     ('malformed') → frame-receive.ts (the trust
 *                     table, sessions, replay, delivery; flow comment there);
 *                     on our raw wire it is only a warning. Any other
 *                     plaintext is raw text → raw-receive.ts.
 * An endpoint with several connections calls open() on each until one opens
 * the datagram, then note() and receiveOpened() on that one.
 */
export class ReceivePath {
  private readonly codec = new FrameCodec();
  private readonly authFailures = new AuthFailures();

  constructor(
    private readonly o: {
      wire: WireMode;
      keyring: Keyring;
      decrypt: { ttlS: number; clockSkewS: number; binary: boolean };
      peer: PeerState;
      frames: FrameReceiver;
      raw: RawReceiver;
      counters: LinkCounters;
      out: ActionQueue;
    },
  ) {}

  // 1
  receive(datagram: Buffer, from: Address, now: number, closing: boolean): void {
    this.o.counters.datagramsIn += 1;
    if (datagram.length > MAX_ACCEPTED_DATAGRAM_BYTES) return this.o.counters.drop('oversized');
    const opened = this.open(datagram);
    if (!opened.ok) return this.unopened(opened.reason, from, now);
    this.receiveOpened(datagram, opened.plaintext, opened.slot, from, now, closing);
  }

  // 2
  /** Try the keyring on a datagram. Counts nothing. */
  open(datagram: Buffer): Opened {
    try {
      const { plaintext, slot } = this.o.keyring.decrypt(datagram, this.o.decrypt);
      return { ok: true, plaintext, slot };
    } catch (err) {
      const stale = err instanceof FernetError && (err.code === 'expired' || err.code === 'from-future');
      return { ok: false, reason: stale ? 'replayed' : 'unauthenticated' };
    }
  }

  /** The session id a plaintext claims as its sender, or null (raw text, too short): for routing only. */
  static senderOf(plaintext: Buffer): SessionId | null {
    if (!claimsFrame(plaintext) || plaintext.length < FRAME_OFFSET.receiver) return null;
    return plaintext.toString('hex', FRAME_OFFSET.sender, FRAME_OFFSET.receiver);
  }

  /** A datagram routed here was counted in (`drop` null: receiveOpened follows), or dropped before it was opened. */
  note(drop: DropReason | null, from: Address, now: number): void {
    this.o.counters.datagramsIn += 1;
    if (drop !== null) this.unopened(drop, from, now);
  }

  // 3
  receiveOpened(datagram: Buffer, plaintext: Buffer, slot: KeySlot, from: Address, now: number, closing: boolean): void {
    const { peer, counters } = this.o;
    this.authFailures.authenticated(from, peer.address);
    try {
      // A binary token (first byte 0x80; token text starts with 'g') carries a bulk or probe frame, nothing else.
      const binary = datagram[0] === FERNET_VERSION;
      if (binary && !claimsFrame(plaintext)) return counters.drop('malformed');
      // 0xFC never starts UTF-8 text, so whatever starts with it is a frame or garbage, never a message.
      if (!claimsFrame(plaintext)) return this.o.raw.receive(datagram, plaintext, slot, from, now, closing);
      if (this.o.wire === 'raw') {
        return peer.warnOnce(
          'peer-reliable',
          'warning',
          'the peer runs --wire reliable: it shows what you send, but its own messages wait for a reliable handshake; run both sides with the same --wire',
        );
      }
      const version = frameVersion(plaintext);
      if (version !== null && version !== FRAME_VERSION) {
        counters.drop('malformed');
        return peer.warnOnce(
          FRAME_VERSION_WARNING,
          'warning',
          `the peer speaks fernchat wire v${version}, this side v${FRAME_VERSION}: run the same fernchat release on both sides (or --wire raw on both)`,
        );
      }
      const frame = this.codec.decode(plaintext);
      if (binary !== mayExceedBaseSize(frame.type)) return counters.drop('malformed');
      this.o.frames.receive(frame, slot, from, now, closing);
    } catch (err) {
      if (err instanceof DatagramError) return counters.drop(err.reason);
      counters.drop('malformed');
      peer.warnOnce(`internal:${errorMessage(err)}`, 'warning', `internal error on a received datagram: ${errorMessage(err)}`);
    }
  }

  private unopened(reason: DropReason, from: Address, now: number): void {
    this.o.counters.drop(reason);
    if (reason !== 'unauthenticated') return;
    const warning = this.authFailures.failed(from, this.o.peer.address, now);
    if (warning !== null) this.o.out.fact('error', { severity: 'warning', message: warning });
  }
}
