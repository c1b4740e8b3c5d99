/**
 * Figure 3: one-way reliable throughput of 100 B messages, every one
 * acknowledged (message:delivered counted), in msg/s and MB/s of message
 * text. Sender and receiver are two sessions in two processes (the receiver
 * is peer-child.ts), as two users' apps are; the receiver's count of
 * distinct, in-order messages is checked after each run. Against the
 * original app's style in Python: a sender process doing
 * sock.sendto(Fernet(key).encrypt(text)) in a loop and a receiver process
 * doing recvfrom + decrypt, fire-and-forget (no acks, no order, losses
 * allowed). The Python figure is what its receiver got per second. Runs
 * alternate (fernchat, Python, fernchat, …); medians are reported.
 *
 * Both sides first get one unmeasured warm-up round, as many messages as a
 * measured run: fernchat through the very sessions that are then measured
 * (V8 reaches full speed only after tens of thousands of messages, so run 1
 * of 3 was slower and pulled the median), Python through one pair of its
 * scripts (page cache, imports, CPU frequency). Standard practice; the row's
 * detail says so.
 */
import { encodeKey, generateKey, parseKey } from '../src/crypto/keys.js';
import { Deadline } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { PYTHON_SKIP, pythonInfo, startPython } from './python.js';
import { openRemotePair } from './remote-peer.js';
import { median } from './stats.js';
import { stream, streamNote, type StreamResult } from './stream.js';

const BYTES = 100;
const FULL = { count: 20_000, reps: 3, warmup: 20_000 };
const QUICK = { count: 200, reps: 1, warmup: 50 };
const STALL_MS = 5_000;

interface PyRecv {
  received: number;
  bad: number;
  seconds: number;
  msgs_per_s: number;
}

/** The Python pair; resolves with the receiver's report. */
async function python(count: number, budgetMs: number): Promise<PyRecv> {
  const key = encodeKey(parseKey(generateKey()));
  const maxS = budgetMs / 1000;
  const recv = startPython('ff_recv.py', { key, count, idle_s: 1.0, max_s: maxS }, budgetMs + 2_000);
  try {
    const { port } = (await recv.nextLine()) as { port: number };
    const send = startPython('ff_send.py', { key, port, count, size: BYTES, max_s: maxS }, budgetMs + 2_000);
    const [result] = await Promise.all([recv.nextLine() as Promise<PyRecv>, send.done]);
    return result;
  } finally {
    recv.kill();
  }
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const ours: StreamResult[] = [];
  const py: PyRecv[] = [];
  let why: string | null = pythonInfo() === null ? PYTHON_SKIP : null;
  // One clock for both sides: each stage gets its share of what is left, fernchat 60 % of it and Python 40 %,
  // whatever the other took, so neither side's time runs out while the other is measured.
  const total = new Deadline(ctx.budgetMs * 0.9);
  const warmMs = total.remaining() * 0.2;
  const pair = await openRemotePair(10_000);
  const wrong: string[] = [];
  try {
    // Unmeasured; a warm-up that fails only costs its time, the measured runs still say what is wrong.
    pair.count(plan.warmup);
    const w = await stream({ a: pair.a }, { count: plan.warmup, bytes: BYTES, deadline: total.sub(warmMs * 0.6), stallMs: STALL_MS });
    await pair.report(5_000);
    ctx.log(`throughput warm-up: fernchat ${w.delivered} of ${plan.warmup} delivered (not measured)`);
    if (why === null) {
      try {
        const p = await python(plan.warmup, total.sub(warmMs * 0.4).remaining());
        ctx.log(`throughput warm-up: python fire-and-forget ${p.received} of ${plan.warmup} received (not measured)`);
      } catch (err) {
        ctx.log(`throughput warm-up: python failed (${err instanceof Error ? err.message : String(err)}); the measured runs will tell`);
      }
    }
    for (let rep = 0; rep < plan.reps; rep++) {
      pair.count(plan.count);
      const slotMs = total.remaining() / (plan.reps - rep);
      const r = await stream({ a: pair.a }, { count: plan.count, bytes: BYTES, deadline: total.sub(slotMs * 0.6), stallMs: STALL_MS });
      const got = await pair.report(5_000);
      ours.push(r);
      if (got.received !== r.delivered || got.duplicates > 0 || got.outOfOrder > 0) {
        wrong.push(
          `run ${rep + 1}: ${r.delivered} acked but the receiver counted ${got.received} distinct (${got.duplicates} duplicates, ${got.outOfOrder} out of order)`,
        );
      }
      ctx.log(
        `throughput run ${rep + 1}: fernchat ${Math.round((r.delivered * 1000) / r.elapsedMs)} msg/s (${r.delivered} delivered, receiver counted ${got.received})`,
      );
      if (r.stopped !== null) break;
      if (why !== null) continue;
      try {
        const p = await python(plan.count, total.sub(slotMs * 0.4).remaining());
        if (p.received < 2) throw new Error(`its receiver got ${p.received} datagrams`);
        py.push(p);
        ctx.log(`throughput run ${rep + 1}: python fire-and-forget ${Math.round(p.msgs_per_s)} msg/s (${p.received} of ${plan.count} received)`);
      } catch (err) {
        why = `skipped: the Python anchor failed (${err instanceof Error ? err.message : String(err)})`;
      }
    }
  } finally {
    await pair.close();
  }
  const complete = ours.filter((r) => r.stopped === null && r.delivered === plan.count);
  const msgsPerS = complete.length > 0 ? median(complete.map((r) => (r.delivered * 1000) / r.elapsedMs)) : null;
  const last = ours.at(-1)!;
  const detail = `${msgsPerS === null ? '—' : ((msgsPerS * BYTES) / 1e6).toFixed(2)} MB/s; ${complete.length} × ${plan.count.toLocaleString('en-US')} msgs, each side after ${plan.warmup.toLocaleString('en-US')} unmeasured warm-up msgs`;
  const note = [complete.length < ours.length ? streamNote(last, plan.count, STALL_MS) : undefined, ...wrong].filter(Boolean).join('; ') || undefined;
  const status = wrong.length > 0 ? { status: 'ERROR' as const } : msgsPerS === null ? { status: 'TIMEOUT' as const } : {};
  ctx.report({ id: 'tput-abs', value: msgsPerS, anchor: null, detail, ...(note ? { note } : {}), ...status });
  const pyRate = py.length > 0 ? median(py.map((p) => p.msgs_per_s)) : null;
  const got = py.length > 0 ? median(py.map((p) => p.received)) : 0;
  ctx.report({
    id: 'tput-py',
    value: msgsPerS,
    anchor: pyRate,
    detail,
    ...(pyRate !== null
      ? { anchorDetail: `got ${got.toLocaleString('en-US')} of ${plan.count.toLocaleString('en-US')}, no acks` }
      : { status: 'SKIP' as const, note: why ?? 'skipped: no Python run completed' }),
    ...(pyRate !== null ? status : {}),
  });
}
