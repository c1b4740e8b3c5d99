/**
 * Figure 9: the UI stays bounded whatever a peer sends (issue 12). A child
 * process (giant-child.ts, with --expose-gc) runs the full-screen UI's chat
 * pane and input box on a null-terminal blessed screen, fed by two real
 * sessions over loopback:
 *   - RSS after six ~3.9 MB tab-heavy messages (goal: under 300 MB), beside
 *     the RSS before any socket;
 *   - how long a line typed right after them takes to reach the peer (goal:
 *     100 ms);
 *   - one keystroke (insert + layout + render) with a 1 MiB draft in the
 *     input box, median, cursor in the middle (goal: 10 ms), beside the same
 *     with the cursor at the end.
 */
import { runChild } from './child.js';
import type { FigureContext } from './figure-api.js';
import type { GiantPoint } from './giant-child.js';

const FULL = { messages: 6, bytes: 3_900_000 };
/** Quick mode: the same shape, smaller (the transport needs ~2 s per 3.9 MB message on a busy machine). */
const QUICK = { messages: 2, bytes: 1_000_000 };

function measure(messages: number, bytes: number, budgetMs: number): Promise<{ points: GiantPoint[]; error: string | null }> {
  return runChild<GiantPoint>('giant-child.ts', [String(messages), String(bytes)], budgetMs);
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const { points, error } = await measure(plan.messages, plan.bytes, ctx.budgetMs - 1_000);
  const baseline = points.find((p) => p.phase === 'baseline');
  const giant = points.find((p) => p.phase === 'giant');
  const draft = points.find((p) => p.phase === 'draft');
  const missing = (id: string): void =>
    ctx.report({ id, value: null, anchor: null, status: error?.startsWith('timeout') ? 'TIMEOUT' : 'ERROR', note: error ?? 'no figure' });
  const mb = (plan.bytes / 1e6).toFixed(1);
  if (giant && baseline) {
    ctx.log(
      `giant: ${giant.messages} × ${mb} MB → RSS ${giant.rssMB.toFixed(1)} MB (heap ${giant.heapUsedMB.toFixed(1)} MB); typed line ${giant.typedLineMs!.toFixed(1)} ms`,
    );
    ctx.report({
      id: 'giant-rss',
      value: giant.rssMB,
      anchor: baseline.rssMB,
      detail: `${giant.messages} × ${mb} MB tab-heavy; heap ${giant.heapUsedMB.toFixed(1)} MB`,
      note: `RSS of the whole measuring process (both sessions, the pane, the input box, blessed) under the tsx loader; received in ${(giant.receiveMs! / 1000).toFixed(1)} s`,
    });
    ctx.report({ id: 'giant-typed', value: giant.typedLineMs!, anchor: null, detail: `typed right after message ${giant.messages}` });
  } else {
    missing('giant-rss');
    missing('giant-typed');
  }
  if (draft) {
    ctx.log(`draft: 1 MiB, keystroke ${draft.keystrokeMidMs!.toFixed(2)} ms (cursor in the middle), ${draft.keystrokeEndMs!.toFixed(2)} ms (at the end)`);
    ctx.report({ id: 'draft-key', value: draft.keystrokeMidMs!, anchor: draft.keystrokeEndMs!, detail: 'insert + layout + render, median' });
  } else missing('draft-key');
}
