/**
 * Figure 7's measuring process (run with --expose-gc by fig-memory.ts):
 * two real sessions over loopback; B's bus feeds the UI's BusView, which adds
 * every message to a ChatPane (PaneBuffer with the given scrollback cap) on a
 * null-terminal blessed screen, rendered coalesced as the app renders. A
 * streams messages in stages; after each stage, with everything acknowledged
 * and after a full GC, the RSS is sent to the parent over IPC. A first point
 * (0 messages) is taken after the imports, before any socket: the baseline,
 * which includes the tsx loader this process runs under.
 *
 *   node --expose-gc --import tsx bench/memory-child.ts CAP STAGE1 STAGE2 …   (cumulative message counts)
 */
import { RENDER_INTERVAL_MS } from '../src/constants.js';
import { BusView } from '../src/ui/bus-view.js';
import { ChatPane } from '../src/ui/chat-pane.js';
import { Deadline } from './budget.js';
import { createNullScreen } from '../src/testing/null-screen.js';
import { chatOptions, openPair } from './sessions.js';
import { stream } from './stream.js';

export interface MemoryPoint {
  messages: number;
  rssMB: number;
  heapUsedMB: number;
  paneLines: number;
  cap: number;
  /** null when the stage completed; else why it stopped. */
  stopped: string | null;
}

const BYTES = 100;
const STAGE_MAX_MS = 60_000;
const COLS = 120;
const ROWS = 40;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

function report(point: MemoryPoint): void {
  if (process.send) process.send(point);
  else process.stdout.write(`${JSON.stringify(point)}\n`);
}

async function main(): Promise<void> {
  const [cap, ...stages] = process.argv.slice(2).map(Number);
  if (!(cap! > 0) || stages.length === 0 || stages.some((s, i) => !(s > (stages[i - 1] ?? 0)))) {
    throw new TypeError('usage: memory-child.ts CAP STAGE1 STAGE2 … (increasing cumulative message counts)');
  }
  collect();
  report({ messages: 0, rssMB: process.memoryUsage().rss / 1e6, heapUsedMB: process.memoryUsage().heapUsed / 1e6, paneLines: 0, cap: cap!, stopped: null });
  const pair = await openPair(10_000);
  const ns = createNullScreen(COLS, ROWS);
  const pane = new ChatPane(ns.screen, { capacity: cap!, seconds: false, colors: 256 });
  let renderTimer: NodeJS.Timeout | null = null;
  const render = (): void => {
    renderTimer = null;
    pane.sync(COLS, ROWS - 2);
    ns.renderNow();
  };
  const base = chatOptions(Buffer.alloc(32), 'bob', null);
  const opts = { ...base, ui: { ...base.ui, scrollback: cap! } };
  const view = new BusView({ bus: pair.b.bus, opts, listen: pair.b.listen, fingerprint: pair.b.transport.fingerprint(), peer: null }, pane, {
    changed: () => {
      renderTimer ??= setTimeout(render, RENDER_INTERVAL_MS);
    },
    notify: () => undefined,
  });
  try {
    let sent = 0;
    for (const target of stages) {
      const r = await stream(pair, { count: target - sent, bytes: BYTES, deadline: new Deadline(STAGE_MAX_MS), stallMs: 5_000 });
      sent += r.delivered;
      if (renderTimer !== null) clearTimeout(renderTimer);
      render();
      collect();
      const mem = process.memoryUsage();
      const point: MemoryPoint = {
        messages: sent,
        rssMB: mem.rss / 1e6,
        heapUsedMB: mem.heapUsed / 1e6,
        paneLines: pane.buffer.length,
        cap: cap!,
        stopped: r.stopped === null ? null : `${r.stopped} after ${r.delivered} of ${target - (sent - r.delivered)} messages in this stage`,
      };
      report(point);
      if (r.stopped !== null) break;
    }
  } finally {
    if (renderTimer !== null) clearTimeout(renderTimer);
    view.dispose();
    ns.destroy();
    await pair.close();
  }
}

// The figure's process gone: stop streaming into nowhere.
const orphaned = (): never => process.exit(1);
process.on('disconnect', orphaned);
await main();
process.off('disconnect', orphaned);
process.disconnect?.();
setTimeout(() => process.exit(), 200).unref();
