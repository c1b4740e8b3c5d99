/**
 * Issue 13 part 2, end to end: the real binary in a pseudo-terminal holds a
 * few thousand lines from a peer (a session in this process, over loopback
 * UDP); /search finds an old line, shows it highlighted, n / N step older /
 * newer, Esc goes back to the bottom; Ctrl-R searches as you type (smart
 * case, plain text), Enter stays where it found.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newMessageId } from '../../src/bus.js';
import type { ChatSession } from '../../src/app/session.js';
import { FernchatPty, uiFacingPeer, type PtySession } from './_pty.js';

const LINES = 3_000;
/** Lines holding "needle", oldest first; 17 is the old one to find. */
const NEEDLES = [17, 1_200, 2_400];
const text = (i: number): string =>
  i === 17 ? 'the old needle 17 is here' : NEEDLES.includes(i) ? `needle ${i}` : i === 900 ? 'literal x a.*(b y' : `filler ${i}`;

/** Row of the screen holding `what`, or -1. */
function rowOf(p: PtySession, what: string): number {
  return p.lines().findIndex((l) => l.includes(what));
}

/** Columns of row `y` drawn highlighted: reverse video, or the current match's yellow background. */
function highlighted(p: PtySession, y: number): { current: string; other: string } {
  const line = p.term.buffer.active.getLine(p.term.buffer.active.viewportY + y);
  let current = '';
  let other = '';
  if (!line) return { current, other };
  for (let x = 0; x < p.term.cols; x++) {
    const cell = line.getCell(x);
    if (!cell) continue;
    if (cell.isBgPalette() && cell.getBgColor() === 3) current += cell.getChars();
    else if (cell.isInverse()) other += cell.getChars();
  }
  return { current, other };
}

describe('search in the scrollback', { timeout: 120_000 }, () => {
  let ui: PtySession;
  let peer: ChatSession;
  const h = new FernchatPty('e2e-search');
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 29 + 3) % 256));

  before(async () => {
    ({ ui, peer } = await uiFacingPeer(h, key));
    // At most 500 unacknowledged at a time: the send queue holds 1,000 (SEND_QUEUE_MAX_MESSAGES).
    let delivered = 0;
    let wake = (): void => {};
    const off = peer.bus.on('message:delivered', () => {
      delivered += 1;
      wake();
    });
    for (let i = 0; i < LINES; i++) {
      while (i - delivered >= 500) await new Promise<void>((resolve) => (wake = resolve));
      peer.bus.emit('send', { id: newMessageId(), text: text(i) });
    }
    off();
    await ui.waitFor(`filler ${LINES - 1}`, 60_000);
    await ui.settle();
  });

  after(async () => {
    await h.dispose();
    await peer?.close();
  });

  test('/search: the newest match, highlighted; n older, N newer; Esc back to the bottom', async () => {
    ui.type('/search needle');
    ui.press('enter');
    await ui.waitFor((s) => s.includes('needle 2400') && s.includes('search "needle"'));
    let y = rowOf(ui, 'needle 2400');
    assert.equal(highlighted(ui, y).current, 'needle', ui.screenText());
    assert.ok(rowOf(ui, `filler ${LINES - 1}`) === -1, 'scrolled up to the match');

    ui.type('n');
    await ui.waitFor('needle 1200');
    y = rowOf(ui, 'needle 1200');
    assert.equal(highlighted(ui, y).current, 'needle');
    ui.type('n');
    await ui.waitFor('the old needle 17 is here');
    y = rowOf(ui, 'the old needle 17 is here');
    assert.equal(highlighted(ui, y).current, 'needle');
    ui.type('n');
    await ui.waitFor('no older match');
    assert.ok(rowOf(ui, 'the old needle 17 is here') !== -1, 'the view did not move');
    ui.type('N');
    await ui.waitFor('needle 1200');
    assert.equal(highlighted(ui, rowOf(ui, 'needle 1200')).current, 'needle');

    ui.press('escape');
    await ui.waitFor((s) => s.includes(`filler ${LINES - 1}`) && !s.includes('search "needle"'));
    assert.ok(!ui.lines().some((_, i) => highlighted(ui, i).current !== '' || highlighted(ui, i).other.includes('needle')), 'no highlight left');
  });

  test('no match: one line, the view stays; the text is plain, never a regex', async () => {
    ui.type('/search no such text');
    ui.press('enter');
    await ui.waitFor(/no match for "no such text" in the [\d,]+ lines held/);
    assert.ok(rowOf(ui, `filler ${LINES - 1}`) !== -1, 'still at the bottom');
    ui.type('/search a.*(b');
    ui.press('enter');
    await ui.waitFor('literal x a.*(b y');
    assert.equal(highlighted(ui, rowOf(ui, 'literal x a.*(b y')).current, 'a.*(b');
    ui.press('escape');
    await ui.waitFor(`filler ${LINES - 1}`);
  });

  test('Ctrl-R: searches as you type, smart case; Enter stays at the match', async () => {
    ui.press('ctrl-r');
    await ui.waitFor(/search: .*Ctrl-R older/);
    ui.type('NEEDLE');
    await ui.waitFor('no match for "NEEDLE"'); // a capital: case matters
    for (let i = 0; i < 6; i++) ui.press('backspace');
    ui.type('old needle');
    await ui.waitFor('the old needle 17 is here');
    assert.equal(highlighted(ui, rowOf(ui, 'the old needle 17 is here')).current, 'old needle');
    ui.press('enter');
    await ui.waitFor((s) => !s.includes('search: ') && s.includes('the old needle 17 is here'));
    assert.ok(/^›/m.test(ui.screenText()), 'the input line is back');
    // Typing a reply works at once, and sending it goes back to the bottom.
    ui.type('found it');
    ui.press('enter');
    await ui.waitFor(/<bob> found it ✓/, 10_000);
  });
});
