/**
 * Figure 5's search row: one search step (issue 13 part 2) in a chat pane
 * holding 100,000 lines, timed as the user waits for it: the step (search
 * and scroll) plus the render of the pane it moved, on a real blessed screen
 * writing to a null terminal, one event-loop turn included (as the append
 * samples of fig-pane.ts).
 *
 * Steps, in each round: /search for a line 90,000 lines up (the first
 * search: 90,000 lines tested), /search for text no line has (every line
 * tested: the worst case), then a text found every 5,000 lines: the first
 * search, n × 5 and N × 5. Typing in the Ctrl-R prompt is the first search
 * again, once per keystroke. The anchor is the floor of any scan: one
 * String.includes pass over the 100,000 texts, measured in the same process.
 *
 * The texts are flat strings, decoded from UTF-8 as the transport hands a
 * message over. chatText() builds each by concatenation, and V8 flattens
 * such a string the first time a regex reads it: left as they are, the
 * first full scan of the process flattened 100,000 strings and took 3–4
 * times as long as the next (measured: 76–82 ms against 21 ms flat). The
 * pane's lines seldom pay it: a received text is decoded flat, and a line
 * shown once was flattened by the formatter's regexes then.
 */
import { DEFAULT_SCROLLBACK_LINES } from '../src/constants.js';
import { ChatPane } from '../src/ui/chat-pane.js';
import { ScrollbackSearch } from '../src/ui/search-mode.js';
import { chatText, createNullScreen } from '../src/testing/null-screen.js';
import { yieldToLoop, type Deadline } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { percentile } from './stats.js';

const COLS = 120;
const ROWS = 40;
const PANE_ROWS = ROWS - 2;
const LINES = 100_000;
const SPARSE_EVERY = 5_000;
const SPARSE = 'marker-xyzzy';

export interface SearchTiming {
  p50: number;
  p99: number;
  samples: number;
  /** Slowest step of each kind, in ms. */
  worst: Record<'first' | 'none' | 'n' | 'N', number>;
  /** One String.includes pass over the texts, median, in ms. */
  includesPass: number;
}

export async function searchSteps(rounds: number, deadline: Deadline): Promise<SearchTiming> {
  const ns = createNullScreen(COLS, ROWS);
  try {
    const pane = new ChatPane(ns.screen, { capacity: DEFAULT_SCROLLBACK_LINES, seconds: false, colors: 256 });
    const texts: string[] = [];
    const t = Date.now();
    for (let i = 0; i < LINES; i++) {
      const text = Buffer.from(i % SPARSE_EVERY === 2_500 ? `${chatText(i)} ${SPARSE}` : chatText(i)).toString('utf8');
      texts.push(text);
      pane.add({ kind: 'message', nick: i % 2 ? 'alice' : 'bob', text, time: t });
    }
    const search = new ScrollbackSearch(pane);
    const render = (): void => {
      pane.sync(COLS, PANE_ROWS);
      ns.renderNow();
    };
    render();
    const times: number[] = [];
    const worst = { first: 0, none: 0, n: 0, N: 0 };
    const step = async (kind: keyof typeof worst, f: () => void): Promise<void> => {
      const t0 = performance.now();
      f();
      render();
      await yieldToLoop();
      const ms = performance.now() - t0;
      times.push(ms);
      worst[kind] = Math.max(worst[kind], ms);
    };
    const old = `#${LINES - 90_000} `;
    for (let r = 0; r < rounds && (r === 0 || !deadline.expired()); r++) {
      await step('first', () => search.startBrowse(old));
      search.end(true);
      await step('none', () => search.startBrowse('no line has this text'));
      await step('first', () => search.startBrowse(SPARSE));
      for (let i = 0; i < 5; i++) await step('n', () => search.typed('n'));
      for (let i = 0; i < 5; i++) await step('N', () => search.typed('N'));
      search.end(true);
      render();
    }
    const passes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      let n = 0;
      for (const s of texts) if (s.includes('no line has this text')) n++;
      passes.push(performance.now() - t0 + n);
    }
    return { p50: percentile(times, 50), p99: percentile(times, 99), samples: times.length, worst, includesPass: percentile(passes, 50) };
  } finally {
    ns.destroy();
  }
}

/** Reports the row `pane-search-100k`. */
export async function reportSearch(ctx: FigureContext, rounds: number, deadline: Deadline): Promise<void> {
  const s = await searchSteps(rounds, deadline);
  const w = s.worst;
  const f = (x: number): string => x.toPrecision(3);
  ctx.log(
    `pane search @100k: p50 ${f(s.p50)} ms, p99 ${f(s.p99)} ms, ${s.samples} steps; worst first ${f(w.first)}, none ${f(w.none)}, n ${f(w.n)}, N ${f(w.N)} ms`,
  );
  ctx.report({
    id: 'pane-search-100k',
    value: s.samples > 0 ? s.p99 : null,
    anchor: s.includesPass,
    detail: `p50 ${f(s.p50)} ms, ${s.samples} steps; slowest: first search ${f(w.first)}, no match ${f(w.none)}, n ${f(w.n)}, N ${f(w.N)} ms`,
    anchorDetail: 'String.includes over 100k texts',
  });
}
