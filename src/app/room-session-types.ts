/**
 * A room session's public types (#15): what openRoomSession
 * (room-session.ts) returns and what tests may inject.
 */
import type { Address } from '../address/address.js';
import type { Bus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { Mesh } from '../net/mesh.js';
import type { DatagramPort } from '../net/port.js';
import type { RoomInput, RosterEntry } from '../room/core-types.js';
import type { MemberId } from '../room/members.js';
import type { RoomCore } from '../room/core.js';

export interface RoomSession {
  /** The room's facts (room:fact) and one-line notes (error). */
  bus: Bus;
  core: RoomCore;
  mesh: Mesh;
  listen: Address;
  /** The room key's fingerprint now (it changes with each rotation). */
  fingerprint(): string;
  /** What the member panel shows beside the roster: the link's smoothed RTT, and when the member was last online (now, while it is). Null for an unknown id or ourselves. */
  linkInfo(id: MemberId): { rttMs: number | null; lastSeen: number | null } | null;
  /** Ctrl-K, /rotate: a new room key for every online member (room/rotation.ts); one line if it cannot start now. */
  rotate(): void;
  /** A room key rotation runs (we lead or follow it). */
  rotating(): boolean;
  /** The roster as /who shows it. */
  roster(): RosterEntry[];
  /** A core input from the user (send, leave, kick). */
  input(input: RoomInput): void;
  /** Ticks the mesh and, when due, the core (tests with autoTick false drive this). */
  tick(): void;
  nextDeadline(): number | null;
  /** Messages handed to connections and not acknowledged yet. */
  inFlight(): number;
  /** Starts the mesh and the core (only needed with deps.start = false). Idempotent. */
  start(): void;
  /** The core's shutdown (what is owed is reported missed), then the mesh's close. Idempotent. */
  close(): Promise<void>;
}

export interface RoomSessionDeps {
  /** A port to use instead of binding a UDP socket (tests: net/memory.ts). */
  port?: DatagramPort;
  clock?: Clock;
  /** Default true: one timer each for the mesh and the core's tick. False: the caller calls tick() at nextDeadline(). */
  autoTick?: boolean;
  /** The mesh's bye linger, ms (default BYE_LINGER_MS). */
  byeLingerMs?: number;
  /** Default true. False: subscribe to the bus first, then start(). */
  start?: boolean;
}
