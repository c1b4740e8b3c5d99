/**
 * Room profile operations on a ConfigFile (#15), as profiles.ts's are: pure,
 * one line (ConfigError) for the user on a refusal, run by
 * ProfileStore.update() between a fresh read and an atomic write.
 */
import { ConfigError } from '../errors.js';
import { formatExpiry, type IssuedInvite, liveInvites, type RoomSettings, withInvite } from './room.js';
import { ROOM_INVITES_MAX } from '../constants.js';
import { getProfile, newProfile } from './profiles.js';
import type { ConfigFile, Profile } from './schema.js';

/** A new room profile: a 1:1 profile's defaults with no peer, and the room block. */
export function newRoomProfile(s: { nick: string; key: string; listenHost?: string; listenPort?: number; room: RoomSettings }): Profile {
  const profile = newProfile({
    nick: s.nick,
    key: s.key,
    peer: null,
    ...(s.listenHost !== undefined ? { listenHost: s.listenHost } : {}),
    ...(s.listenPort !== undefined ? { listenPort: s.listenPort } : {}),
  });
  profile.room = s.room;
  return profile;
}

/** Profile `name`, which must be a room. */
export function getRoomProfile(cfg: ConfigFile, name: string): Profile & { room: RoomSettings } {
  const p = getProfile(cfg, name);
  if (p.room === undefined) throw new ConfigError(`profile ${name} is a 1:1 chat, not a room (make a room with: fernchat room create NAME)`);
  return p as Profile & { room: RoomSettings };
}

/**
 * Records `invite` in room profile `name`, dropping the expired ones. Refuses
 * when ROOM_INVITES_MAX invites are still valid: dropping one would void a
 * code someone may hold.
 */
export function recordRoomInvite(cfg: ConfigFile, name: string, invite: IssuedInvite, now: number): void {
  const p = getRoomProfile(cfg, name);
  const room = withInvite(p.room, invite, now);
  if (room === null) {
    const soonest = Math.min(...liveInvites(p.room.invites, now).map((i) => i.expires));
    throw new ConfigError(`profile ${name} has ${ROOM_INVITES_MAX} invites still valid, the most it keeps: the first expires at ${formatExpiry(soonest)}`);
  }
  p.room = room;
}
