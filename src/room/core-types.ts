/**
 * The room core's inputs, actions and facts (#15): what the wiring
 * (src/app/room-session.ts) feeds it and must do for it. Public
 * types apart from the implementation (core.ts).
 */
import type { RefusalWhy } from './control.js';
import type { MemberId, MemberSet } from './members.js';
import type { RoomStatus } from './status.js';
import type { Invite } from './trust.js';
import type { SeenLines } from './line.js';

/** The wiring's name for one connection (opaque). A link id is never reused: after link-down, a new connection gets a new one. */
export type LinkId = string;

export type RoomInput =
  /** Once, first: dials every seated member with an address (a joiner: its inviter). */
  | { kind: 'start' }
  /** A connection exists and its peer is online; `address` is where its datagrams come from. The core answers with room:hello. */
  | { kind: 'link-up'; link: LinkId; address: string | null }
  /** The connection is gone (closed, or its peer went silent and the wiring dropped it). Every deliver on it still gets its delivered or failed. */
  | { kind: 'link-down'; link: LinkId }
  /** A room control (`t` = room:*) arrived on the link. */
  | { kind: 'control'; link: LinkId; body: string }
  /** A chat line arrived on the link; `id` is the connection's message id. */
  | { kind: 'message'; link: LinkId; id: string; text: string }
  /** The user typed a line: to every seated member (`action`: /me). */
  | { kind: 'send'; text: string; action?: boolean }
  /** The connection acknowledged deliver `ref`. */
  | { kind: 'delivered'; link: LinkId; ref: number }
  /** The connection gave deliver `ref` up (closed before the ack): the core queues it again, for this member's next link. */
  | { kind: 'failed'; link: LinkId; ref: number }
  /** The connection's send queue was full: the core keeps `ref` and sends nothing more on this link until a delivered (or the next tick). */
  | { kind: 'queue-full'; link: LinkId; ref: number }
  /** The clock: redial members with no link, retry stalled links. */
  | { kind: 'tick' }
  /** The invites this member issued changed (the room profile). */
  | { kind: 'invites'; invites: readonly Invite[] }
  /** Our own nick or reachable address changed: a new version of our entry. */
  | { kind: 'set-self'; nick?: string; address?: string | null }
  /** /leave: our own tombstone, gossiped, then every link closed. */
  | { kind: 'leave' }
  /** /kick: a tombstone for `member`, gossiped; and rotate-excluding (not wired yet). */
  | { kind: 'kick'; member: MemberId }
  /** The process is quitting (not leaving the room): what is still owed is reported as missed. */
  | { kind: 'shutdown' };

export type RoomAction =
  /** Send this room control on the link (chat-stream control message). */
  | { kind: 'control'; link: LinkId; body: string }
  /** Send this chat line on the link; answer with delivered / failed / queue-full for `ref`. */
  | { kind: 'deliver'; link: LinkId; ref: number; text: string }
  /** Open a connection to `address` (member null: the inviter of our invite, id not known yet). One per address: the mesh reuses an open one. */
  | { kind: 'dial'; address: string; member: MemberId | null }
  /** Close the connection once what was handed to it is sent (a refusal, the last list must arrive). */
  | { kind: 'close'; link: LinkId; reason: string }
  /** Persist the member list (the room profile): a restart comes back with it. */
  | { kind: 'save'; members: MemberSet }
  /**
   * A kick must be followed by a group rotation that leaves `member` out
   * (src/room/rotation.ts, start with kick: true). NOT WIRED YET: the wiring
   * will hand it to the rotation machine; PROTOCOL.md says so.
   */
  | { kind: 'rotate-excluding'; member: MemberId }
  | { kind: 'fact'; fact: RoomFact };

/** One member as the UI lists it. */
export interface RosterEntry {
  id: MemberId;
  nick: string;
  /** The nick, or nick~abcd when two seated members' nicks look alike. */
  display: string;
  address: string | null;
  online: boolean;
  self: boolean;
}

/** What the UI / headless mode shows: one line each. */
export type RoomFact =
  | { kind: 'message'; from: MemberId; nick: string; display: string; text: string; id: string; action?: boolean }
  /** A line of ours the room took (queued for every seated member; `seq` is its number in this process): the screen shows it, the history keeps it. */
  | { kind: 'sent'; text: string; seq: number; action?: boolean }
  /** A member took a seat (`self`: we are in). */
  | { kind: 'joined'; member: MemberId; display: string; self: boolean }
  /** A member's tombstone: it left, was kicked (by `by`), or its seat was past the 16th. */
  | { kind: 'left'; member: MemberId; display: string; how: 'left' | 'kicked' | 'refused'; by: MemberId; self: boolean }
  | { kind: 'renamed'; member: MemberId; from: string; display: string }
  | { kind: 'address-changed'; member: MemberId; display: string; address: string | null }
  | { kind: 'online'; member: MemberId; display: string }
  | { kind: 'offline'; member: MemberId; display: string }
  /** A link refused: by us (`self` false: we refused `member`) or by the peer (`self` true: we were refused). `line` is refusalText. */
  | { kind: 'refused'; member: MemberId | null; display: string | null; why: RefusalWhy; line: string; self: boolean }
  /** `count` messages to `member` were dropped (its queue was full, or we quit or it was removed before they went). */
  | { kind: 'missed'; member: MemberId; display: string; count: number }
  | { kind: 'members-changed'; roster: RosterEntry[] }
  /** A room key rotation began (`by` leads it; a kick when `kick`). */
  | { kind: 'rotating'; by: MemberId; display: string; kick: boolean; self: boolean }
  /** The room key changed: every connection sends under `fingerprint` now; `missed` members were online and did not follow (they need a new invite). */
  | {
      kind: 'key-changed';
      epoch: number;
      fingerprint: string;
      by: MemberId;
      display: string;
      kick: boolean;
      self: boolean;
      missed: Array<{ member: MemberId; display: string }>;
    }
  /** A rotation ended without a new key (`line` says why); the old key stays. */
  | { kind: 'rotation-failed'; line: string }
  /** A member told us the room key changed while we were away: we cannot follow; a new invite is needed. */
  | { kind: 'stale-key'; line: string }
  | { kind: 'status'; status: RoomStatus }
  /** Anything else worth one line: a bad control, a command that cannot be done now. */
  | { kind: 'error'; line: string };

export interface RoomCoreOptions {
  self: { id: MemberId; nick: string; address: string | null };
  room: string;
  /** The persisted list (empty for a joiner). */
  members: MemberSet;
  invites?: readonly Invite[];
  /** Joining with an invite code: its id and the inviter's address. */
  join?: { invite: string; address: string } | null;
  now: number;
  /** This process's start (ms), in every line's header so receivers drop copies (line.ts); default `now`. A restart must bring another one. */
  incarnation?: number;
  /** The last line shown from each member by the previous process (core.seen(), saved at its quit). */
  seen?: SeenLines;
}
