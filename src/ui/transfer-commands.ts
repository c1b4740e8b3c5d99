/**
 * The file-transfer slash commands: /send PATH, /accept [N] [DIR], /decline [N],
 * /cancel N, /transfers. Parsing (pure, from commands.ts's parseInput) and
 * running (checks N against the transfers the UI knows of, then emits the
 * transfer:* request on the bus; the transfer service does the rest and
 * answers with transfer:update).
 *
 * Every mistake is one line that says what to type instead. On the raw wire
 * there are no transfers: every one of these says why.
 */
import type { Bus, WireMode } from '../bus.js';
import { quoteValue } from '../text/quote.js';
import { RAW_WIRE_REFUSAL } from '../text/raw-wire.js';
import { sanitizeInline } from '../text/sanitize.js';
import { isEnded, transferTable } from './transfer-line.js';
import type { TransferList } from './transfer-list.js';

export type TransferCommand =
  /** Offer the file at PATH (as typed: the transfer service expands `~`). */
  | { name: 'send'; path: string }
  /** Answer an incoming offer; null: the oldest offer waiting. `dir` (accept only): save there, as typed (`~` expanded by the service). */
  | { name: 'accept'; n: number | null; dir?: string }
  | { name: 'decline'; n: number | null }
  | { name: 'cancel'; n: number }
  | { name: 'transfers' };

export const TRANSFER_COMMANDS: ReadonlyArray<{ name: TransferCommand['name']; usage: string; help: string }> = [
  { name: 'send', usage: '/send PATH', help: 'offer a file to the peer (Tab completes the path; ~ is your home)' },
  { name: 'accept', usage: '/accept [N] [DIR]', help: 'accept offer N (default: the oldest waiting); saved in DIR, else the download directory' },
  { name: 'decline', usage: '/decline [N]', help: 'decline offer N (default: the oldest waiting)' },
  { name: 'cancel', usage: '/cancel N', help: 'stop transfer N, either direction (the receiver deletes the partial file)' },
  { name: 'transfers', usage: '/transfers', help: 'list the transfers: number, direction, name, size, state, percent' },
];

type Parsed = { ok: true; command: TransferCommand } | { ok: false; error: string };

/** `/NAME ARG` for a transfer command `name` (lower case) → the command, or a one-line error; null: not a transfer command. */
export function parseTransferCommand(name: string, arg: string): Parsed | null {
  switch (name) {
    case 'send': {
      const path = unquote(arg);
      if (path === '') return { ok: false, error: 'usage: /send PATH — e.g. /send ~/report.pdf (Tab completes the path)' };
      return { ok: true, command: { name, path } };
    }
    case 'accept': {
      // `/accept`, `/accept 2`, `/accept 2 ~/inbox`, `/accept ~/inbox` (a directory called 2 is ./2).
      const m = /^(#?\d+)(?:\s+(.*))?$/s.exec(arg);
      const n = m === null ? null : transferNumber(m[1]!);
      if (m !== null && n === null)
        return { ok: false, error: `/accept: N must be a transfer number (1, 2, …), got ${shown(m[1]!)} — usage: /accept [N] [DIR]` };
      const dir = unquote((m === null ? arg : (m[2] ?? '')).trim());
      if (dir === '') return { ok: true, command: { name, n } };
      // A directory is typed as a path (`~/in`, `./in`, `/tmp`): a bare word is more likely a mistyped N.
      if (!/[/~]|^\./.test(dir)) {
        return { ok: false, error: `/accept: N must be a transfer number (1, 2, …), got ${shown(dir)} — usage: /accept [N] [DIR], DIR as a path (./${dir})` };
      }
      return { ok: true, command: { name, n, dir } };
    }
    case 'decline': {
      if (arg === '') return { ok: true, command: { name, n: null } };
      const n = transferNumber(arg);
      if (n === null) return { ok: false, error: `/${name}: N must be a transfer number (1, 2, …), got ${shown(arg)} — usage: /${name} [N]` };
      return { ok: true, command: { name, n } };
    }
    case 'cancel': {
      if (arg === '') return { ok: false, error: 'usage: /cancel N — the number of the transfer (/transfers lists them)' };
      const n = transferNumber(arg);
      if (n === null) return { ok: false, error: `/cancel: N must be a transfer number (1, 2, …), got ${shown(arg)} — /transfers lists them` };
      return { ok: true, command: { name, n } };
    }
    case 'transfers':
      return arg === '' ? { ok: true, command: { name } } : { ok: false, error: '/transfers takes no arguments' };
    default:
      return null;
  }
}

export interface TransferCommandHost {
  bus: Bus;
  wire: WireMode;
  transfers: TransferList;
  /** A line for the pane: a note or an error. */
  say(kind: 'system' | 'error', text: string): void;
}

/** Runs a transfer command: a request on the bus, or one line saying why not. */
export function runTransferCommand(host: TransferCommandHost, c: TransferCommand): void {
  const { bus, transfers } = host;
  const error = (text: string): void => host.say('error', text);
  if (host.wire === 'raw' && c.name !== 'transfers') return error(RAW_WIRE_REFUSAL);
  switch (c.name) {
    case 'send':
      bus.emit('transfer:send', { path: c.path });
      return;
    case 'transfers':
      if (host.wire === 'raw') return host.say('system', `no transfers: ${RAW_WIRE_REFUSAL}`);
      for (const row of transferTable(transfers.all())) host.say('system', row);
      return;
    case 'accept':
    case 'decline': {
      const n = c.n ?? transfers.waitingOffers()[0]?.n;
      if (n === undefined) return error(`no offer is waiting to ${c.name === 'accept' ? 'accept' : 'decline'} — /transfers lists the transfers`);
      const v = transfers.get(n);
      if (v === undefined) return error(`no transfer ${n} — /transfers lists them`);
      if (v.direction !== 'in') return error(`transfer ${n} is one you are sending: only the peer can ${c.name} it (/cancel ${n} stops it)`);
      if (v.state !== 'offered') return error(`transfer ${n} is not waiting for an answer (it is ${v.state})`);
      if (c.name === 'accept') bus.emit('transfer:accept', c.dir === undefined ? { n } : { n, dir: c.dir });
      else bus.emit('transfer:decline', { n });
      return;
    }
    case 'cancel': {
      const v = transfers.get(c.n);
      if (v === undefined) return error(`no transfer ${c.n} — /transfers lists them`);
      if (isEnded(v)) return error(`transfer ${c.n} has already ended (${v.state})`);
      bus.emit('transfer:cancel', { n: c.n });
      return;
    }
  }
}

/** A positive whole number as typed (`2`, `#2`), or null. */
function transferNumber(arg: string): number | null {
  const m = /^#?(\d{1,9})$/.exec(arg);
  if (m === null) return null;
  const n = Number(m[1]);
  return n >= 1 ? n : null;
}

/** A path typed in quotes, as in a shell ('my file.pdf' or "my file.pdf"): the quotes go. Spaces need no quotes. */
function unquote(arg: string): string {
  const m = /^(['"])(.*)\1$/.exec(arg);
  return m !== null && m[2] !== '' ? m[2]! : arg;
}

/** What was typed, quoted by the house rule (never a key), safe to show. */
function shown(arg: string): string {
  return sanitizeInline(quoteValue(arg));
}
