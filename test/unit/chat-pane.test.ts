/**
 * ChatPane and its RowsBox on a real blessed screen whose output goes into a
 * headless xterm: what a terminal would show, checked cell by cell.
 *
 * The pane scrolls the terminal's region instead of repainting (draw.ts).
 * Two oracles after every step of a seeded random session (appends, delivery
 * updates, scrolling, an overlay, resizes, Ctrl-L):
 *   1. the terminal shows exactly blessed's cell buffer (character, width,
 *      colours, bold/underline/inverse) — the scroll kept blessed's idea of
 *      the terminal true;
 *   2. the terminal's text equals that of a second screen fed the same steps
 *      that never scrolls (full repaints) — the scroll showed the right rows.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import blessed from 'blessed';
import { createNullScreen } from '../../src/testing/null-screen.js';
import { ChatPane } from '../../src/ui/chat-pane.js';
import { createRowsBox, installAsciiWidthFastPath } from '../../src/ui/draw.js';
import { visibleLines, widthTerminal, type Term } from '../_xterm.js';

interface TermScreen {
  screen: blessed.Widgets.Screen;
  term: Term;
  readonly bytes: number;
  /** Everything written to the terminal so far. */
  readonly written: string;
  render(): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  destroy(): void;
}

const open: TermScreen[] = [];
after(() => {
  for (const s of open) s.destroy();
});

function termScreen(cols: number, rows: number): TermScreen {
  // Widths as width.ts has them (xterm.js ships Unicode 6, where 🙂 is one column), as the pane measures.
  const term = widthTerminal(cols, rows, 0);
  let written = '';
  const ns = createNullScreen(cols, rows, (chunk) => {
    written += chunk;
    term.write(chunk);
  });
  const settled = (): Promise<void> => new Promise((resolve) => term.write('', resolve));
  const ts: TermScreen = {
    screen: ns.screen,
    term,
    get bytes() {
      return ns.bytesOut;
    },
    get written() {
      return written;
    },
    async render() {
      ns.renderNow();
      await settled();
    },
    async resize(c, r) {
      term.resize(c, r);
      ns.resize(c, r); // blessed reallocates its buffers, clears and renders
      await settled();
    },
    destroy() {
      ns.destroy();
      term.dispose();
    },
  };
  open.push(ts);
  return ts;
}

type Lines = Array<Array<[number, string]>>;

/** Oracle 1: every terminal cell is what blessed's buffer says. */
function assertTerminalMatchesBuffer(ts: TermScreen, what: string): void {
  const lines = (ts.screen as unknown as { lines: Lines }).lines;
  const buf = ts.term.buffer.active;
  const cell = buf.getNullCell(); // reused: getCell fills it in
  for (let y = 0; y < lines.length; y++) {
    const tl = buf.getLine(buf.viewportY + y)!;
    // Messages are built only on a mismatch: this runs for every cell of every step.
    const check = (x: number, aspect: string, actual: unknown, expected: unknown): void => {
      if (actual !== expected)
        assert.fail(
          `${what}: cell ${y},${x} ${aspect}: terminal ${JSON.stringify(actual)}, blessed ${JSON.stringify(expected)} (row: ${JSON.stringify(tl.translateToString(true))})`,
        );
    };
    for (let x = 0; x < lines[y]!.length; x++) {
      const [attr, ch] = lines[y]![x]!;
      tl.getCell(x, cell);
      if (ch === '') {
        check(x, 'width (covered by a wide character)', cell.getWidth(), 0);
        continue;
      }
      check(x, 'character', cell.getChars() || ' ', ch);
      const bg = attr & 0x1ff;
      const fg = (attr >> 9) & 0x1ff;
      const flags = attr >> 18;
      check(x, 'background', cell.getBgColorMode() === 0 ? 0x1ff : cell.getBgColor(), bg);
      check(x, 'inverse', Boolean(cell.isInverse()), Boolean(flags & 8));
      if (ch === ' ') continue; // erased cells carry no foreground
      check(x, 'foreground', cell.getFgColorMode() === 0 ? 0x1ff : cell.getFgColor(), fg);
      check(x, 'bold', Boolean(cell.isBold()), Boolean(flags & 1));
      check(x, 'underline', Boolean(cell.isUnderline()), Boolean(flags & 2));
    }
  }
}

