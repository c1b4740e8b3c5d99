/**
 * blessed on the process's terminal, behind a thin wrapper: raw mode, paste
 * mode, coalesced renders, the cursor, and how to put the terminal back. How
 * the screen itself is built, and blessed's start-up traps, is
 * blessed-screen.ts's.
 *
 * Trap handled here (reproduced with this blessed on this machine): blessed's
 * key parser splits surrogate pairs and drops whole chunks that look like
 * mouse reports: raw stdin is filtered before it (setInputFilter).
 *
 * Terminal manners: the window title is set only when asked (profile
 * `ui.title`), after pushing the terminal's own (XTWINOPS 22), and popped
 * (23) on exit and on suspend. Focus reporting (mode 1004) is on while
 * the chat runs (away and unread, attention.ts) and off in RESTORE_SEQUENCE,
 * which the terminal guard's every exit path and a suspend write. Ctrl-Z (or SIGTSTP) suspends as a full-screen
 * program does: the terminal as the shell wants it, SIGSTOP; on SIGCONT the
 * screen, modes and title come back and everything is repainted.
 */
import { writeSync } from 'node:fs';
import type blessed from 'blessed';
import { RENDER_INTERVAL_MS } from '../constants.js';
import { createBlessedScreen, hasTitles, type BlessedScreen } from './blessed-screen.js';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON } from './paste.js';

export interface ScreenOptions {
  /** Terminal type for terminfo, or null for $TERM. */
  term: string | null;
  mouse: boolean;
  /** Window title to set while running (only if the profile enables titles), if the terminal has titles. */
  title?: string;
  env?: NodeJS.ProcessEnv;
}

/** Focus reporting (xterm mode 1004): the terminal sends CSI I on focus in, CSI O on focus out (raw-input.ts). */
export const FOCUS_ON = '\x1b[?1004h';
export const FOCUS_OFF = '\x1b[?1004l';

/** Leaves everything as a shell expects it, whatever state we were in. */
export const RESTORE_SEQUENCE =
  BRACKETED_PASTE_OFF +
  FOCUS_OFF +
  '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l' + // every mouse mode off
  '\x1b[0m' + // attributes reset
  '\x1b[?25h' + // cursor visible
  '\x1b[?1049l'; // normal screen buffer

/** Saves the window title (and icon name) on the terminal's title stack (xterm XTWINOPS 22;0). */
export const TITLE_PUSH = '\x1b[22;0t';
/** Restores the title saved by TITLE_PUSH (XTWINOPS 23;0). */
export const TITLE_POP = '\x1b[23;0t';
/** The window title: OSC 0 … BEL. Never through a tmux passthrough (tmux takes OSC 0 as the pane title). */
export function titleSequence(title: string): string {
  return `\x1b]0;${title.replace(/[\x00-\x1f\x7f-\x9f]/g, '')}\x07`;
}
/** What a suspend takes back and a resume puts on again, besides raw mode and the title. */
const MOUSE_ON = '\x1b[?1000h\x1b[?1002h\x1b[?1006h';

/** Receives raw stdin text before blessed; `forward` hands key input on to blessed's parser. */
export type InputFilter = (data: string, forward: (keys: string) => void) => void;

export class TuiScreen {
  readonly screen: blessed.Widgets.Screen;
  readonly terminal: string;
  readonly colors: 8 | 16 | 256;
  /** The terminal has no colours (TERM=vt100): no colour code reaches it. */
  readonly monochrome: boolean;
  /** What blessed said about the terminal while starting (terminfo trouble), for a system line. */
  readonly warnings: string[];
  private readonly input: typeof process.stdin;
  private readonly output: typeof process.stdout;
  private restored = false;
  private renderTimer: NodeJS.Timeout | null = null;
  private lastRenderAt = 0;
  private beforeRender: (() => void) | null = null;
  private cursorAt: { row: number; col: number } | null = null;
  private filterListener: ((chunk: Buffer | string) => void) | null = null;
  private blessedDataListeners: Array<(chunk: Buffer) => void> = [];
  private lost = false;
  private lostHandler: (() => void) | null = null;
  /** The title we set (pushed the terminal's first), or null: we never touch the title. */
  private readonly title: string | null;
  /** The title shown now (setTitle: "(3) fernchat"), put back on resume. */
  private currentTitle: string | null = null;
  private readonly mouse: boolean;
  private suspended = false;

