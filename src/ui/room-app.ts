/**
 * runRoomTui: the full-screen room (#15). The 1:1 screen's parts — chat
 * pane, input box, search, help overlay, alerts, terminal guard
 * (tui-shell.ts) — with the room's own status bar (room-status.ts), member
 * panel (F3, room-panel.ts), commands (room-commands.ts) and bus view
 * (room-view.ts: room facts → pane lines).
 *
 *   ┌ chat pane (ChatPane)            the member panel (F3) over its top
 *   ├ status bar (RoomStatusBar)      room ops · 3/4 online │ alice … │ key …
 *   └ input box (InputBox)
 *
 * Lifecycle: as the 1:1 screen; /quit, Ctrl-C (Ctrl-D on an empty input)
 * close the session and stay in the room (with messages not acknowledged
 * yet, the first quit only warns); /leave (asked twice) leaves it for good.
 * Messages reported missed when the session closes are printed on stderr
 * once the terminal is back, and the exit code is then 1.
 */
import { errorMessage } from '../bus.js';
import { systemClock, type Clock } from '../clock.js';
import { ROOM_LEAVE_FLUSH_MS, ROOM_ROTATION_TIMEOUT_MS } from '../constants.js';
import { ChatPane } from './chat-pane.js';
import { HelpOverlay } from './help-overlay.js';
import { createInputFilter, InputBox, type KeyInfo } from './input-box.js';
import { refusedPasteLine } from './paste.js';
import { Alerts } from './alerts.js';
import { parseRoomInput, ROOM_COMMANDS, ROOM_HELP, type RoomCommand } from './room-commands.js';
import { dispatchRoomCommand } from './room-dispatch.js';
import type { RoomTuiContext } from './room-context.js';
import { RoomPanel } from './room-panel.js';
import { RoomStatusBar } from './room-status.js';
import { RoomView } from './room-view.js';
import type { TuiScreen } from './screen.js';
import { SearchBar } from './search-bar.js';
import { ScrollbackSearch } from './search-mode.js';
import { boundedShutdown, pollUntil, runOnScreen } from './tui-shell.js';

export async function runRoomTui(ctx: RoomTuiContext): Promise<number> {
  return runOnScreen(ctx, (screen, uninstallGuard) => new RoomTuiApp(ctx, screen, uninstallGuard));
}

class RoomTuiApp {
  private readonly pane: ChatPane;
  private readonly status: RoomStatusBar;
  private readonly input: InputBox;
  private readonly help: HelpOverlay;
  private readonly panel: RoomPanel;
  private readonly view: RoomView;
  private readonly search: ScrollbackSearch;
  private readonly searchBar: SearchBar;
  private readonly alerts: Alerts;
  private readonly clock: Clock;
  private paneHeight = 1;
  private quitting = false;
  private quitWarned = false;
  private leaveWarned = false;
  private finish: (code: number) => void = () => {};

  constructor(
    private readonly ctx: RoomTuiContext,
    private readonly screen: TuiScreen,
    private readonly uninstallGuard: () => void,
  ) {
    const parent = screen.screen;
    this.clock = ctx.clock ?? systemClock;
    // Later children paint over earlier ones.
    this.pane = new ChatPane(parent, {
      capacity: ctx.opts.ui.scrollback,
      seconds: ctx.opts.ui.seconds,
      colors: screen.monochrome ? 2 : screen.colors,
      monochrome: screen.monochrome,
      clock: this.clock,
    });
    this.status = new RoomStatusBar(parent, screen.monochrome);
    this.input = new InputBox(parent, { commands: ROOM_COMMANDS.map((c) => c.name) });
    this.searchBar = new SearchBar(parent);
    this.search = new ScrollbackSearch(this.pane);
    const render = (): void => screen.scheduleRender();
    this.panel = new RoomPanel(
      parent,
      { roster: () => ctx.roster(), linkInfo: (id) => ctx.linkInfo(id), now: () => this.clock.now() },
      () => this.paneHeight,
      render,
      screen.monochrome,
    );
    this.help = new HelpOverlay(parent, ROOM_HELP);
    this.view = new RoomView(ctx, this.pane, {
      changed: render,
      notify: (bell) => this.alerts.peerLine(bell),
      roster: () => this.panel.refresh(),
      left: () => void this.quit(0, true),
    });
    this.alerts = new Alerts({
      bell: ctx.opts.ui.bell,
      title: ctx.opts.ui.title,
      base: ctx.title ?? 'fernchat',
      attention: this.view.attention,
      scrolledUnseen: () => (this.pane.atBottom ? 0 : this.pane.buffer.newWhileScrolled),
      screen,
    });
    screen.onBeforeRender(() => this.layout());
    screen.onTerminalLost(() => process.kill(process.pid, 'SIGHUP'));
    screen.setInputFilter(
      createInputFilter({
        text: (s) => this.onText(s),
        key: (k) => this.onKey(k),
        paste: (text) => {
          if (!this.search.paste(text)) this.input.paste(text);
          render();
        },
        refusedPaste: (r) => {
          this.pane.error(refusedPasteLine(r));
          this.pane.bottom();
          render();
        },
        focus: (focused) => {
          this.alerts.focus(focused);
          render();
        },
      }),
    );
    parent.on('keypress', (_ch: string | undefined, key: KeyInfo | undefined) => {
      if (key) this.onKey(key);
    });
    parent.on('resize', () => {
      if (this.help.visible) this.help.refill();
      this.panel.refresh();
      render();
    });
    if (ctx.opts.ui.mouse) {
      this.pane.element.on('wheelup', () => this.scroll(() => this.pane.scrollLines(3)));
      this.pane.element.on('wheeldown', () => this.scroll(() => this.pane.scrollLines(-3)));
    }
    if (ctx.opts.debug) for (const w of screen.warnings) this.pane.system(w);
    this.input.completionNicks = () =>
      ctx
        .roster()
        .filter((e) => !e.self)
        .map((e) => e.display);
    this.view.greet();
    ctx.start();
  }

