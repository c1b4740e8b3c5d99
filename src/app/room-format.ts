/**
 * What the headless room mode (room-headless.ts) reads and prints, as pure
 * functions, in the manner of headless-format.ts (whose clock, JSON line and
 * sanitising it reuses): a room message is one stdout line `HH:MM:SS
 * <display> text`; every other fact one stderr line (its words are
 * room/fact-text.ts's, shared with the room screen); --json puts one object
 * per line on stdout, `{type:'message', room, from, nick, text, time}` for a
 * message and `{type:'room', event, …}` for the facts.
 */
import type { RoomFact, RosterEntry } from '../room/core-types.js';
import { roomFactText } from '../room/fact-text.js';
import type { MemberId } from '../room/members.js';
import { sanitizeInline } from '../text/sanitize.js';
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

/** The text-mode line of a fact: where it goes and what it says; null for facts not shown in text mode (the roster changes, our own lines). */
export function roomFactLine(f: RoomFact, name: (id: MemberId) => string): { to: 'out' | 'err'; line: string } | null {
  if (f.kind === 'message') {
    const who = f.action === true ? `* ${sanitizeInline(f.display)}` : `<${sanitizeInline(f.display)}>`;
    return { to: 'out', line: `${clockTime(Date.now())} ${who} ${sanitizeInline(f.text)}` };
  }
  const text = roomFactText(f, name);
  return text === null ? null : { to: 'err', line: text.text };
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
