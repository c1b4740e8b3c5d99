/**
 * The terminal is always restored: on a normal exit, on SIGTERM / SIGHUP /
 * SIGINT (an ssh connection that drops sends SIGHUP), and on an uncaught
 * exception or unhandled rejection.
 *
 * Order matters: restore first, then print. A stack trace written while the
 * alternate screen is up vanishes with it, and mouse reporting left on after a
 * dropped session makes the user type `reset`.
 *
 * blessed installs its own SIGTERM/SIGINT/uncaughtException handlers, but each
 * stands down when another listener exists — ours.
 */
import { errorMessage } from '../bus.js';
import { SHUTDOWN_GRACE_MS } from '../constants.js';

export type GuardSignal = 'SIGTERM' | 'SIGHUP' | 'SIGINT';

export interface TerminalGuardOptions {
  /** Synchronous and idempotent: puts the terminal back. */
  restore: () => void;
  /** Best-effort goodbye after a signal (closes the transport); bounded by SHUTDOWN_GRACE_MS. */
  shutdown?: () => Promise<void>;
  /** Print stack traces. */
  debug: boolean;
  /** Injected for tests; default process.exit. */
  exit?: (code: number) => void;
  /**
   * Ends the process by `signal` after the goodbye; default: re-raise it with
   * our handlers removed, so the process dies of the signal as it would have
   * (and Node's exit-time terminal reset, which aborts the process when the
   * terminal is already gone, never runs).
   */
  kill?: (signal: GuardSignal) => void;
  /** Where the fatal error line goes; default stderr. */
  writeError?: (line: string) => void;
  /**
   * SIGTSTP (`kill -TSTP`, a job-control stop from outside; Ctrl-Z itself
   * arrives as a key in raw mode): give the terminal back and stop, as
   * TuiScreen.suspend does. Without it, SIGTSTP keeps its default action.
   */
  suspend?: () => void;
}

const SIGNALS: GuardSignal[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
const SIGNAL_NUMBERS: Record<GuardSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** Shell convention: killed by signal N → exit status 128 + N. */
export function signalExitCode(signal: GuardSignal): number {
  return 128 + SIGNAL_NUMBERS[signal];
}

/** The line printed after an uncaught error: one line, the stack only with --debug. */
export function fatalMessage(err: unknown, debug: boolean): string {
  const oneLine = errorMessage(err).split('\n')[0] ?? '';
  const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  const head = `fernchat: internal error: ${name}${oneLine}`;
  if (debug && err instanceof Error && err.stack) return `${head}\n${err.stack}\n`;
  return `${head}${debug ? '' : ' (--debug prints the stack trace)'}\n`;
}

/** Installs the handlers; returns the uninstall function (call it after a normal restore). */
export function installTerminalGuard(opts: TerminalGuardOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const writeError =
    opts.writeError ??
    ((line: string) => {
      try {
        process.stderr.write(line);
      } catch {
        // no terminal left to print on
      }
    });
  let ending = false;

  const restore = (): void => {
    try {
      opts.restore();
    } catch {
      // restoring must never be what kills us
    }
  };

  const onExit = (): void => restore();

  const onSignal = (signal: GuardSignal): void => {
    restore();
    if (ending) return;
    ending = true;
    let died = false;
    const die = (): void => {
      if (died) return;
      died = true;
      uninstall();
      if (opts.kill) return opts.kill(signal);
      process.kill(process.pid, signal);
      // Someone else still listens for the signal and kept us alive: exit as if killed.
      setTimeout(() => exit(signalExitCode(signal)), 100);
    };
    if (!opts.shutdown) return die();
    // Not unref'd: the end must come even when nothing else keeps the loop alive.
    const timer = setTimeout(die, SHUTDOWN_GRACE_MS);
    opts.shutdown().then(
      () => (clearTimeout(timer), die()),
      () => (clearTimeout(timer), die()),
    );
  };

  const onFatal = (err: unknown): void => {
    restore();
    if (ending && !opts.debug) {
      exit(1);
      return;
    }
    ending = true;
    writeError(fatalMessage(err, opts.debug));
    if (!opts.shutdown) return exit(1);
    // Still say goodbye (the peer marks us as left at once) and let pending messages fail
    // visibly, but never wait longer than SHUTDOWN_GRACE_MS on a process in trouble.
    const timer = setTimeout(() => exit(1), SHUTDOWN_GRACE_MS);
    opts.shutdown().then(
      () => (clearTimeout(timer), exit(1)),
      () => (clearTimeout(timer), exit(1)),
    );
  };

  const signalHandlers = new Map<GuardSignal, () => void>();
  for (const s of SIGNALS) {
    const h = (): void => onSignal(s);
    signalHandlers.set(s, h);
    process.on(s, h);
  }
  const onStop = (): void => opts.suspend?.();
  if (opts.suspend) process.on('SIGTSTP', onStop);
  process.on('exit', onExit);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  function uninstall(): void {
    for (const [s, h] of signalHandlers) process.removeListener(s, h);
    process.removeListener('SIGTSTP', onStop);
    process.removeListener('exit', onExit);
    process.removeListener('uncaughtException', onFatal);
    process.removeListener('unhandledRejection', onFatal);
  }
  return uninstall;
}
