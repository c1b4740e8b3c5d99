/**
 * The room's trust rules, written once (PROTOCOL.md "Rooms", the room trust
 * table, is the same in prose; each row has a test in room-core.test.ts).
 * Pure.
 *
 * Every control arrives authenticated under the room key, and everyone who
 * holds the room key (every member, every holder of a live invite code) can
 * write anything: the list carries no signatures. These rules keep honest
 * but buggy members, and replays of old lists, from changing what they have
 * no business changing; they do not stop a holder of the key from seating
 * itself — a kick and the rotation that goes with it is the remedy.
 *
 *   input                         may change
 *   ────────────────────────────  ──────────────────────────────────────────
 *   room:hello, unbound link      bind the link to its id (admit below); merge its list
 *   room:hello, bound, same id    merge its list
 *   room:hello, bound, other id   nothing: refused 'other-id', link closed
 *   room:hello, id bound elsewhere  re-bind the id to this link, close the old one
 *   room:members, bound link      merge the list
 *   anything else, unbound link   nothing (an error line)
 *   message, bound link           a message from the bound member, never another
 *   room:refused                  close that link; while joining, end the join
 *
 *   list entry                    accepted when
 *   ────────────────────────────  ──────────────────────────────────────────
 *   live, version 1               written by its adder (by = seat.by)
 *   live, version > 1             written by the member itself (its nick, its address)
 *   tombstone by the member       always: it left
 *   tombstone by another member   always: a kick, or a seat past the 16th refused
 *
 * A list with an entry that breaks these rules is dropped whole (merging half
 * of it could seat someone its sender never meant to).
 */
import { ROOM_MEMBERS_MAX } from '../constants.js';
import type { RefusalWhy, RoomControl } from './control.js';
import { addMember, EMPTY_MEMBERS, mergeMembers, seating, type MemberId, type MemberSet } from './members.js';

/** Why a received list breaks the entry rules, or null. One line. */
export function listProblem(set: MemberSet): string | null {
  for (const e of set.values()) {
    if (e.removed) continue;
    if (e.version === 1 && e.by !== e.seat.by) return `member ${e.id}: its first version is not its adder's`;
    if (e.version > 1 && e.by !== e.id) return `member ${e.id}: its nick or address was changed by ${e.by}, not by itself`;
  }
  return null;
}

/** An invite this member issued (the wiring passes them from the room profile). */
export interface Invite {
  id: string;
  /** When it stops letting anyone in, in ms (the clock `now` is on). */
  expires: number;
}

export interface AdmitContext {
  self: MemberId;
  room: string;
  members: MemberSet;
  invites: readonly Invite[];
  /** We are a seated member: only then do our invites let anyone in. */
  seated: boolean;
  /** Where the link's datagrams come from, or null. */
  linkAddress: string | null;
  now: number;
}

export type Admission =
  | { ok: true; members: MemberSet; added: boolean; listError: string | null }
  /** `merged`: for a tombstoned id, our list merged with its (a tombstone is worth learning); absent otherwise. */
  | { ok: false; why: RefusalWhy; listError: string | null; merged?: MemberSet };

/**
 * Whether a hello binds its link (PROTOCOL.md, the admission table):
 *
 *   hello                                     decision
 *   ────────────────────────────────────────  ─────────────────────────────
 *   another room name                         refused 'wrong-room'
 *   our own id                                refused 'same-id'
 *   id tombstoned (ours or its list), by itself  refused 'left'
 *   id tombstoned by another                  refused 'removed'
 *   id live in the merged list, seated        admitted (let in by someone)
 *   id live in the merged list, past the 16th refused 'full'
 *   unknown id, no invite of ours             refused 'not-invited'
 *   unknown id, our invite, expired           refused 'invite-expired'
 *   unknown id, our invite, 16 seated         refused 'full'
 *   unknown id, our invite, a seat free       added by us, admitted
 */
export function admit(c: AdmitContext, h: Extract<RoomControl, { t: 'room:hello' }>): Admission {
  if (h.room !== c.room) return { ok: false, why: 'wrong-room', listError: null };
  if (h.id === c.self) return { ok: false, why: 'same-id', listError: null };
  const listError = listProblem(h.members);
  const merged = mergeMembers(c.members, listError === null ? h.members : EMPTY_MEMBERS);
  const e = merged.get(h.id);
  if (e !== undefined) {
    if (e.removed) return { ok: false, why: e.by === e.id ? 'left' : 'removed', listError, merged };
    if (!seating(merged).seated.some((s) => s.id === h.id)) return { ok: false, why: 'full', listError };
    return { ok: true, members: merged, added: false, listError };
  }
  const invite = c.seated && h.invite !== null ? c.invites.find((i) => i.id === h.invite) : undefined;
  if (invite === undefined) return { ok: false, why: 'not-invited', listError };
  if (c.now >= invite.expires) return { ok: false, why: 'invite-expired', listError };
  if (seating(merged).seated.length >= ROOM_MEMBERS_MAX) return { ok: false, why: 'full', listError };
  // (The codec checked the nick and the address.)
  return { ok: true, members: addMember(merged, { id: h.id, nick: h.nick, address: h.address ?? c.linkAddress }, c.self), added: true, listError };
}

/** Whether `id`, taken as live, would sit past the 16th seat: its tombstone by another is then a refusal, not a kick. */
export function wouldOverflow(set: MemberSet, id: MemberId): boolean {
  const e = set.get(id);
  if (e === undefined) return false;
  const live = new Map(set).set(id, { ...e, removed: false });
  return !seating(live).seated.some((s) => s.id === id);
}
