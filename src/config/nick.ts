/**
 * What a nick may be, decided once for the config file, the flags and /nick:
 * 1–MAX_NICK_CHARS code points, none of them whitespace or in Unicode's
 * "Other" categories (controls, format characters such as bidi overrides and
 * zero-width spaces, surrogates, private use, unassigned). A nick is shown to
 * the peer in every line, so it must not be able to hide or reorder text.
 * Pure.
 */
import { MAX_NICK_CHARS } from '../constants.js';

/** Why `nick` is not a valid nick, or null. One line, no subject ("a nick …"). */
export function nickProblem(nick: string): string | null {
  if (typeof nick !== 'string') throw new TypeError(`nickProblem: expected a string, got ${typeof nick}`);
  const chars = [...nick].length;
  if (chars === 0 || chars > MAX_NICK_CHARS) return `a nick has 1–${MAX_NICK_CHARS} characters (got ${chars})`;
  if (/\s/u.test(nick)) return 'a nick cannot contain spaces';
  if (/\p{C}/u.test(nick)) return 'a nick can only hold printable characters';
  return null;
}
