/**
 * Mentions: where a text names a nick as a word. Pure.
 *
 * A mention is the nick, case-insensitively (Unicode simple case folding, so
 * `ÉLODIE` names `élodie`), with no nick character on either side. Nick
 * characters are letters, digits and marks of any script plus the ones IRC
 * nicks use (`_ - [ ] { } | \ ^ \``), so `bob` is named in `bob: hi`,
 * `@bob`, `(bob)` and `bob's`, but not in `bobby` or `bob_2`; and a nick
 * such as `[m]` or `a|b` is matched as the literal characters it is (never
 * as a pattern).
 */

/** One mention: the code-unit range [start, end) of the text. */
export interface MentionRange {
  start: number;
  end: number;
}

const NICK_CHAR = String.raw`[\p{L}\p{N}\p{M}_\-\[\]{}|\\^\x60]`;

/** `nick` as a pattern of itself: RegExp's syntax characters escaped (the only escapes the u flag allows; `-` is literal outside a class). */
function literal(nick: string): string {
  return nick.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

const patterns = new Map<string, RegExp>();

function patternFor(nick: string): RegExp {
  let re = patterns.get(nick);
  if (re === undefined) {
    re = new RegExp(`(?<!${NICK_CHAR})${literal(nick)}(?!${NICK_CHAR})`, 'giu');
    if (patterns.size > 16) patterns.clear();
    patterns.set(nick, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Every mention of `nick` in `text`, in order. An empty or blank nick is never mentioned. */
export function findMentions(text: string, nick: string): MentionRange[] {
  if (typeof text !== 'string' || typeof nick !== 'string') throw new TypeError('findMentions: text and nick must be strings');
  if (nick.trim() === '') return [];
  const out: MentionRange[] = [];
  for (const m of text.matchAll(patternFor(nick))) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** `text` names `nick` as a word at least once. */
export function mentions(text: string, nick: string): boolean {
  if (typeof text !== 'string' || typeof nick !== 'string') throw new TypeError('mentions: text and nick must be strings');
  if (nick.trim() === '') return false;
  return patternFor(nick).test(text);
}
