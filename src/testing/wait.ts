/**
 * Bounded waiting for tests and the bench: the one polling wait-for-condition
 * helper, and sleep.
 */

/** Default poll interval, ms: short enough not to slow a test, long enough not to spin. */
const POLL_MS = 10;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves when `cond()` holds, polling every `pollMs`; rejects after `ms`
 * with "timed out after … ms waiting for <what>" (`what` may be a function,
 * to describe the state at the timeout). An exception from `cond` ends the
 * wait at once (e.g. "the process exited").
 */
export async function waitFor(cond: () => boolean, ms: number, what: string | (() => string), pollMs = POLL_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(pollMs);
  }
}
