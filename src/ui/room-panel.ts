/**
 * F3: the room's member panel, a box over the top of the chat pane (#15).
 * What it shows is panelView's (room-panel-model.ts, pure and tested); this
 * file only draws, and while open reads the roster and the RTTs again every
 * ROOM_PANEL_REFRESH_MS (the room screen also refreshes it on the facts that
 * change the roster: members-changed, online, offline).
 */
import blessed from 'blessed';
import { ROOM_PANEL_REFRESH_MS } from '../constants.js';
import type { RosterEntry } from '../room/core-types.js';
import type { MemberId } from '../room/members.js';
import { escapeTags } from '../text/sanitize.js';
import { truncate } from '../text/width.js';
import { panelView, type LinkInfo, type PanelState } from './room-panel-model.js';

export interface RoomPanelSource {
  roster(): RosterEntry[];
  linkInfo(id: MemberId): LinkInfo;
  now(): number;
}

const STATE_TAG: Record<PanelState, string> = { you: 'bold', online: 'green-fg', offline: 'red-fg' };

export class RoomPanel {
  private readonly box: blessed.Widgets.BoxElement;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    parent: blessed.Widgets.Screen,
    private readonly source: RoomPanelSource,
    /** Rows the chat pane covers: the panel stays inside them. */
    private readonly paneHeight: () => number,
    /** The panel changed: render soon. */
    private readonly changed: () => void,
    private readonly monochrome = false,
  ) {
    this.box = blessed.box({
      parent,
      top: 0,
      left: 0,
      width: '100%',
      height: 3,
      border: { type: 'line' },
      tags: true,
      hidden: true,
      wrap: false,
      style: { border: { fg: 'cyan' } },
    });
  }

  get visible(): boolean {
    return !this.box.hidden;
  }

  toggle(): void {
    if (this.visible) this.hide();
    else this.show();
  }

  show(): void {
    this.box.show();
    this.box.setFront();
    this.refresh();
    this.timer ??= setInterval(() => this.refresh(), ROOM_PANEL_REFRESH_MS);
    this.timer.unref();
  }

  hide(): void {
    this.box.hide();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.changed();
  }

  /** Reads the roster and the link info again (a no-op while hidden). */
  refresh(): void {
    if (!this.visible) return;
    const view = panelView(this.source.roster(), (id) => this.source.linkInfo(id), this.source.now());
    const width = Math.max(1, (this.box.screen.width as number) - 2);
    const cut = (s: string): string => escapeTags(truncate(s, width));
    const rows = [
      this.monochrome ? cut(view.header) : `{bold}${cut(view.header)}{/bold}`,
      ...view.rows.map((r) => (this.monochrome && r.state !== 'you' ? cut(r.text) : `{${STATE_TAG[r.state]}}${cut(r.text)}{/${STATE_TAG[r.state]}}`)),
    ];
    const height = Math.max(3, Math.min(this.paneHeight(), rows.length + 2));
    this.box.height = height;
    this.box.setLabel(` members · ${view.summary} (F3 closes) `);
    this.box.setContent(rows.slice(0, height - 2).join('\n'));
    this.changed();
  }

  dispose(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
