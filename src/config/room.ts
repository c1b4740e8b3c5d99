/**
 * A room profile's own settings (#15): the `room` block of a profile. A
 * profile with this block is a room; without it, a 1:1 chat. Everything
 * else of the profile means what it means for a 1:1 chat: `key` is the room
 * key (stored, rotated and masked as a 1:1 key is), `nick` and `listen` are
 * this member's, `peer` stays null (a room has contacts instead).
 *
 *   "room": { "name": "book club",
 *             "memberId": "3f9c0a1b2c3d4e5f",          made at create/join, never changed
 *             "contacts": [{ "host": …, "port": … }],   where to knock first (a joiner: the inviter)
 *             "invites": [{ "id": …, "expires": ms }],  the room invites this member issued
 *             "joinedWith": { "invite": …, "inviter": …, "expires": ms } | null }
 *
 * Pure: the random ids take their bytes from the caller's source (default
 * node:crypto), the clock is a parameter.
 */
import { randomBytes } from 'node:crypto';
import { MAX_ROOM_INVITE_S, MAX_ROOM_NAME_CHARS, MIN_ROOM_INVITE_S, ROOM_INVITES_MAX } from '../constants.js';
import type { Address } from '../address/address.js';
import { isMemberId, type MemberId } from '../room/members.js';

export type { MemberId };

/** An invite this member issued: its id and when it stops being valid. */
export interface IssuedInvite {
  /** 16 lower-case hex digits (8 random bytes). */
  id: string;
  /** Expiry, in ms since the epoch. */
  expires: number;
}

/** The invite a joiner came in with: its first hello presents it to the inviter. */
export interface JoinedWith {
  /** The invite's id. */
  invite: string;
  /** The inviter's member id. */
  inviter: MemberId;
  /** The invite's expiry, in ms since the epoch. */
  expires: number;
}

export interface RoomSettings {
  /** The room's name as its creator typed it (printable, 1-MAX_ROOM_NAME_CHARS characters). */
  name: string;
  /** This member's id in the room: 16 lower-case hex digits, random, never changed. */
  memberId: MemberId;
  /** Addresses to contact first; at most ROOM_CONTACTS_MAX. */
  contacts: Address[];
  /** Unexpired invites this member issued, oldest first; at most ROOM_INVITES_MAX. */
  invites: IssuedInvite[];
  /** The invite this member joined with, or null for the room's creator. */
  joinedWith: JoinedWith | null;
}

/** A profile's kind: a room has a `room` block. */
export type ProfileKind = 'chat' | 'room';

export function profileKind(p: { room?: RoomSettings }): ProfileKind {
  return p.room === undefined ? 'chat' : 'room';
}

const INVITE_ID = /^[0-9a-f]{16}$/;

export function isInviteId(s: unknown): s is string {
  return typeof s === 'string' && INVITE_ID.test(s);
}

export { isMemberId };

/** 8 random bytes as 16 lower-case hex digits: a member id or an invite id. */
export function randomId(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(8);
  if (bytes.length !== 8) throw new TypeError('randomId: the random source must give 8 bytes');
  return bytes.toString('hex');
}

/** Why `name` cannot be a room name, or null when it can. Spaces are allowed inside, not at either end. */
export function roomNameProblem(name: string): string | null {
  const chars = [...name].length;
  if (chars === 0 || chars > MAX_ROOM_NAME_CHARS) return `must be 1-${MAX_ROOM_NAME_CHARS} printable characters`;
  if (/\p{C}/u.test(name) || /[\u2028\u2029]/.test(name)) return 'must hold printable characters only (no control or invisible characters)';
  if (name.trim() !== name || /\s{2,}|[^\S ]/u.test(name)) return 'must not start or end with a space, nor hold tabs, line breaks or runs of spaces';
  return null;
}

/** A fresh room block: a new member id, no invites. */
export function newRoom(name: string, opts: { contacts?: Address[]; joinedWith?: JoinedWith | null; random?: (n: number) => Buffer } = {}): RoomSettings {
  const problem = roomNameProblem(name);
  if (problem !== null) throw new TypeError(`newRoom: the room name ${problem}`);
  return { name, memberId: randomId(opts.random), contacts: opts.contacts ?? [], invites: [], joinedWith: opts.joinedWith ?? null };
}

/** The invites still valid at `now`. */
export function liveInvites(invites: readonly IssuedInvite[], now: number): IssuedInvite[] {
  return invites.filter((i) => i.expires > now);
}

/** Drops every room profile's expired invites (ProfileStore.update does, at every write). */
export function dropExpiredInvites(cfg: { profiles: Record<string, { room?: RoomSettings }> }, now: number): void {
  for (const p of Object.values(cfg.profiles)) {
    if (p.room !== undefined && p.room.invites.some((i) => i.expires <= now)) p.room = { ...p.room, invites: liveInvites(p.room.invites, now) };
  }
}

/**
 * The room with `invite` added and the expired ones dropped; null when
 * ROOM_INVITES_MAX invites are still valid (the caller says so: dropping a
 * valid one would silently void a code someone holds).
 */
export function withInvite(room: RoomSettings, invite: IssuedInvite, now: number): RoomSettings | null {
  const kept = liveInvites(room.invites, now);
  if (kept.length >= ROOM_INVITES_MAX) return null;
  return { ...room, invites: [...kept, invite] };
}

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/**
 * "30m", "24h", "7d", "90s" → seconds, within MIN_ROOM_INVITE_S-MAX_ROOM_INVITE_S;
 * null for anything else (the caller names the flag).
 */
export function parseLifetime(text: string): number | null {
  const m = /^(\d{1,7})([smhd])$/.exec(text.trim().toLowerCase());
  if (!m) return null;
  const s = Number(m[1]) * (UNIT_S[m[2] ?? ''] ?? NaN);
  return Number.isSafeInteger(s) && s >= MIN_ROOM_INVITE_S && s <= MAX_ROOM_INVITE_S ? s : null;
}

/** "24 h", "7 d", "30 min", "90 s": a lifetime as the notes say it. */
export function formatLifetime(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** An expiry as the notes say it: "2026-12-05 15:45 UTC". */
export function formatExpiry(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
