import type { RotationKeyPair } from '../crypto/rotation-kdf.js';
import { encodeRotationPayload } from './frame.js';
import { transition, type RotationAction, type RotationFrameType, type RotationState } from './rotation-state.js';

/** Ended rotation ids remembered, per side. */
const RETIRED_RIDS_KEPT = 16;
export const OLD_KEY_KEPT = 'the old key is still in use';

/**
 * Everything the rotation machine (rotation.ts) remembers about rotations, in
 * one object: its state, the attempt in progress (rid, ephemeral key pair,
 * the payload it repeats, its times), and what outlives an attempt (ended
 * and abandoned rids, the last one completed as responder, a next key that
 * came back from the profile without its accept). No I/O and no keys of the
 * keyring: the steps (rotation-steps.ts) and the timer rules
 * (rotation-timers.ts) read and change it. Every change of state goes
 * through transition() (rotation-state.ts, where the diagram is).
 */
export class RotationAttempt {
  private st: RotationState = 'idle';
  /** The rotation in progress (ours while offering/committed, the peer's while accepting). */
  rid: Buffer | null = null;
  keyPair: RotationKeyPair | null = null;
  /** The offer (offering) or accept (accepting) we repeat. */
  payload: Buffer | null = null;
  /** The accept's public key we committed with; a repeat must carry the same. */
  acceptPub: Buffer | null = null;
  startedAt = 0;
  lastSentAt = 0;
  unconfirmedReported = false;
  oldFingerprint = '';
  /**
   * Next came back from the profile without the accept it answered (a profile written before accepts were kept):
   * the initiator may still commit the accept our previous process sent, for a rotation id we do not know. Until
   * next is settled we answer no offer (a second, different accept for that id could be the one it commits
   * instead); any abort or the initiator's restart drops it.
   */
  restoredNext = false;
  /** Packet number of the offer being accepted (0: unknown). */
  offerPacket = 0;
  /** The last rotation completed as responder: a repeated confirm of it gets another confirm-ack. */
  completedRid: Buffer | null = null;
  private readonly retired: string[] = [];
  private readonly abandoned: string[] = [];

  get state(): RotationState {
    return this.st;
  }

  to(state: RotationState): void {
    this.st = transition(this.st, state);
  }

  /** Leave the current rotation: its rid is retired and its secrets dropped. */
  end(state: RotationState): void {
    if (this.rid !== null) this.retire(this.rid);
    this.to(state);
    this.rid = null;
    this.keyPair = null;
    this.payload = null;
    this.acceptPub = null;
  }

  /** Our own offer is given up (timeout, lost tie-break): remember it to re-abort late accepts. */
  abandon(): void {
    remember(this.abandoned, this.rid!.toString('hex'));
    this.keyPair = null;
  }

  isAbandoned(rid: Buffer): boolean {
    return this.abandoned.includes(rid.toString('hex'));
  }

  retire(rid: Buffer): void {
    remember(this.retired, rid.toString('hex'));
  }

  isRetired(rid: Buffer): boolean {
    return this.retired.includes(rid.toString('hex'));
  }

  /** Offers and accepts repeat the stored payload (same ephemeral key); the others carry only a rid. */
  send(type: RotationFrameType, rid?: Buffer): RotationAction {
    const payload = type === 'rot-offer' || type === 'rot-accept' ? this.payload! : encodeRotationPayload({ rid: rid ?? this.rid! });
    return { kind: 'send', type, payload };
  }

  unconfirmed(message: string): RotationAction[] {
    this.unconfirmedReported = true;
    return [{ kind: 'event', event: 'rotation-unconfirmed', message }];
  }
}

function remember(list: string[], hex: string): void {
  if (list.includes(hex)) return;
  list.push(hex);
  if (list.length > RETIRED_RIDS_KEPT) list.shift();
}
