import type { Address } from '../address/address.js';
import type { BusEventName, BusEvents } from '../bus.js';
import type { FrameType } from './frame.js';

/**
 * What a Connection (connection.ts) asks its caller to do, drained by
 * poll(): datagrams to put on the wire and facts for the bus. The connection
 * performs no I/O; the shell (mesh.ts) executes these in order.
 */

/** One datagram (a Fernet token) to send to `to`. `what` names its content, for tests and traces. */
export interface TransmitAction {
  kind: 'transmit';
  to: Address;
  datagram: Buffer;
  what: FrameType | 'raw';
}

/**
 * A fact for the bus, by name. Rotation events are forwarded as the
 * rotation machine names them, so an event it adds reaches the bus without
 * the connection knowing it (the bus must declare it, see bus.ts).
 */
export interface EventAction {
  kind: 'event';
  event: BusEventName;
  payload: unknown;
}

export type ConnAction = TransmitAction | EventAction;

/** The connection's outbox, in order. */
export class ActionQueue {
  private items: ConnAction[] = [];

  transmit(to: Address, datagram: Buffer, what: FrameType | 'raw'): void {
    this.items.push({ kind: 'transmit', to, datagram, what });
  }

  fact<K extends BusEventName>(event: K, payload: BusEvents[K]): void {
    this.items.push({ kind: 'event', event, payload });
  }

  /** A fact whose name and payload come from elsewhere (the rotation machine). */
  forward(event: BusEventName, payload: unknown): void {
    this.items.push({ kind: 'event', event, payload });
  }

  get length(): number {
    return this.items.length;
  }

  /** Everything queued, oldest first; the queue is empty afterwards. */
  drain(): ConnAction[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}