function screenText(ts: TermScreen): string[] {
  return visibleLines(ts.term).map((line) => line.trimEnd());
}

/** A chat window: pane, status row, input row, and an overlay box like the help. */
class Window {
  readonly pane: ChatPane;
  readonly status: blessed.Widgets.BoxElement;
  readonly overlay: blessed.Widgets.BoxElement;
  statusText = 'status';
  /** Tell the pane about the overlay (the app does); false lies, to show correctness does not depend on it. */
  honest = true;

  constructor(readonly ts: TermScreen) {
    const screen = ts.screen;
    this.pane = new ChatPane(screen, { capacity: 300, seconds: false, colors: 256 });
    this.status = blessed.box({ parent: screen, left: 0, width: '100%', height: 1, tags: false, style: { inverse: true } });
    this.overlay = blessed.box({ parent: screen, top: 2, left: 4, width: 30, height: 6, border: { type: 'line' }, hidden: true, content: 'overlay' });
    screen.on('prerender', () => this.layout());
  }

  private layout(): void {
    const width = this.ts.screen.width as number;
    const height = this.ts.screen.height as number;
    const paneHeight = Math.max(1, height - 2);
    this.pane.sync(width, paneHeight, { overlaid: this.honest && !this.overlay.hidden });
    this.status.top = paneHeight;
    this.status.setContent(this.statusText);
  }
}

function rng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

const WORDS = [
  'hello',
  'fernet',
  'key',
  'udp',
  'the',
  'a',
  'message',
  'over',
  'loopback',
  'retransmit',
  '日本語',
  '🙂',
  'rotation',
  'x',
  'supercalifragilisticexpialidocious',
];

function text(rand: (n: number) => number): string {
  return Array.from({ length: 1 + rand(30) }, () => WORDS[rand(WORDS.length)]!).join(' ');
}

for (const seed of [2024, 7, 99])
  test(`random session ${seed}: the terminal shows what full repaints show, and matches blessed cell for cell`, async () => {
    const scrolled = new Window(termScreen(80, 24));
    const reference = new Window(termScreen(80, 24));
    reference.honest = false;
    // The reference never scrolls: its pane is always told something is drawn over it.
    reference.pane.sync = (
      (orig) => (w: number, h: number) =>
        orig(w, h, { overlaid: true })
    )(reference.pane.sync.bind(reference.pane));
    const windows = [scrolled, reference];
    const rand = rng(seed);
    let time = new Date(2026, 0, 5, 12, 0).getTime();
    const ownIds: number[] = [];
    for (let step = 0; step < 250; step++) {
      const op = rand(100);
      const what = `step ${step} op ${op}`;
      if (op < 55) {
        const kind = (['message', 'own', 'system', 'error'] as const)[rand(4)]!;
        const t = text(rand);
        time += rand(3) === 0 ? 86_400_000 / 4 : 1000; // now and then a new day: a separator row
        const ids = windows.map((w) =>
          w.pane.add({
            kind,
            nick: kind === 'message' ? 'alice' : kind === 'own' ? 'me' : undefined,
            text: t,
            time,
            delivery: kind === 'own' ? 'pending' : undefined,
          }),
        );
        if (kind === 'own') ownIds.push(ids[0]!);
      } else if (op < 65 && ownIds.length > 0) {
        const id = ownIds[rand(ownIds.length)]!;
        const delivery = rand(2) === 0 ? 'delivered' : 'failed';
        for (const w of windows) w.pane.update(id, { delivery, reason: delivery === 'failed' ? 'no ack' : undefined });
      } else if (op < 75) {
        const n = rand(5);
        const by = 1 + rand(3);
        for (const w of windows) {
          if (n === 0) w.pane.pageUp();
          else if (n === 1) w.pane.pageDown();
          else if (n === 2) w.pane.scrollLines(by);
          else if (n === 3) w.pane.scrollLines(-by);
          else w.pane.bottom();
        }
      } else if (op < 82) {
        const hidden = !scrolled.overlay.hidden;
        const honest = rand(2) === 0;
        for (const w of windows) {
          if (hidden) w.overlay.hide();
          else w.overlay.show();
          w.overlay.setContent(`overlay ${step}`);
        }
        scrolled.honest = honest;
      } else if (op < 85) {
        const cols = 30 + rand(70);
        const rows = 6 + rand(24);
        for (const w of windows) await w.ts.resize(cols, rows);
      } else if (op < 87) {
        for (const w of windows) w.ts.screen.realloc(); // Ctrl-L
      }
      const status = `status ${step} ${'·'.repeat(rand(3))}`;
      for (const w of windows) {
        w.statusText = status;
        await w.ts.render();
      }
      assertTerminalMatchesBuffer(scrolled.ts, what);
      assertTerminalMatchesBuffer(reference.ts, `${what} (reference)`);
      assert.deepEqual(screenText(scrolled.ts), screenText(reference.ts), `${what}: what the terminal shows`);
    }
    assert.ok(scrolled.pane.scrolledRows > 0, 'the session should have scrolled the terminal');
    assert.equal(reference.pane.scrolledRows, 0);
    assert.ok(scrolled.ts.bytes < reference.ts.bytes, `scrolling wrote ${scrolled.ts.bytes} bytes, full repaints ${reference.ts.bytes}`);
  });

