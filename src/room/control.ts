/**
 * The room control messages (#15; PROTOCOL.md, "Rooms"): JSON text carried
 * as chat-stream control messages between two members (reliable, in order,
 * exactly once, authenticated under the room key). Every body carries
 * `"v": 1` and `"t": "room:<type>"`, so the wiring tells them from a file
 * transfer's controls (whose `t` has no prefix). Pure.
 *
 *   room:hello    both, first on every link  {room, id, nick, address?, members, invite?, answer?}
 *   room:members  a member whose list changed {members}
 *   room:refused  the side that refuses      {why}  (then it closes the link)
 *
 * Authenticated is not trusted: a buggy or hostile member may send
 * anything. parseRoomControl checks the version, the type, the exact set of
 * fields and every bound, and returns a one-line reason for the first
 * problem — never a throw. The member list inside is checked entry by entry
 * (members-codec.ts); what the list may *change* is trust.ts' business.
 */
import { parseEnvelope } from '../text/json-envelope.js';
import { ROOM_CONTROL_MAX_CHARS, ROOM_INVITE_ID_MAX_CHARS, ROOM_MEMBERS_MAX } from '../constants.js';
import { parseHostPort } from '../address/parse.js';
import { nickProblem } from '../text/nick.js';
import { isMemberId, type MemberId, type MemberSet } from './members.js';
import { decodeMemberEntries, memberEntries } from './members-codec.js';

export const ROOM_CONTROL_VERSION = 1;

/** Why a member refuses a link; the text each side shows is refusalText's, never the peer's words. */
export type RefusalWhy = 'full' | 'removed' | 'left' | 'invite-expired' | 'not-invited' | 'wrong-room' | 'same-id' | 'other-id';

export type RoomControl =
  | {
      t: 'room:hello';
      room: string;
      id: MemberId;
      nick: string;
      address: string | null;
      members: MemberSet;
      invite: string | null;
      /** An answer to a hello that came on a link already bound (core.ts): it is never answered itself. */
      answer: boolean;
    }
  | { t: 'room:members'; members: MemberSet }
  | { t: 'room:refused'; why: RefusalWhy };

export type RoomControlType = RoomControl['t'];

/** Longest room name carried, in characters (the profile names it; this only bounds what a peer sends). */
export const ROOM_NAME_MAX_CHARS = 64;
/** Longest address in a hello (as members-codec.ts bounds the list's). */
const ADDRESS_MAX_CHARS = 64;
const INVITE_ID = new RegExp(`^[A-Za-z0-9_-]{1,${ROOM_INVITE_ID_MAX_CHARS}}$`);

const REQUIRED: Record<RoomControlType, readonly string[]> = {
  'room:hello': ['room', 'id', 'nick', 'members'],
  'room:members': ['members'],
  'room:refused': ['why'],
};
const OPTIONAL: Record<RoomControlType, readonly string[]> = {
  'room:hello': ['address', 'invite', 'answer'],
  'room:members': [],
  'room:refused': [],
};

const REFUSALS: Record<RefusalWhy, string> = {
  full: `room full (${ROOM_MEMBERS_MAX} members)`,
  removed: 'removed from the room (kicked)',
  left: 'left the room (a member who left needs a new invite)',
  'invite-expired': 'invite expired',
  'not-invited': 'not a member and no valid invite',
  'wrong-room': 'another room (the room names differ)',
  'same-id': 'the same member id as this member (one identity in two places?)',
  'other-id': 'the link already belongs to another member',
};

/** The one line shown for a refusal, on either side. */
export function refusalText(why: RefusalWhy): string {
  return REFUSALS[why];
}

/** Whether `body` is meant as a room control (its `t` starts with "room:"), cheaply, before parsing it strictly. */
export function looksLikeRoomControl(body: string): boolean {
  return typeof body === 'string' && /^\{[^}]{0,64}"t"\s*:\s*"room:/.test(body);
}

export function encodeRoomControl(c: RoomControl): string {
  switch (c.t) {
    case 'room:hello': {
      const o: Record<string, unknown> = { v: ROOM_CONTROL_VERSION, t: c.t, room: c.room, id: c.id, nick: c.nick, members: memberEntries(c.members) };
      if (c.address !== null) o['address'] = c.address;
      if (c.invite !== null) o['invite'] = c.invite;
      if (c.answer) o['answer'] = true;
      return JSON.stringify(o);
    }
    case 'room:members':
      return JSON.stringify({ v: ROOM_CONTROL_VERSION, t: c.t, members: memberEntries(c.members) });
    case 'room:refused':
      return JSON.stringify({ v: ROOM_CONTROL_VERSION, t: c.t, why: c.why });
  }
}

export type ParsedRoomControl = { ok: true; control: RoomControl } | { ok: false; reason: string };

export function parseRoomControl(body: string): ParsedRoomControl {
  const e = parseEnvelope(body, { version: ROOM_CONTROL_VERSION, maxChars: ROOM_CONTROL_MAX_CHARS, required: REQUIRED, optional: OPTIONAL });
  if (!e.ok) return bad(e.reason);
  const { type, fields: r } = e;
  switch (type) {
    case 'room:hello': {
      const { room, id, nick } = r;
      if (typeof room !== 'string' || [...room].length === 0 || [...room].length > ROOM_NAME_MAX_CHARS || /\p{C}/u.test(room))
        return bad(`room:hello: the room name must be 1–${ROOM_NAME_MAX_CHARS} printable characters`);
      if (!isMemberId(id)) return bad('room:hello: id must be 16 hex digits');
      if (typeof nick !== 'string' || nickProblem(nick) !== null)
        return bad(`room:hello: ${typeof nick === 'string' ? nickProblem(nick)! : 'the nick is not text'}`);
      // Optional fields are absent when unknown, never null.
      const address = Object.hasOwn(r, 'address') ? r['address'] : null;
      if (Object.hasOwn(r, 'address') && !isAddress(address)) return bad('room:hello: address must be host:port');
      const invite = Object.hasOwn(r, 'invite') ? r['invite'] : null;
      if (Object.hasOwn(r, 'invite') && (typeof invite !== 'string' || !INVITE_ID.test(invite)))
        return bad(`room:hello: invite must be 1–${ROOM_INVITE_ID_MAX_CHARS} of A-Z a-z 0-9 _ -`);
      if (Object.hasOwn(r, 'answer') && r['answer'] !== true) return bad('room:hello: answer must be true when present');
      const m = decodeMemberEntries(r['members']);
      if (!m.ok) return bad(`room:hello: ${m.reason}`);
      const answer = r['answer'] === true;
      return { ok: true, control: { t: type, room, id, nick, address: address as string | null, members: m.members, invite: invite as string | null, answer } };
    }
    case 'room:members': {
      const m = decodeMemberEntries(r['members']);
      if (!m.ok) return bad(`room:members: ${m.reason}`);
      return { ok: true, control: { t: type, members: m.members } };
    }
    case 'room:refused': {
      const why = r['why'];
      if (typeof why !== 'string' || !Object.hasOwn(REFUSALS, why)) return bad(`room:refused: unknown reason ${JSON.stringify(why)}`);
      return { ok: true, control: { t: type, why: why as RefusalWhy } };
    }
  }
}

function isAddress(a: unknown): a is string {
  return typeof a === 'string' && a.length <= ADDRESS_MAX_CHARS && !('error' in parseHostPort(a));
}

function bad(reason: string): ParsedRoomControl {
  return { ok: false, reason: `room control: ${reason}` };
}
