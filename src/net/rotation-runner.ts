import type { WireMode } from '../bus.js';
import type { Clock } from '../clock.js';
import type { ActionQueue } from './actions.js';
import type { Frame, SessionId } from './frame.js';
import { isRotationFrame } from './frame.js';
import type { Keyring, KeySlot } from './keyring.js';
import type { PeerSessions } from './peer-session.js';
import type { PeerState } from './peer-state.js';
import { Rotation } from './rotation.js';
import type { RotationAction, RotationState } from './rotation-state.js';
import type { SendPath } from './send-path.js';

/**
 * Runs one connection's rotation machine (rotation.ts): feeds it what the
 * receive path and the clock see — only what the trust table lets reach it —
 * and carries out what it returns. Frames go out through the send path
 * (under whatever key is current at that moment, as the protocol wants);
 * events go to the outbox as the machine names them, so an event it adds
 * (key:persist, say) flows through without this code knowing it. The one
 * event that is not a bus event, 'rotation-unconfirmed', becomes a warning.
 */
export class RotationRunner {
  private readonly rotation: Rotation;

  constructor(
    private readonly o: {
      clock: Clock;
      keyring: Keyring;
      sessionId: SessionId;
      wire: WireMode;
      roomKeys: boolean;
      sessions: PeerSessions;
      peer: PeerState;
      sender: SendPath;
      out: ActionQueue;
    },
  ) {
    this.rotation = new Rotation({
      clock: o.clock,
      keyring: o.keyring,
      localSession: () => o.sessionId,
      peerSession: () => o.sessions.id,
      canRotate: () => this.refusal(),
    });
  }

  get state(): RotationState {
    return this.rotation.state;
  }

  /** The user asked. */
  start(): void {
    this.run(this.rotation.start());
  }

  /** A frame of the current peer session with the `rotate` right; a rot-* frame reaches the machine only when addressed to us. */
  frame(f: Frame, slot: KeySlot, toUs: boolean): void {
    if (isRotationFrame(f.type) && toUs) this.run(this.rotation.onFrame(f.type, f.payload, slot, f.packet));
    else this.run(this.rotation.onAuthenticated(slot, toUs));
  }

  /** Before anything else of the frame that revealed the peer's restart. */
  peerRestarted(): void {
    this.run(this.rotation.onPeerRestarted());
  }

  tick(): void {
    this.run(this.rotation.tick());
  }

  nextDeadline(): number | null {
    return this.rotation.nextDeadline();
  }

  /** Why a rotation cannot start now, or null. */
  private refusal(): string | null {
    const { wire, peer, sessions } = this.o;
    if (this.o.roomKeys) return 'in a room the whole room rotates its key together (Ctrl-K or /rotate in the room)';
    if (wire === 'raw') return 'key rotation needs --wire reliable on both sides; this chat runs --wire raw';
    if (peer.isRaw) return 'the peer speaks raw Fernet (no frames), so it cannot rotate keys';
    if (sessions.id === null || peer.address === null) return 'the peer has not answered yet; rotation needs a connected peer';
    if (peer.away) return peer.state === 'left' ? 'the peer left' : 'the peer is offline';
    return null;
  }

  private run(actions: RotationAction[]): void {
    const { sender, out, clock } = this.o;
    for (const a of actions) {
      if (a.kind === 'send') {
        sender.control(a.type, clock.now(), a.payload);
      } else if (a.event === 'rotation-unconfirmed') {
        out.fact('error', { severity: 'warning', message: a.message });
      } else {
        const payload: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(a)) if (k !== 'kind' && k !== 'event') payload[k] = v;
        out.forward(a.event, payload);
      }
    }
  }
}
