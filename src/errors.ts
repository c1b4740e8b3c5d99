/**
 * App-level errors: what the CLI turns into one line on stderr and an exit
 * code. Lower layers throw their own named errors (KeyFormatError, …);
 * exitCodeFor() decides how each one ends the process.
 *
 * Messages are shown to the user as they are, after "fernchat: ": one line,
 * an instruction where there is one, and never key material.
 */
import { KeyFormatError } from './crypto/errors.js';
import { redactSecrets } from './text/quote.js';

/** Exit codes of the `fernchat` command. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: unknown flag, bad value, missing argument. Exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The configuration is wrong or unusable: corrupt file, schema violation,
 * unknown profile, unwritable directory. Exit 2. The file is never changed
 * by the command that raised it.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Exit code for any thrown value, the one place that decides it: a bad key
 * is the user's input, so it is a usage error; anything else that ends the
 * command (BindError, PeerLookupError, a terminal failure) is a runtime one.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof KeyFormatError) return EXIT_USAGE;
  return EXIT_RUNTIME;
}

/** True for errors whose message is written for the user; anything else is a bug or an unexpected fault. */
export function isExpectedError(err: unknown): boolean {
  return (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof KeyFormatError ||
    // net/udp.ts's BindError ("cannot listen on …: address already in use"), address/resolve.ts's
    // PeerLookupError and history/file.ts's HistoryError, by name: importing them would load the socket
    // and file modules into every start-up.
    (err instanceof Error && (err.name === 'BindError' || err.name === 'PeerLookupError' || err.name === 'HistoryError'))
  );
}

/**
 * The one stderr line for an error. Multi-line messages (from a library)
 * are folded so the "one line" promise holds for whatever was thrown.
 */
export function errorLine(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  // The last net: whatever built the message, a key-length run of base64 in it is not printed.
  const folded = redactSecrets(raw.replace(/\s*\n\s*/g, ' ').trim());
  const text = isExpectedError(err) ? folded : `unexpected error: ${folded} (run with --debug for details)`;
  return `fernchat: ${text}`;
}
