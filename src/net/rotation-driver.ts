import type { KeySlot } from './keyring.js';
import type { FrameType } from './frame.js';
import type { Link } from './link.js';
import { Rotation } from './rotation.js';
import type { RotationAction } from './rotation-state.js';
import type { Outbound } from './send.js';

/**
 * Runs the Rotation machine (rotation.ts) for the transport: feeds it what
 * the receive path and the timers see, and executes what it returns — frames
 * go out through the send path (under whatever key is current at that
 * moment, as the protocol wants), facts go on the bus. The machine itself
 * changes the keyring.
 */
export class RotationDriver {
  private readonly rotation: Rotation;

  constructor(
    private readonly link: Link,
    private readonly out: Outbound,
  ) {
    this.rotation = new Rotation({
      clock: link.clock,
      keyring: link.keyring,
      localSession: () => link.sessionId,
      peerSession: () => link.peerSessions.id,
      canRotate: () => this.refusal(),
    });
  }

  /** The user asked (bus `rotate`). */
  start(): void {
    this.run(this.rotation.start());
  }

  authenticated(slot: KeySlot): void {
    this.run(this.rotation.onAuthenticated(slot));
  }

  frame(type: FrameType, payload: Buffer, slot: KeySlot, packet: number): void {
    this.run(this.rotation.onFrame(type, payload, slot, packet));
  }

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
    const { link } = this;
    if (link.wire === 'raw') return 'key rotation needs --wire reliable on both sides; this chat runs --wire raw';
    if (link.peerIsRaw) return 'the peer speaks raw Fernet (no frames), so it cannot rotate keys';
    if (link.peerSessions.id === null || link.peer === null) return 'the peer has not answered yet; rotation needs a connected peer';
    if (link.state === 'offline') return 'the peer is offline';
    return null;
  }

  private run(actions: RotationAction[]): void {
    const { bus } = this.link;
    for (const a of actions) {
      if (a.kind === 'send') this.out.sendControl(a.type, a.payload);
      else if (a.event === 'key:rotation-pending') bus.emit('key:rotation-pending', { initiator: a.initiator });
      else if (a.event === 'key:rotated') bus.emit('key:rotated', { oldFingerprint: a.oldFingerprint, newFingerprint: a.newFingerprint, key: a.key });
      else if (a.event === 'key:rotation-failed') bus.emit('key:rotation-failed', { reason: a.reason });
      else if (a.event === 'key:persist') bus.emit('key:persist', { key: a.key, pendingKey: a.pendingKey });
      else bus.emit('error', { severity: 'warning', message: a.message });
    }
  }
}
