/**
 * A file transfer (bus.ts TransferView) → the one line the chat pane shows
 * for it, and the rows of /transfers. Pure: the home directory is passed in.
 *
 *   offered (out)  → report.pdf (12.0 MiB, sha256 1a2b3c4d5e6f): offered, waiting for the peer · /cancel 2
 *   offered (in)   offered: report.pdf (12.0 MiB, sha256 1a2b3c4d5e6f) — /accept 2 or /decline 2
 *   transferring   → report.pdf 5.4 MiB of 12.0 MiB  45%  3.1 MiB/s  ETA 4s · /cancel 2
 *   paused         ← report.pdf 5.4 MiB of 12.0 MiB  45%  paused: the peer is away, resumes when it is back
 *   verifying      ← report.pdf 12.0 MiB  100%  checking sha256…
 *   done           ✓ saved to ~/Downloads/report.pdf (12.0 MiB, sha256 verified)
 *   done, resumed  ✓ sent report.pdf (12.0 MiB, sha256 verified by the peer; resumed at 5.4 MiB, 6.6 MiB moved this time)
 *   failed …       ✗ report.pdf: reason
 *
 * The pane keeps one line per transfer and rewrites it as updates arrive
 * (transfer-pane.ts); the text here is plain: format.ts sanitizes it (names
 * and reasons come from the peer).
 */
import type { TransferState, TransferView } from '../bus.js';
import { tildePath } from '../text/tilde.js';
import { formatEta, formatFileSize, formatPercent, formatRate } from '../text/units.js';
import { sanitizeInline } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';

/** What the pane shows for a transfer: the text, and whether it is a problem (an error line). */
export interface TransferLine {
  kind: 'system' | 'error';
  text: string;
}

/** States after which nothing more happens. */
export const ENDED_STATES: ReadonlySet<TransferState> = new Set(['done', 'failed', 'declined', 'cancelled']);

export function isEnded(v: Pick<TransferView, 'state'>): boolean {
  return ENDED_STATES.has(v.state);
}

/** `→` outgoing, `←` incoming. */
export function arrow(v: Pick<TransferView, 'direction'>): string {
  return v.direction === 'out' ? '→' : '←';
}

export function transferLine(v: TransferView, home: string | null): TransferLine {
  const size = formatFileSize(v.size);
  const progress = (): string => `${arrow(v)} ${v.name} ${formatFileSize(v.bytes)} of ${size}  ${formatPercent(v.bytes, v.size)}`;
  const resumed = v.resumedFrom > 0 ? ` (resumed at ${formatFileSize(v.resumedFrom)})` : '';
  switch (v.state) {
    case 'offered':
      return v.direction === 'in'
        ? { kind: 'system', text: `offered: ${v.name} (${size}, sha256 ${v.sha256Prefix}) — /accept ${v.n} or /decline ${v.n}` }
        : { kind: 'system', text: `→ ${v.name} (${size}, sha256 ${v.sha256Prefix}): offered, waiting for the peer · /cancel ${v.n}` };
    case 'transferring': {
      const eta = formatEta(v.etaS);
      return { kind: 'system', text: `${progress()}  ${formatRate(v.rateBps)}${eta === '' ? '' : `  ETA ${eta}`}${resumed} · /cancel ${v.n}` };
    }
    case 'paused':
      return { kind: 'system', text: `${progress()}  paused: the peer is away, resumes when it is back · /cancel ${v.n}` };
    case 'verifying':
      return {
        kind: 'system',
        text: `${arrow(v)} ${v.name} ${size}  100%  ${v.direction === 'in' ? 'checking sha256…' : 'sent, the peer is checking sha256…'}`,
      };
    case 'done': {
      // After a resume, how much this run moved: what a restart saved is visible.
      const moved = v.resumedFrom > 0 ? `; resumed at ${formatFileSize(v.resumedFrom)}, ${formatFileSize(v.size - v.resumedFrom)} moved this time` : '';
      return v.direction === 'in'
        ? { kind: 'system', text: `✓ saved to ${tildePath(v.path, home)} (${size}, sha256 verified${moved})` }
        : v.reason !== undefined && v.reason !== ''
          ? // Nothing moved: the peer answered the offer from the files it holds (a re-send, or a missed answer).
            { kind: 'system', text: `✓ ${v.name}: ${v.reason} (${size}, sha256 verified by the peer)` }
          : { kind: 'system', text: `✓ sent ${v.name} (${size}, sha256 verified by the peer${moved})` };
    }
    case 'failed':
    case 'declined':
    case 'cancelled':
      return { kind: 'error', text: `✗ ${v.name}: ${endedWhy(v)}` };
  }
}

/** Why a transfer ended, one phrase: who ended it and the reason given. */
function endedWhy(v: TransferView): string {
  const reason = extraReason(v.reason);
  const peer = v.endedBy === 'peer';
  switch (v.state) {
    case 'declined':
      return `${peer ? 'the peer declined it' : 'declined'}${reason !== null ? ` (${reason})` : ''}`;
    case 'cancelled':
      return `${peer ? 'cancelled by the peer' : 'cancelled'}${reason !== null ? ` (${reason})` : ''}`;
    default:
      return `${reason ?? 'failed'}${peer ? ' (on the peer’s side)' : ''}`;
  }
}

/**
 * What a reason adds to the state's own words, or null. The transfer service
 * words a reason for every end ("cancelled here", "declined by the peer:
 * too large"; --json carries them as they are); the line already says who
 * ended it, so only what follows such a lead is shown.
 */
function extraReason(reason: string | undefined): string | null {
  let r = reason?.trim() ?? '';
  const lead = ENDED_LEADS.find((l) => r === l || r.startsWith(`${l}:`));
  if (lead !== undefined) r = r.slice(lead.length).replace(/^:\s*/, '');
  return r === '' ? null : r;
}

/** The service's own words for an end (src/transfer), longest first. */
const ENDED_LEADS = ['cancelled by the peer', 'declined by the peer', 'cancelled here', 'declined here', 'cancelled', 'declined'];

/** A state as /transfers says it. */
function stateWord(v: TransferView): string {
  if (v.state === 'offered') return v.direction === 'in' ? 'offered to you' : 'offered';
  return v.state;
}

/** Longest name in the /transfers table, in columns (a longer one is cut with …). */
const TABLE_NAME_COLUMNS = 40;

/**
 * /transfers: a header, then one row per transfer (oldest first) — number,
 * arrow, name, size, state, percent — in aligned columns.
 */
export function transferTable(views: readonly TransferView[]): string[] {
  if (views.length === 0) return ['no transfers yet — /send PATH offers a file (Tab completes the path)'];
  const sorted = [...views].sort((a, b) => a.n - b.n);
  const cols = sorted.map((v) => [
    String(v.n),
    arrow(v),
    truncate(sanitizeInline(v.name), TABLE_NAME_COLUMNS),
    formatFileSize(v.size),
    stateWord(v),
    formatPercent(v.bytes, v.size),
  ]);
  const widths = cols[0]!.map((_, i) => Math.max(...cols.map((c) => stringWidth(c[i]!))));
  const active = sorted.filter((v) => !isEnded(v)).length;
  const rows = cols.map((c) =>
    c
      .map((cell, i) => (i === 0 || i === 3 || i === 5 ? ' '.repeat(widths[i]! - stringWidth(cell)) + cell : cell + ' '.repeat(widths[i]! - stringWidth(cell))))
      .join('  ')
      .trimEnd(),
  );
  return [`transfers: ${sorted.length} (${active} active) — /cancel N, /accept N, /decline N`, ...rows];
}
