/**
 * Slash commands: the list (for Tab completion and the help overlay) and the
 * parser from an input line to a Command.
 *
 * The slash syntax is text/slash.ts's (shared with the headless mode): a
 * line not starting with '/' is a message, '//text' sends the literal
 * '/text'; command names are case-insensitive here. Parse errors are one
 * line, say what is wrong and how to do it right, and never throw: a typo
 * must not crash the chat.
 */

import { MAX_NICK_CHARS } from '../constants.js';
import { parseHostPort } from '../address/parse.js';
import { nickProblem } from '../config/nick.js';
import { sanitizeInline } from '../text/sanitize.js';
import { parseSlashLine } from '../text/slash.js';
import { parseTransferCommand, TRANSFER_COMMANDS, type TransferCommand } from './transfer-commands.js';

export type Command =
  | { name: 'rotate' }
  | { name: 'nick'; nick: string }
  | { name: 'peer'; host: string; port: number }
  | { name: 'fingerprint' }
  | { name: 'clear' }
  | { name: 'help' }
  | { name: 'quit' }
  | { name: 'save' }
  /** Keep the key in use: a new profile NAME, or a new 0600 key file FILE (never overwritten). */
  | { name: 'save-profile' | 'save-key'; arg: string }
  /** Find TEXT in the scrollback (search-mode.ts): literal, smart case. */
  | { name: 'search'; text: string }
  /** /me ACTION: an action, shown as `* alice waves`. */
  | { name: 'me'; text: string }
  /** /time: the local date and time, with seconds. */
  | { name: 'time' }
  /** Whether the chat is kept on disk (null), or keep it / stop keeping it for this session. */
  | { name: 'history'; arg: 'on' | 'off' | null }
  /** A message to send ('//x' → '/x'). */
  | { name: 'say'; text: string }
  /** /send, /accept, /decline, /cancel, /transfers (transfer-commands.ts). */
  | TransferCommand;

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

/** Every command, in help order. `name` has no slash. */
export const COMMANDS: ReadonlyArray<{ name: string; usage: string; help: string }> = [
  { name: 'rotate', usage: '/rotate', help: 'rotate the shared key now (same as Ctrl-K)' },
  { name: 'nick', usage: '/nick NAME', help: `change your nick (1–${MAX_NICK_CHARS} characters, no spaces)` },
  { name: 'me', usage: '/me ACTION', help: 'say what you do: /me waves shows "* alice waves" on both sides' },
  { name: 'peer', usage: '/peer HOST:PORT', help: 'talk to another address, e.g. /peer 192.0.2.7:7755 or /peer [::1]:7755' },
  { name: 'fingerprint', usage: '/fingerprint', help: 'show the fingerprint of the current key' },
  { name: 'clear', usage: '/clear', help: 'clear the chat pane' },
  {
    name: 'search',
    usage: '/search TEXT',
    help: 'find TEXT in the chat (plain text; case matters only if it has capitals): n older, N newer, Enter stays, Esc goes back',
  },
  { name: 'time', usage: '/time', help: 'show the date and the time to the second' },
  { name: 'help', usage: '/help', help: 'list commands and key bindings (same as F1)' },
  { name: 'save', usage: '/save', help: 'save the current nick and peer to the profile' },
  { name: 'save-profile', usage: '/save-profile NAME', help: 'keep this chat (key in use, nick, peer, port) as a new profile' },
  { name: 'save-key', usage: '/save-key FILE', help: 'write the key in use to a new file (mode 600) for --key-file' },
  { name: 'history', usage: '/history [on|off]', help: 'whether this chat is kept on disk; off stops keeping it for this session' },
  ...TRANSFER_COMMANDS,
  { name: 'quit', usage: '/quit', help: 'leave (same as Ctrl-C)' },
];

const NO_ARGS = new Set(['rotate', 'fingerprint', 'clear', 'help', 'quit', 'save', 'time']);

