/**
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
