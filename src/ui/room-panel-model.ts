/**
 * F3, the room screen's member panel, as rows of text (#15): one per
 * member of the roster, in the roster's order, in aligned columns.
 *
 *   nick        address           state    rtt      last seen
 *   alice       127.0.0.1:7760    you      –        –
 *   bob         127.0.0.1:7761    online   0.4 ms   now
 *   carol~3f2a  192.0.2.7:7760    offline  –        2m ago
 *
 * Pure: the roster, each member's link info (RoomSession.linkInfo) and the
 * time come in, rows go out; room-panel.ts draws them.
 */
import type { RosterEntry } from '../room/core-types.js';
import type { MemberId } from '../room/members.js';
import { sanitizeInline } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';
import { formatMs } from './dashboard-model.js';

export type LinkInfo = { rttMs: number | null; lastSeen: number | null } | null;

export type PanelState = 'you' | 'online' | 'offline';

export interface PanelRow {
  /** The row's text, columns aligned. */
  text: string;
  state: PanelState;
}

export interface PanelView {
  /** The column names, aligned as the rows. */
  header: string;
  rows: PanelRow[];
  /** "3/4 online". */
  summary: string;
}

/** "now" (under 5 s), "12s ago", "2m ago", "3h ago", "2d ago"; "–" for null (not seen since this process started). */
export function relativeAgo(then: number | null, now: number): string {
  if (then === null || !Number.isFinite(then)) return '–';
  const s = Math.floor(Math.max(0, now - then) / 1000);
  if (s < 5) return 'now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** The widest a nick column gets; longer display names are cut with '…'. */
const NICK_COLUMN_MAX = 24;

export function panelView(roster: readonly RosterEntry[], info: (id: MemberId) => LinkInfo, now: number): PanelView {
  const cells = roster.map((e): { cells: string[]; state: PanelState } => {
    const state: PanelState = e.self ? 'you' : e.online ? 'online' : 'offline';
    const link = e.self ? null : info(e.id);
    const rtt = state === 'online' && link?.rttMs != null ? formatMs(link.rttMs) : '–';
    const seen = e.self ? '–' : state === 'online' ? 'now' : relativeAgo(link?.lastSeen ?? null, now);
    return { cells: [truncate(sanitizeInline(e.display), NICK_COLUMN_MAX), sanitizeInline(e.address ?? '-'), state, rtt, seen], state };
  });
  const head = ['nick', 'address', 'state', 'rtt', 'last seen'];
  const widths = head.map((h, i) => Math.max(stringWidth(h), ...cells.map((c) => stringWidth(c.cells[i]!))));
  const line = (cs: string[]): string =>
    cs
      .map((c, i) => (i < cs.length - 1 ? c + ' '.repeat(widths[i]! - stringWidth(c)) : c))
      .join('  ')
      .trimEnd();
  const online = roster.filter((e) => e.self || e.online).length;
  return {
    header: line(head),
    rows: cells.map((c) => ({ text: line(c.cells), state: c.state })),
    summary: `${online}/${roster.length} online`,
  };
}
