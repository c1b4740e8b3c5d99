import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, completeCommand, parseInput, type Command } from '../../src/ui/commands.js';

describe('parseInput: commands', () => {
  const ok: Array<[string, Command]> = [
    ['hello', { name: 'say', text: 'hello' }],
    ['  leading space is text', { name: 'say', text: '  leading space is text' }],
    ['multi\nline', { name: 'say', text: 'multi\nline' }],
    ['//not a command', { name: 'say', text: '/not a command' }],
    ['//', { name: 'say', text: '/' }],
    ['/rotate', { name: 'rotate' }],
    ['/ROTATE', { name: 'rotate' }],
    ['/rotate   ', { name: 'rotate' }],
    ['/fingerprint', { name: 'fingerprint' }],
    ['/clear', { name: 'clear' }],
    ['/help', { name: 'help' }],
    ['/quit', { name: 'quit' }],
    ['/save', { name: 'save' }],
    ['/nick bob', { name: 'nick', nick: 'bob' }],
    ['/nick  bob  ', { name: 'nick', nick: 'bob' }],
    ['/nick 漢字', { name: 'nick', nick: '漢字' }],
    [`/nick ${'x'.repeat(32)}`, { name: 'nick', nick: 'x'.repeat(32) }],
    ['/peer 192.0.2.7:7755', { name: 'peer', host: '192.0.2.7', port: 7755 }],
    ['/peer [::1]:7755', { name: 'peer', host: '::1', port: 7755 }],
    ['/peer chat.example.org:1', { name: 'peer', host: 'chat.example.org', port: 1 }],
    ['/history', { name: 'history', arg: null }],
    ['/history off', { name: 'history', arg: 'off' }],
    ['/HISTORY On ', { name: 'history', arg: 'on' }],
  ];
  for (const [input, command] of ok) {
    test(JSON.stringify(input), () => assert.deepEqual(parseInput(input), { ok: true, command }));
  }
});

describe('parseInput: /me', () => {
  test('/me ACTION is an action with the rest of the line, trimmed; the command name in any case; //me is a message', () => {
    assert.deepEqual(parseInput('/me waves'), { ok: true, command: { name: 'me', text: 'waves' } });
    assert.deepEqual(parseInput('/ME  waves  back '), { ok: true, command: { name: 'me', text: 'waves  back' } });
    assert.deepEqual(parseInput('/me /rotate'), { ok: true, command: { name: 'me', text: '/rotate' } });
    assert.deepEqual(parseInput('//me waves'), { ok: true, command: { name: 'say', text: '/me waves' } });
    assert.deepEqual(parseInput('/time'), { ok: true, command: { name: 'time' } });
  });
});

describe('parseInput: errors are one line and say what to do', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /nothing to send/],
    ['   ', /nothing to send/],
    ['/foo', /^unknown command \/foo — \/help lists commands$/],
    ['/foo bar baz', /^unknown command \/foo — \/help lists commands$/],
    ['/\x1b[2Jx', /^unknown command \/x — /],
    ['/', /empty command/],
    ['/history maybe', /^usage: \/history \[on\|off\]$/],
    ['/history off now', /^usage: \/history \[on\|off\]$/],
    ['/ rotate', /empty command/],
    ['/rotate now', /\/rotate takes no arguments/],
    ['/quit bye', /\/quit takes no arguments/],
    ['/nick', /usage: \/nick NAME/],
    ['/nick two words', /cannot contain spaces/],
    [`/nick ${'x'.repeat(33)}`, /1–32 characters \(got 33\)/],
    ['/nick a\u202eb', /printable/],
    ['/nick a\u200bb', /printable/],
    ['/peer', /usage: \/peer HOST:PORT/],
    ['/peer 1.2.3.4', /\/peer: missing port in "1.2.3.4"/],
    ['/peer example.com', /\/peer: missing port/],
    ['/peer 1.2.3.4:0', /port must be a number from 1 to 65535, got "0"/],
    ['/peer 1.2.3.4:65536', /port must be a number from 1 to 65535/],
    ['/peer 1.2.3.4:abc', /port must be a number/],
    ['/peer 1.2.3.4:', /port must be a number/],
    ['/peer ::1:7755', /IPv6 addresses need brackets/],
    ['/peer [::1]', /missing port/],
    ['/peer [nonsense]:7755', /not an IPv6 address/],
    ['/peer 1.2.3.999:7755', /not an IPv4 address/],
    ['/peer bad_host!:7755', /not a valid host name/],
    ['/peer :7755', /missing host/],
    ['/me', /^usage: \/me ACTION \(e\.g\. \/me waves\)$/],
    ['/me   ', /^usage: \/me ACTION/],
    ['/me \t ', /^usage: \/me ACTION/],
    ['/time now', /\/time takes no arguments/],
  ];
  for (const [input, pattern] of bad) {
    test(JSON.stringify(input), () => {
      const r = parseInput(input);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.error, pattern);
      assert.ok(!/[\n\r\x1b]/.test(r.error), 'one clean line');
    });
  }
  test('a non-string is caller misuse', () => {
    assert.throws(() => parseInput(42 as unknown as string), TypeError);
  });
});

