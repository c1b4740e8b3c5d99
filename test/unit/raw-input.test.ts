import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createInputFilter } from '../../src/ui/input-box.js';
import { splitRawInput, type RawToken } from '../../src/ui/raw-input.js';

const T = (text: string): RawToken => ({ kind: 'text', text });
const K = (seq: string): RawToken => ({ kind: 'key', seq });
const F = (focused: boolean): RawToken => ({ kind: 'focus', focused });
/** What the token was on the wire. */
const wire = (t: RawToken): string => (t.kind === 'text' ? t.text : t.kind === 'key' ? t.seq : t.focused ? '\x1b[I' : '\x1b[O');

test('splitRawInput: a table of what terminals send', () => {
  const cases: Array<[string, RawToken[]]> = [
    ['hello', [T('hello')]],
    ['hello\r', [T('hello'), K('\r')]],
    ['a\x7fb', [T('a'), K('\x7f'), T('b')]],
    ['\x0b', [K('\x0b')]], // Ctrl-K
    ['👍漢字 é', [T('👍漢字 é')]], // surrogate pairs stay whole inside text
    ['\x1b', [K('\x1b')]], // Escape alone
    ['\x1b\r', [K('\x1b\r')]], // Alt-Enter
    ['\x1bb', [K('\x1bb')]], // Alt-b
    ['\x1b👍', [K('\x1b👍')]], // Alt + astral code point
    ['\x1b[A\x1bOB', [K('\x1b[A'), K('\x1bOB')]], // arrows, normal and application mode
    ['\x1b[5~x', [K('\x1b[5~'), T('x')]], // PgUp then text
    ['\x1b[1;5H', [K('\x1b[1;5H')]], // Ctrl-Home
    ['\x1bOP\x1bOQ', [K('\x1bOP'), K('\x1bOQ')]], // F1 F2
    ['\x1b[[A', [K('\x1b[[A')]], // Linux console F1
    ['\x1b[<0;10;5Mhi', [K('\x1b[<0;10;5M'), T('hi')]], // SGR mouse report, then text
    ['\x1b[M !!ab', [K('\x1b[M !!'), T('ab')]], // X10 mouse report
    ['\x1b\x1b[A', [K('\x1b\x1b[A')]], // Alt-Up (rxvt)
    ['\x1b\x1b', [K('\x1b\x1b')]],
    ['\x1b[2$', [K('\x1b[2$')]], // rxvt Shift-Insert
    ['x\x1b[', [T('x'), K('\x1b[')]], // cut short
    ['\x1b[I', [F(true)]], // focus in (mode 1004)
    ['\x1b[O', [F(false)]], // focus out
    ['ab\x1b[Ocd\x1b[Ie', [T('ab'), F(false), T('cd'), F(true), T('e')]],
    ['\x1b[1;5I', [K('\x1b[1;5I')]], // a parameter: not a focus report
    ['\x1b\x1b[I', [K('\x1b\x1b[I')]], // Alt + …: not a focus report either
    ['\x1bOI', [K('\x1bOI')]], // SS3 I: a keypad key, not focus
  ];
  for (const [input, expected] of cases) assert.deepEqual(splitRawInput(input), expected, JSON.stringify(input));
});

test('splitRawInput loses nothing and never puts a control in text', () => {
  const alphabet = fc.constantFrom('a', ' ', '漢', '👍', '\x1b', '[', 'O', 'I', '1', ';', '~', 'A', 'M', '\r', '\n', '\t', '\x7f', '\x03', '\u0301');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
      const data = chars.join('');
      const tokens = splitRawInput(data);
      assert.equal(tokens.map(wire).join(''), data);
      for (const t of tokens) {
        if (t.kind === 'text') assert.doesNotMatch(t.text, /[\x00-\x1f\x7f]/);
        else if (t.kind === 'key') assert.ok(t.seq.length > 0);
      }
    }),
    { numRuns: 500 },
  );
});

test('the input filter: focus reports reach the focus handler, whole or split across reads, and never the text or the keys', () => {
  const got: string[] = [];
  const filter = createInputFilter({
    text: (t) => got.push(`text:${t}`),
    key: () => got.push('key'),
    paste: (t) => got.push(`paste:${t}`),
    refusedPaste: () => got.push('refused'),
    focus: (f) => got.push(f ? 'in' : 'out'),
  });
  const forwarded: string[] = [];
  const forward = (k: string): void => void forwarded.push(k);
  const splits = [['\x1b[O'], ['\x1b', '[I'], ['\x1b[', 'O'], ['hi\x1b', '[', 'I', 'yo']];
  for (const chunks of splits) for (const c of chunks) filter(c, forward);
  assert.deepEqual(got, ['out', 'in', 'out', 'text:hi', 'in', 'text:yo']);
  assert.deepEqual(forwarded, [], 'blessed never sees a focus report (it would call it a mouse event)');
  // Without a focus handler (a caller that does not care), a report is dropped, not typed.
  const quiet: string[] = [];
  createInputFilter({ text: (t) => quiet.push(t), key: () => {}, paste: () => {}, refusedPaste: () => {} })('\x1b[Ia', forward);
  assert.deepEqual(quiet, ['a']);
  assert.deepEqual(forwarded, []);
});
