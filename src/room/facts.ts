/**
 * What changed between two versions of the member list, as facts for the
 * UI (#15). Pure.
 */
import type { RoomFact, RosterEntry } from './core-types.js';
import { displayName } from './display.js';
import { seating, type MemberId, type MemberSet } from './members.js';
import { wouldOverflow } from './trust.js';

/** joined / left / renamed / address-changed, per entry, from `prev` to `next`. `self` is this member's id. */
export function listFacts(prev: MemberSet, next: MemberSet, self: MemberId): RoomFact[] {
  const out: RoomFact[] = [];
  const seatedBefore = new Set(seating(prev).seated.map((e) => e.id));
  const seatedNow = new Set(seating(next).seated.map((e) => e.id));
  for (const [id, n] of next) {
    const p = prev.get(id);
    const display = displayName(next, id);
    if (n.removed) {
      if (p === undefined || p.removed) continue;
      const how = n.by === id ? 'left' : wouldOverflow(next, id) ? 'refused' : 'kicked';
      out.push({ kind: 'left', member: id, display, how, by: n.by, self: id === self });
      continue;
    }
    if (seatedNow.has(id) && !seatedBefore.has(id)) out.push({ kind: 'joined', member: id, display, self: id === self });
    if (p === undefined || p.removed) continue;
    if (p.nick !== n.nick) out.push({ kind: 'renamed', member: id, from: p.nick, display });
    if (p.address !== n.address) out.push({ kind: 'address-changed', member: id, display, address: n.address });
  }
  return out;
}

/** The seated members in seat order, as the UI lists them. */
export function roster(set: MemberSet, self: MemberId, online: (id: MemberId) => boolean): RosterEntry[] {
  return seating(set).seated.map((e) => ({
    id: e.id,
    nick: e.nick,
    display: displayName(set, e.id),
    address: e.address,
    online: e.id === self || online(e.id),
    self: e.id === self,
  }));
}
