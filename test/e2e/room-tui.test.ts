/**
 * The room screen with the built binary (#15): `room create` and `join`
 * into two config directories, then the creator in the full-screen UI (a
 * pty) and the joiner headless. A line from the headless member appears in
 * the UI under its nick; a line typed in the UI reaches the headless member;
 * F3 lists both members; /quit gives the terminal back. Every process is
 * killed when the test ends.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CliSandbox, ensureBuilt, ok } from '../_cli.js';
import { HeadlessProc, freeUdpPorts } from '../_headless-proc.js';
import type { IBufferCell } from '@xterm/headless';
import { nickColor } from '../../src/ui/nick-color.js';
import { FernchatPty, type PtySession } from './_pty.js';

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';
const CURSOR_ON = '\x1b[?25h';

/** The cell `offset` columns into the first on-screen occurrence of `text`. */
function cellOf(p: PtySession, text: string, offset: number): IBufferCell {
  const b = p.term.buffer.active;
  for (let y = 0; y < p.term.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    const x = line?.translateToString(true).indexOf(text) ?? -1;
    const cell = x >= 0 ? line?.getCell(x + offset) : undefined;
    if (cell !== undefined) return cell;
  }
  throw new Error(`${text} is not on screen:\n${p.screenText()}`);
}

const box = new CliSandbox();
const lab = new FernchatPty('room-tui');
before(() => ensureBuilt());
after(async () => {
  await lab.dispose();
  box.cleanup();
});

test('the room screen: a member’s line with its nick, our line to it, F3 lists both, /quit restores the terminal', { timeout: 30_000 }, async (t) => {
  const [portA, portB] = await freeUdpPorts(2);
  const [dirA, dirB] = [box.configDir(), box.configDir()];
  ok(box.run(['room', 'create', 'club', '--host', '127.0.0.1', '--port', String(portA), '--nick', 'ann'], { configDir: dirA }));
  const code = ok(box.run(['invite', '--profile', 'club'], { configDir: dirA })).stdout.trim();
  ok(box.run(['join', '-', '--name', 'club', '--host', '127.0.0.1', '--port', String(portB), '--nick', 'bob'], { configDir: dirB, input: `${code}\n` }));

  const ui = lab.start(['--config-dir', dirA, 'chat', '--profile', 'club'], { cols: 100, rows: 30 });
  await ui.waitFor(/room club · 1\/1 online/, 10_000);
  const bob = new HeadlessProc(['--config-dir', dirB, 'chat', '--headless', '--profile', 'club'], { HOME: path.join(box.root, 'home') });
  t.after(() => bob.kill());
  await bob.waitLine('err', /you are in the room/, 10_000);
  await ui.waitFor((s) => s.includes('bob online') && s.includes('room club · 2/2 online │ ann 127.0.0.1:'), 10_000);

  bob.write('hello from bob, ann');
  await ui.waitFor('<bob> hello from bob, ann', 5_000);
  // The nick in its own colour (nick-color.ts); our nick in the text highlighted as a mention (orange, bold, underlined).
  const nick = cellOf(ui, '<bob> hello', 1);
  assert.ok(nick.isFgPalette() && nick.getFgColor() === Number(nickColor('bob', 256)), 'bob in its nick colour');
  const mention = cellOf(ui, '<bob> hello', '<bob> hello from bob, '.length);
  assert.ok(mention.isFgPalette() && mention.getFgColor() === 166 && mention.isBold() !== 0 && mention.isUnderline() !== 0, 'ann highlighted');

  ui.type('hi bob, from the screen');
  ui.press('enter');
  await bob.waitLine('out', /^\d\d:\d\d:\d\d <ann> hi bob, from the screen$/, 5_000);
  await ui.waitFor('<ann> hi bob, from the screen', 5_000);

  ui.press('f3');
  const panel = await ui.waitFor((s) => s.includes('members · 2/2 online') && /bob +127\.0\.0\.1:\d+ +online/.test(s), 5_000);
  assert.match(panel, /ann +127\.0\.0\.1:\d+ +you/);
  ui.press('f3');
  await ui.waitFor((s) => !s.includes('members · 2/2 online'), 5_000);

  ui.type('/quit');
  ui.press('enter');
  assert.equal((await ui.exitCode).exitCode, 0, ui.screenText());
  const tail = ui.raw.slice(ui.raw.lastIndexOf(ALT_ON));
  assert.ok(tail.includes(ALT_OFF), 'no ESC[?1049l after the UI');
  assert.ok(tail.includes(CURSOR_ON), 'cursor not shown again');

  await bob.waitLine('err', /ann offline/, 5_000);
  bob.write('/quit');
  assert.equal(await bob.exitCode(10_000), 0, bob.err.join('\n'));
});
