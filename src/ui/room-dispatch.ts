/**
 * A parsed room command (room-commands.ts) → what it does, as
 * command-dispatch.ts is for the 1:1 chat: room-app.ts owns the widgets and
 * the lifecycle and hands in what a command may touch.
 */
import type { Clock } from '../clock.js';
import { findMember, rosterLines } from '../room/fact-text.js';
import type { ChatPane } from './chat-pane.js';
import { formatDay, formatTime } from './format.js';
import type { RoomCommand } from './room-commands.js';
import type { RoomTuiContext } from './room-context.js';
import type { RoomView } from './room-view.js';
import type { ScrollbackSearch } from './search-mode.js';

export interface RoomCommandHost {
  ctx: Pick<RoomTuiContext, 'roster' | 'input'>;
  pane: ChatPane;
  view: Pick<RoomView, 'fingerprint'>;
  search: ScrollbackSearch;
  clock: Clock;
  /** A line or an action to every member. */
  send(text: string, action: boolean): void;
  /** /nick NAME. */
  rename(nick: string): void;
  rotate(): void;
  showHelp(): void;
  /** /leave: asks once, then leaves for good. */
  leave(): void;
  quit(code: number): void;
}

export function dispatchRoomCommand(host: RoomCommandHost, c: RoomCommand): void {
  const { ctx, pane, clock } = host;
  switch (c.name) {
    case 'say':
      return host.send(c.text, false);
    case 'me':
      return host.send(c.text, true);
    case 'nick':
      host.rename(c.nick);
      return void pane.system(`you are now known as ${c.nick} in this room (for this run; the profile keeps its nick)`);
    case 'who':
      // Aligned columns: every system line has the same prefix.
      for (const l of rosterLines(ctx.roster())) pane.system(l);
      return pane.bottom();
    case 'kick': {
      const found = findMember(ctx.roster(), c.who);
      if (!found.ok) return void pane.error(found.message);
      return ctx.input({ kind: 'kick', member: found.id });
    }
    case 'leave':
      return host.leave();
    case 'rotate':
      return host.rotate();
    case 'fingerprint':
      pane.system(`room key fingerprint: ${host.view.fingerprint} — every member should see the same`);
      return;
    case 'search':
      pane.closePager();
      host.search.startBrowse(c.text);
      return;
    case 'clear':
      host.search.end(false);
      return pane.clear();
    case 'time':
      pane.system(`it is ${formatDay(clock.now())}, ${formatTime(clock.now(), true)}`);
      return;
    case 'help':
      return host.showHelp();
    case 'quit':
      return host.quit(0);
  }
}