  constructor(opts: ScreenOptions) {
    const env = opts.env ?? process.env;
    this.input = process.stdin;
    this.output = process.stdout;
    const terminal = (opts.term ?? env.TERM ?? 'xterm').toLowerCase();
    let made: BlessedScreen;
    try {
      made = createBlessedScreen({ input: this.input, output: this.output, terminal, env });
    } catch (err) {
      try {
        writeSync(this.output.fd, RESTORE_SEQUENCE);
      } catch {
        // nothing more to undo
      }
      throw err;
    }
    this.screen = made.screen;
    this.terminal = terminal;
    this.colors = made.colors;
    this.monochrome = made.monochrome;
    this.warnings = made.warnings;
    // A dropped ssh session shows up as EIO on the terminal before (or instead of) SIGHUP:
    // never let that become an uncaught exception.
    this.output.on('error', this.onLost);
    this.input.on('error', this.onLost);
    this.input.on('end', this.onLost);
    this.screen.on('prerender', () => this.beforeRender?.());
    this.screen.on('render', () => this.placeCursor());
    if (this.input.isTTY && !this.input.isRaw) this.input.setRawMode(true);
    this.input.resume();
    this.screen.program.output.write(BRACKETED_PASTE_ON + FOCUS_ON);
    this.mouse = opts.mouse;
    if (opts.mouse) this.screen.enableMouse();
    this.title = opts.title !== undefined && hasTitles(terminal) ? opts.title : null;
    if (this.title !== null) this.screen.program.output.write(TITLE_PUSH + titleSequence(this.title));
  }

  get width(): number {
    return this.screen.width as number;
  }

  get height(): number {
    return this.screen.height as number;
  }

  private readonly onLost = (): void => {
    if (this.lost || this.restored) return;
    this.lost = true;
    this.lostHandler?.();
  };

  /** The terminal went away (hangup, EIO): called once. */
  onTerminalLost(fn: () => void): void {
    this.lostHandler = fn;
  }

  /**
   * Called right before every render — ours and blessed's own (it renders by
   * itself on resize): the app copies its models into the widgets there.
   */
  onBeforeRender(fn: () => void): void {
    this.beforeRender = fn;
  }

