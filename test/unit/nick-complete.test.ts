/**
 * ui/nick-complete.ts: Tab completes the peer's nick, `nick: ` at the start of
 * the line, `nick ` inside it; nothing to complete → null (Tab as before).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeNick } from '../../src/ui/nick-complete.js';

/** `|` marks the cursor, in and out. */
const tab = (typed: string, nicks: string[]): string | null => {
  const cursor = typed.indexOf('|');
  const r = completeNick(typed.replace('|', ''), cursor, nicks);
  return r === null ? null : `${r.text.slice(0, r.cursor)}|${r.text.slice(r.cursor)}`;
};

test('the start of the line addresses the peer; inside the line it names them', () => {
  const cases: Array<[typed: string, out: string | null]> = [
    ['b|', 'bob: |'],
    ['B|', 'bob: |'],
    ['bob|', 'bob: |'],
    ['hi b|', 'hi bob |'],
    ['hi @b|', 'hi @bob |'],
    ['@b|', '@bob |'],
    ['hi b| there', 'hi bob |there'],
    ['b| there', 'bob: |there'],
    ['/me pokes b|', '/me pokes bob |'],
    ['line one\nb|', 'line one\nbob |'],
  ];
  for (const [typed, out] of cases) assert.equal(tab(typed, ['bob']), out, typed);
});

test('nothing to complete: null, so Tab does what it did before', () => {
  const cases = ['|', 'hi |', 'x|', 'hi bo|b', 'bo|b', 'hi @|', 'bobby|'];
  for (const typed of cases) assert.equal(tab(typed, ['bob']), null, typed);
  assert.equal(tab('b|', []), null, 'no peer nick known yet');
  assert.equal(tab('b|', ['']), null, 'an empty nick is no candidate');
});

test('nicks with regex characters are plain text; a case-insensitive prefix', () => {
  assert.equal(tab('[|', ['[m]']), '[m]: |');
  assert.equal(tab('x .|', ['.*']), 'x .* |');
  assert.equal(tab('É|', ['élodie']), 'élodie: |');
});

test('several nicks: the common prefix, and the list', () => {
  const r = completeNick('al', 2, ['alice', 'alfred', 'bob']);
  assert.deepEqual(r, { text: 'al', cursor: 2, matches: ['alfred', 'alice'] });
  const r2 = completeNick('a', 1, ['alice', 'alix']);
  assert.deepEqual(r2, { text: 'ali', cursor: 3, matches: ['alice', 'alix'] });
});

test('bad values: a cursor outside the text is caller misuse', () => {
  assert.throws(() => completeNick('abc', 4, ['bob']), TypeError);
  assert.throws(() => completeNick('abc', -1, ['bob']), TypeError);
  assert.throws(() => completeNick('abc', 1.5, ['bob']), TypeError);
});
