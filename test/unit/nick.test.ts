import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNick, SchemaError } from '../../src/config/schema.js';
import { MAX_NICK_CHARS } from '../../src/constants.js';
import { nickProblem } from '../../src/config/nick.js';
import { EMPTY_NICK, peerNickShown, remoteNick, SAME_NICK_SUFFIX } from '../../src/text/nick.js';

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

describe('nicks from the peer', () => {
  test('Hangul fillers and the soft hyphen are invisible: refused locally too', () => {
    for (const nick of ['\u3164', 'a\u115fb', 'ad\u00admin', '\uffa0']) assert.notEqual(nickProblem(nick), null, JSON.stringify(nick));
  });
  test('remoteNick makes any string obey nickProblem', () => {
    const cases: Array<[string, string]> = [
      ['bob', 'bob'],
      ['b o\tb', 'bob'],
      ['a\u202eb\u200b\u2060c', 'abc'],
      ['\x1b[31mred\x1b]0;x\x07', 'red'],
      ['\u3164', EMPTY_NICK],
      ['', EMPTY_NICK],
      ['x'.repeat(100), 'x'.repeat(MAX_NICK_CHARS)],
      ['👍'.repeat(40), '👍'.repeat(MAX_NICK_CHARS)],
    ];
    for (const [input, expected] of cases) {
      assert.equal(remoteNick(input), expected, JSON.stringify(input));
      assert.equal(nickProblem(remoteNick(input)), null);
    }
  });
  test('a peer nick that reads as ours is shown with a suffix', () => {
    assert.equal(peerNickShown('bob', 'alice'), 'bob');
    assert.equal(peerNickShown('alice', 'alice'), `alice${SAME_NICK_SUFFIX}`);
    assert.equal(peerNickShown('ALICE', 'alice'), `ALICE${SAME_NICK_SUFFIX}`);
    assert.equal(peerNickShown('al\u200bice', 'alice'), `alice${SAME_NICK_SUFFIX}`);
    assert.equal(peerNickShown('ａｌｉｃｅ', 'alice'), `ａｌｉｃｅ${SAME_NICK_SUFFIX}`); // fullwidth
    // Look-alikes: Cyrillic а and е, Greek ο, a capital I for l, digits, an accent.
    for (const lookalike of ['\u0430lic\u0435', 'b\u03bfb', 'aIice', 'AL1CE', 'b0b', 'alicé']) {
      const own = lookalike.includes('b') ? 'bob' : 'alice';
      assert.equal(peerNickShown(lookalike, own), `${lookalike}${SAME_NICK_SUFFIX}`, lookalike);
    }
    assert.equal(peerNickShown('alicia', 'alice'), 'alicia');
    assert.equal(peerNickShown('bobby', 'bob'), 'bobby');
  });
});
