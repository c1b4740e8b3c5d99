import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNick, SchemaError } from '../../src/config/schema.js';
import { MAX_NICK_CHARS } from '../../src/constants.js';
import { nickProblem } from '../../src/config/nick.js';

describe('nickProblem', () => {
  test('nickProblem', () => {
    assert.equal(nickProblem('alice'), null);
    assert.equal(nickProblem('👍'), null);
    assert.notEqual(nickProblem(''), null);
    assert.notEqual(nickProblem('a b'), null);
    assert.notEqual(nickProblem('a\tb'), null);
    assert.notEqual(nickProblem('a\x07'), null);
  });
  test('length counts code points', () => {
    assert.equal(nickProblem('👍'.repeat(MAX_NICK_CHARS)), null);
    assert.match(nickProblem('x'.repeat(MAX_NICK_CHARS + 1)) ?? '', new RegExp(`^a nick has 1–${MAX_NICK_CHARS} characters \\(got ${MAX_NICK_CHARS + 1}\\)$`));
  });
  test('what could hide or reorder text is refused', () => {
    // bidi override, zero-width space, C1 CSI, private use, a lone surrogate, U+2028
    for (const nick of ['a\u202eb', 'a\u200bb', 'a\x9bb', 'a\ue000', 'a\ud800', 'a\u2028b']) {
      assert.notEqual(nickProblem(nick), null, JSON.stringify(nick));
    }
  });
  test('a non-string is caller misuse', () => {
    assert.throws(() => nickProblem(undefined as unknown as string), TypeError);
  });
});

describe('the config file and /nick agree', () => {
  const samples = [
    'alice',
    '漢字',
    '👍',
    '',
    ' ',
    'a b',
    'a\u00a0b',
    'a\u202eb',
    'a\u200bb',
    'a\x1b',
    'a\ud800',
    'x'.repeat(MAX_NICK_CHARS),
    'x'.repeat(MAX_NICK_CHARS + 1),
  ];
  for (const nick of samples) {
    test(JSON.stringify(nick), () => {
      const fileAccepts = (() => {
        try {
          checkNick(nick, 'nick');
          return true;
        } catch (err) {
          assert.ok(err instanceof SchemaError);
          return false;
        }
      })();
      assert.equal(fileAccepts, nickProblem(nick) === null);
    });
  }
});
