import type { Address } from '../address/address.js';
import type { Bus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { ConnectionOptions } from './connection-options.js';
import type { AcceptedOptions, AcceptInfo } from './endpoint.js';
import type { MeshMember } from './mesh-member.js';
import type { DatagramPort } from './port.js';

/** What a Mesh (mesh.ts) is made of: the shell's part; each member brings its own connection options. */
export interface MeshOptions {
  port: DatagramPort;
  /** Default systemClock. */
  clock?: Clock;
  /** Resolves a host name of a `set-peer` request to an IP, once; default resolvePeer (address/resolve.ts, DNS). */
  resolve?: (peer: Address) => Promise<Address>;
  /** Default true: one internal timer runs tick() at nextDeadline(). Tests with a ManualClock pass false and call tick(). */
  autoTick?: boolean;
  /** Most real time a bye waits for its answer (close(), remove()), in ms; default BYE_LINGER_MS (0: send it once, do not wait). */
  byeLingerMs?: number;
  /** Who may dial in (rooms); default none: a stranger's datagram goes where the 1:1 rules put it (endpoint.ts). */
  accept?: MeshAccept | null;
}

/** A member's connection: its creation time is the mesh's clock. */
export type MemberOptions = Omit<ConnectionOptions, 'now'>;

/** The accept policy as the mesh takes it (endpoint.ts AcceptPolicy, with a bus per seat). */
export interface MeshAccept {
  /** The keys a stranger's token is tried under when no member's connection opens it (the room key; newest first). */
  keys(): readonly Buffer[];
  /** A seat for this stranger: the bus its facts go to and its connection's options (the peer is learned); or null: dropped as 'refused'. */
  decide(info: AcceptInfo): { bus: Bus; options: AcceptedOptions } | null;
  /** The new member, subscribed to its bus, before its first datagram is handled. Default none. */
  accepted?(member: MeshMember): void;
}
