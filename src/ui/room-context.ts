/**
 * What a runner hands the room screen (#15; app/room-tui.ts builds it from
 * a RoomSession): the session's bus and its few calls, never the key.
 */
import type { Address } from '../address/address.js';
import type { Bus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { RoomInput, RosterEntry } from '../room/core-types.js';
import type { MemberId } from '../room/members.js';
import type { RoomStatus } from '../room/status.js';
import type { TuiOptions } from './context.js';
import type { LinkInfo } from './room-panel-model.js';

export interface RoomTuiContext {
  /** The room's facts ('room:fact') and one-line notes ('error'). */
  bus: Bus;
  opts: TuiOptions;
  /** The room's name. */
  room: string;
  /** Our member id. */
  memberId: MemberId;
  /** The actual bound address. */
  listen: Address;
  /** Where this member stands (joining, member, left…). */
  status(): RoomStatus;
  /** The room key's fingerprint now (it changes with each rotation). */
  fingerprint(): string;
  roster(): RosterEntry[];
  /** The link's RTT and when the member was last online (the member panel). */
  linkInfo(id: MemberId): LinkInfo;
  /** The user's send, kick and leave. */
  input(input: Extract<RoomInput, { kind: 'send' | 'kick' | 'leave' | 'set-self' }>): void;
  /** Ctrl-K, /rotate. */
  rotate(): void;
  /** Messages handed to links and not acknowledged yet. */
  inFlight(): number;
  /** Closes the session; awaited (at most SHUTDOWN_GRACE_MS) before the terminal is restored. */
  shutdown(): Promise<void>;
  /** Starts the session once the screen listens to the bus. */
  start(): void;
  /** Lines the runner has for the user at the start (options a room ignores). */
  notes: readonly string[];
  /** Window title, e.g. 'fernchat ops'. */
  title?: string;
  /** Times of the lines the screen adds; default the system clock. */
  clock?: Clock;
}