/** An input line → the command it asks for, or a one-line error. */
export function parseInput(text: string): ParseResult {
  if (typeof text !== 'string') throw new TypeError(`parseInput: expected a string, got ${typeof text}`);
  const line = parseSlashLine(text);
  if (line.kind === 'message') {
    if (line.text.trim() === '') return { ok: false, error: 'nothing to send' };
    return { ok: true, command: { name: 'say', text: line.text } };
  }
  const name = line.name.toLowerCase();
  const arg = line.args;
  if (name === '') return { ok: false, error: 'empty command — /help lists commands (// sends a line starting with /)' };
  const known = COMMANDS.find((c) => c.name === name);
  if (!known) return { ok: false, error: `unknown command /${sanitizeInline(line.name)} — /help lists commands` };
  const transfer = parseTransferCommand(name, arg);
  if (transfer !== null) return transfer;
  if (NO_ARGS.has(name)) {
    if (arg !== '') return { ok: false, error: `/${name} takes no arguments` };
    return { ok: true, command: { name } as Command };
  }
  if (name === 'nick') {
    if (arg === '') return { ok: false, error: `usage: ${known.usage}` };
    const problem = nickProblem(arg);
    if (problem) return { ok: false, error: `/nick: ${problem}` };
    return { ok: true, command: { name: 'nick', nick: arg } };
  }
  if (name === 'search') {
    if (arg === '') return { ok: false, error: `usage: ${known.usage} (or Ctrl-R to search as you type)` };
    return { ok: true, command: { name: 'search', text: arg } };
  }
  if (name === 'me') {
    if (arg === '') return { ok: false, error: `usage: ${known.usage} (e.g. /me waves)` };
    return { ok: true, command: { name: 'me', text: arg } };
  }
  if (name === 'history') {
    const a = arg.toLowerCase();
    if (a === '') return { ok: true, command: { name, arg: null } };
    if (a === 'on' || a === 'off') return { ok: true, command: { name, arg: a } };
    return { ok: false, error: `usage: ${known.usage}` };
  }
  if (name === 'save-profile' || name === 'save-key') {
    if (arg === '') return { ok: false, error: `usage: ${known.usage}` };
    return { ok: true, command: { name, arg } };
  }
  // peer
  if (arg === '') return { ok: false, error: `usage: ${known.usage}` };
  const hp = parseHostPort(arg);
  // The parser quotes with JSON escapes; sanitizing also drops C1 and bidi controls.
  if ('error' in hp) return { ok: false, error: `/peer: ${sanitizeInline(hp.error)}` };
  return { ok: true, command: { name: 'peer', host: hp.host, port: hp.port } };
}

/**
 * Tab completion of the /command before `cursor` among `names` (no slash,
 * lower case). One match → completed, with a space after. Several → extended
 * to their longest common prefix, and the matches are returned (sorted, with
 * slash) for the UI to list; no cycling, so Tab never swaps what was typed
 * for a guess. Anything else → unchanged, no matches.
 */
export function completeCommand(text: string, cursor: number, names: readonly string[]): { text: string; cursor: number; matches: string[] } {
  const unchanged = { text, cursor, matches: [] as string[] };
  const before = text.slice(0, cursor);
  const after = text.slice(cursor);
  if (!/^\/[^\s/]*$/.test(before) || (after !== '' && !/^\s/.test(after))) return unchanged;
  const word = before.slice(1).toLowerCase();
  const matches = names.filter((c) => c.startsWith(word)).sort();
  const first = matches[0];
  if (first === undefined) return unchanged;
  if (matches.length === 1) {
    const completed = `/${first}${after.startsWith(' ') ? '' : ' '}`;
    return { text: completed + after, cursor: completed.length + (after.startsWith(' ') ? 1 : 0), matches: [] };
  }
  let common = first;
  for (const m of matches) while (!m.startsWith(common)) common = common.slice(0, -1);
  return { text: `/${common}${after}`, cursor: common.length + 1, matches: matches.map((m) => `/${m}`) };
}
