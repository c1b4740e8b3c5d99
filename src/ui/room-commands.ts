/**
 * The room screen's slash commands and keys (#15): the list (Tab completion,
 * the help overlay) and the parser from an input line to a RoomCommand.
 *
 * Same syntax as the 1:1 chat (text/slash.ts: `//x` sends `/x`, names are
 * case-insensitive). The 1:1 commands a room cannot do yet (/send and the
 * other transfer commands, /history, /peer, the savers) are one line
 * saying so, not "unknown". Errors never throw.
 */
import { sanitizeInline } from '../text/sanitize.js';
import { parseSlashLine } from '../text/slash.js';
import { nickProblem } from '../text/nick.js';
import { COMMANDS } from './commands.js';
import type { HelpContent } from './help-overlay.js';
import { KEY_BINDINGS } from './help-overlay.js';

export type RoomCommand =
  | { name: 'say'; text: string }
  | { name: 'me'; text: string }
  | { name: 'nick'; nick: string }
  | { name: 'who' }
  | { name: 'kick'; who: string }
  | { name: 'leave' }
  | { name: 'rotate' }
  | { name: 'fingerprint' }
  | { name: 'search'; text: string }
  | { name: 'clear' }
  | { name: 'time' }
  | { name: 'help' }
  | { name: 'quit' };

export type RoomParseResult = { ok: true; command: RoomCommand } | { ok: false; error: string };

/** Every room command, in help order. */
export const ROOM_COMMANDS: ReadonlyArray<{ name: RoomCommand['name']; usage: string; help: string }> = [
  { name: 'who', usage: '/who', help: 'list the members: nick, member id, address, online / offline (F3 shows them with RTT and last seen)' },
  { name: 'me', usage: '/me ACTION', help: 'say what you do: /me waves shows "* alice waves"' },
  { name: 'nick', usage: '/nick NAME', help: 'change your nick in the room for this run (every member sees the rename)' },
  { name: 'kick', usage: '/kick NICK', help: 'remove a member from the room (a nick, nick~abcd as /who shows it, or a member id)' },
  { name: 'rotate', usage: '/rotate', help: 'a new room key for every online member (same as Ctrl-K)' },
  { name: 'fingerprint', usage: '/fingerprint', help: 'show the fingerprint of the room key' },
  { name: 'clear', usage: '/clear', help: 'clear the chat pane' },
  { name: 'search', usage: '/search TEXT', help: 'find TEXT in the chat: n older, N newer, Enter stays, Esc goes back' },
  { name: 'time', usage: '/time', help: 'show the date and the time to the second' },
  { name: 'help', usage: '/help', help: 'list commands and key bindings (same as F1)' },
  { name: 'leave', usage: '/leave', help: 'leave the room for good (asks once more; coming back takes a new invite)' },
  { name: 'quit', usage: '/quit', help: 'close the room screen and stay in the room (same as Ctrl-C)' },
];

/** The 1:1 commands a room does not have yet, and why. */
const NOT_IN_ROOMS: Record<string, string> = {
  send: 'file transfer in a room is not built yet',
  accept: 'file transfer in a room is not built yet',
  decline: 'file transfer in a room is not built yet',
  cancel: 'file transfer in a room is not built yet',
  transfers: 'file transfer in a room is not built yet',
  history: 'turning it on or off here is not built yet (fernchat profile set ROOM --history on|off; a room profile with history on keeps it)',
  peer: 'a room dials its members itself',
  save: 'a room profile is saved as the room changes',
  'save-profile': 'the room profile is the room’s',
  'save-key': 'the room key changes with each rotation; a new member needs an invite (fernchat invite)',
};

const NO_ARGS = new Set<string>(['who', 'leave', 'rotate', 'fingerprint', 'clear', 'time', 'help', 'quit']);

/** An input line → the command it asks for, or a one-line error. */
export function parseRoomInput(text: string): RoomParseResult {
  const line = parseSlashLine(text);
  if (line.kind === 'message') {
    if (line.text.trim() === '') return { ok: false, error: 'nothing to send' };
    return { ok: true, command: { name: 'say', text: line.text } };
  }
  const name = line.name.toLowerCase();
  const arg = line.args;
  if (name === '') return { ok: false, error: 'empty command — /help lists commands (// sends a line starting with /)' };
  const why = NOT_IN_ROOMS[name];
  if (why !== undefined) return { ok: false, error: `/${name} is not available in rooms yet: ${why}` };
  const known = ROOM_COMMANDS.find((c) => c.name === name);
  if (known === undefined) return { ok: false, error: `unknown room command /${sanitizeInline(line.name).slice(0, 40)} — /help lists commands` };
  if (NO_ARGS.has(name)) {
    if (arg !== '') return { ok: false, error: `/${name} takes no arguments` };
    return { ok: true, command: { name } as RoomCommand };
  }
  if (arg === '') return { ok: false, error: `usage: ${known.usage}` };
  if (name === 'kick') return { ok: true, command: { name, who: arg } };
  if (name === 'nick') {
    const problem = nickProblem(arg);
    return problem === null ? { ok: true, command: { name, nick: arg } } : { ok: false, error: `/nick: ${problem}` };
  }
  // me, search
  return { ok: true, command: { name: name as 'me' | 'search', text: arg } };
}

/** The 1:1 keys, with the room's F2, F3 and Ctrl-K. */
const ROOM_KEYS: ReadonlyArray<readonly [string, string]> = KEY_BINDINGS.flatMap((k): Array<readonly [string, string]> => {
  if (k[0] === 'F2') return [['F3', 'member panel: nick, address, online / offline, RTT, last seen; F3 or Esc closes']];
  if (k[0] === 'Ctrl-K') return [['Ctrl-K', 'rotate the room key (every online member switches; the status bar shows the new fingerprint)']];
  if (k[0] === 'Tab') return [['Tab', "complete a /command or a member's nick"]];
  if (k[0] === 'Up, Down') return [['Up, Down', 'previous / next line, then input history']];
  if (k[0] === 'Esc') return [['Esc', 'close this help / the member panel / the pager; end a search; cancel a paste confirmation']];
  return [k];
});

export const ROOM_HELP: HelpContent = {
  keys: ROOM_KEYS,
  commands: ROOM_COMMANDS,
  notes: [
    'Each line goes to every member; a member offline gets it when it is back (up to 1000 lines each).',
    'Your nick in members’ lines is highlighted (and rings, where the profile enables the bell).',
    `Not in rooms yet: ${COMMANDS.filter((c) => Object.hasOwn(NOT_IN_ROOMS, c.name))
      .map((c) => `/${c.name}`)
      .join(' ')}.`,
  ],
};
