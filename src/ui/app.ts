/**
 * runTui: the full-screen chat. Wires the bus to the widgets and the keys to
 * the bus; knows nothing about sockets.
 *
 *   ┌ chat pane (ChatPane)           rows 0 … h-inputRows-2
 *   ├ status bar (StatusBar)         one row
 *   └ input box (InputBox)           1 … h/3 rows, grows with the text
 *
 * Everything that changes state (a bus fact, a key) only updates models and
 * calls scheduleRender(); layout() copies the models into the widgets right
 * before each (coalesced) render. Bus facts are turned into chat lines in
 * bus-view.ts; keys and commands are handled here.
 *
 * Lifecycle (tui-shell.ts): refuse without a terminal → build the screen
 * (terminal guard on) → run until /quit, Ctrl-C or Ctrl-D → await
 * ctx.shutdown() (bounded) → restore the terminal → resolve with the exit
 * code.
 *
 * Quitting loses nothing quietly: with messages not yet delivered the first
 * quit only warns (a second one quits); a key rotation still running is
 * waited for (bounded), so the peer and the saved profile end on the same
 * key; and the text of every message that failed (✗ during the chat, or at
 * shutdown) is printed on stderr after the terminal is back, with exit code 1.
 */
import { errorMessage, newMessageId, type MessageKind } from '../bus.js';
import { systemClock, type Clock } from '../clock.js';
import { MAX_MESSAGE_BYTES, ROTATION_TIMEOUT_MS } from '../constants.js';
import { Alerts } from './alerts.js';
import { BusView } from './bus-view.js';
import type { TuiContext } from './context.js';
import { ChatPane } from './chat-pane.js';
import { dispatchCommand } from './command-dispatch.js';
import { parseInput, type Command } from './commands.js';
import { HelpOverlay } from './help-overlay.js';
import { showHistory } from './history-view.js';
import { createInputFilter, InputBox, type KeyInfo } from './input-box.js';
import { LinkPanel } from './link-panel.js';
import { formatSize, refusedPasteLine } from './paste.js';
import type { TuiScreen } from './screen.js';
import { SearchBar } from './search-bar.js';
import { ScrollbackSearch } from './search-mode.js';
import { StatusBar } from './status-bar.js';
import { boundedShutdown, runOnScreen } from './tui-shell.js';
import { UndeliveredLog } from './undelivered.js';
import { fsPathDeps } from './fs-lister.js';
import { TransferPane } from './transfer-pane.js';

export { assertTuiPossible, tuiRefusal } from './tui-shell.js';

export async function runTui(ctx: TuiContext): Promise<number> {
  return runOnScreen(ctx, (screen, uninstallGuard) => new TuiApp(ctx, screen, uninstallGuard));
}

class TuiApp {
  private readonly pane: ChatPane;
  private readonly status: StatusBar;
  private readonly input: InputBox;
  private readonly help: HelpOverlay;
  private readonly links: LinkPanel;
  private readonly view: BusView;
  private readonly undelivered: UndeliveredLog;
  private readonly search: ScrollbackSearch;
  private readonly searchBar: SearchBar;
  private readonly clock: Clock;
  private readonly alerts: Alerts;
  private readonly transfers: TransferPane;
  private paneHeight = 1;
  private quitting = false;
  /** The user was told that quitting now leaves messages undelivered; the next quit goes ahead. */
  private quitWarned = false;
  private finish: (code: number) => void = () => {};

