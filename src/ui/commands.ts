/**
 * Slash commands: the list (for Tab completion and the help overlay) and the
 * parser from an input line to a Command.
 *
 * Everything that does not start with '/' is a message; '//text' sends the
 * literal '/text'. Parse errors are one line, say what is wrong and how to do
 * it right, and never throw: a typo must not crash the chat.
 */

import { isIPv4, isIPv6 } from 'node:net';
import { NICK_MAX_CHARS } from '../constants.js';
import { sanitizeInline } from './sanitize.js';

export type Command =
  | { name: 'rotate' }
  | { name: 'nick'; nick: string }
  | { name: 'peer'; host: string; port: number }
  | { name: 'fingerprint' }
  | { name: 'clear' }
  | { name: 'help' }
  | { name: 'quit' }
  | { name: 'save' }
  /** A message to send ('//x' → '/x'). */
  | { name: 'say'; text: string };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

/** Every command, in help order. `name` has no slash. */
export const COMMANDS: ReadonlyArray<{ name: string; usage: string; help: string }> = [
  { name: 'rotate', usage: '/rotate', help: 'rotate the shared key now (same as Ctrl-K)' },
  { name: 'nick', usage: '/nick NAME', help: `change your nick (1–${NICK_MAX_CHARS} characters, no spaces)` },
  { name: 'peer', usage: '/peer HOST:PORT', help: 'talk to another address, e.g. /peer 192.0.2.7:7755 or /peer [::1]:7755' },
  { name: 'fingerprint', usage: '/fingerprint', help: 'show the fingerprint of the current key' },
  { name: 'clear', usage: '/clear', help: 'clear the chat pane' },
  { name: 'help', usage: '/help', help: 'list commands and key bindings (same as F1)' },
  { name: 'save', usage: '/save', help: 'save the current nick and peer to the profile' },
  { name: 'quit', usage: '/quit', help: 'leave (same as Ctrl-C)' },
];

const NO_ARGS = new Set(['rotate', 'fingerprint', 'clear', 'help', 'quit', 'save']);

/** An input line → the command it asks for, or a one-line error. */
export function parseInput(text: string): ParseResult {
  if (typeof text !== 'string') throw new TypeError(`parseInput: expected a string, got ${typeof text}`);
  if (text.startsWith('//')) return { ok: true, command: { name: 'say', text: text.slice(1) } };
  if (!text.startsWith('/')) {
    if (text.trim() === '') return { ok: false, error: 'nothing to send' };
    return { ok: true, command: { name: 'say', text } };
  }
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(text)!;
  const name = match[1]!.toLowerCase();
  const arg = match[2]!.trim();
  if (name === '') return { ok: false, error: 'empty command — /help lists commands (// sends a line starting with /)' };
  const known = COMMANDS.find((c) => c.name === name);
  if (!known) return { ok: false, error: `unknown command /${sanitizeInline(match[1]!)} — /help lists commands` };
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
  // peer
  if (arg === '') return { ok: false, error: `usage: ${known.usage}` };
  const hp = parseHostPort(arg);
  if ('error' in hp) return { ok: false, error: `/peer: ${hp.error}` };
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
  if (matches.length === 0) return unchanged;
  if (matches.length === 1) {
    const completed = `/${matches[0]}${after.startsWith(' ') ? '' : ' '}`;
    return { text: completed + after, cursor: completed.length + (after.startsWith(' ') ? 1 : 0), matches: [] };
  }
  let common = matches[0]!;
  for (const m of matches) while (!m.startsWith(common)) common = common.slice(0, -1);
  return { text: `/${common}${after}`, cursor: common.length + 1, matches: matches.map((m) => `/${m}`) };
}

/** Why `nick` is not a valid nick, or null: 1–NICK_MAX_CHARS printable characters, no whitespace. */
export function nickProblem(nick: string): string | null {
  const chars = [...nick].length;
  if (chars === 0 || chars > NICK_MAX_CHARS) return `a nick has 1–${NICK_MAX_CHARS} characters (got ${chars})`;
  if (/\s/.test(nick)) return 'a nick cannot contain spaces';
  if (sanitizeInline(nick) !== nick || /[\p{Cf}\p{Co}\p{Cn}]/u.test(nick)) return 'a nick can only hold printable characters';
  return null;
}

/**
 * "1.2.3.4:7755", "[::1]:7755", "host.name:7755" → host and port (1–65535).
 * IPv6 needs brackets (a bare "::1:7755" is ambiguous).
 */
export function parseHostPort(s: string): { host: string; port: number } | { error: string } {
  const input = s.trim();
  const shown = JSON.stringify(sanitizeInline(input));
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(input);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] === undefined) return { error: `missing port in ${shown} (expected [IPv6]:PORT, e.g. [::1]:7755)` };
    portText = bracketed[2];
    if (!isIPv6(host)) return { error: `not an IPv6 address: ${JSON.stringify(sanitizeInline(host))}` };
  } else {
    const colon = input.lastIndexOf(':');
    if (colon === -1) return { error: `missing port in ${shown} (expected HOST:PORT, e.g. 192.0.2.7:7755)` };
    host = input.slice(0, colon);
    portText = input.slice(colon + 1);
    if (host.includes(':')) return { error: `IPv6 addresses need brackets: [${sanitizeInline(host)}]:PORT, e.g. [::1]:7755` };
    if (host === '') return { error: `missing host in ${shown} (expected HOST:PORT)` };
    if (/^[\d.]+$/.test(host)) {
      if (!isIPv4(host)) return { error: `not an IPv4 address: ${JSON.stringify(host)}` };
    } else if (!isHostname(host)) {
      return { error: `not a valid host name: ${JSON.stringify(sanitizeInline(host))}` };
    }
  }
  if (!/^\d{1,5}$/.test(portText) || +portText < 1 || +portText > 65535) {
    return { error: `port must be a number from 1 to 65535, got ${JSON.stringify(sanitizeInline(portText))}` };
  }
  return { host, port: +portText };
}

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
function isHostname(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
}
