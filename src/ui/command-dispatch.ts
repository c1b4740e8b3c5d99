/**
 * A parsed slash command (commands.ts) → what it does. app.ts owns the
 * widgets and the lifecycle; this only routes, through the CommandHost it is
 * given, so the list of what each command does reads in one place.
 */
import type { MessageKind } from '../bus.js';
import type { Clock } from '../clock.js';
import type { BusView } from './bus-view.js';
import type { ChatPane } from './chat-pane.js';
import type { Command } from './commands.js';
import type { TuiContext } from './context.js';
import { formatDay, formatTime } from './format.js';
import { historyCommand } from './history-view.js';
import type { ScrollbackSearch } from './search-mode.js';
import type { TransferPane } from './transfer-pane.js';

/** What a command may touch: app.ts's widgets and its own actions. */
export interface CommandHost {
  ctx: TuiContext;
  pane: ChatPane;
  view: BusView;
  search: ScrollbackSearch;
  transfers: TransferPane;
  clock: Clock;
  /** A message or an action, refused before it is sent when it is over the limit. */
  send(text: string, kind: MessageKind): void;
  rotate(): void;
  showHelp(): void;
  quit(code: number): void;
}

export function dispatchCommand(host: CommandHost, c: Command): void {
  const { ctx, pane, view, search, clock } = host;
  switch (c.name) {
    case 'say':
      return host.send(c.text, 'message');
    case 'me':
      return host.send(c.text, 'action');
    case 'time':
      pane.system(`it is ${formatDay(clock.now())}, ${formatTime(clock.now(), true)}`);
      return;
    case 'rotate':
      return host.rotate();
    case 'nick':
      ctx.bus.emit('set-nick', { nick: c.nick });
      view.nickChanged(c.nick);
      return;
    case 'peer':
      ctx.bus.emit('set-peer', { host: c.host, port: c.port });
      return;
    case 'fingerprint':
      pane.system(`key fingerprint: ${view.fingerprint} — your peer should see the same`);
      return;
    case 'clear':
      search.end(false);
      return pane.clear();
    case 'search':
      pane.closePager();
      search.startBrowse(c.text);
      return;
    case 'help':
      return host.showHelp();
    case 'quit':
      return host.quit(0);
    case 'save':
      return view.save();
    case 'save-profile':
      return view.saveAs({ kind: 'profile', name: c.arg });
    case 'save-key':
      return view.saveAs({ kind: 'key-file', file: c.arg });
    case 'history':
      pane.system(historyCommand(ctx, c.arg));
      return;
    case 'send':
    case 'accept':
    case 'decline':
    case 'cancel':
    case 'transfers':
      return host.transfers.command(c);
  }
}
