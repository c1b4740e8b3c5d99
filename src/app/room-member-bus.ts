/**
 * What a room connection's bus says, as the room wiring (room-session.ts)
 * needs it: one callback per kind of event. Room controls are told apart
 * from any other control by their `t` (room/control.ts); no other control
 * travels on a room connection (the transfer service is not attached).
 */
import type { Bus } from '../bus.js';
import { looksLikeRoomControl } from '../room/control.js';

export interface MemberEvents {
  /** peer:state online. */
  online(): void;
  /** peer:state offline or left (the connection lives on). */
  offline(): void;
  /** The peer restarted: a new session on this connection. */
  restarted(): void;
  /** A control whose `t` is room:…. */
  control(body: string): void;
  message(text: string): void;
  /** A chat message of ours was acknowledged, or given up. */
  settled(id: string, outcome: 'delivered' | 'failed'): void;
  /** A frame arrived under the key waiting in `next` (a room rotation's): the connection promoted it. */
  rotated(): void;
  /** A warning of this connection (notes are left out: they speak of a 1:1 chat). */
  warning(message: string): void;
}

/** Subscribes `on` to `bus`; returns the unsubscribe functions. */
export function onMemberBus(bus: Bus, on: MemberEvents): Array<() => void> {
  return [
    bus.on('peer:state', ({ state }) => {
      if (state === 'online') on.online();
      else if (state === 'offline' || state === 'left') on.offline();
    }),
    bus.on('peer:restarted', () => on.restarted()),
    bus.on('xfer:control', ({ body }) => {
      if (looksLikeRoomControl(body)) on.control(body);
    }),
    bus.on('key:rotated', () => on.rotated()),
    bus.on('message:received', ({ text }) => on.message(text)),
    bus.on('message:delivered', ({ id }) => on.settled(id, 'delivered')),
    bus.on('message:failed', ({ id }) => on.settled(id, 'failed')),
    bus.on('error', (e) => {
      if (e.severity === 'warning') on.warning(e.message);
    }),
  ];
}
