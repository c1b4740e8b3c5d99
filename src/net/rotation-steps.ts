import { randomBytes } from 'node:crypto';
import { RotationKeyError } from '../crypto/errors.js';
import { deriveRotatedKey, generateRotationKeyPair } from '../crypto/rotation-kdf.js';
import { encodeRotationPayload, type FrameType } from './frame.js';
import type { KeySlot } from './keyring.js';
import { OLD_KEY_KEPT, type RotationAttempt } from './rotation-attempt.js';
import type { RotationAction, RotationContext } from './rotation-state.js';

/**
 * The steps of a rotation (PROTOCOL.md, "Key rotation"): offer, accept,
 * confirm, abort. Each is a function of the attempt (rotation-attempt.ts)
 * and the context: it changes them and the keyring, and returns what to send
 * or emit; no I/O, no clock but the context's. What the profile must hold
 * is worked out afterwards, once per input, by the Rotation (rotation.ts),
 * which also decodes the frame and handles what its key slot alone means.
 */

/** A decoded rotation frame, addressed to our session, under `slot` (current or next: the previous key never gets here). */
export interface RotationFrame {
  type: FrameType;
  rid: Buffer;
  pub?: Buffer;
  slot: KeySlot;
  /** Its packet number (0: unknown). */
  packet: number;
  /** It came under next, and that promoted next just now. */
  promoted: boolean;
}

/** start(): a fresh offer, or why not (a rotation that cannot run, or one already running). */
export function offer(a: RotationAttempt, ctx: RotationContext): RotationAction[] {
  const reason = ctx.canRotate();
  if (reason !== null) return [{ kind: 'event', event: 'key:rotation-failed', reason }];
  if (a.state !== 'idle') {
    return [{ kind: 'event', event: 'key:rotation-pending', initiator: a.state === 'accepting' ? 'peer' : 'local' }];
  }
  a.to('offering');
  a.rid = randomBytes(8);
  a.keyPair = generateRotationKeyPair();
  a.payload = encodeRotationPayload({ rid: a.rid, pub: a.keyPair.publicKey });
  a.startedAt = a.lastSentAt = ctx.clock.now();
  return [{ kind: 'event', event: 'key:rotation-pending', initiator: 'local' }, a.send('rot-offer')];
}

/** A rotation frame, after the Rotation has dealt with its key slot. */
export function onRotationFrame(a: RotationAttempt, ctx: RotationContext, f: RotationFrame): RotationAction[] {
  const ours = a.rid !== null && a.rid.equals(f.rid);
  switch (f.type) {
    case 'rot-offer':
      return onOffer(a, ctx, f.rid, f.pub!, f.slot, f.packet);
    case 'rot-accept':
      return onAccept(a, ctx, f.rid, f.pub!, f.slot, ours);
    case 'rot-confirm':
      // Under next it has just promoted (in the Rotation; after a restart we did not know the rid); under current it
      // is a repeat whose ack was lost.
      if (f.promoted) a.completedRid = Buffer.from(f.rid);
      return a.completedRid?.equals(f.rid) ? [a.send('rot-confirm-ack', f.rid)] : [];
    case 'rot-confirm-ack':
      // Completion itself came from the slot (the ack travels under the new key).
      return [];
    case 'rot-abort':
      a.retire(f.rid);
      if (a.restoredNext && f.slot === 'current') {
        // The initiator gave an offer up: the one we answered before the restart (it commits nothing after an
        // abort), or a later one (then it had given ours up before). Either way it never uses our next.
        ctx.keyring.dropNext();
        a.restoredNext = false;
        return [{ kind: 'event', event: 'key:rotation-failed', reason: `the rotation interrupted by the restart did not complete; ${OLD_KEY_KEPT}` }];
      }
      if (a.state === 'accepting' && ours) {
        ctx.keyring.dropNext();
        a.end('idle');
        return [{ kind: 'event', event: 'key:rotation-failed', reason: `the peer abandoned the rotation; ${OLD_KEY_KEPT}` }];
      }
      return [];
    default:
      // Only rotation frames are passed here (the transport routes the rest elsewhere).
      return [];
  }
}

function onOffer(a: RotationAttempt, ctx: RotationContext, rid: Buffer, pub: Buffer, slot: KeySlot, packet: number): RotationAction[] {
  if (slot !== 'current' || a.isRetired(rid) || a.restoredNext) return [];
  switch (a.state) {
    case 'idle':
      return accept(a, ctx, rid, pub, packet, true);
    case 'accepting':
      if (a.rid!.equals(rid)) return [a.send('rot-accept')];
      // A different rid: the initiator gave the old one up, unless this offer is older than it.
      if (packet !== 0 && a.offerPacket !== 0 && packet < a.offerPacket) return [];
      a.retire(a.rid!);
      ctx.keyring.dropNext();
      return accept(a, ctx, rid, pub, packet, false);
    case 'offering': {
      const peer = ctx.peerSession();
      if (a.rid!.equals(rid) || peer === null || peer >= ctx.localSession()) return [];
      // Both offered: the lower session id wins and we answer as responder.
      a.abandon();
      return accept(a, ctx, rid, pub, packet, true);
    }
    case 'committed':
      return [];
  }
}

function accept(a: RotationAttempt, ctx: RotationContext, rid: Buffer, pub: Buffer, packet: number, announce: boolean): RotationAction[] {
  const pair = generateRotationKeyPair();
  let next: Buffer;
  try {
    next = deriveRotatedKey(pair, pub, ctx.keyring.currentKey);
  } catch (err) {
    if (err instanceof RotationKeyError) {
      if (a.state !== 'idle') a.end('idle');
      return [];
    }
    throw err;
  }
  ctx.keyring.setNext(next);
  a.to('accepting');
  a.rid = Buffer.from(rid);
  a.payload = encodeRotationPayload({ rid, pub: pair.publicKey });
  a.startedAt = a.lastSentAt = ctx.clock.now();
  a.offerPacket = packet;
  a.unconfirmedReported = false;
  const out: RotationAction[] = announce ? [{ kind: 'event', event: 'key:rotation-pending', initiator: 'peer' }] : [];
  return [...out, a.send('rot-accept')];
}

function onAccept(a: RotationAttempt, ctx: RotationContext, rid: Buffer, pub: Buffer, slot: KeySlot, ours: boolean): RotationAction[] {
  if (a.isAbandoned(rid)) return [a.send('rot-abort', rid)];
  if (!ours) return [];
  if (a.state === 'committed') return a.acceptPub?.equals(pub) ? [a.send('rot-confirm')] : [];
  if (a.state !== 'offering' || slot !== 'current') return [];
  const kr = ctx.keyring;
  let next: Buffer;
  try {
    next = deriveRotatedKey(a.keyPair!, pub, kr.currentKey);
  } catch (err) {
    if (!(err instanceof RotationKeyError)) throw err;
    const abort = a.send('rot-abort');
    a.abandon();
    a.end('idle');
    return [abort, { kind: 'event', event: 'key:rotation-failed', reason: `the peer's rotation key is unusable; ${OLD_KEY_KEPT}` }];
  }
  a.keyPair = null; // forward secrecy: the ephemeral private key goes as soon as K' exists
  a.oldFingerprint = kr.fingerprint();
  kr.dropNext(); // whatever waited there is stale: the peer just answered under our current key
  a.restoredNext = false;
  kr.commit(next);
  a.to('committed');
  a.acceptPub = Buffer.from(pub);
  a.payload = null;
  a.startedAt = a.lastSentAt = ctx.clock.now();
  a.unconfirmedReported = false;
  return [a.send('rot-confirm')];
}
