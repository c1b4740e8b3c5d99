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
 *     forced, fullUnicode on;
 *   - with $TMUX set, blessed wraps titles, cursor shapes and mouse modes in a
 *     tmux passthrough (`ESC P tmux; …`), whatever the terminal really is: GNU
 *     screen inside tmux prints it as `tmux;` text. tmux understands all of
 *     these itself, so nothing is ever wrapped (program.tmux = false);
 *   - it sends colour codes whatever terminfo says: on a terminal without
 *     colours (TERM=vt100) the colour parameters are taken out of every SGR
 *     sequence on the way out (stripColours);
 *   - its mouse setup turns on any-motion tracking (1003) and, on most
 *     terminals, the X10/UTF-8 encodings: the mouse is button events (1000,
 *     1002) in SGR encoding (1006) only (MOUSE_MODES).
 *
 * The window title is not blessed's either (it sets it unasked and never
 * restores it): TuiScreen pushes and pops it.
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

/** The terminal has no colours: terminfo says fewer than 8 and neither its name nor COLORTERM says otherwise. */
export function isMonochrome(tputColors: number, term: string, env: NodeJS.ProcessEnv): boolean {
  return tputColors < 8 && !/colou?r|256|16col|direct/i.test(term) && !/truecolor|24bit/i.test(env.COLORTERM ?? '');
}

const SGR = /\x1b\[([0-9;:]*)m/g;

/**
 * `out` with every colour parameter taken out of its SGR sequences
 * (30–39, 40–49, 90–97, 100–107, and 38/48 with their 5;n or 2;r;g;b), the
 * other attributes (bold, underline, inverse…) kept; a sequence left with
 * nothing is dropped, so it cannot become a reset. Pure.
 */
export function stripColours(out: string): string {
  if (!out.includes('\x1b[')) return out;
  return out.replace(SGR, (whole, params: string) => {
    if (params === '' || params === '0') return whole;
    const p = params.split(/[;:]/);
    const kept: string[] = [];
    for (let i = 0; i < p.length; i++) {
      const n = Number(p[i]);
      if (n === 38 || n === 48) {
        i += p[i + 1] === '5' ? 2 : p[i + 1] === '2' ? 4 : 0;
        continue;
      }
      if ((n >= 30 && n <= 49) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107)) continue;
      kept.push(p[i]!);
    }
    return kept.length === 0 ? '' : `\x1b[${kept.join(';')}m`;
  });
}

/** The mouse, when asked for: button press/release (1000) and drag (1002), SGR-encoded (1006). Never any-motion (1003). */
export const MOUSE_MODES = { vt200Mouse: true, cellMotion: true, sgrMouse: true } as const;

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
  env?: NodeJS.ProcessEnv;
}

export interface BlessedScreen {
  screen: blessed.Widgets.Screen;
  colors: 8 | 16 | 256;
  /** No colours at all (TERM=vt100): every colour code is taken out of the output. */
  monochrome: boolean;
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
  const env = o.env ?? process.env;
  const monochrome = isMonochrome(tput.colors ?? 8, terminal, env);
  const colors = effectiveColors(tput.colors ?? 8, terminal, env);
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
  const prog = screen.program as unknown as {
    tmux: boolean;
    setMouse(opt: Record<string, boolean>, enable: boolean): void;
    enableMouse(): void;
    _owrite(text: string): boolean;
  };
  prog.tmux = false;
  prog.enableMouse = () => prog.setMouse({ ...MOUSE_MODES }, true);
  if (monochrome) {
    // Every byte blessed writes goes through _owrite (write is its alias; flush and _buffer call it).
    const owrite = prog._owrite.bind(prog);
    prog._owrite = (text: string) => owrite(stripColours(text));
    (prog as unknown as { write: (t: string) => boolean }).write = prog._owrite;
  }
  return { screen, colors, monochrome, warnings };
}