  run(): Promise<number> {
    this.screen.renderNow();
    return new Promise<number>((resolve) => {
      this.finish = resolve;
    });
  }

  private layout(): void {
    const { width, height } = this.screen;
    const inputRows = this.input.measure(width, height);
    const statusTop = Math.max(0, height - inputRows - 1);
    this.paneHeight = Math.max(1, statusTop);
    this.pane.sync(width, this.paneHeight, { overlaid: this.help.visible || this.panel.visible });
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
      this.alerts.seen();
      if (s === '') return this.screen.scheduleRender();
    }
    this.input.insertText(s);
    this.alerts.seen();
    this.screen.scheduleRender();
  }

  private onKey(key: KeyInfo): void {
    if (this.quitting) return;
    const full = key.full ?? key.name ?? '';
    if (full === 'C-c') return void this.quit(0);
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
        this.pane.system('F2 (the link dashboard) is the 1:1 chat’s: F3 shows the members, their RTT and when they were last seen');
        return this.scroll(() => this.pane.bottom());
      case 'f3':
        return this.scroll(() => this.panel.toggle());
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
        if (!this.input.isConfirming && this.panel.visible) return this.scroll(() => this.panel.hide());
    }
    const r = this.input.handleKey(key);
    if (r.kind === 'submit' && r.literal) this.command({ name: 'say', text: r.text });
    else if (r.kind === 'submit') this.submit(r.text);
    else if (r.kind === 'eof') return void this.quit(0);
    else if (r.kind === 'unhandled' && key.name === 'home') this.pane.top();
    else if (r.kind === 'unhandled' && key.name === 'end') this.pane.bottom();
    this.alerts.seen();
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
    this.alerts.seen();
    this.screen.scheduleRender();
  }

  private rotate(): void {
    if (this.view.rotating) this.pane.system('a key rotation is already running');
    else this.ctx.rotate();
    this.pane.bottom();
    this.screen.scheduleRender();
  }

  private submit(text: string): void {
    const parsed = parseRoomInput(text);
    if (!parsed.ok) {
      this.pane.error(parsed.error);
      return;
    }
    this.command(parsed.command);
  }

  private command(c: RoomCommand): void {
    dispatchRoomCommand(
      {
        ctx: this.ctx,
        pane: this.pane,
        view: this.view,
        search: this.search,
        clock: this.clock,
        send: (text, action) => this.send(text, action),
        rename: (nick) => this.view.rename(nick),
        rotate: () => this.rotate(),
        showHelp: () => this.showHelp(),
        leave: () => this.leave(),
        quit: (code) => void this.quit(code),
      },
      c,
    );
  }

  /** A line or an action, refused before it is sent when it is over the limit (back in the input box). */
  private send(text: string, action: boolean): void {
    // Refused before it is sent when over the limit: back in the box to shorten.
    if (!this.view.send(text, action)) this.input.model.setText(action ? `/me ${text}` : text);
  }

  /** /leave, asked twice: our tombstone goes to the members we reach (bounded wait), then the screen closes. */
  private leave(): void {
    if (!this.leaveWarned) {
      this.leaveWarned = true;
      this.pane.system('/leave leaves the room for good: coming back takes a new invite. /leave again to leave, /quit to close and stay in the room');
      return;
    }
    try {
      this.ctx.input({ kind: 'leave' });
    } catch (err) {
      this.pane.error(`could not leave: ${errorMessage(err)}`);
      return;
    }
    this.screen.scheduleRender();
  }

  /** Close the session (bounded), give the terminal back, then report what was missed. `force`: no warning (after /leave). */
  private async quit(code: number, force = false): Promise<void> {
    if (this.quitting) return;
    const pending = this.ctx.inFlight() + this.view.held;
    if (pending > 0 && !this.quitWarned && !force) {
      this.quitWarned = true;
      this.pane.system(
        `${pending} message${pending === 1 ? ' is' : 's are'} not acknowledged yet: quit again to leave anyway (what is not delivered is reported), or wait a moment`,
      );
      this.screen.scheduleRender();
      return;
    }
    this.quitting = true;
    if (force) await pollUntil(this.clock, () => this.ctx.inFlight() === 0, ROOM_LEAVE_FLUSH_MS);
    if (this.view.rotating) {
      this.pane.system('finishing the key rotation before quitting…');
      this.screen.renderNow();
      await pollUntil(this.clock, () => !this.view.rotating, ROOM_ROTATION_TIMEOUT_MS);
    }
    this.panel.dispose();
    this.view.closing();
    this.screen.renderNow();
    await boundedShutdown(this.ctx);
    const report = this.view.afterClose();
    this.view.dispose();
    this.screen.restore();
    this.uninstallGuard();
    for (const line of report.lines) process.stderr.write(`fernchat: ${line}\n`);
    this.finish(code === 0 && report.failed ? 1 : code);
  }
}
