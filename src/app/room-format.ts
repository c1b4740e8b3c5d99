/**
 * What the headless room mode (room-headless.ts) reads and prints, as pure
 * functions, in the manner of headless-format.ts (whose clock, JSON line and
 * sanitising it reuses): a room message is one stdout line `HH:MM:SS
 * <display> text`; every other fact one stderr line; --json puts one object
 * per line on stdout, `{type:'message', room, from, nick, text, time}` for a
 * message and `{type:'room', event, …}` for the facts.
 */
import type { RoomFact, RosterEntry } from '../room/core-types.js';
import type { MemberId } from '../room/members.js';
import type { RoomStatus } from '../room/status.js';
import { sanitizeInline } from '../text/sanitize.js';
import { stringWidth } from '../text/width.js';
import { parseSlashLine } from '../text/slash.js';
import { nickProblem } from '../text/nick.js';
import { clockTime, jsonLine } from './headless-format.js';

export type RoomInputLine =
  | { kind: 'empty' }
  /** `action`: /me ACTION. */
  | { kind: 'send'; text: string; action?: true }
  | { kind: 'who' }
  | { kind: 'kick'; who: string }
  | { kind: 'leave' }
  | { kind: 'rotate' }
  | { kind: 'nick'; nick: string }
  | { kind: 'quit' }
  | { kind: 'unknown'; message: string };

export const ROOM_COMMANDS = '/me ACTION /nick NAME /who /kick NICK /rotate /leave /quit';

/** `//x` sends `/x`; /me ACTION, /nick NAME, /who, /kick NICK, /rotate, /leave, /quit; other `/…` is an error; empty lines are not sent. */
export function parseRoomInputLine(line: string): RoomInputLine {
  if (line === '') return { kind: 'empty' };
  const p = parseSlashLine(line);
  if (p.kind === 'message') return { kind: 'send', text: p.text };
  const name = p.name.toLowerCase();
  if (name === 'me') return p.args === '' ? { kind: 'unknown', message: 'usage: /me ACTION (e.g. /me waves)' } : { kind: 'send', text: p.args, action: true };
  if (name === 'nick') {
    if (p.args === '') return { kind: 'unknown', message: 'usage: /nick NAME' };
    const problem = nickProblem(p.args);
    return problem === null ? { kind: 'nick', nick: p.args } : { kind: 'unknown', message: `/nick: ${problem}` };
  }
  if (name === 'kick')
    return p.args === ''
      ? { kind: 'unknown', message: 'usage: /kick NICK (a nick, nick~abcd as /who shows it, or a member id)' }
      : { kind: 'kick', who: p.args };
  if ((name === 'who' || name === 'leave' || name === 'quit' || name === 'rotate') && p.args === '') return { kind: name };
  const shown = sanitizeInline(`/${p.name}`).slice(0, 40);
  return { kind: 'unknown', message: `unknown room command ${shown} (commands: ${ROOM_COMMANDS}; // sends a literal slash)` };
}

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

/** The text-mode line of a fact: where it goes and what it says; null for facts not shown in text mode (the roster changes, our own lines). */
export function roomFactLine(f: RoomFact, name: (id: MemberId) => string): { to: 'out' | 'err'; line: string } | null {
  const err = (line: string): { to: 'err'; line: string } => ({ to: 'err', line: sanitizeInline(line) });
  switch (f.kind) {
    case 'message':
      return {
        to: 'out',
        line: `${clockTime(Date.now())} ${f.action === true ? `* ${sanitizeInline(f.display)}` : `<${sanitizeInline(f.display)}>`} ${sanitizeInline(f.text)}`,
      };
    case 'joined':
      return err(f.self ? 'you are in the room' : `${f.display} joined the room`);
    case 'left':
      if (f.how === 'left') return err(f.self ? 'you left the room' : `${f.display} left the room`);
      if (f.how === 'kicked')
        return err(f.self ? `you were removed from the room by ${name(f.by)}` : `${f.display} was removed from the room by ${name(f.by)}`);
      return err(f.self ? 'the room is full: your seat is past the 16th' : `${f.display} has no seat: the room is full`);
    case 'renamed':
      return err(`${f.from} is now known as ${f.display}`);
    case 'address-changed':
      // An address forgotten (a member listening on every address) says nothing worth a line.
      return f.address === null ? null : err(`${f.display} is at ${f.address}`);
    case 'online':
      return err(`${f.display} online`);
    case 'offline':
      return err(`${f.display} offline`);
    case 'refused':
      if (f.self) return err(`refused${f.display !== null ? ` by ${f.display}` : ''}: ${f.line}`);
      return err(`refused ${f.display ?? 'a member'}: ${f.line}`);
    case 'missed':
      return err(`${f.count} message${f.count === 1 ? '' : 's'} to ${f.display} not delivered (missed)`);
    case 'members-changed':
    case 'sent':
      return null;
    case 'status':
      // Getting in is said by the `joined` line of our own seat.
      return f.status.kind === 'member' ? null : err(statusText(f.status));
    case 'error':
      return err(`room: ${f.line}`);
    case 'rotating':
      return err(f.self ? `rotating the room key${f.kick ? ' (a kick)' : ''}…` : `${f.display} is rotating the room key${f.kick ? ' (a kick)' : ''}…`);
    case 'key-changed': {
      const who = f.self ? 'you' : f.display;
      const missed = f.missed.length === 0 ? '' : `; missed by ${f.missed.map((m) => m.display).join(', ')} (they need a new invite)`;
      return err(`room key changed by ${who}: key ${f.fingerprint}${missed}`);
    }
    case 'rotation-failed':
      return err(`room key not changed: ${f.line}`);
    case 'stale-key':
      return err(f.line);
  }
}

/** The --json line of a fact. */
export function roomFactJson(f: RoomFact, room: string, nowMs: number): string {
  const time = new Date(nowMs).toISOString();
  if (f.kind === 'message')
    return jsonLine({ type: 'message', kind: f.action === true ? 'action' : 'message', room, from: f.from, nick: f.nick, text: f.text, time });
  const { kind, ...rest } = f;
  return jsonLine({ type: 'room', event: kind, room, ...rest, time });
}

/** The --json line of /who. */
export function rosterJson(roster: readonly RosterEntry[], room: string, nowMs: number): string {
  return jsonLine({ type: 'room', event: 'roster', room, members: roster, time: new Date(nowMs).toISOString() });
}
