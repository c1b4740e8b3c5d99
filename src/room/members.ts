/**
 * A room's member list as a replicated set (#15): every member keeps a copy,
 * gossips it on contact, and merges what it hears. Pure: no clock, no I/O.
 *
 * One entry per member id (random, kept by the member across restarts and
 * addresses). An entry changes only by a new *version* written by one member:
 *
 *   add      a new id, version 1, with its seat (room clock `at`, adder `by`)
 *   update   nick / address, version + 1 (the member itself, on a change)
 *   remove   a tombstone, version + 1 (a kick, or the member leaving)
 *
 * merge(a, b) keeps, per id, the winner of: removed beats live (a tombstone
 * is final: a kicked id never comes back, a re-join is a new id from a new
 * invite), then the higher version, then the greater writer id, then the
 * greater content (so two writers that reuse one id still agree). merge is
 * commutative, associative and idempotent, so members that hear the same
 * entries in any order, any number of times, hold the same list (a
 * state-based CRDT: a two-phase set of last-writer-wins entries).
 *
 * Capacity: at most ROOM_MEMBERS_MAX live members are *seated*, the oldest
 * seats first ((at, by, id) ascending). Two inviters who let someone in at
 * the same time can make the merged list longer; every member computes the
 * same overflow, and the members past the limit are refused everywhere.
 */
import { ROOM_MEMBERS_MAX, ROOM_TOMBSTONES_MAX } from '../constants.js';

/** A member id: 16 lower-case hex digits (8 random bytes). */
export type MemberId = string;

export interface MemberEntry {
  id: MemberId;
  nick: string;
  /** Where it was last heard from or announced (`host:port`), or null. */
  address: string | null;
  /** Version of this entry, from 1; every write adds one. */
  version: number;
  /** A tombstone: kicked or left, for good. */
  removed: boolean;
  /** Who wrote this version. */
  by: MemberId;
  /** The seat: the room clock when it was added, and who added it. Never changes. */
  seat: { at: number; by: MemberId };
}

export type MemberSet = ReadonlyMap<MemberId, MemberEntry>;

export const EMPTY_MEMBERS: MemberSet = new Map();

const MEMBER_ID = /^[0-9a-f]{16}$/;

export function isMemberId(s: unknown): s is MemberId {
  return typeof s === 'string' && MEMBER_ID.test(s);
}

/** The room clock: higher than every seat so far (a new seat takes it). */
export function roomClock(set: MemberSet): number {
  let max = 0;
  for (const e of set.values()) max = Math.max(max, e.seat.at);
  return max + 1;
}

/** Adds member `id`; an id already known (live or removed) is an error, never a resurrection. */
export function addMember(set: MemberSet, m: { id: MemberId; nick: string; address: string | null }, by: MemberId): MemberSet {
  if (!isMemberId(m.id) || !isMemberId(by)) throw new TypeError(`addMember: member ids are 16 hex digits, got ${String(m.id)} by ${String(by)}`);
  if (set.has(m.id)) throw new TypeError(`addMember: ${m.id} is already in the list`);
  const entry: MemberEntry = { id: m.id, nick: m.nick, address: m.address, version: 1, removed: false, by, seat: { at: roomClock(set), by } };
  return new Map(set).set(m.id, entry);
}

/** A new version of a live member's nick or address, written by `by`; a removed or unknown id is unchanged. */
export function updateMember(set: MemberSet, id: MemberId, change: { nick?: string; address?: string | null }, by: MemberId): MemberSet {
  const e = set.get(id);
  if (e === undefined || e.removed) return set;
  const next: MemberEntry = { ...e, ...change, version: e.version + 1, by };
  return new Map(set).set(id, next);
}

/** A tombstone for `id`, written by `by` (a kick, or `by === id`: leaving). */
export function removeMember(set: MemberSet, id: MemberId, by: MemberId): MemberSet {
  const e = set.get(id);
  if (e === undefined || e.removed) return set;
  return prune(new Map(set).set(id, { ...e, version: e.version + 1, removed: true, by }));
}

/** Which of two versions of one entry every member keeps (see the top of the file). */
export function winner(a: MemberEntry, b: MemberEntry): MemberEntry {
  if (a.removed !== b.removed) return a.removed ? a : b;
  if (a.version !== b.version) return a.version > b.version ? a : b;
  if (a.by !== b.by) return a.by > b.by ? a : b;
  return entryKey(a) >= entryKey(b) ? a : b;
}

/** a ∪ b, entry by entry. Returns `a` itself when b adds nothing (cheap to gossip often). */
export function mergeMembers(a: MemberSet, b: MemberSet): MemberSet {
  let out: Map<MemberId, MemberEntry> | null = null;
  for (const [id, theirs] of b) {
    const ours = a.get(id);
    const w = ours === undefined ? theirs : winner(ours, theirs);
    if (w === ours) continue;
    out ??= new Map(a);
    out.set(id, w);
  }
  return out === null ? a : prune(out);
}

/** Live members in seat order, the seated ones first: `seated` are in the room, `overflow` were let in past the limit. */
export function seating(set: MemberSet): { seated: MemberEntry[]; overflow: MemberEntry[] } {
  const live = [...set.values()].filter((e) => !e.removed).sort(bySeat);
  return { seated: live.slice(0, ROOM_MEMBERS_MAX), overflow: live.slice(ROOM_MEMBERS_MAX) };
}

/** Whether `id` is a seated member (not removed, not past the limit). */
export function isSeated(set: MemberSet, id: MemberId): boolean {
  return seating(set).seated.some((e) => e.id === id);
}

/** Same entries, same versions: two lists that need no gossip between them. */
export function sameMembers(a: MemberSet, b: MemberSet): boolean {
  if (a.size !== b.size) return false;
  for (const [id, e] of a) {
    const f = b.get(id);
    if (f === undefined || entryKey(e) !== entryKey(f)) return false;
  }
  return true;
}

function bySeat(a: MemberEntry, b: MemberEntry): number {
  return a.seat.at - b.seat.at || cmp(a.seat.by, b.seat.by) || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Everything an entry says, as one comparable string. */
function entryKey(e: MemberEntry): string {
  return JSON.stringify([e.id, e.version, e.removed, e.by, e.seat.at, e.seat.by, e.nick, e.address]);
}

/**
 * At most ROOM_TOMBSTONES_MAX tombstones are kept, the newest seats first:
 * the oldest are forgotten. Every member prunes the same way, so lists still
 * converge; an id forgotten here could come back only from a member that
 * never heard of its removal for that long.
 */
function prune(set: Map<MemberId, MemberEntry>): Map<MemberId, MemberEntry> {
  const dead = [...set.values()].filter((e) => e.removed);
  if (dead.length <= ROOM_TOMBSTONES_MAX) return set;
  dead.sort(bySeat);
  for (const e of dead.slice(0, dead.length - ROOM_TOMBSTONES_MAX)) set.delete(e.id);
  return set;
}
