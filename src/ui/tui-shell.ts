/**
 * What every full-screen screen does around its widgets (the 1:1 chat,
 * app.ts; the room, room-app.ts): refuse without a terminal, build the
 * screen with the terminal guard on, and on the way out close the session
 * (bounded) before the terminal is given back.
 *
 *   refuse (no TTY, TERM=dumb) → shutdown, UsageError (exit 2)
 *   the screen cannot start    → shutdown, one line, exit 1
 *   building the widgets throws → restore, shutdown, rethrow
 *   else                        → the app runs until it resolves its exit code
 */
import { errorMessage } from '../bus.js';
import type { Clock } from '../clock.js';
import type { ChatOptions } from '../config/chat-options.js';
import { SHUTDOWN_GRACE_MS } from '../constants.js';
import { UsageError } from '../errors.js';
import { ScreenError } from './blessed-screen.js';
import { TuiScreen } from './screen.js';
import { installTerminalGuard } from './terminal-guard.js';

/** Why the full-screen UI cannot run here, or null. */
export function tuiRefusal(
  opts: Pick<ChatOptions, 'ui'>,
  io: { stdinTTY: boolean; stdoutTTY: boolean; term: string | undefined } = {
    stdinTTY: process.stdin.isTTY === true,
    stdoutTTY: process.stdout.isTTY === true,
    term: process.env.TERM,
  },
): string | null {
  const term = opts.ui.term ?? io.term ?? '';
  if (!io.stdinTTY || !io.stdoutTTY) return 'the full-screen UI needs a terminal (stdin / stdout is not a TTY) — use --headless';
  if (term === '' || term === 'dumb') return `the full-screen UI needs a terminal (TERM=${term || '(unset)'}) — use --headless, or --term xterm-256color`;
  return null;
}

/**
 * Throws the UsageError (exit 2) that says why the full-screen UI cannot run
 * here. Runners call it before they bind a socket: a user on TERM=dumb
 * should get the hint, not a half-open port.
 */
export function assertTuiPossible(opts: Pick<ChatOptions, 'ui'>, io?: Parameters<typeof tuiRefusal>[1]): void {
  const refusal = tuiRefusal(opts, io);
  if (refusal !== null) throw new UsageError(refusal);
}

export interface ShellContext {
  opts: Pick<ChatOptions, 'ui' | 'debug'>;
  /** Window title, e.g. 'fernchat demo'. */
  title?: string;
  /** Closes the session; awaited (at most SHUTDOWN_GRACE_MS) before the terminal is restored. */
  shutdown: () => Promise<void>;
}

/** Builds the screen and the guard, hands them to `build`, and runs what it builds. */
export async function runOnScreen(ctx: ShellContext, build: (screen: TuiScreen, uninstallGuard: () => void) => { run(): Promise<number> }): Promise<number> {
  try {
    assertTuiPossible(ctx.opts);
  } catch (err) {
    await boundedShutdown(ctx);
    throw err;
  }
  let screen: TuiScreen;
  try {
    screen = new TuiScreen({ term: ctx.opts.ui.term, mouse: ctx.opts.ui.mouse, title: ctx.opts.ui.title ? (ctx.title ?? 'fernchat') : undefined });
  } catch (err) {
    await boundedShutdown(ctx);
    process.stderr.write(`fernchat: ${err instanceof ScreenError ? err.message : `cannot start the full-screen UI: ${errorMessage(err)}`}\n`);
    return 1;
  }
  const uninstallGuard = installTerminalGuard({
    restore: () => screen.restore(),
    shutdown: ctx.shutdown,
    debug: ctx.opts.debug,
    suspend: () => screen.suspend(),
  });
  let app: { run(): Promise<number> };
  try {
    app = build(screen, uninstallGuard);
  } catch (err) {
    // A bug while building the widgets: the terminal first, then the error.
    screen.restore();
    uninstallGuard();
    await boundedShutdown(ctx);
    throw err;
  }
  return app.run();
}

/** ctx.shutdown(), waited for at most SHUTDOWN_GRACE_MS; never throws. */
export async function boundedShutdown(ctx: Pick<ShellContext, 'shutdown'>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ctx.shutdown().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
}

/** Resolves when `done()` holds (checked every 50 ms), or after `ms` by `clock`. */
export function pollUntil(clock: Clock, done: () => boolean, ms: number): Promise<void> {
  const until = clock.now() + ms;
  return new Promise((resolve) => {
    const poll = (): void => {
      if (done() || clock.now() >= until) resolve();
      else setTimeout(poll, 50);
    };
    poll();
  });
}
