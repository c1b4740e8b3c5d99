/**
 * Figure 7: memory. A child process (memory-child.ts, with --expose-gc)
 * receives messages through the real transport into the UI's pane with the
 * default scrollback cap (DEFAULT_SCROLLBACK_LINES) and reports its RSS after
 * a full GC at cap/10, at the cap and at 1.3 × the cap. Bounded means: past
 * the cap the pane holds no more lines and the RSS stops growing (goal: at
 * most 1.1× the RSS at the cap).
 */
import { spawnSync } from 'node:child_process';
import { DEFAULT_SCROLLBACK_LINES } from '../src/constants.js';
import { runChild } from './child.js';
import type { FigureContext } from './figure-api.js';
import type { MemoryPoint } from './memory-child.js';

const FULL = { cap: DEFAULT_SCROLLBACK_LINES };
/** Quick mode cannot stream 100,000 messages in seconds: a small cap shows the same shape. */
const QUICK = { cap: 1_000 };

function measure(cap: number, stages: number[], budgetMs: number): Promise<{ points: MemoryPoint[]; error: string | null }> {
  return runChild<MemoryPoint>('memory-child.ts', [String(cap), ...stages.map(String)], budgetMs);
}

/** RSS of a bare `node -e` in MB, to put the tsx loader's share of the baseline in proportion; null if it cannot be read. */
function bareNodeRssMB(): number | null {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))'], { encoding: 'utf8', timeout: 5_000 });
  const rss = Number(r.stdout);
  return r.status === 0 && rss > 0 ? rss / 1e6 : null;
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const stages = [plan.cap / 10, plan.cap, Math.round(plan.cap * 1.3)];
  const { points, error } = await measure(plan.cap, stages, ctx.budgetMs - 1_000);
  for (const p of points)
    ctx.log(`memory: ${p.messages} messages → RSS ${p.rssMB.toFixed(1)} MB, heap ${p.heapUsedMB.toFixed(1)} MB, pane ${p.paneLines} lines (cap ${p.cap})`);
  const ids = ['mem-10k', 'mem-100k', 'mem-past-cap'];
  const baseline = points[0]?.messages === 0 ? points[0] : null;
  ids.forEach((id, i) => {
    const p = points[i + 1];
    if (!p) {
      const stalled = points.find((x) => x.stopped !== null)?.stopped;
      ctx.report({
        id,
        value: null,
        anchor: null,
        status: error?.startsWith('timeout') || stalled ? 'TIMEOUT' : 'ERROR',
        note: stalled ?? error ?? 'no figure',
      });
      return;
    }
    const prev = points[i]!;
    ctx.report({
      id,
      value: p.rssMB,
      anchor: prev.rssMB,
      detail: `${p.messages.toLocaleString('en-US')} msgs; pane ${p.paneLines.toLocaleString('en-US')} / ${p.cap.toLocaleString('en-US')} lines; heap ${p.heapUsedMB.toFixed(1)} MB`,
      ...(p.stopped
        ? { status: 'TIMEOUT' as const, note: p.stopped }
        : i === 0 && baseline
          ? {
              note: `RSS of the whole measuring process (both sessions, the pane, blessed), which runs under the tsx loader: ${baseline.rssMB.toFixed(1)} MB after its imports, before any socket (a bare node -e: ${bareNodeRssMB()?.toFixed(1) ?? '?'} MB); what the messages cost is the growth over that baseline`,
            }
          : {}),
    });
  });
}
