/**
 * Figure 4: the reliable stack under loss. Two sessions talk through the test
 * chaos proxy (src/testing/chaos-proxy.ts: a real UDP forwarder on 127.0.0.1) at 30%
 * loss, 10% duplication and 10% reordering in both directions (acks suffer
 * too); A streams 100 B messages to B. Reported: the fraction delivered
 * exactly once and in order (must be 100%), throughput, p99 of send →
 * received latency. The anchor is the same sessions through the same proxy
 * with every impairment at 0, measured just before. Runs alternate (clean,
 * chaos, clean, …), each chaos run with its own seed; medians are reported,
 * and the delivered fraction is the worst run's.
 */
import { startChaosProxy, type ChaosProxy } from '../src/testing/chaos-proxy.js';
import { Deadline, withTimeout } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { online, openPair, type SessionPair } from './sessions.js';
import { median, summarize } from './stats.js';
import { STREAM_WINDOW, stream, streamNote, type StreamResult } from './stream.js';

const BYTES = 100;
const CHAOS = { loss: 0.3, duplicate: 0.1, reorder: 0.1 };
const SEED = 7;
const FULL = { count: 2_000, reps: 3 };
const QUICK = { count: 50, reps: 1 };
/** With 30% loss a retransmission can back off for seconds; only this long without any delivery counts as stuck, in ms. */
const STALL_MS = 15_000;

async function throughProxy(pair: SessionPair): Promise<ChaosProxy> {
  const proxy = await startChaosProxy(pair.a.listen, pair.b.listen, { loss: 0, duplicate: 0, reorder: 0, seed: SEED });
  const up = Promise.all([online(pair.a), online(pair.b)]);
  pair.b.bus.emit('set-peer', proxy.forB);
  pair.a.bus.emit('set-peer', proxy.forA);
  try {
    await withTimeout(up, 10_000, 'sessions coming online through the chaos proxy');
  } catch (err) {
    await proxy.close();
    throw err;
  }
  return proxy;
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const pair = await openPair(10_000, { connect: false });
  let proxy: ChaosProxy | null = null;
  const clean: StreamResult[] = [];
  const chaos: StreamResult[] = [];
  const cleanBudget = new Deadline(ctx.budgetMs * 0.2);
  const chaosBudget = new Deadline(ctx.budgetMs * 0.65);
  try {
    proxy = await throughProxy(pair);
    for (let rep = 0; rep < plan.reps; rep++) {
      const share = (d: Deadline): Deadline => d.sub(d.remaining() / (plan.reps - rep));
      proxy.setOptions({ loss: 0, duplicate: 0, reorder: 0 });
      clean.push(await stream(pair, { count: plan.count, bytes: BYTES, deadline: share(cleanBudget), stallMs: STALL_MS }));
      proxy.setOptions({ ...CHAOS, seed: SEED + rep });
      const r = await stream(pair, { count: plan.count, bytes: BYTES, deadline: share(chaosBudget), stallMs: STALL_MS });
      chaos.push(r);
      ctx.log(
        `loss run ${rep + 1}: ${r.received}/${plan.count} received (${r.outOfOrder} out of order, ${r.duplicates} dup), ${r.delivered} acked in ${Math.round(r.elapsedMs)} ms`,
      );
      if (r.stopped !== null) break;
    }
  } finally {
    await pair.close();
    await proxy?.close();
  }
  const st = proxy.stats;
  const impaired = `${st.aToB.dropped + st.bToA.dropped} dropped, ${st.aToB.duplicated + st.bToA.duplicated} duplicated, ${st.aToB.reordered + st.bToA.reordered} reordered of ${st.aToB.received + st.bToA.received} datagrams`;
  // A duplicate or a message out of order counts against "exactly once, in order".
  const exactly = (r: StreamResult): number => Math.max(0, r.received - r.outOfOrder - r.duplicates);
  const exact = Math.min(...chaos.map(exactly));
  const worst = chaos.find((r) => exactly(r) === exact)!;
  const note = [streamNote(worst, plan.count, STALL_MS), `proxy, all runs, both directions: ${impaired}`].filter(Boolean).join('; ');
  const rate = (rs: StreamResult[]): number | null => {
    const ok = rs.filter((r) => r.stopped === null && r.delivered > 0);
    return ok.length > 0 ? median(ok.map((r) => (r.delivered * 1000) / r.elapsedMs)) : null;
  };
  const p = (rs: StreamResult[], q: 50 | 99): number | null => {
    const ok = rs.filter((r) => r.latencies.length > 0);
    return ok.length > 0 ? median(ok.map((r) => (q === 50 ? summarize(r.latencies).p50 : summarize(r.latencies).p99))) : null;
  };
  const runs = `${chaos.length} × ${plan.count.toLocaleString('en-US')} msgs`;
  ctx.report({
    id: 'loss-delivered',
    value: (100 * exact) / plan.count,
    anchor: null,
    detail: `worst run: ${exact.toLocaleString('en-US')} of ${plan.count.toLocaleString('en-US')} exactly once, in order`,
    note,
  });
  const timeout = chaos.some((r) => r.stopped !== null) ? { status: 'TIMEOUT' as const } : {};
  ctx.report({ id: 'loss-tput', value: rate(chaos), anchor: rate(clean), detail: runs, ...timeout });
  const ms = (x: number | null): string => (x === null ? '—' : `${x.toFixed(1)} ms`);
  ctx.report({
    id: 'loss-p99',
    value: p(chaos, 99),
    anchor: p(clean, 99),
    detail: `p50 ${ms(p(chaos, 50))}`,
    note: `latency = send → received of each message while streaming, so it includes waiting behind up to ${STREAM_WINDOW} earlier messages; ${runs}`,
    anchorDetail: `p50 ${ms(p(clean, 50))}`,
    ...timeout,
  });
}
