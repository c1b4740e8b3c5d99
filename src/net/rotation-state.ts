import type { PersistedKeys } from '../bus.js';
import type { Clock } from '../clock.js';
import { RotationStateError } from './errors.js';
import type { SessionId } from './frame.js';
import type { Keyring } from './keyring.js';

/**
 * The key rotation of src/net/PROTOCOL.md as a pure state machine. It drives
 * the keyring itself and returns what the transport must send (under
 * keyring.current at that moment), emit, or write to the profile
 * (`key:persist`, always before the frames it makes possible); it owns no
 * timer (tick / nextDeadline) and no socket.
 *
 *                    ┌────────── timeout: rot-abort, failed ───────────┐
 *                    ▼                                                  │
 *   ┌──────────────▶ idle ───────────── start(): rot-offer ─────────▶ offering
 *   │                │  ▲                                               │    │
 *   │     rot-offer  │  │ a frame under next: promote, rotated          │    │ rot-accept (our rid,
 *   │ (under current)│  │ rot-abort, or the restarted peer's first      │    │ under current):
 *   │ persist {K,K'} │  │ frame under current: drop next, failed        │    │ persist {K',K},
 *   │ then rot-accept▼  │                                               │    │ then rot-confirm
 *   │             accepting ◀──── the peer's offer; lower session wins ─┘    ▼
 *   │               │   ▲                                               committed
 *   │               └───┘ a newer offer replaces a stale one                 │
 *   │                                                                        │
 *   └── rot-confirm-ack or any frame under current: rotated, persist {K'} ───┘
 *
 * After a restart the keyring comes back with the pending key in its slot.
 * A pending next (we were accepting) comes with the accept it answered, and
 * the machine is accepting again, as before: a repeated offer gets the same
 * accept, a frame under next promotes, an abort, a newer offer or a
 * restarted initiator drops it — never a mere frame under current, since the
 * initiator may still commit the accept our previous process sent. A pending
 * previous (we had committed) leaves the machine idle; the first frame under
 * current settles it.
 *
 * Rules that keep the two peers able to read each other:
 * - Persist before sending: the responder saves K' as pending before its
 *   accept leaves, the initiator saves {K', K} before anything leaves under
 *   K'. So whenever one side uses K', the other holds it at least as pending,
 *   and nothing ever needs to go back to an older key: there is no revert.
 * - An offer is taken only under our current key, an accept only under the
 *   initiator's current key: the HKDF salt (the current key) is then the same
 *   on both sides.
 * - A frame under the previous key changes nothing here (no promotion, no
 *   abort, no offer, no completion).
 * - The responder never drops next on a timer (the initiator may have
 *   committed): it reports "unconfirmed" and waits for a frame under next, an
 *   abort, a newer offer or the restarted peer's first frame under current.
 * - The initiator never aborts after committing and never goes back; it
 *   completes on any frame under the new key.
 * - Rotation ids are random; an unknown rid is ignored. Ended rids are
 *   remembered so a late duplicate cannot restart them, and an accept for one
 *   of our abandoned rids is answered with another rot-abort.
 * - With packet numbers (onFrame's 4th argument) a delayed offer of an older
 *   attempt cannot replace the one being accepted.
 */

export type RotationState = 'idle' | 'offering' | 'accepting' | 'committed';

const STEPS: Record<RotationState, readonly RotationState[]> = {
  idle: ['offering', 'accepting'],
  offering: ['committed', 'idle', 'accepting'],
  accepting: ['idle', 'accepting'],
  committed: ['idle'],
};

/** `to`, if the diagram has the step; else RotationStateError naming both states. */
export function transition(from: RotationState, to: RotationState): RotationState {
  if (!STEPS[from]?.includes(to)) throw new RotationStateError(from, to);
  return to;
}

export type RotationFrameType = 'rot-offer' | 'rot-accept' | 'rot-confirm' | 'rot-confirm-ack' | 'rot-abort';

export type RotationAction =
  | { kind: 'send'; type: RotationFrameType; payload: Buffer }
  | { kind: 'event'; event: 'key:rotation-pending'; initiator: 'local' | 'peer' }
  | { kind: 'event'; event: 'key:rotated'; oldFingerprint: string; newFingerprint: string; key: string }
  | { kind: 'event'; event: 'key:rotation-failed'; reason: string }
  /** What the profile must hold from now on (bus.ts `key:persist`): execute it before the frames that follow it. */
  | ({ kind: 'event'; event: 'key:persist' } & PersistedKeys)
  | { kind: 'event'; event: 'rotation-unconfirmed'; message: string };

export interface RotationContext {
  clock: Clock;
  keyring: Keyring;
  localSession: () => SessionId;
  peerSession: () => SessionId | null;
  /** Null when a rotation may start, else why not (raw peer, raw mode, no peer). Asked by start() only: an offer that arrived is a frame, so the peer is not raw. */
  canRotate: () => string | null;
}
