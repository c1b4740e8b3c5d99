import type { PersistedKeys } from '../bus.js';
import { encodeKey, fingerprint } from '../crypto/keys.js';
import { decodeRotationPayload, type FrameType } from './frame.js';
import type { KeySlot, PendingKey } from './keyring.js';
import { OLD_KEY_KEPT, RotationAttempt } from './rotation-attempt.js';
import type { RotationAction, RotationContext, RotationState } from './rotation-state.js';
import { offer, onRotationFrame } from './rotation-steps.js';
import { expiredRotationTimers, rotationTimerDeadline } from './rotation-timers.js';

/**
 * The rotation state machine: its diagram and the rules that keep both peers
 * able to read each other are in rotation-state.ts. This class takes the
 * inputs (the user, each authenticated frame and its key slot, the peer's
 * restart, the clock), decides what a key slot alone means, and puts the
 * key:persist an input calls for before its other actions. Its parts:
 *   rotation-attempt.ts  what it remembers: the state, the attempt in progress
 *   rotation-steps.ts    the steps: offer, accept, confirm, abort
 *   rotation-timers.ts   retries and timeouts
 */
export class Rotation {
  private readonly a = new RotationAttempt();
  /** The peer restarted: its next authenticated frame tells which key it came back with. */
  private peerRestarted = false;
  /** What the last key:persist said (or what the keyring was built from): a signature to notice changes. */
  private persisted: string;

  constructor(private readonly ctx: RotationContext) {
    this.persisted = signature(ctx.keyring.currentKey, ctx.keyring.pending);
    this.a.restoredNext = ctx.keyring.nextKey !== null && !this.resumeAccepting(ctx.keyring.restoredAccept);
  }

  /**
   * A next key came back from the profile with the accept it answered: we are
   * the responder of that rotation again, as before the restart (a repeated
   * offer gets the same accept, its abort drops next, a silent initiator is
   * asked again slowly). False when the accept is missing or unusable.
   */
  private resumeAccepting(accept: Buffer | null): boolean {
    if (accept === null) return false;
    let rid: Buffer;
    try {
      rid = decodeRotationPayload('rot-accept', accept).rid;
    } catch {
      return false;
    }
    const a = this.a;
    a.to('accepting');
    a.rid = Buffer.from(rid);
    a.payload = Buffer.from(accept);
    a.startedAt = a.lastSentAt = this.ctx.clock.now();
    return true;
  }

  get state(): RotationState {
    return this.a.state;
  }

  /**
   * The user asked for a rotation. If one cannot run, one key:rotation-failed
   * with the reason. If one is already running (either side's), nothing
   * changes and one key:rotation-pending says whose it is.
   */
  start(): RotationAction[] {
    return this.persist(offer(this.a, this.ctx));
  }

  /**
   * A frame from the current peer session authenticated under `slot`. Call it
   * for every such frame (onFrame calls it too, so calling both is harmless).
   * The second argument (the frame was addressed to our session) is accepted
   * and not needed: a frame under our current key, even one made after the
   * peer learned of this process, does not show that the peer will not still
   * commit a key we accepted before a restart (see the rule below).
   */
  onAuthenticated(slot: KeySlot, _toUs?: boolean): RotationAction[] {
    return this.persist(this.authenticated(slot));
  }

  private authenticated(slot: KeySlot): RotationAction[] {
    const kr = this.ctx.keyring;
    const a = this.a;
    const restarted = this.peerRestarted;
    this.peerRestarted = false;
    if (slot === 'next' && kr.nextKey !== null) {
      // Only a peer that committed K' (and saved it before sending under it) can produce a frame under it: promote.
      const old = kr.fingerprint();
      kr.promoteNext();
      kr.peerConfirmedCurrent();
      a.restoredNext = false;
      if (a.state === 'accepting') {
        a.completedRid = a.rid;
        a.end('idle');
      }
      return [this.rotated(old)];
    }
    if (slot !== 'current') return []; // previous: read, never acted on
    if (kr.nextKey !== null && restarted) {
      // A restarted initiator that had committed speaks K' (it saved K' before using it): this one never did,
      // and it cannot any more (the new process knows no rotation id). Drop next.
      kr.dropNext();
      a.restoredNext = false;
      const reason = a.state === 'accepting' ? 'the peer restarted during the rotation' : 'the rotation interrupted by the restart did not complete';
      if (a.state === 'accepting') a.end('idle');
      return [{ kind: 'event', event: 'key:rotation-failed', reason: `${reason}; ${OLD_KEY_KEPT}` }];
    }
    // Any other frame under current leaves next alone, even a next restored from the profile: the initiator may
    // still be offering, with our accept from before the restart on its way, and commit it. A next it never
    // commits was never used, so keeping it reveals nothing until an abort drops it.
    const pending = kr.pending;
    kr.peerConfirmedCurrent();
    if (a.state === 'committed') {
      a.end('idle');
      return [this.rotated(a.oldFingerprint)];
    }
    // A committed rotation that came back from the profile (we restarted before the peer proved it): done now.
    if (pending?.slot === 'previous') return [this.rotated(fingerprint(pending.key))];
    return [];
  }

