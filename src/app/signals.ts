/**
 * SIGINT and SIGTERM for a runner that ends cleanly (headless mode,
 * `fernchat send`). Listen before the session opens, so that a signal
 * arriving during start-up still ends in a clean close; release when the
 * runner is done. Each signal is caught once: a second Ctrl-C finds no
 * listener and ends the process at once, as Node does by default.
 */

/** The signals that ask a runner to stop. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** What catchStop listens on: `process`, or a stand-in in a test. */
export interface SignalSource {
  once(event: NodeJS.Signals, listener: () => void): unknown;
  off(event: NodeJS.Signals, listener: () => void): unknown;
}

export interface StopSignal {
  /** A signal came. */
  readonly signalled: boolean;
  /** Settles at the first signal (never rejects). */
  readonly stopped: Promise<void>;
  /** Stops listening; safe to call more than once. */
  release(): void;
}

/** Listens for SIGINT and SIGTERM; `onStop` runs once, at the first of them, after `signalled` is true. */
export function catchStop(onStop: () => void = () => {}, source: SignalSource = process): StopSignal {
  let signalled = false;
  let settle = (): void => {};
  const stopped = new Promise<void>((resolve) => (settle = resolve));
  const handler = (): void => {
    if (signalled) return;
    signalled = true;
    settle();
    onStop();
  };
  for (const s of STOP_SIGNALS) source.once(s, handler);
  return {
    get signalled() {
      return signalled;
    },
    stopped,
    release: () => {
      for (const s of STOP_SIGNALS) source.off(s, handler);
    },
  };
}
