/**
 * A datagram port: what the transport needs of a socket, and nothing more.
 *
 * Two implementations: `udp.ts` (a real node:dgram socket, IPv4 or IPv6) and
 * `memory.ts` (an in-process network with seeded loss, duplication,
 * reordering and delay, for tests and the bench). The transport cannot tell
 * them apart.
 */
import type { Address } from '../address/address.js';

export interface DatagramPort {
  /**
   * Send one datagram. Never throws for network trouble (unreachable host,
   * ICMP refused, buffer full): that is reported through onError, because a
   * chat must survive its peer being down.
   */
  send(data: Buffer, to: Address): void;
  /** Receive datagrams; returns the unsubscribe function. */
  onDatagram(handler: (data: Buffer, from: Address) => void): () => void;
  /** Non-fatal socket errors; returns the unsubscribe function. */
  onError(handler: (err: Error) => void): () => void;
  /** The bound local address. */
  address(): Address;
  close(): Promise<void>;
}
