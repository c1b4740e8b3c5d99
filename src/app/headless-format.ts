/**
 * What the headless line mode prints, as pure functions (headless.ts does
 * the I/O). Two audiences:
 *
 * - text mode, for people and simple scripts: one received message per
 *   stdout line, `HH:MM:SS <nick> text`, local time. Text goes through
 *   sanitizeInline: escape sequences and controls are removed and each line
 *   break is shown as ⏎, so one message is exactly one line and cannot fake
 *   another. The nick obeys the local nick rules (text/nick.ts senderNick).
 * - JSON mode, for programs: one object per stdout line, text verbatim
 *   (JSON escapes controls). C1 controls, DEL, bidi overrides and U+2028/9
 *   are written as \uXXXX too: JSON.stringify leaves them raw, and a UTF-8
 *   terminal showing the stream would obey them. Lossless either way.
 *
 * Status and errors go to stderr as one human line each (statusLine), in
 * both modes; JSON mode also puts system events on stdout (jsonEvent).
 */
import type { BusEvents, MessageKind } from '../bus.js';
import { senderNick } from '../text/nick.js';
import { sanitizeInline } from '../text/sanitize.js';
import { parseSlashLine } from '../text/slash.js';
import { parseTransferCommand, type TransferCommand } from '../ui/transfer-commands.js';

/** A parsed input line. */
export type InputLine =
  | { kind: 'empty' }
  /** `kind` only for an action (/me ACTION). */
  | { kind: 'send'; text: string; action?: true }
  | { kind: 'command'; name: 'rotate' | 'quit' }
  | { kind: 'save'; what: 'profile' | 'key-file'; arg: string }
  /** /send PATH, /accept [N] [DIR], /decline [N], /cancel N, /transfers (ui/transfer-commands.ts parses them, as in the UI). */
  | { kind: 'transfer'; command: TransferCommand }
  | { kind: 'unknown'; message: string };

export const HEADLESS_COMMANDS = '/me ACTION /rotate /quit /save-profile NAME /save-key FILE /send PATH /accept [N] [DIR] /decline [N] /cancel N /transfers';

/** `//x` sends `/x`; `/me ACTION` sends an action; `/rotate`, `/quit` are commands (trailing blanks allowed); other `/…` is an error; empty lines are not sent. */
export function parseInputLine(line: string): InputLine {
  if (line === '') return { kind: 'empty' };
  const parsed = parseSlashLine(line);
  if (parsed.kind === 'message') return { kind: 'send', text: parsed.text };
  if (parsed.name === 'me') {
    if (parsed.args === '') return { kind: 'unknown', message: 'usage: /me ACTION (e.g. /me waves)' };
    return { kind: 'send', text: parsed.args, action: true };
  }
  if ((parsed.name === 'rotate' || parsed.name === 'quit') && parsed.args === '') return { kind: 'command', name: parsed.name };
  if (parsed.name === 'save-profile' || parsed.name === 'save-key') {
    const what = parsed.name === 'save-profile' ? 'profile' : 'key-file';
    if (parsed.args === '') return { kind: 'unknown', message: `usage: /${parsed.name} ${what === 'profile' ? 'NAME' : 'FILE'}` };
    return { kind: 'save', what, arg: parsed.args };
  }
  const transfer = parseTransferCommand(parsed.name.toLowerCase(), parsed.args);
  if (transfer !== null) return transfer.ok ? { kind: 'transfer', command: transfer.command } : { kind: 'unknown', message: transfer.error };
  const name = sanitizeInline(`/${parsed.name}`).slice(0, 40);
  return { kind: 'unknown', message: `unknown command ${name} (commands: ${HEADLESS_COMMANDS}; // sends a literal slash)` };
}

/** HH:MM:SS in local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** `HH:MM:SS <bob> text`, or for an action `HH:MM:SS * bob waves`. */
export function messageLine(m: BusEvents['message:received']): string {
  const who = m.kind === 'action' ? `* ${senderNick(m.from)}` : `<${senderNick(m.from)}>`;
  return `${clockTime(m.time)} ${who} ${sanitizeInline(m.text)}`;
}

/** One JSON line, with every character a terminal might obey escaped. */
export function jsonLine(obj: Record<string, unknown>): string {
  return JSON.stringify(obj).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function jsonMessage(m: BusEvents['message:received']): string {
  const kind: MessageKind = m.kind === 'action' ? 'action' : 'message';
  return jsonLine({ type: 'message', kind, from: m.from, text: m.text, time: new Date(m.time).toISOString() });
}

/** A short, safe excerpt of a message for a status line. */
export function excerpt(text: string, max = 60): string {
  const s = sanitizeInline(text);
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

type Fact =
  | { name: 'peer:state'; e: BusEvents['peer:state'] }
  | { name: 'peer:address'; e: BusEvents['peer:address'] }
  | { name: 'peer:restarted'; e: BusEvents['peer:restarted'] }
  | { name: 'key:rotation-pending'; e: BusEvents['key:rotation-pending'] }
  | { name: 'key:rotated'; e: BusEvents['key:rotated'] }
  | { name: 'key:rotation-failed'; e: BusEvents['key:rotation-failed'] }
  | { name: 'message:failed'; e: BusEvents['message:failed'] }
  | { name: 'error'; e: BusEvents['error'] };

/** The stderr line for a fact (never the key of key:rotated). */
export function statusLine(f: Fact): string {
  switch (f.name) {
    case 'peer:state':
      return f.e.state === 'connecting' ? 'connecting…' : `peer ${f.e.state}`;
    case 'peer:address':
      return f.e.reason === 'roamed' && f.e.previous !== null ? `peer moved to ${f.e.address} (was ${f.e.previous})` : `peer at ${f.e.address}`;
    case 'peer:restarted':
      return 'peer restarted; unacknowledged messages are sent again';
    case 'key:rotation-pending':
      return f.e.initiator === 'local' ? 'key rotation started' : 'key rotation started by the peer';
    case 'key:rotated':
      return `key rotated: ${f.e.oldFingerprint} → ${f.e.newFingerprint}`;
    case 'key:rotation-failed':
      return `key rotation failed: ${f.e.reason}`;
    case 'message:failed':
      return `not sent: ${f.e.reason}: ${excerpt(f.e.text)}`;
    case 'error':
      return `${f.e.severity}: ${sanitizeInline(f.e.message)}`;
  }
}

/** The stdout JSON line for a fact in JSON mode (never the key of key:rotated). */
export function jsonEvent(f: Fact, nowMs: number): string {
  const time = new Date(nowMs).toISOString();
  switch (f.name) {
    case 'peer:state':
      return jsonLine({ type: 'peer', state: f.e.state, time });
    case 'peer:address':
      return jsonLine({ type: 'peer-address', address: f.e.address, previous: f.e.previous, reason: f.e.reason, time });
    case 'peer:restarted':
      return jsonLine({ type: 'peer-restarted', time });
    case 'key:rotation-pending':
      return jsonLine({ type: 'rotation-pending', initiator: f.e.initiator, time });
    case 'key:rotated':
      return jsonLine({ type: 'rotated', oldFingerprint: f.e.oldFingerprint, fingerprint: f.e.newFingerprint, time });
    case 'key:rotation-failed':
      return jsonLine({ type: 'rotation-failed', reason: f.e.reason, time });
    case 'message:failed':
      return jsonLine({ type: 'failed', text: f.e.text, reason: f.e.reason, time });
    case 'error':
      return jsonLine({ type: 'error', severity: f.e.severity, message: f.e.message, time });
  }
}

export type { Fact as HeadlessFact };