test('a line arriving at the bottom scrolls the region: its own rows go out, the rest of the pane and the status row stay', async () => {
  const w = new Window(termScreen(100, 30));
  const t = new Date(2026, 0, 5, 12, 0).getTime();
  for (let i = 0; i < 100; i++) w.pane.add({ kind: 'message', nick: i % 2 ? 'alice' : 'bob', text: `line ${i} ${'word '.repeat(i % 7)}`, time: t });
  await w.ts.render();
  const before = screenText(w.ts);
  const bytes0 = w.ts.bytes;
  const mark = w.ts.written.length;
  const scrolled0 = w.pane.scrolledRows;
  w.pane.add({ kind: 'message', nick: 'alice', text: 'the newest line', time: t });
  await w.ts.render();
  const after = screenText(w.ts);
  const written = w.ts.bytes - bytes0;
  const out = w.ts.written.slice(mark);
  assert.ok(!out.includes('\x1b[29;1H'), 'the status row (row 29) is not written again');
  assert.ok(out.includes('\x1b[1;28r'), 'the scroll region is the pane (rows 1-28)');
  assert.equal(w.pane.scrolledRows - scrolled0, 1, 'one row scrolled in');
  assert.deepEqual(after.slice(0, 27), before.slice(1, 28), 'the pane moved up one row');
  assert.match(after[27]!, /<alice> the newest line/);
  assert.equal(after[28], before[28], 'status row untouched');
  // A full repaint of 28 rows × 100 columns is several kilobytes; one row is a few dozen bytes of text plus cursor moves.
  assert.ok(written < 400, `wrote ${written} bytes for one new row`);
  assertTerminalMatchesBuffer(w.ts, 'after one append');
});

test('no terminal scrolling while overlaid, after a resize or Ctrl-L, or for a box narrower than the screen', async () => {
  const w = new Window(termScreen(60, 20));
  const t = Date.now();
  const add = (): number => w.pane.add({ kind: 'system', text: `x ${w.pane.buffer.length}`, time: t });
  for (let i = 0; i < 40; i++) add();
  await w.ts.render();
  const count = w.pane.scrolledRows;
  w.overlay.show();
  add();
  await w.ts.render();
  assert.equal(w.pane.scrolledRows, count, 'overlaid');
  w.overlay.hide();
  await w.ts.render();
  add();
  await w.ts.resize(50, 18); // blessed reallocates and renders at once
  assert.equal(w.pane.scrolledRows, count, 'the frame of a resize repaints');
  w.ts.screen.realloc();
  add();
  await w.ts.render();
  assert.equal(w.pane.scrolledRows, count, 'the first frame after Ctrl-L repaints');
  add();
  await w.ts.render();
  assert.equal(w.pane.scrolledRows, count + 1, 'then scrolling resumes');
  assertTerminalMatchesBuffer(w.ts, 'pane');

  const ts = termScreen(60, 12);
  const box = createRowsBox({ parent: ts.screen, top: 1, left: 5, width: 30, height: 8 });
  const rows = (from: number): string[] => Array.from({ length: 8 }, (_, i) => `row ${from + i}`);
  box.setRows(rows(0), { scroll: true });
  await ts.render();
  box.setRows(rows(1), { scroll: true });
  await ts.render();
  assert.equal(box.scrolledRows, 0, 'a box narrower than the screen cannot scroll whole terminal lines');
  assert.match(screenText(ts)[1]!, /^ {5}row 1 *$/);
  assertTerminalMatchesBuffer(ts, 'narrow box');
});

