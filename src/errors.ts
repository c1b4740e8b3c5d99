/**
 * App-level errors: what the CLI turns into one line on stderr and an exit
 * code. Lower layers throw their own named errors (KeyFormatError, …);
 * exitCodeFor() decides how each one ends the process.
 *
 * Messages are shown to the user as they are, after "fernchat: ": one line,
 * an instruction where there is one, and never key material.
 */
import { KeyFormatError } from './crypto/errors.js';

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
    // net/udp.ts's BindError ("cannot listen on …: address already in use") and address/resolve.ts's
    // PeerLookupError, by name: importing them would load the socket modules into every start-up.
    (err instanceof Error && (err.name === 'BindError' || err.name === 'PeerLookupError'))
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

/*
 * The one rule for quoting a user's value in an error message: a value that
 * looks like a key or an invite code is never quoted, in whole or in part.
 * Errors end up in scrollback, logs and bug reports; a key pasted into the
 * wrong place (`--port KEY`, `--profile KEY`, `profile show KEY`) must not
 * follow it there. "Looks like" is deliberately wide: a run of 40 or more
 * base64 characters (either alphabet, with '='), or of SECRET_RUN_CHARS or
 * more with both upper- and lower-case letters — random base64 almost always
 * mixes them within 16 characters; a port, a duration or a name a person
 * types rarely does.
 */

/** What stands in for a hidden value. */
export const HIDDEN_VALUE = '<hidden: looks like a key or invite code>';

/** A run this long of base64 characters is treated as key material. */
export const SECRET_RUN_CHARS = 16;

/** Values are cut to this many characters when quoted. */
const MAX_QUOTED_CHARS = 40;

const BASE64_RUN = new RegExp(`[A-Za-z0-9_+/=-]{${SECRET_RUN_CHARS},}`, 'g');

/** True when `text` holds a run of base64 that could be (part of) a key or an invite code. */
export function looksSecret(text: string): boolean {
  for (const [run] of text.matchAll(BASE64_RUN)) {
    if (run.length >= 40 || (/[A-Z]/.test(run) && /[a-z]/.test(run))) return true;
  }
  return false;
}

/** `text` quoted for an error message (JSON string, cut at 40 characters), or HIDDEN_VALUE. */
export function quoteValue(text: string): string {
  if (looksSecret(text)) return HIDDEN_VALUE;
  return JSON.stringify(text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text);
}

/** Runs of 40+ urlsafe-base64 characters (a Fernet key is 43–44, an invite code longer): the last net over a whole message. */
const SECRET_IN_LINE = /[A-Za-z0-9_=-][A-Za-z0-9_.=-]{39,}/g;

/**
 * A whole message with every key-length run of urlsafe base64 replaced: the
 * net under quoteValue for text that was not built with it (yargs' own
 * messages, a library's). Paths and host names break such runs with '/' or
 * are shorter.
 */
export function redactSecrets(line: string): string {
  return line.replace(SECRET_IN_LINE, HIDDEN_VALUE);
}
