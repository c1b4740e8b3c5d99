/**
 * The words of the room facts (#15), shared by the headless room mode
 * (app/room-format.ts) and the room screen (ui/room-lines.ts): one line per
 * fact other than a message, /who's aligned roster, and which member a
 * /kick names. Pure; every name is sanitized here.
 */
import { sanitizeInline } from '../text/sanitize.js';
import { stringWidth } from '../text/width.js';
import type { RoomFact, RosterEntry } from './core-types.js';
import type { MemberId } from './members.js';
import type { RoomStatus } from './status.js';

/** The member `who` names: a display name (nick~abcd), a nick held by one member, or a member id (or 4+ of its first digits). */
export function findMember(roster: readonly RosterEntry[], who: string): { ok: true; id: MemberId } | { ok: false; message: string } {
  const others = roster.filter((e) => !e.self);
  const byDisplay = others.filter((e) => e.display === who);
  if (byDisplay.length === 1) return { ok: true, id: byDisplay[0]!.id };
  const byNick = others.filter((e) => e.nick === who);
  if (byNick.length === 1) return { ok: true, id: byNick[0]!.id };
  if (byNick.length > 1)
    return { ok: false, message: `${byNick.length} members are called ${sanitizeInline(who)}: say which (${byNick.map((e) => e.display).join(', ')})` };
  const byId = /^[0-9a-f]{4,16}$/.test(who) ? others.filter((e) => e.id.startsWith(who)) : [];
  if (byId.length === 1) return { ok: true, id: byId[0]!.id };
  if (roster.some((e) => e.self && (e.nick === who || e.id === who))) return { ok: false, message: 'that is you: /leave leaves the room' };
  return { ok: false, message: `no member ${sanitizeInline(who)} in the room (/who lists them)` };
}

/** /who: one line per member, the seated ones as the core lists them. */
export function rosterLines(roster: readonly RosterEntry[]): string[] {
  const rows = roster.map((e) => [sanitizeInline(e.display), e.id, e.address ?? '-', e.self ? 'you' : e.online ? 'online' : 'offline']);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => stringWidth(r[i]!))));
  // Aligned columns: nick, member id, address, state.
  return rows.map((r) => r.map((c, i) => (i < 3 ? c + ' '.repeat(widths[i]! - stringWidth(c)) : c)).join('  '));
}

export function statusText(s: RoomStatus): string {
  switch (s.kind) {
    case 'joining':
      return 'joining the room…';
    case 'member':
      return 'in the room';
    case 'left':
      return 'you left the room';
    case 'removed':
      return 'you were removed from the room';
    case 'refused':
      return 'you could not get into the room';
  }
}

/**
 * The line of a fact other than a message, sanitized, and whether it is bad
 * news (an error, a refusal of us, a failed rotation); null for facts that
 * say nothing worth a line (the roster changes, getting in twice).
 */
export function roomFactText(f: Exclude<RoomFact, { kind: 'message' }>, name: (id: MemberId) => string): { text: string; bad: boolean } | null {
  const line = (text: string, bad = false): { text: string; bad: boolean } => ({ text: sanitizeInline(text), bad });
  switch (f.kind) {
    case 'joined':
      return line(f.self ? 'you are in the room' : `${f.display} joined the room`);
    case 'left':
      if (f.how === 'left') return line(f.self ? 'you left the room' : `${f.display} left the room`);
      if (f.how === 'kicked')
        return line(f.self ? `you were removed from the room by ${name(f.by)}` : `${f.display} was removed from the room by ${name(f.by)}`, f.self);
      return line(f.self ? 'the room is full: your seat is past the 16th' : `${f.display} has no seat: the room is full`, f.self);
    case 'renamed':
      return line(`${f.from} is now known as ${f.display}`);
    case 'address-changed':
      // An address forgotten (a member listening on every address) says nothing worth a line.
      return f.address === null ? null : line(`${f.display} is at ${f.address}`);
    case 'online':
      return line(`${f.display} online`);
    case 'offline':
      return line(`${f.display} offline`);
    case 'refused':
      if (f.self) return line(`refused${f.display !== null ? ` by ${f.display}` : ''}: ${f.line}`, true);
      return line(`refused ${f.display ?? 'a member'}: ${f.line}`);
    case 'missed':
      return line(`${f.count} message${f.count === 1 ? '' : 's'} to ${f.display} not delivered (missed)`, true);
    case 'members-changed':
    case 'sent':
      return null;
    case 'status':
      // Getting in is said by the `joined` line of our own seat.
      return f.status.kind === 'member' ? null : line(statusText(f.status), f.status.kind !== 'left');
    case 'error':
      return line(`room: ${f.line}`, true);
    case 'rotating':
      return line(f.self ? `rotating the room key${f.kick ? ' (a kick)' : ''}…` : `${f.display} is rotating the room key${f.kick ? ' (a kick)' : ''}…`);
    case 'key-changed': {
      const who = f.self ? 'you' : f.display;
      const missed = f.missed.length === 0 ? '' : `; missed by ${f.missed.map((m) => m.display).join(', ')} (they need a new invite)`;
      return line(`room key changed by ${who}: key ${f.fingerprint}${missed}`);
    }
    case 'rotation-failed':
      return line(`room key not changed: ${f.line}`, true);
    case 'stale-key':
      return line(f.line, true);
  }
}
