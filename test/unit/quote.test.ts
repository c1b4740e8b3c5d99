import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostPort } from '../../src/address/parse.js';
import { HIDDEN_VALUE, looksSecret, quoteValue, redactSecrets } from '../../src/text/quote.js';
import { parseInput } from '../../src/ui/commands.js';

const KEY = 'q1Zx8Kc3-Tb_Ld9WmYp2Rf5NhJ0sAe7VgU4oIiXyEw0=';

/** No 6-character piece of `secret` appears in `text`. */
function holdsNoPart(text: string, secret: string): boolean {
  for (let i = 0; i + 6 <= secret.length; i++) if (text.includes(secret.slice(i, i + 6))) return false;
  return true;
}

test('looksSecret: keys, halves of keys, both alphabets and invite codes; not ports, names or paths', () => {
  for (const s of [KEY, KEY.slice(10, 26), KEY.replace(/-/g, '+').replace(/_/g, '/'), `fc1.${KEY}${KEY}.abc`, `x ${KEY} y`]) assert.ok(looksSecret(s), s);
  for (const s of ['7755', 'alice', 'chat.example.org', '/home/alice/.config/fernchat', '192.0.2.7:7755', 'lower-case-words-only-here', '']) {
    assert.ok(!looksSecret(s), s);
  }
});

test('quoteValue quotes ordinary values (cut at 40) and hides secrets whole', () => {
  assert.equal(quoteValue('abc'), '"abc"');
  assert.equal(quoteValue('a'.repeat(50)), HIDDEN_VALUE, 'a 40+ run of base64 characters is key material');
  assert.equal(quoteValue(`${'a b '.repeat(15)}`), JSON.stringify(`${'a b '.repeat(15)}`.slice(0, 40) + '…'));
  assert.equal(quoteValue(KEY), HIDDEN_VALUE);
  assert.equal(quoteValue('x\u001b[2J'), '"x\\u001b[2J"', 'JSON escapes, never raw controls');
});

test('redactSecrets: every key-length run in a whole line goes, the rest stays', () => {
  const line = redactSecrets(`Unknown argument: ${KEY} and ${KEY}`);
  assert.ok(holdsNoPart(line, KEY), line);
  assert.match(line, /^Unknown argument: <hidden[^>]*> and <hidden[^>]*>$/);
});

test('a key pasted where an address belongs is never quoted back (/peer KEY, --peer KEY:1, a host)', () => {
  for (const input of [KEY, `${KEY}:7755`, `[${KEY}]:1`, `host:${KEY}`]) {
    const r = parseHostPort(input);
    assert.ok('error' in r, input);
    assert.ok(holdsNoPart(r.error, KEY), r.error);
    const ui = parseInput(`/peer ${input}`);
    assert.ok(!ui.ok && holdsNoPart(ui.error, KEY), JSON.stringify(ui));
  }
  assert.match((parseHostPort('1.2.3.999:1') as { error: string }).error, /not an IPv4 address: "1\.2\.3\.999"/, 'ordinary values are still quoted');
});
