import { randomBytes } from 'node:crypto';
import { ROTATION_RETRY_MS, ROTATION_TIMEOUT_MS, ROTATION_UNCONFIRMED_RETRY_MS } from '../constants.js';
import type { PersistedKeys } from '../bus.js';
import { RotationKeyError } from '../crypto/errors.js';
import { encodeKey, fingerprint } from '../crypto/keys.js';
import { deriveRotatedKey, generateRotationKeyPair, type RotationKeyPair } from '../crypto/rotation-kdf.js';
import { decodeRotationPayload, encodeRotationPayload, type FrameType } from './frame.js';
import type { KeySlot, PendingKey } from './keyring.js';
import { transition, type RotationAction, type RotationContext, type RotationFrameType, type RotationState } from './rotation-state.js';

/** Ended rotation ids remembered, per side. */
const RETIRED_RIDS_KEPT = 16;
const OLD_KEY_KEPT = 'the old key is still in use';

/** The rotation state machine: its diagram and the rules that keep both peers able to read each other are in rotation-state.ts. */
export class Rotation {
  private st: RotationState = 'idle';
  /** The rotation in progress (ours while offering/committed, the peer's while accepting). */
  private rid: Buffer | null = null;
  private keyPair: RotationKeyPair | null = null;
  /** The offer (offering) or accept (accepting) we repeat. */
  private payload: Buffer | null = null;
  /** The accept's public key we committed with; a repeat must carry the same. */
  private acceptPub: Buffer | null = null;
  private startedAt = 0;
  private lastSentAt = 0;
  private unconfirmedReported = false;
  private oldFingerprint = '';
  /** The peer restarted: its next authenticated frame tells which key it came back with. */
  private peerRestarted = false;
  /** What the last key:persist said (or what the keyring was built from): a signature to notice changes. */
  private persisted: string;
  /**
   * Next came back from the profile without the accept it answered (a profile written before accepts were kept):
   * the initiator may still commit the accept our previous process sent, for a rotation id we do not know. Until
   * next is settled we answer no offer (a second, different accept for that id could be the one it commits
   * instead); any abort or the initiator's restart drops it.
   */
  private restoredNext: boolean;
  /** Packet number of the offer being accepted (0: unknown). */
  private offerPacket = 0;
  /** The last rotation completed as responder: a repeated confirm of it gets another confirm-ack. */
  private completedRid: Buffer | null = null;
  private readonly retired: string[] = [];
  private readonly abandoned: string[] = [];

  constructor(private readonly ctx: RotationContext) {
    this.persisted = signature(ctx.keyring.currentKey, ctx.keyring.pending);
    this.restoredNext = ctx.keyring.nextKey !== null && !this.resumeAccepting(ctx.keyring.restoredAccept);
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
    this.to('accepting');
    this.rid = Buffer.from(rid);
    this.payload = Buffer.from(accept);
    this.startedAt = this.lastSentAt = this.ctx.clock.now();
    return true;
  }

  get state(): RotationState {
    return this.st;
  }

  /**
   * The user asked for a rotation. If one cannot run, one key:rotation-failed
   * with the reason. If one is already running (either side's), nothing
   * changes and one key:rotation-pending says whose it is.
   */
  start(): RotationAction[] {
    return this.persist(this.begin());
  }

