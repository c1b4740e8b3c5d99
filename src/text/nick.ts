/**
 * What a nick may be, decided once for the config file, the flags, /nick and
 * the nicks a peer sends: 1–MAX_NICK_CHARS code points, none of them
 * whitespace, in Unicode's "Other" categories (controls, format characters
 * such as bidi overrides and zero-width spaces, surrogates, private use,
 * unassigned) or otherwise invisible (Hangul fillers; see sanitize.ts). A
 * nick is shown in every line, so it must not be able to hide or reorder
 * text, nor pass for another. Pure.
 */
import { MAX_NICK_CHARS } from '../constants.js';
import { sanitizeText, stripInvisible } from './sanitize.js';

/** Why `nick` is not a valid nick, or null. One line, no subject ("a nick …"). */
export function nickProblem(nick: string): string | null {
  if (typeof nick !== 'string') throw new TypeError(`nickProblem: expected a string, got ${typeof nick}`);
  const chars = [...nick].length;
  if (chars === 0 || chars > MAX_NICK_CHARS) return `a nick has 1–${MAX_NICK_CHARS} characters (got ${chars})`;
  if (/\s/u.test(nick)) return 'a nick cannot contain spaces';
  if (/\p{C}/u.test(nick) || stripInvisible(nick) !== nick) return 'a nick can only hold printable characters';
  return null;
}

/** Shown for a peer nick with nothing printable left. */
export const EMPTY_NICK = '?';

/**
 * A nick received from the peer, made to obey nickProblem: escape
 * sequences, whitespace, controls, format and invisible characters are removed and it is cut to
 * MAX_NICK_CHARS code points; nothing left is EMPTY_NICK. nickProblem of the
 * result is null.
 */
export function remoteNick(nick: string): string {
  if (typeof nick !== 'string') throw new TypeError(`remoteNick: expected a string, got ${typeof nick}`);
  const kept = [...sanitizeText(nick).replace(/[\s\p{C}]/gu, '')].slice(0, MAX_NICK_CHARS).join('');
  return kept === '' ? EMPTY_NICK : kept;
}

/** How a raw peer is named (formatAddress of an IP address): `1.2.3.4:5`, `[::1]:5`. */
const RAW_PEER_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\]):\d{1,5}$/i;

/** `from` is how a raw peer is named: its IP address and port. */
export function isRawPeerAddress(from: string): boolean {
  return RAW_PEER_ADDRESS.test(from);
}

/** A message's sender: a raw peer's address as it is, a nick by remoteNick. */
export function senderNick(from: string): string {
  return isRawPeerAddress(from) ? from : remoteNick(from);
}

/** Added to a peer nick that reads as our own, so the peer cannot pass for us. */
export const SAME_NICK_SUFFIX = '(peer)';

// Letters that look like Latin ones in most terminal fonts (Cyrillic, Greek), after lower-casing.
const LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  г: 'r',
  д: 'a',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  п: 'n',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
};

/**
 * What a nick looks like, roughly: compatibility forms and accents gone
 * (NFKD without marks), lower case, Cyrillic and Greek look-alikes as Latin,
 * and the usual digit and letter-pair confusions (0/o, 1/l/i/|, rn/m, vv/w).
 * Two nicks with one skeleton may be read as one. Errs towards "alike".
 */
export function nickSkeleton(nick: string): string {
  const base = nick.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return [...base]
    .map((c) => LOOKALIKES[c] ?? c)
    .join('')
    .replace(/[1i|!]/g, 'l')
    .replace(/0/g, 'o')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}

/**
 * The peer's nick as shown next to our own `ownNick`: remoteNick, plus
 * SAME_NICK_SUFFIX when the two look alike (nickSkeleton: case, accents,
 * compatibility forms, Cyrillic/Greek look-alikes, 0/o and l/1/I), so our
 * lines are the only ones that read like `<alice>`.
 */
export function peerNickShown(nick: string, ownNick: string): string {
  const shown = remoteNick(nick);
  return nickSkeleton(shown) === nickSkeleton(ownNick) ? `${shown}${SAME_NICK_SUFFIX}` : shown;
}