test('a terminal without scroll regions gets full repaints, still correct', async () => {
  const w = new Window(termScreen(60, 16));
  const strings = (w.ts.screen as unknown as { tput: { strings: Record<string, unknown> } }).tput.strings;
  delete strings.change_scroll_region;
  for (let i = 0; i < 30; i++) {
    w.pane.add({ kind: 'system', text: `line ${i}`, time: 0 });
    await w.ts.render();
  }
  assert.equal(w.pane.scrolledRows, 0);
  assert.match(screenText(w.ts)[13]!, /line 29/);
  assertTerminalMatchesBuffer(w.ts, 'no csr');
});

test('the ASCII fast path answers exactly as blessed charWidth does', () => {
  installAsciiWidthFastPath();
  installAsciiWidthFastPath(); // idempotent: still one wrapper
  type CW = ((s: string | number, i?: number) => number) & { blessedCharWidth?: CW };
  const fast = (blessed as unknown as { unicode: { charWidth: CW } }).unicode.charWidth;
  const original = fast.blessedCharWidth;
  assert.ok(original, 'installed, the original kept');
  assert.equal(original.blessedCharWidth, undefined, 'not wrapped twice');
  const samples: string[] = ['', '\t', '\0', '🙂', '日', 'é', '\u0301', 'a\u0301'];
  for (let cp = 0; cp < 0x3100; cp++) samples.push(String.fromCodePoint(cp));
  for (const s of samples) assert.equal(fast(s), original(s), JSON.stringify(s));
  for (const s of ['ab日c', 'x🙂y']) for (let i = 0; i <= s.length; i++) assert.equal(fast(s, i), original(s, i), `${JSON.stringify(s)} @${i}`);
  for (const cp of [0x20, 0x41, 0x7e, 0x7f, 0x1100, 0x3000]) assert.equal(fast(cp), original(cp), `code point ${cp}`);
});

test('a giant message is folded on screen; Ctrl-O opens it in the pager, PgDn moves it, Esc closes it', async () => {
  const w = new Window(termScreen(70, 16));
  const key = (full: string): void => void w.ts.screen.emit('keypress', undefined, { full, name: full });
  w.pane.add({ kind: 'message', nick: 'eve', text: Array.from({ length: 40_000 }, (_, i) => `row ${i}\t\tx`).join('\n') });
  w.pane.add({ kind: 'message', nick: 'eve', text: 'after' });
  await w.ts.render();
  let text = screenText(w.ts);
  // A screenful: 16 rows less 3, the last of them the marker.
  assert.equal(text.filter((l) => /<eve> row 0|^ +row \d+/.test(l)).length, 12);
  assert.ok(
    text.some((l) => /… 39,988 more lines · \d+ KiB · Ctrl-O reads it all/.test(l)),
    text.join('\n'),
  );
  assert.ok(text.some((l) => l.includes('<eve> after')));

  key('C-o');
  await w.ts.render();
  text = screenText(w.ts);
  assert.match(text[0]!, /eve \d\d:\d\d · rows 1–13 of ≥ 64/);
  assert.deepEqual(text.slice(1, 4), ['row 0       x', 'row 1       x', 'row 2       x']);
  key('pagedown');
  w.pane.pageDown(); // app.ts calls this too: the chat behind the pager must not move
  await w.ts.render();
  text = screenText(w.ts);
  assert.equal(text[1], 'row 12      x');
  key('C-end');
  await w.ts.render();
  assert.equal(screenText(w.ts)[13], 'row 39999       x');
  key('escape');
  await w.ts.render();
  text = screenText(w.ts);
  assert.ok(text.some((l) => l.includes('<eve> after')));
  assert.equal(w.pane.pager, null);
  assert.equal(w.pane.atBottom, true);
});

test('Ctrl-O with nothing folded says so in the pane', async () => {
  const w = new Window(termScreen(60, 10));
  w.pane.add({ kind: 'message', nick: 'eve', text: 'short' });
  w.ts.screen.emit('keypress', undefined, { full: 'C-o', name: 'o', ctrl: true });
  await w.ts.render();
  assert.equal(w.pane.pager, null);
  assert.ok(screenText(w.ts).some((l) => l.includes('nothing to expand')));
});