  /** Coalesced: at most one render per RENDER_INTERVAL_MS, however many changes ask for one. */
  scheduleRender(): void {
    if (this.restored || this.renderTimer !== null) return;
    const wait = Math.max(0, this.lastRenderAt + RENDER_INTERVAL_MS - Date.now());
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      this.renderNow();
    }, wait);
  }

  renderNow(): void {
    // While suspended the shell owns the terminal: the repaint comes with SIGCONT.
    if (this.restored || this.lost || this.suspended) return;
    if (this.renderTimer !== null) {
      clearTimeout(this.renderTimer);
      this.renderTimer = null;
    }
    this.lastRenderAt = Date.now();
    this.screen.render();
  }

  /** Where the terminal cursor sits after each render (the input box's caret), or null to hide it. */
  setCursor(pos: { row: number; col: number } | null): void {
    this.cursorAt = pos;
  }

  private placeCursor(): void {
    const program = this.screen.program;
    if (this.cursorAt === null) {
      program.hideCursor();
      return;
    }
    program.cup(this.cursorAt.row, this.cursorAt.col);
    program.showCursor();
  }

  /** Ctrl-L: forget what blessed thinks is on the terminal and paint everything again. */
  redraw(): void {
    this.screen.realloc();
    this.renderNow();
  }

  /**
   * Puts `filter` between stdin and blessed. blessed listens with two 'data'
   * handlers (its program's and its key parser's); they are taken off stdin and
   * only ever called by `forward`, so bracketed pastes and plain text never
   * reach the key parser.
   */
  setInputFilter(filter: InputFilter): void {
    if (this.filterListener) throw new TypeError('setInputFilter: a filter is already installed');
    this.blessedDataListeners = this.input.listeners('data') as Array<(chunk: Buffer) => void>;
    for (const l of this.blessedDataListeners) this.input.removeListener('data', l);
    const forward = (keys: string): void => {
      if (keys === '') return;
      const buf = Buffer.from(keys, 'utf8');
      for (const l of this.blessedDataListeners) l.call(this.input, buf);
    };
    this.input.setEncoding('utf8');
    this.filterListener = (chunk) => filter(String(chunk), forward);
    this.input.on('data', this.filterListener);
  }

  bell(): void {
    if (!this.restored && !this.suspended) this.screen.program.bell();
  }

  /** A new title; only if one was set at start (the profile enables titles). */
  setTitle(title: string): void {
    if (this.title === null) return;
    this.currentTitle = title;
    if (!this.restored && !this.suspended) this.screen.program.output.write(titleSequence(title));
  }

  /**
   * Ctrl-Z / SIGTSTP: give the terminal back as the shell wants it and stop
   * (SIGSTOP: a SIGTSTP listener means Node would not stop by itself); on
   * SIGCONT (`fg`), take it again and repaint. `stop` is injected for tests.
   */
  suspend(stop: () => void = () => process.kill(process.pid, 'SIGSTOP')): void {
    if (this.restored || this.lost || this.suspended) return;
    this.suspended = true;
    if (this.renderTimer !== null) {
      clearTimeout(this.renderTimer);
      this.renderTimer = null;
    }
    try {
      this.screen.program.flush();
      writeSync(this.output.fd, RESTORE_SEQUENCE + (this.title !== null ? TITLE_POP : ''));
      if (this.input.isTTY && this.input.isRaw) this.input.setRawMode(false);
    } catch {
      // the terminal is gone: the lost handler deals with it
    }
    process.once('SIGCONT', this.onContinue);
    stop();
  }

  private readonly onContinue = (): void => {
    if (!this.suspended) return;
    this.suspended = false;
    if (this.restored) return;
    try {
      if (this.input.isTTY && !this.input.isRaw) this.input.setRawMode(true);
      const title = this.title !== null ? TITLE_PUSH + titleSequence(this.currentTitle ?? this.title) : '';
      writeSync(this.output.fd, '\x1b[?1049h' + BRACKETED_PASTE_ON + FOCUS_ON + (this.mouse ? MOUSE_ON : '') + title);
    } catch {
      return;
    }
    this.redraw();
  };

  get isSuspended(): boolean {
    return this.suspended;
  }

  /**
   * Puts the terminal back: blessed leaves the alternate screen and raw mode,
   * then our own sequence makes sure of the rest. Synchronous (it runs from
   * signal and exception handlers) and idempotent.
   */
  restore(): void {
    if (this.restored) return;
    this.restored = true;
    if (this.renderTimer !== null) clearTimeout(this.renderTimer);
    process.removeListener('SIGCONT', this.onContinue);
    if (this.filterListener) this.input.removeListener('data', this.filterListener);
    // Errors from a terminal that is already gone are expected now; keep them from
    // becoming uncaught, but they no longer mean anything to us.
    this.input.removeListener('end', this.onLost);
    try {
      this.screen.program.flush();
      this.screen.destroy();
    } catch {
      // blessed half torn down: the sequence below still restores the terminal
    }
    try {
      if (this.input.isTTY && this.input.isRaw) this.input.setRawMode(false);
      this.input.pause();
    } catch {
      // stdin already closed
    }
    try {
      writeSync(this.output.fd, RESTORE_SEQUENCE + (this.title !== null && !this.suspended ? TITLE_POP : ''));
    } catch {
      // terminal gone (ssh dropped): nothing left to restore
    }
  }
}
