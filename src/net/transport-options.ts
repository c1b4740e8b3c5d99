import type { Address } from '../address/address.js';
import type { Bus, WireMode } from '../bus.js';
import type { Clock } from '../clock.js';
import type { CongestionAlgorithm } from './congestion.js';
import type { PendingKey } from './keyring.js';
import type { DatagramPort } from './port.js';

/** What a Transport is made of (transport.ts); the connection's part is handed to connection.ts. */
export interface TransportOptions {
  bus: Bus;
  port: DatagramPort;
  /** The 32-byte Fernet key. */
  key: Buffer;
  /** A second key held until the peer proves one; see PROTOCOL.md "Key rotation". Default none. */
  pendingKey?: PendingKey | null;
  nick: string;
  wire: WireMode;
  /** Null: learn the peer from the first authenticated datagram. */
  peer: Address | null;
  /** Default systemClock. */
  clock?: Clock;
  /** Default DEFAULT_CLOCK_SKEW_S. */
  clockSkewS?: number;
  /** Default DEFAULT_TOKEN_TTL_S. */
  tokenTtlS?: number;
  /** Largest bulk datagram the path MTU search may try (ConnectionOptions); 1200 turns probing off. */
  maxBulkDatagramBytes?: number;
  /** The bulk congestion controller (ConnectionOptions); default 'cubic'. */
  congestionControl?: CongestionAlgorithm;
  /** Default true: one internal timer runs tick() at nextDeadline(). Tests with a ManualClock pass false and call tick(). */
  autoTick?: boolean;
  /** Most real time close() waits for the peer to answer the bye, in ms; default BYE_LINGER_MS (0: send it once, do not wait). */
  byeLingerMs?: number;
  /** Resolves a host name of a `set-peer` request to an IP, once; default resolvePeer (address/resolve.ts, DNS). */
  resolve?: (peer: Address) => Promise<Address>;
}
