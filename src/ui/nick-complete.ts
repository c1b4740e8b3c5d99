/**
 * Tab completion of a nick, as IRC clients do it. Pure.
 *
 * The word before the cursor (back to the previous blank) is completed when
 * it is a case-insensitive prefix of a nick: at the start of the line to
 * `nick: ` (addressing someone), anywhere else to `nick ` (a leading `@`
 * stays). A cursor inside a word, an empty word, or a word no nick starts
 * with completes nothing (null), so Tab does what it did before. Several
 * nicks that fit: extended to their longest common prefix, and listed.
 */

export interface Completion {
  text: string;
  cursor: number;
  /** The nicks that fit, when more than one does (for the UI to list). */
  matches: string[];
}

export function completeNick(text: string, cursor: number, nicks: readonly string[]): Completion | null {
  if (typeof text !== 'string' || !Number.isInteger(cursor) || cursor < 0 || cursor > text.length) {
    throw new TypeError(`completeNick: cursor must be an integer in 0..${String(text?.length)}, got ${cursor}`);
  }
  const before = text.slice(0, cursor);
  const after = text.slice(cursor);
  if (after !== '' && !/^\s/.test(after)) return null;
  const start = before.search(/\S*$/);
  const at = before[start] === '@' ? 1 : 0;
  const word = before.slice(start + at);
  if (word === '') return null;
  const lower = word.toLowerCase();
  const matches = [...new Set(nicks.filter((n) => n !== '' && n.toLowerCase().startsWith(lower)))].sort();
  const first = matches[0];
  if (first === undefined) return null;
  const head = before.slice(0, start + at);
  if (matches.length > 1) {
    let common = first;
    for (const m of matches) while (!m.toLowerCase().startsWith(common.toLowerCase())) common = common.slice(0, -1);
    // Never shorter than what was typed: the typed case stays when the nicks differ in case only there.
    if (common.length < word.length) common = word;
    return { text: head + common + after, cursor: head.length + common.length, matches };
  }
  const completed = head + first + (start === 0 && at === 0 ? ':' : '');
  const spaced = after.startsWith(' ') ? completed : `${completed} `;
  return { text: spaced + after, cursor: completed.length + 1, matches: [] };
}
