/**
 * The member list as it is gossiped (#15): JSON, `{v: 1, members: [...]}`,
 * one array per entry. Pure.
 *
 * What arrives is authenticated (it came on a member's connection, under the
 * room key) but not trusted: a buggy or hostile member may send anything.
 * decodeMembers checks every field and bound and returns a one-line reason
 * for the first problem; a list that fails is dropped whole (merging half of
 * one could seat someone its sender never meant to).
 */
import { ROOM_MEMBERS_MAX, ROOM_TOMBSTONES_MAX } from '../constants.js';
import { parseHostPort } from '../address/parse.js';
import { nickProblem } from '../text/nick.js';
import { isMemberId, type MemberEntry, type MemberSet } from './members.js';

export const MEMBERS_CODEC_VERSION = 1;

/** Entries one gossip message may carry: every seat, as many in overflow, every tombstone. */
export const MEMBERS_WIRE_MAX = 2 * ROOM_MEMBERS_MAX + ROOM_TOMBSTONES_MAX;

/** Longest `host:port` accepted (a bracketed IPv6 address with a zone fits). */
const ADDRESS_MAX_CHARS = 64;

export type WireEntry = [id: string, nick: string, address: string | null, version: number, removed: 0 | 1, by: string, seatAt: number, seatBy: string];

export function encodeMembers(set: MemberSet): string {
  return JSON.stringify({ v: MEMBERS_CODEC_VERSION, members: memberEntries(set) });
}

/** The entries alone, as one array per entry (room:hello and room:members carry them; their `v` versions them). */
export function memberEntries(set: MemberSet): WireEntry[] {
  return [...set.values()].map((e) => [e.id, e.nick, e.address, e.version, e.removed ? 1 : 0, e.by, e.seat.at, e.seat.by]);
}

export type DecodedMembers = { ok: true; members: MemberSet } | { ok: false; reason: string };

export function decodeMembers(text: string): DecodedMembers {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof doc !== 'object' || doc === null) return bad('not an object');
  const { v, members } = doc as { v?: unknown; members?: unknown };
  if (v !== MEMBERS_CODEC_VERSION) return bad(`version ${JSON.stringify(v)}, expected ${MEMBERS_CODEC_VERSION}`);
  return decodeMemberEntries(members);
}

/** The entries of a gossiped list (the `members` array, already parsed), every field and bound checked. */
export function decodeMemberEntries(members: unknown): DecodedMembers {
  if (!Array.isArray(members)) return bad('no members array');
  if (members.length > MEMBERS_WIRE_MAX) return bad(`${members.length} entries, at most ${MEMBERS_WIRE_MAX}`);
  const out = new Map<string, MemberEntry>();
  for (const [i, raw] of members.entries()) {
    const e = entry(raw);
    if (typeof e === 'string') return bad(`entry ${i}: ${e}`);
    if (out.has(e.id)) return bad(`entry ${i}: member ${e.id} twice`);
    out.set(e.id, e);
  }
  return { ok: true, members: out };
}

function entry(raw: unknown): MemberEntry | string {
  if (!Array.isArray(raw) || raw.length !== 8) return 'not an 8-field array';
  const [id, nick, address, version, removed, by, seatAt, seatBy] = raw as unknown[];
  if (!isMemberId(id) || !isMemberId(by) || !isMemberId(seatBy)) return 'a member id is not 16 hex digits';
  if (typeof nick !== 'string') return 'the nick is not text';
  const np = nickProblem(nick);
  if (np !== null) return np;
  if (address !== null) {
    if (typeof address !== 'string' || address.length > ADDRESS_MAX_CHARS) return 'the address is not host:port';
    if ('error' in parseHostPort(address)) return 'the address is not host:port';
  }
  if (!isCount(version) || version < 1) return 'the version is not a whole number from 1';
  if (removed !== 0 && removed !== 1) return 'removed is not 0 or 1';
  if (!isCount(seatAt) || seatAt < 1) return 'the seat is not a whole number from 1';
  return { id, nick, address, version, removed: removed === 1, by, seat: { at: seatAt, by: seatBy } };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function bad(reason: string): DecodedMembers {
  return { ok: false, reason: `member list: ${reason}` };
}