  constructor(
    private readonly ctx: TuiContext,
    private readonly screen: TuiScreen,
    private readonly uninstallGuard: () => void,
  ) {
    const parent = screen.screen;
    this.clock = ctx.clock ?? systemClock;
    this.undelivered = new UndeliveredLog(ctx.bus, ctx.opts.wire);
    // Order matters: later children paint over earlier ones. A terminal without colours gets
    // format.ts's styles for none (bold, underline), not colours stripped to nothing.
    this.pane = new ChatPane(parent, {
      capacity: ctx.opts.ui.scrollback,
      seconds: ctx.opts.ui.seconds,
      colors: screen.monochrome ? 2 : screen.colors,
      monochrome: screen.monochrome,
      clock: this.clock,
    });
    this.status = new StatusBar(parent, screen.monochrome);
    this.input = new InputBox(parent);
    this.searchBar = new SearchBar(parent); // over the input line
    this.search = new ScrollbackSearch(this.pane);
    this.links = new LinkPanel(parent, () => this.paneHeight, ctx.bus, ctx.fingerprint);
    this.help = new HelpOverlay(parent);
    this.view = new BusView(ctx, this.pane, {
      changed: () => screen.scheduleRender(),
      notify: (_unseen, alert) => this.alerts.peerLine(alert?.bell ?? true),
      // The link panel follows the bus itself (its model keeps the last minutes).
    });
    this.alerts = new Alerts({
      bell: ctx.opts.ui.bell,
      title: ctx.opts.ui.title,
      base: ctx.title ?? 'fernchat',
      attention: this.view.attention,
      scrolledUnseen: () => (this.pane.atBottom ? 0 : this.pane.buffer.newWhileScrolled),
      screen,
    });
    const paths = fsPathDeps();
    this.transfers = new TransferPane(
      { bus: ctx.bus, wire: ctx.opts.wire, pane: this.pane, attention: this.view.attention, home: paths.home },
      { changed: () => screen.scheduleRender(), offered: () => this.alerts.peerLine(true) },
    );
    this.input.completionPaths = paths;
    screen.onBeforeRender(() => this.layout());
    // Same as an ssh drop: the guard's SIGHUP path restores what it can, says bye, and dies of SIGHUP.
    screen.onTerminalLost(() => process.kill(process.pid, 'SIGHUP'));
    screen.setInputFilter(
      createInputFilter({
        text: (s) => this.onText(s),
        key: (k) => this.onKey(k),
        paste: (text) => {
          if (!this.search.paste(text)) this.input.paste(text);
          screen.scheduleRender();
        },
        refusedPaste: (r) => {
          this.pane.error(refusedPasteLine(r));
          this.pane.bottom();
          screen.scheduleRender();
        },
        focus: (focused) => {
          this.alerts.focus(focused);
          screen.scheduleRender();
        },
      }),
    );
    parent.on('keypress', (_ch: string | undefined, key: KeyInfo | undefined) => {
      if (key) this.onKey(key);
    });
    parent.on('resize', () => {
      this.links.rebuild((err) => this.failed('link panel', err));
      if (this.help.visible) this.help.refill();
      screen.scheduleRender();
    });
    if (ctx.opts.ui.mouse) {
      this.pane.element.on('wheelup', () => this.scroll(() => this.pane.scrollLines(3)));
      this.pane.element.on('wheeldown', () => this.scroll(() => this.pane.scrollLines(-3)));
    }
    // blessed falls back to its own xterm entry when it cannot read one (tmux-256color with
    // ncurses 6 terminfo): harmless, so only --debug hears about it.
    if (ctx.opts.debug) for (const w of screen.warnings) this.pane.system(w);
    this.input.completionNicks = () => {
      const nick = this.view.completionNick();
      return nick === null ? [] : [nick];
    };
    showHistory(this.pane, ctx);
    this.view.greet();
    ctx.start?.();
  }

  run(): Promise<number> {
    this.screen.renderNow();
    return new Promise<number>((resolve) => {
      this.finish = resolve;
    });
  }

  private layout(): void {
    const width = this.screen.width;
    const height = this.screen.height;
    const inputRows = this.input.measure(width, height);
    const statusTop = Math.max(0, height - inputRows - 1);
    this.paneHeight = Math.max(1, statusTop);
    this.pane.sync(width, this.paneHeight, { overlaid: this.help.visible || this.links.visible });
    this.status.place(statusTop, width, this.view.statusState());
    let caret = this.input.place(statusTop + 1);
    if (this.search.active) {
      const bar = this.search.bar(width);
      this.searchBar.place(statusTop + 1, inputRows, bar.row);
      caret = bar.caret === null ? null : { row: statusTop + 1, col: bar.caret };
    } else this.searchBar.hide();
    this.screen.setCursor(this.help.visible ? null : caret);
  }

  private onText(s: string): void {
    if (this.help.visible) {
      this.help.hide();
      if (s === 'q') return this.screen.scheduleRender();
    }
    if (this.search.active) {
      s = this.search.typed(s);
      this.afterScroll();
      if (s === '') return this.screen.scheduleRender();
    }
    this.input.insertText(s);
    this.afterScroll();
    this.screen.scheduleRender();
  }

  private onKey(key: KeyInfo): void {
    if (this.quitting) return;
    const full = key.full ?? key.name ?? '';
    if (full === 'C-c') return void this.quit(0);
    // Ctrl-Z suspends from anywhere (help, dashboard, a paste question), as Ctrl-C quits.
    if (full === 'C-z') return this.screen.suspend();
    if (this.help.visible) return this.helpKey(full);
    if (this.search.active && this.search.key(full) === 'handled') return this.scroll(() => {});
    switch (full) {
      case 'C-r':
        if (this.input.isConfirming) break;
        this.pane.closePager();
        return this.scroll(() => this.search.startPrompt());
      case 'C-k':
        return this.rotate();
      case 'f1':
        return this.showHelp();
      case 'f2':
        return void this.links.toggle().then(
          () => this.screen.scheduleRender(),
          (err: unknown) => this.failed('link panel', err),
        );
      case 'C-l':
        return this.screen.redraw();
      case 'pageup':
        return this.scroll(() => this.pane.pageUp());
      case 'pagedown':
        return this.scroll(() => this.pane.pageDown());
      case 'C-home':
        return this.scroll(() => this.pane.top());
      case 'C-end':
        return this.scroll(() => this.pane.bottom());
      case 'escape':
        if (!this.input.isConfirming && this.links.visible) {
          this.links.hide();
          return this.screen.scheduleRender();
        }
    }
    const r = this.input.handleKey(key);
    if (r.kind === 'submit' && r.literal) this.command({ name: 'say', text: r.text });
    else if (r.kind === 'submit') this.submit(r.text);
    else if (r.kind === 'eof') return void this.quit(0);
    else if (r.kind === 'unhandled' && key.name === 'home') this.pane.top();
    else if (r.kind === 'unhandled' && key.name === 'end') this.pane.bottom();
    this.afterScroll();
    this.screen.scheduleRender();
  }

