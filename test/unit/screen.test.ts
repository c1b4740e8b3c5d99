import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { assertTuiPossible, tuiRefusal } from '../../src/ui/app.js';
import { effectiveColors, hasTitles, isMonochrome, MOUSE_MODES, stripColours } from '../../src/ui/blessed-screen.js';
import { RESTORE_SEQUENCE, TITLE_POP, TITLE_PUSH, titleSequence } from '../../src/ui/screen.js';

test('effectiveColors: the terminal name and COLORTERM overrule a terminfo parse that said 8', () => {
  const cases: Array<[number, string, NodeJS.ProcessEnv, number]> = [
    [8, 'tmux-256color', {}, 256], // blessed cannot read ncurses 6 entries and falls back to 8
    [8, 'screen-256color', {}, 256],
    [256, 'xterm-256color', {}, 256],
    [8, 'xterm', { COLORTERM: 'truecolor' }, 256],
    [8, 'xterm', { COLORTERM: '24bit' }, 256],
    [8, 'xterm', {}, 8],
    [8, 'linux', {}, 8],
    [16, 'rxvt', {}, 16],
    [8, 'rxvt-16color', {}, 16],
  ];
  for (const [tput, term, env, expected] of cases) assert.equal(effectiveColors(tput, term, env), expected, `${term} ${JSON.stringify(env)}`);
});

test('hasTitles: no OSC titles for the Linux console', () => {
  assert.equal(hasTitles('linux'), false);
  assert.equal(hasTitles('vt100'), false);
  for (const t of ['xterm', 'xterm-256color', 'screen-256color', 'tmux-256color', 'rxvt-unicode']) assert.equal(hasTitles(t), true, t);
});

test('the restore sequence undoes everything the UI may have switched on', () => {
  for (const seq of ['\x1b[?2004l', '\x1b[?1004l', '\x1b[?1000l', '\x1b[?1002l', '\x1b[?1003l', '\x1b[?1006l', '\x1b[0m', '\x1b[?25h', '\x1b[?1049l']) {
    assert.ok(RESTORE_SEQUENCE.includes(seq), JSON.stringify(seq));
  }
  // The normal screen comes last: anything after it would be drawn on the user's shell.
  assert.ok(RESTORE_SEQUENCE.endsWith('\x1b[?1049l'));
});

test('tuiRefusal: no terminal, TERM=dumb or no TERM → a hint at --headless; --term overrides TERM', () => {
  const ui = { ui: { scrollback: 100, bell: false, title: false, mouse: false, term: null, seconds: false } };
  const tty = { stdinTTY: true, stdoutTTY: true, term: 'xterm-256color' };
  assert.equal(tuiRefusal(ui, tty), null);
  for (const io of [
    { ...tty, stdinTTY: false },
    { ...tty, stdoutTTY: false },
    { ...tty, term: 'dumb' },
    { ...tty, term: undefined },
    { ...tty, term: '' },
  ]) {
    assert.match(tuiRefusal(ui, io) ?? '', /needs a terminal.*--headless/, JSON.stringify(io));
  }
  assert.equal(tuiRefusal({ ui: { ...ui.ui, term: 'xterm' } }, { ...tty, term: 'dumb' }), null);
  assert.match(tuiRefusal({ ui: { ...ui.ui, term: 'dumb' } }, tty) ?? '', /TERM=dumb/);
});

test('assertTuiPossible: the refusal is one UsageError (exit 2), nothing when the UI can run', () => {
  const ui = { ui: { scrollback: 100, bell: false, title: false, mouse: false, term: null, seconds: false } };
  const tty = { stdinTTY: true, stdoutTTY: true, term: 'xterm-256color' };
  assert.doesNotThrow(() => assertTuiPossible(ui, tty));
  assert.throws(
    () => assertTuiPossible(ui, { ...tty, term: 'dumb' }),
    (err: unknown) => err instanceof UsageError && err.message === tuiRefusal(ui, { ...tty, term: 'dumb' }),
  );
});

test('isMonochrome: no colour where terminfo says none, unless the name or COLORTERM says otherwise', () => {
  assert.equal(isMonochrome(-1, 'vt100', {}), true);
  assert.equal(isMonochrome(-1, 'vt220', {}), true);
  assert.equal(isMonochrome(-1, 'xterm-mono', {}), true);
  assert.equal(isMonochrome(8, 'xterm', {}), false);
  assert.equal(isMonochrome(8, 'linux', {}), false);
  assert.equal(isMonochrome(-1, 'xterm-256color', {}), false);
  assert.equal(isMonochrome(-1, 'vt100', { COLORTERM: 'truecolor' }), false);
});

test('stripColours: colour parameters leave every SGR sequence, other attributes stay, nothing becomes a reset', () => {
  const cases: Array<[string, string]> = [
    ['\x1b[31mred\x1b[m', 'red\x1b[m'],
    ['\x1b[1;31;44mx', '\x1b[1mx'],
    ['\x1b[38;5;136mx\x1b[48;2;1;2;3;7my', 'x\x1b[7my'],
    ['\x1b[90;100;4mx', '\x1b[4mx'],
    ['\x1b[0m\x1b[39;49m', '\x1b[0m'],
    ['\x1b[7m status \x1b[27m', '\x1b[7m status \x1b[27m'],
    ['\x1b[2J\x1b[10;1H plain', '\x1b[2J\x1b[10;1H plain'],
    ['no escapes', 'no escapes'],
  ];
  for (const [input, expected] of cases) assert.equal(stripColours(input), expected, JSON.stringify(input));
});

test('mouse: button events (1000, 1002) in SGR encoding (1006), never any-motion or the X10/UTF-8 encodings', () => {
  assert.deepEqual({ ...MOUSE_MODES }, { vt200Mouse: true, cellMotion: true, sgrMouse: true });
});

test('the title is pushed before it is set and popped on the way out; a title cannot carry controls', () => {
  assert.equal(TITLE_PUSH, '\x1b[22;0t');
  assert.equal(TITLE_POP, '\x1b[23;0t');
  assert.equal(titleSequence('fernchat demo'), '\x1b]0;fernchat demo\x07');
  assert.equal(titleSequence('a\x07b\x1b]0;x\x9c'), '\x1b]0;ab]0;x\x07');
});
