/**
 * blessed's program and screen as fernchat sets them up, on any streams. The
 * one place that knows how blessed 0.1.81 starts on a terminal and where that
 * goes wrong (reproduced with this blessed on this machine):
 *   - terminfo compile errors (`Error on screen-256color.plab_norm`, the Setulc
 *     dump of some xterm-256color entries) are printed with console.error while
 *     the program is built: stderr is swallowed for exactly that long, and the
 *     program is created by us with `extended: false` (blessed.screen() would
 *     not pass that option through);
 *   - tmux-256color and friends parse as 8 colours: the name and COLORTERM
 *     decide instead (effectiveColors);
 *   - without a UTF-8 locale blessed turns emoji and CJK into '?': unicode is
 *     forced, fullUnicode on.
 */
import blessed from 'blessed';

export class ScreenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScreenError';
  }
}

/** 256 when the terminal name or COLORTERM says so, even if blessed's terminfo parse said 8. */
export function effectiveColors(tputColors: number, term: string, env: NodeJS.ProcessEnv): 8 | 16 | 256 {
  if (tputColors >= 256 || /256col|direct|truecolor/i.test(term) || /truecolor|24bit/i.test(env.COLORTERM ?? '')) return 256;
  if (tputColors >= 16 || /16col/i.test(term)) return 16;
  return 8;
}

/** Terminals known to understand OSC 0/2 titles (the Linux console does not). */
export function hasTitles(term: string): boolean {
  return /^(xterm|screen|tmux|rxvt|alacritty|kitty|foot|wezterm|vte|gnome|konsole|iterm)/i.test(term);
}

export interface BlessedScreenOptions {
  input: NodeJS.ReadableStream;
  /** A TTY, or a stream that looks like one (isTTY, columns, rows). */
  output: NodeJS.WritableStream;
  /** Terminal type for terminfo, lower case. */
  terminal: string;
  /** Window title, set only if the terminal has titles. */
  title?: string;
  env?: NodeJS.ProcessEnv;
}

export interface BlessedScreen {
  screen: blessed.Widgets.Screen;
  colors: 8 | 16 | 256;
  /** What blessed said about the terminal while starting and since (the screen's 'warning' events). */
  warnings: string[];
}

/**
 * The blessed program and screen exactly as the app sets them up, on any
 * streams: TuiScreen passes the process's terminal, the bench and the pane
 * test a null or emulated one, so they measure and check what the app
 * renders. Touches nothing else (no raw mode, no paste mode, no listeners on
 * the streams). Throws ScreenError; the terminal is the caller's to restore.
 */
export function createBlessedScreen(o: BlessedScreenOptions): BlessedScreen {
  const { terminal } = o;
  const swallowed: string[] = [];
  const stderrWrite = process.stderr.write;
  process.stderr.write = (chunk: string | Uint8Array) => {
    swallowed.push(String(chunk));
    return true;
  };
  let program: blessed.BlessedProgram | null = null;
  let screen: blessed.Widgets.Screen;
  try {
    program = blessed.program({
      input: o.input,
      output: o.output,
      terminal,
      extended: false,
      tput: true,
      buffer: true,
      zero: true,
      forceUnicode: true,
    } as unknown as blessed.Widgets.IScreenOptions);
    screen = blessed.screen({
      program,
      smartCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      warnings: false,
      sendFocus: false,
      title: o.title && hasTitles(terminal) ? o.title : undefined,
    });
  } catch (err) {
    process.stderr.write = stderrWrite;
    try {
      program?.destroy();
    } catch {
      // nothing more to undo
    }
    throw new ScreenError(
      `cannot start the full-screen UI on TERM=${terminal}: ${err instanceof Error ? err.message : String(err)} — try --term xterm-256color or --headless`,
    );
  } finally {
    process.stderr.write = stderrWrite;
  }
  const tput = (screen.program as unknown as { tput: unknown }).tput as {
    colors: number;
    error: Error | null;
    numbers: Record<string, number>;
    brokenACS: boolean;
  };
  const colors = effectiveColors(tput.colors ?? 8, terminal, o.env ?? process.env);
  tput.colors = colors;
  // Output is UTF-8 (unicode is forced): draw box lines and dots as themselves.
  // Through the alternate character set they show as 'x' and '~' wherever a
  // terminfo entry and the terminal disagree about ACS (tmux with blessed's
  // fallback xterm entry, for one).
  tput.brokenACS = true;
  tput.numbers.max_colors = colors;
  const warnings: string[] = [];
  if (tput.error) warnings.push(`terminal ${terminal}: ${tput.error.message} (a built-in xterm description is used; --term overrides)`);
  if (swallowed.some((s) => /Error on /.test(s))) warnings.push(`terminal ${terminal}: blessed could not compile part of its terminfo entry (ignored)`);
  screen.on('warning', (text: string) => warnings.push(text));
  return { screen, colors, warnings };
}