describe('COMMANDS', () => {
  test('every command parses (with an argument where its usage has one)', () => {
    const args: Record<string, string> = {
      me: ' waves',
      nick: ' bob',
      peer: ' 127.0.0.1:7755',
      'save-profile': ' work',
      'save-key': ' my.key',
      search: ' old',
      send: ' report.pdf',
      cancel: ' 1',
    };
    for (const c of COMMANDS) {
      const r = parseInput(`/${c.name}${args[c.name] ?? ''}`);
      assert.ok(r.ok, `/${c.name}`);
      assert.equal(r.ok && r.command.name, c.name);
      assert.ok(c.usage.startsWith(`/${c.name}`));
      assert.ok(c.help.length > 0);
    }
  });
  test('the issue’s commands are all there', () => {
    assert.deepEqual(COMMANDS.map((c) => c.name).sort(), [
      'accept',
      'cancel',
      'clear',
      'decline',
      'fingerprint',
      'help',
      'history',
      'me',
      'nick',
      'peer',
      'quit',
      'rotate',
      'save',
      'save-key',
      'save-profile',
      'search',
      'send',
      'time',
      'transfers',
    ]);
  });
  test('/search TEXT takes the rest of the line as it is (plain text, regex characters too); without it, its usage', () => {
    assert.deepEqual(parseInput('/search a.*(b  c'), { ok: true, command: { name: 'search', text: 'a.*(b  c' } });
    assert.deepEqual(parseInput('/SEARCH Foo'), { ok: true, command: { name: 'search', text: 'Foo' } });
    assert.deepEqual(parseInput('/search   '), { ok: false, error: 'usage: /search TEXT (or Ctrl-R to search as you type)' });
  });
  test('/save-profile NAME and /save-key FILE take the rest of the line; without it, their usage', () => {
    assert.deepEqual(parseInput('/save-profile work'), { ok: true, command: { name: 'save-profile', arg: 'work' } });
    assert.deepEqual(parseInput('/save-key keys/my chat.key'), { ok: true, command: { name: 'save-key', arg: 'keys/my chat.key' } });
    assert.deepEqual(parseInput('/save-profile'), { ok: false, error: 'usage: /save-profile NAME' });
    assert.deepEqual(parseInput('/save-key '), { ok: false, error: 'usage: /save-key FILE' });
  });
});

describe('completeCommand', () => {
  const names = ['rotate', 'nick', 'save', 'say'];
  const cases: Array<[string, number, { text: string; cursor: number; matches: string[] }]> = [
    ['/ro', 3, { text: '/rotate ', cursor: 8, matches: [] }],
    ['/ro arg', 3, { text: '/rotate arg', cursor: 8, matches: [] }],
    ['/s', 2, { text: '/sa', cursor: 3, matches: ['/save', '/say'] }],
    ['/x', 2, { text: '/x', cursor: 2, matches: [] }],
    ['/rot', 2, { text: '/rot', cursor: 2, matches: [] }], // cursor inside the word
    ['hi /ro', 6, { text: 'hi /ro', cursor: 6, matches: [] }],
  ];
  for (const [text, cursor, expected] of cases) {
    test(`${JSON.stringify(text)} @${cursor}`, () => assert.deepEqual(completeCommand(text, cursor, names), expected));
  }
});
