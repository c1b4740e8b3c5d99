/**
 * How members are named in lines (#15): the nick, and when two seated
 * members' nicks look alike (nickSkeleton: case, accents, look-alike
 * letters) a short id suffix on each, so "bob~3f2a" and "bob~91c0" are told
 * apart. Pure.
 */
import { nickSkeleton, remoteNick } from '../text/nick.js';
import { seating, type MemberId, type MemberSet } from './members.js';

/** Hex digits of the id shown after a shared nick. */
export const ID_SUFFIX_CHARS = 4;

export function shortId(id: MemberId): string {
  return id.slice(0, ID_SUFFIX_CHARS);
}

/** The display name of `id` in `set` (its nick, or `nick~abcd`); an unknown id is shown by its short id. */
export function displayName(set: MemberSet, id: MemberId): string {
  const e = set.get(id);
  if (e === undefined) return `~${shortId(id)}`;
  const nick = remoteNick(e.nick);
  const skeleton = nickSkeleton(nick);
  const shared = seating(set).seated.some((o) => o.id !== id && nickSkeleton(remoteNick(o.nick)) === skeleton);
  return shared ? `${nick}~${shortId(id)}` : nick;
}
