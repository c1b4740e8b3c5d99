/**
 * text/mention.ts: a nick named as a word, case-insensitively, with nick
 * characters (-_[]{}|\^`) and any script as word characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMentions, mentions } from '../../src/text/mention.js';

/** The text with each mention in «». */
const mark = (text: string, nick: string): string => {
  let out = '';
  let at = 0;
  for (const m of findMentions(text, nick)) {
    out += `${text.slice(at, m.start)}«${text.slice(m.start, m.end)}»`;
    at = m.end;
  }
  return out + text.slice(at);
};

test('a nick as a word, in any case, wherever punctuation or blanks end it', () => {
  const cases: Array<[text: string, nick: string, marked: string]> = [
    ['bob: hi', 'bob', '«bob»: hi'],
    ['hi BOB!', 'bob', 'hi «BOB»!'],
    ['@bob (bob) bob, bob.', 'bob', '@«bob» («bob») «bob», «bob».'],
    ["bob's turn", 'bob', "«bob»'s turn"],
    ['bobby bob_2 bob-o xbob 2bob', 'bob', 'bobby bob_2 bob-o xbob 2bob'],
    ['bob\nbob', 'bob', '«bob»\n«bob»'],
    ['ask élodie', 'Élodie', 'ask «élodie»'],
    ['ÉLODIE?', 'élodie', '«ÉLODIE»?'],
    ['élodies', 'élodie', 'élodies'],
    ['ping 日本 さん', '日本', 'ping «日本» さん'],
    ['ping 日本語', '日本', 'ping 日本語'],
    ['👍 hi', '👍', '«👍» hi'],
  ];
  for (const [text, nick, marked] of cases) assert.equal(mark(text, nick), marked, `${nick} in ${text}`);
});

test('nicks with regex and IRC characters match themselves only', () => {
  const cases: Array<[text: string, nick: string, marked: string]> = [
    ['hi [m] and [m]x', '[m]', 'hi «[m]» and [m]x'],
    ['a|b: yes; a or b: no', 'a|b', '«a|b»: yes; a or b: no'],
    ['{x} x', '{x}', '«{x}» x'],
    ['zo-e and zoe', 'zo-e', '«zo-e» and zoe'],
    ['a.b and axb', 'a.b', '«a.b» and axb'],
    ['c++ c', 'c++', '«c++» c'],
    ['^_^ hey', '^_^', '«^_^» hey'],
    ['back\\slash', 'back\\slash', '«back\\slash»'],
    ['(.*) everything', '(.*)', '«(.*)» everything'],
    ['$1 ok', '$1', '«$1» ok'],
    ['x_bob_ _bob_', '_bob_', 'x_bob_ «_bob_»'],
  ];
  for (const [text, nick, marked] of cases) assert.equal(mark(text, nick), marked, `${nick} in ${text}`);
});

test('bad values: an empty or blank nick is never mentioned; non-strings are caller misuse', () => {
  assert.deepEqual(findMentions('anything', ''), []);
  assert.equal(mentions('   ', ' '), false);
  assert.equal(mentions('', 'bob'), false);
  assert.throws(() => mentions(undefined as unknown as string, 'bob'), TypeError);
  assert.throws(() => findMentions('x', null as unknown as string), TypeError);
});

test('mentions() agrees with findMentions() and is repeatable (no regex state left over)', () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(mentions('hey bob', 'bob'), true);
    assert.equal(mentions('hey bobby', 'bob'), false);
  }
  assert.equal(findMentions('bob bob bob', 'bob').length, 3);
});
