/**
 * Figure 5: the cost of one chat line arriving: append + render, with 1,000,
 * 10,000 and 100,000 lines of history. fernchat's ChatPane (src/ui/chat-pane.ts,
 * PaneBuffer's visible window painted by a RowsBox) against blessed's Log
 * widget (log.log(line) and the render it schedules), both on a real blessed
 * screen writing to a null terminal. Each sample is timed from the append to
 * the output flushed, one event-loop turn included for both (Log renders on
 * setImmediate). Log re-wraps its whole history on every append, so it is
 * measured at 1,000 and 2,000 lines only, and its growth is reported.
 */
import blessed from 'blessed';
import { DEFAULT_SCROLLBACK_LINES } from '../src/constants.js';
import { ChatPane } from '../src/ui/chat-pane.js';
import { Deadline, yieldToLoop } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { chatText, createNullScreen } from '../src/testing/null-screen.js';
import { reportSearch } from './search-steps.js';
import { percentile } from './stats.js';

const COLS = 120;
const ROWS = 40;
/** The pane's rows on a 40-row screen: the status bar and a one-row input box take two. */
const PANE_ROWS = ROWS - 2;
const OURS = [1_000, 10_000, 100_000];
const LOG = [1_000, 2_000];
const FULL = { samples: 300, logSamples: 60, searchRounds: 20 };
const QUICK = { samples: 10, logSamples: 5, searchRounds: 1 };

interface Timing {
  p50: number;
  p99: number;
  samples: number;
}

/** Up to `n` timings of `step`, at least one however late (filling the history may have used the deadline up on a busy machine). */
async function sample(n: number, deadline: Deadline, step: () => void): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < n && (i === 0 || !deadline.expired()); i++) {
    const t0 = performance.now();
    step();
    await yieldToLoop();
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples: times.length };
}

async function chatPane(history: number, samples: number, deadline: Deadline): Promise<Timing> {
  const ns = createNullScreen(COLS, ROWS);
  try {
    const pane = new ChatPane(ns.screen, { capacity: DEFAULT_SCROLLBACK_LINES, seconds: false, colors: 256 });
    const t = Date.now();
    for (let i = 0; i < history; i++) pane.add({ kind: 'message', nick: i % 2 ? 'alice' : 'bob', text: chatText(i), time: t });
    pane.sync(COLS, PANE_ROWS);
    ns.renderNow();
    let i = history;
    return await sample(samples, deadline, () => {
      pane.add({ kind: 'message', nick: i % 2 ? 'alice' : 'bob', text: chatText(i++), time: t });
      pane.sync(COLS, PANE_ROWS);
      ns.renderNow();
    });
  } finally {
    ns.destroy();
  }
}

async function blessedLog(history: number, samples: number, deadline: Deadline): Promise<Timing> {
  const ns = createNullScreen(COLS, ROWS);
  try {
    const log = blessed.log({ parent: ns.screen, top: 0, left: 0, width: '100%', height: PANE_ROWS, tags: true });
    const line = (i: number): string => `12:05 <${i % 2 ? 'alice' : 'bob'}> ${chatText(i)}`;
    log.setContent(Array.from({ length: history }, (_, i) => line(i)).join('\n'));
    await yieldToLoop();
    ns.renderNow();
    let i = history;
    return await sample(samples, deadline, () => {
      log.log(line(i++));
      ns.renderNow();
    });
  } finally {
    ns.destroy();
  }
}

const fmt = (t: Timing): string => `p50 ${t.p50.toPrecision(3)} ms, p99 ${t.p99.toPrecision(3)} ms, ${t.samples} samples`;

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  // Filling 100,000 lines of history and building screens takes time outside the samples too.
  // The search row (search-steps.ts) fills its own 100,000 lines and counts as one more size.
  const perSizeMs = (ctx.budgetMs * 0.7) / (OURS.length + LOG.length + 1);
  const ours = new Map<number, Timing>();
  for (const h of OURS) {
    ours.set(h, await chatPane(h, plan.samples, new Deadline(perSizeMs)));
    ctx.log(`pane ChatPane @${h}: ${fmt(ours.get(h)!)}`);
  }
  const log = new Map<number, Timing>();
  for (const h of LOG) {
    log.set(h, await blessedLog(h, plan.logSamples, new Deadline(perSizeMs)));
    ctx.log(`pane blessed Log @${h}: ${fmt(log.get(h)!)}`);
  }
  await reportSearch(ctx, plan.searchRounds, new Deadline(perSizeMs));
  const at1k = log.get(1_000)!;
  const at2k = log.get(2_000)!;
  const value = (t: Timing): number | null => (t.samples > 0 ? t.p50 : null);
  const detail = (t: Timing): string => `p99 ${t.p99.toPrecision(3)} ms`;
  ctx.report({ id: 'pane-1k', value: value(ours.get(1_000)!), anchor: value(at1k), detail: detail(ours.get(1_000)!), anchorDetail: detail(at1k) });
  ctx.report({ id: 'pane-10k', value: value(ours.get(10_000)!), anchor: value(at2k), detail: detail(ours.get(10_000)!), anchorDetail: detail(at2k) });
  ctx.report({ id: 'pane-100k', value: value(ours.get(100_000)!), anchor: value(at2k), detail: detail(ours.get(100_000)!), anchorDetail: detail(at2k) });
  const growth = value(at1k) !== null && value(at2k) !== null ? at2k.p50 / at1k.p50 : null;
  ctx.report({
    id: 'pane-log-trend',
    value: growth,
    anchor: null,
    detail: `Log p50 ${at1k.p50.toFixed(2)} → ${at2k.p50.toFixed(2)} ms`,
    note:
      growth === null
        ? 'blessed Log could not be measured'
        : `blessed Log: doubling the history multiplied the per-append cost by ${growth.toFixed(2)} (≈2 = linear per append, so quadratic to fill); at that rate 100,000 lines would cost ≈${((at2k.p50 * 100_000) / 2_000).toFixed(0)} ms per line (extrapolated, not measured)`,
  });
}