  private begin(): RotationAction[] {
    const reason = this.ctx.canRotate();
    if (reason !== null) return [{ kind: 'event', event: 'key:rotation-failed', reason }];
    if (this.st !== 'idle') {
      return [{ kind: 'event', event: 'key:rotation-pending', initiator: this.st === 'accepting' ? 'peer' : 'local' }];
    }
    this.to('offering');
    this.rid = randomBytes(8);
    this.keyPair = generateRotationKeyPair();
    this.payload = encodeRotationPayload({ rid: this.rid, pub: this.keyPair.publicKey });
    this.startedAt = this.lastSentAt = this.ctx.clock.now();
    return [{ kind: 'event', event: 'key:rotation-pending', initiator: 'local' }, this.send('rot-offer')];
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
    const restarted = this.peerRestarted;
    this.peerRestarted = false;
    if (slot === 'next' && kr.nextKey !== null) {
      // Only a peer that committed K' (and saved it before sending under it) can produce a frame under it: promote.
      const old = kr.fingerprint();
      kr.promoteNext();
      kr.peerConfirmedCurrent();
      this.restoredNext = false;
      if (this.st === 'accepting') {
        this.completedRid = this.rid;
        this.end('idle');
      }
      return [this.rotated(old)];
    }
    if (slot !== 'current') return []; // previous: read, never acted on
    if (kr.nextKey !== null && restarted) {
      // A restarted initiator that had committed speaks K' (it saved K' before using it): this one never did,
      // and it cannot any more (the new process knows no rotation id). Drop next.
      kr.dropNext();
      this.restoredNext = false;
      const reason = this.st === 'accepting' ? 'the peer restarted during the rotation' : 'the rotation interrupted by the restart did not complete';
      if (this.st === 'accepting') this.end('idle');
      return [{ kind: 'event', event: 'key:rotation-failed', reason: `${reason}; ${OLD_KEY_KEPT}` }];
    }
    // Any other frame under current leaves next alone, even a next restored from the profile: the initiator may
    // still be offering, with our accept from before the restart on its way, and commit it. A next it never
    // commits was never used, so keeping it reveals nothing until an abort drops it.
    const pending = kr.pending;
    kr.peerConfirmedCurrent();
    if (this.st === 'committed') {
      this.end('idle');
      return [this.rotated(this.oldFingerprint)];
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
    const promotes = slot === 'next' && this.ctx.keyring.nextKey !== null;
    const out = this.authenticated(slot);
    if (slot === 'previous') return this.persist(out);
    let p: { rid: Buffer; pub?: Buffer };
    try {
      p = decodeRotationPayload(type, payload);
    } catch {
      return this.persist(out); // not a rotation frame, or malformed: the transport counts those
    }
    const ours = this.rid !== null && this.rid.equals(p.rid);
    switch (type) {
      case 'rot-offer':
        out.push(...this.onOffer(p.rid, p.pub!, slot, packet ?? 0));
        break;
      case 'rot-accept':
        out.push(...this.onAccept(p.rid, p.pub!, slot, ours));
        break;
      case 'rot-confirm':
        // Under next it has just promoted (above; after a restart we did not know the rid); under current it is a
        // repeat whose ack was lost.
        if (promotes) this.completedRid = Buffer.from(p.rid);
        if (this.completedRid?.equals(p.rid)) out.push(this.send('rot-confirm-ack', p.rid));
        break;
      case 'rot-confirm-ack':
        // Completion itself came from the slot (the ack travels under the new key).
        break;
      case 'rot-abort':
        this.retire(p.rid);
        if (this.restoredNext && slot === 'current') {
          // The initiator gave an offer up: the one we answered before the restart (it commits nothing after an
          // abort), or a later one (then it had given ours up before). Either way it never uses our next.
          this.ctx.keyring.dropNext();
          this.restoredNext = false;
          out.push({ kind: 'event', event: 'key:rotation-failed', reason: `the rotation interrupted by the restart did not complete; ${OLD_KEY_KEPT}` });
        } else if (this.st === 'accepting' && ours) {
          this.ctx.keyring.dropNext();
          this.end('idle');
          out.push({ kind: 'event', event: 'key:rotation-failed', reason: `the peer abandoned the rotation; ${OLD_KEY_KEPT}` });
        }
        break;
      default:
        // Only rotation frames are passed here (the transport routes the rest elsewhere).
        break;
    }
    return this.persist(out);
  }

  /**
   * The peer restarted (new session id). Call it before onAuthenticated for
   * the frame that revealed the restart: that frame's key slot tells what the
   * peer came back with. Nothing is ever reverted: a peer that committed our
   * new key saved it before it used it.
   */
  onPeerRestarted(): RotationAction[] {
    this.offerPacket = 0;
    this.peerRestarted = true;
    if (this.st === 'offering') {
      // The restarted peer has forgotten our offer; it answers a fresh copy.
      this.lastSentAt = this.ctx.clock.now();
      return [this.send('rot-offer')];
    }
    return [];
  }

  /** Retries, timeouts and key expiry that are due. */
  tick(): RotationAction[] {
    return this.persist(this.due());
  }

  private due(): RotationAction[] {
    this.ctx.keyring.expire();
    const now = this.ctx.clock.now();
    const timedOut = now >= this.startedAt + ROTATION_TIMEOUT_MS;
    const retryDue = now >= this.lastSentAt + ROTATION_RETRY_MS;
    switch (this.st) {
      case 'offering':
        if (timedOut) {
          const abort = this.send('rot-abort');
          this.abandon();
          this.end('idle');
          return [abort, { kind: 'event', event: 'key:rotation-failed', reason: `the peer did not answer; ${OLD_KEY_KEPT}` }];
        }
        if (retryDue) {
          this.lastSentAt = now;
          return [this.send('rot-offer')];
        }
        return [];
      case 'committed':
        if (this.unconfirmedReported) return [];
        if (timedOut) return this.unconfirmed('the peer has not confirmed the new key yet; it is used as soon as the peer answers');
        if (retryDue) {
          this.lastSentAt = now;
          return [this.send('rot-confirm')];
        }
        return [];
      case 'accepting':
        if (!this.unconfirmedReported && timedOut) {
          this.lastSentAt = now;
          return this.unconfirmed(`key rotation not confirmed by the peer yet; ${OLD_KEY_KEPT}, the new one waits for the peer`);
        }
        // Keep asking, slowly: an initiator that gave up answers with rot-abort (its first one may
        // have been lost), one that committed answers under the new key — either way this ends.
        if (this.unconfirmedReported && now >= this.lastSentAt + ROTATION_UNCONFIRMED_RETRY_MS) {
          this.lastSentAt = now;
          return [this.send('rot-accept')];
        }
        return [];
      case 'idle':
        return [];
    }
  }

  /** When tick() has something to do (absolute ms), or null. Includes the keyring's expiry. */
  nextDeadline(): number | null {
    let mine: number | null = null;
    const timeout = this.startedAt + ROTATION_TIMEOUT_MS;
    const retry = this.lastSentAt + ROTATION_RETRY_MS;
    if (this.st === 'offering') mine = Math.min(timeout, retry);
    else if (this.st === 'committed' && !this.unconfirmedReported) mine = Math.min(timeout, retry);
    else if (this.st === 'accepting') mine = this.unconfirmedReported ? this.lastSentAt + ROTATION_UNCONFIRMED_RETRY_MS : timeout;
    const keys = this.ctx.keyring.nextDeadline();
    if (mine === null) return keys;
    return keys === null ? mine : Math.min(mine, keys);
  }

  private onOffer(rid: Buffer, pub: Buffer, slot: KeySlot, packet: number): RotationAction[] {
    if (slot !== 'current' || this.isRetired(rid) || this.restoredNext) return [];
    switch (this.st) {
      case 'idle':
        return this.accept(rid, pub, packet, true);
      case 'accepting':
        if (this.rid!.equals(rid)) return [this.send('rot-accept')];
        // A different rid: the initiator gave the old one up, unless this offer is older than it.
        if (packet !== 0 && this.offerPacket !== 0 && packet < this.offerPacket) return [];
        this.retire(this.rid!);
        this.ctx.keyring.dropNext();
        return this.accept(rid, pub, packet, false);
      case 'offering': {
        const peer = this.ctx.peerSession();
        if (this.rid!.equals(rid) || peer === null || peer >= this.ctx.localSession()) return [];
        // Both offered: the lower session id wins and we answer as responder.
        this.abandon();
        return this.accept(rid, pub, packet, true);
      }
      case 'committed':
        return [];
    }
  }

  private accept(rid: Buffer, pub: Buffer, packet: number, announce: boolean): RotationAction[] {
    const pair = generateRotationKeyPair();
    let next: Buffer;
    try {
      next = deriveRotatedKey(pair, pub, this.ctx.keyring.currentKey);
    } catch (err) {
      if (err instanceof RotationKeyError) {
        if (this.st !== 'idle') this.end('idle');
        return [];
      }
      throw err;
    }
    this.ctx.keyring.setNext(next);
    this.to('accepting');
    this.rid = Buffer.from(rid);
    this.payload = encodeRotationPayload({ rid, pub: pair.publicKey });
    this.startedAt = this.lastSentAt = this.ctx.clock.now();
    this.offerPacket = packet;
    this.unconfirmedReported = false;
    const out: RotationAction[] = announce ? [{ kind: 'event', event: 'key:rotation-pending', initiator: 'peer' }] : [];
    return [...out, this.send('rot-accept')];
  }

  private onAccept(rid: Buffer, pub: Buffer, slot: KeySlot, ours: boolean): RotationAction[] {
    if (this.abandoned.includes(rid.toString('hex'))) return [this.send('rot-abort', rid)];
    if (!ours) return [];
    if (this.st === 'committed') return this.acceptPub?.equals(pub) ? [this.send('rot-confirm')] : [];
    if (this.st !== 'offering' || slot !== 'current') return [];
    const kr = this.ctx.keyring;
    let next: Buffer;
    try {
      next = deriveRotatedKey(this.keyPair!, pub, kr.currentKey);
    } catch (err) {
      if (!(err instanceof RotationKeyError)) throw err;
      const abort = this.send('rot-abort');
      this.abandon();
      this.end('idle');
      return [abort, { kind: 'event', event: 'key:rotation-failed', reason: `the peer's rotation key is unusable; ${OLD_KEY_KEPT}` }];
    }
    this.keyPair = null; // forward secrecy: the ephemeral private key goes as soon as K' exists
    this.oldFingerprint = kr.fingerprint();
    kr.dropNext(); // whatever waited there is stale: the peer just answered under our current key
    this.restoredNext = false;
    kr.commit(next);
    this.to('committed');
    this.acceptPub = Buffer.from(pub);
    this.payload = null;
    this.startedAt = this.lastSentAt = this.ctx.clock.now();
    this.unconfirmedReported = false;
    return [this.send('rot-confirm')];
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
    if (pendingKey !== null && pending?.slot === 'next' && this.st === 'accepting' && this.payload !== null)
      pendingKey.accept = this.payload.toString('base64url');
    return [{ kind: 'event', event: 'key:persist', key: encodeKey(kr.currentKey), pendingKey }, ...actions];
  }

  /** Offers and accepts repeat the stored payload (same ephemeral key); the others carry only a rid. */
  private send(type: RotationFrameType, rid?: Buffer): RotationAction {
    const payload = type === 'rot-offer' || type === 'rot-accept' ? this.payload! : encodeRotationPayload({ rid: rid ?? this.rid! });
    return { kind: 'send', type, payload };
  }

  private rotated(oldFingerprint: string): RotationAction {
    const kr = this.ctx.keyring;
    return { kind: 'event', event: 'key:rotated', oldFingerprint, newFingerprint: kr.fingerprint(), key: encodeKey(kr.currentKey) };
  }

  private unconfirmed(message: string): RotationAction[] {
    this.unconfirmedReported = true;
    return [{ kind: 'event', event: 'rotation-unconfirmed', message }];
  }

  private to(state: RotationState): void {
    this.st = transition(this.st, state);
  }

  /** Leave the current rotation: its rid is retired and its secrets dropped. */
  private end(state: RotationState): void {
    if (this.rid !== null) this.retire(this.rid);
    this.to(state);
    this.rid = null;
    this.keyPair = null;
    this.payload = null;
    this.acceptPub = null;
  }

  /** Our own offer is given up (timeout, lost tie-break): remember it to re-abort late accepts. */
  private abandon(): void {
    remember(this.abandoned, this.rid!.toString('hex'));
    this.keyPair = null;
  }

  private retire(rid: Buffer): void {
    remember(this.retired, rid.toString('hex'));
  }

  private isRetired(rid: Buffer): boolean {
    return this.retired.includes(rid.toString('hex'));
  }
}

/** Tells two persisted states apart (hex of the keys; never shown). */
function signature(key: Buffer, pending: PendingKey | null): string {
  return pending === null ? key.toString('hex') : `${key.toString('hex')} ${pending.slot} ${pending.key.toString('hex')}`;
}

function remember(list: string[], hex: string): void {
  if (list.includes(hex)) return;
  list.push(hex);
  if (list.length > RETIRED_RIDS_KEPT) list.shift();
}
