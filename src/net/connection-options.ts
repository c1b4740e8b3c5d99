import type { Address } from '../address/address.js';
import type { WireMode } from '../bus.js';
import type { CongestionAlgorithm } from './congestion.js';
import type { SessionId } from './frame.js';
import type { PendingKey } from './keyring.js';

/** What a Connection (connection.ts) is made of; defaults filled in there. The Transport builds one from its TransportOptions. */
export interface ConnectionOptions {
  /** The 32-byte Fernet key. */
  key: Buffer;
  /** A second key held until the peer proves one (PROTOCOL.md "Key rotation"); default none. */
  pendingKey?: PendingKey | null;
  nick: string;
  wire: WireMode;
  /** Null: learn the peer from the first authenticated datagram. */
  peer: Address | null;
  /** Creation time, ms on the caller's clock. */
  now: number;
  /** Default DEFAULT_CLOCK_SKEW_S. */
  clockSkewS?: number;
  /** Default DEFAULT_TOKEN_TTL_S. */
  tokenTtlS?: number;
  /** Default: a fresh random session id. */
  sessionId?: SessionId;
  /**
   * Largest bulk datagram the path MTU search may try, in bytes; default
   * MAX_ACCEPTED_DATAGRAM_BYTES. MAX_DATAGRAM_BYTES (1200) turns probing off:
   * bulk data then uses 1200-byte datagrams like everything else.
   */
  maxBulkDatagramBytes?: number;
  /**
   * A room's connection (#15): its keys are set from outside by the room's
   * rotation (setNextKey, switchKey, dropNextKey), and the 1:1 rotation's
   * frames are refused (trust.ts refusedInRoom). Default false.
   */
  roomKeys?: boolean;
  /** The bulk congestion controller: 'cubic' (RFC 9438, the default) or 'newreno' (RFC 9002 §7). */
  congestionControl?: CongestionAlgorithm;
}