  private helpKey(full: string): void {
    this.help.key(full);
    this.screen.scheduleRender();
  }

  private showHelp(): void {
    this.help.show();
    this.screen.scheduleRender();
  }

  private scroll(f: () => void): void {
    f();
    this.afterScroll();
    this.screen.scheduleRender();
  }

  /** After a key or a scroll: the user is here (alerts.ts: a mention is seen; at the bottom the title loses its count). */
  private afterScroll(): void {
    this.alerts.seen();
  }

  private rotate(): void {
    if (this.view.rotating) this.pane.system('a key rotation is already running');
    else this.ctx.bus.emit('rotate', {});
    this.screen.scheduleRender();
  }

  private submit(text: string): void {
    const parsed = parseInput(text);
    if (!parsed.ok) {
      this.pane.error(parsed.error);
      return;
    }
    this.command(parsed.command);
  }

  private command(c: Command): void {
    dispatchCommand(
      {
        ctx: this.ctx,
        pane: this.pane,
        view: this.view,
        search: this.search,
        transfers: this.transfers,
        clock: this.clock,
        send: (text, kind) => this.send(text, kind),
        rotate: () => this.rotate(),
        showHelp: () => this.showHelp(),
        quit: (code) => void this.quit(code),
      },
      c,
    );
  }

  /** A message or an action, refused before it is sent when it is over the limit. */
  private send(text: string, kind: MessageKind): void {
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_MESSAGE_BYTES) {
      // Refused before it is sent, so it never fills the pane; back in the box to shorten.
      this.pane.error(`message of ${formatSize(bytes)} is over the ${formatSize(MAX_MESSAGE_BYTES)} message limit: not sent; it is back in the input box`);
      this.input.model.setText(kind === 'action' ? `/me ${text}` : text);
      return;
    }
    const id = newMessageId();
    this.view.sending(id, text, kind);
    this.pane.bottom();
    this.ctx.bus.emit('send', { id, text, kind });
  }

  private failed(what: string, err: unknown): void {
    this.pane.error(`${what}: ${errorMessage(err)}`);
    this.screen.scheduleRender();
  }

  /** Leave: finish a running rotation, close the transport (bounded), give the terminal back, then report what was not delivered. */
  private async quit(code: number): Promise<void> {
    if (this.quitting) return;
    const pending = this.view.statusState().pending;
    const moving = this.transfers.quitWarning();
    if ((pending > 0 || moving !== null) && !this.quitWarned) {
      this.quitWarned = true;
      if (pending > 0)
        this.pane.system(
          `${pending} message${pending === 1 ? ' is' : 's are'} not delivered yet: quit again to leave anyway (the text is printed after exit), or wait for ✓`,
        );
      if (moving !== null) this.pane.system(moving);
      this.screen.scheduleRender();
      return;
    }
    this.quitting = true;
    if (this.view.rotating) {
      // Leaving mid-rotation could leave the peer on the new key and our profile on the old one.
      this.pane.system('finishing the key rotation before quitting…');
      this.screen.renderNow();
      await this.rotationSettled(ROTATION_TIMEOUT_MS);
    }
    this.view.closing();
    this.screen.renderNow();
    this.view.dispose();
    this.transfers.dispose();
    await boundedShutdown(this.ctx);
    // Every ✗ of the session, and what shutdown could not deliver.
    const undelivered = this.undelivered.texts();
    this.undelivered.dispose();
    this.screen.restore();
    this.uninstallGuard();
    if (undelivered.length > 0) {
      const n = undelivered.length;
      process.stderr.write(`fernchat: ${n} message${n === 1 ? ' was' : 's were'} not delivered; the text${n === 1 ? '' : 's'}:\n`);
      for (const text of undelivered) process.stderr.write(`${text}\n`);
    }
    this.finish(undelivered.length > 0 && code === 0 ? 1 : code);
  }

  /** Resolves when no rotation is running, or after `ms`. */
  private rotationSettled(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const offs: Array<() => void> = [];
      const done = (): void => {
        clearTimeout(timer);
        for (const off of offs) off();
        resolve();
      };
      const timer = setTimeout(done, ms);
      offs.push(this.ctx.bus.on('key:rotated', done), this.ctx.bus.on('key:rotation-failed', done));
    });
  }
}