  /**
   * A rotation frame (rot-*) addressed to our session, authenticated under
   * `slot`; `packet` is its packet number, when known. A frame under the
   * previous key changes nothing.
   */
  onFrame(type: FrameType, payload: Buffer, slot: KeySlot, packet?: number): RotationAction[] {
    const promoted = slot === 'next' && this.ctx.keyring.nextKey !== null;
    const out = this.authenticated(slot);
    if (slot === 'previous') return this.persist(out);
    let p: { rid: Buffer; pub?: Buffer };
    try {
      p = decodeRotationPayload(type, payload);
    } catch {
      return this.persist(out); // not a rotation frame, or malformed: the transport counts those
    }
    out.push(...onRotationFrame(this.a, this.ctx, { type, rid: p.rid, pub: p.pub, slot, packet: packet ?? 0, promoted }));
    return this.persist(out);
  }

  /**
   * The peer restarted (new session id). Call it before onAuthenticated for
   * the frame that revealed the restart: that frame's key slot tells what the
   * peer came back with. Nothing is ever reverted: a peer that committed our
   * new key saved it before it used it.
   */
  onPeerRestarted(): RotationAction[] {
    this.a.offerPacket = 0;
    this.peerRestarted = true;
    if (this.a.state === 'offering') {
      // The restarted peer has forgotten our offer; it answers a fresh copy.
      this.a.lastSentAt = this.ctx.clock.now();
      return [this.a.send('rot-offer')];
    }
    return [];
  }

  /** Retries, timeouts and key expiry that are due. */
  tick(): RotationAction[] {
    this.ctx.keyring.expire();
    return this.persist(expiredRotationTimers(this.a, this.ctx.clock.now()));
  }

  /** When tick() has something to do (absolute ms), or null. Includes the keyring's expiry. */
  nextDeadline(): number | null {
    const mine = rotationTimerDeadline(this.a);
    const keys = this.ctx.keyring.nextDeadline();
    if (mine === null) return keys;
    return keys === null ? mine : Math.min(mine, keys);
  }

  /**
   * `actions`, preceded by a key:persist when what the profile must hold has
   * changed. It goes first: every frame in `actions` is sent afterwards, under
   * the key current by then, so the profile always holds what those frames
   * commit the peer to (PROTOCOL.md: persist before sending).
   */
  private persist(actions: RotationAction[]): RotationAction[] {
    const kr = this.ctx.keyring;
    const pending = kr.pending;
    const now = signature(kr.currentKey, pending);
    if (now === this.persisted) return actions;
    this.persisted = now;
    const pendingKey: PersistedKeys['pendingKey'] = pending === null ? null : { key: encodeKey(pending.key), slot: pending.slot };
    // Accepting: the accept goes with next, so a restarted process answers a repeated offer with this same one.
    if (pendingKey !== null && pending?.slot === 'next' && this.a.state === 'accepting' && this.a.payload !== null)
      pendingKey.accept = this.a.payload.toString('base64url');
    return [{ kind: 'event', event: 'key:persist', key: encodeKey(kr.currentKey), pendingKey }, ...actions];
  }

  private rotated(oldFingerprint: string): RotationAction {
    const kr = this.ctx.keyring;
    return { kind: 'event', event: 'key:rotated', oldFingerprint, newFingerprint: kr.fingerprint(), key: encodeKey(kr.currentKey) };
  }
}

/** Tells two persisted states apart (hex of the keys; never shown). */
function signature(key: Buffer, pending: PendingKey | null): string {
  return pending === null ? key.toString('hex') : `${key.toString('hex')} ${pending.slot} ${pending.key.toString('hex')}`;
}
