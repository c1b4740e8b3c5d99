/**
 * Where a room session starts from (#15): the room profile and the saved
 * member list become the room core's options. Pure but for the clock value.
 *
 *   saved list          joinedWith    start as
 *   ──────────────────  ────────────  ─────────────────────────────────────────
 *   none                null          the creator: a list of one (us), saved at once
 *   none                an invite     a joiner: dials its inviter (contacts[0])
 *   a list              any           what the list says (member, left, removed…);
 *                                     not in it yet: a joiner again
 */
import { randomInt } from 'node:crypto';
import { formatAddress, type Address } from '../address/address.js';
import type { RoomSettings } from '../config/room.js';
import type { RoomCoreOptions } from '../room/core-types.js';
import { addMember, EMPTY_MEMBERS, type MemberSet } from '../room/members.js';

export interface RoomStart {
  core: RoomCoreOptions;
  /** The list is new (the creator's first start): save it now. */
  fresh: boolean;
  /** Why this member cannot get in (a joiner without the inviter's address), or null. */
  problem: string | null;
}

/** Our address as others may dial it: the listen address when it names one host, else null (the others learn it from our datagrams). */
export function selfAddress(listen: Address): string | null {
  return listen.host === '0.0.0.0' || listen.host === '::' || listen.host === '' ? null : formatAddress(listen);
}

export function roomStart(o: { room: RoomSettings; nick: string; listen: Address; saved: MemberSet | null; now: number }): RoomStart {
  const { room } = o;
  const self = { id: room.memberId, nick: o.nick, address: selfAddress(o.listen) };
  const inviter = room.contacts[0];
  const join = room.joinedWith !== null && inviter !== undefined ? { invite: room.joinedWith.invite, address: formatAddress(inviter) } : null;
  const fresh = o.saved === null && room.joinedWith === null;
  const members = o.saved ?? (fresh ? addMember(EMPTY_MEMBERS, self, self.id) : EMPTY_MEMBERS);
  const problem =
    !members.has(self.id) && join === null
      ? room.joinedWith === null
        ? 'this member is not in its saved member list and holds no invite: it cannot get in'
        : 'the room profile has no contact address for the inviter: join again with the invite code'
      : null;
  return {
    core: {
      self,
      room: room.name,
      members,
      invites: room.invites.map((i) => ({ id: i.id, expires: i.expires })),
      join,
      now: o.now,
      // Random, not the clock: only "another one than before" counts (room/line.ts), and a test's manual clock may not move between two starts.
      incarnation: randomInt(1, 2 ** 47),
    },
    fresh,
    problem,
  };
}
