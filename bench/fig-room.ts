/**
 * Figure 11: rooms (#15). Real room sessions in one process on 127.0.0.1
 * (room-sessions.ts), each its own socket, mesh and room core:
 *
 *   room-burst     8 members each send a burst of lines at once; the clock
 *                  stops when every member has shown every other member's
 *                  lines (checked: exactly once, in per-sender order). The
 *                  anchor is the same burst in a room of 2.
 *   room-loss      the same with every socket dropping 10 % of what it sends
 *                  (seeded); the anchor is the clean run just before.
 *   room-join      a 9th member joins a room of 8 with the creator's code:
 *                  open → a bound link to all 8. Anchor: a 2nd member joining
 *                  a room of 1.
 *   room-rss       resident memory per member: a child process (room-child.ts)
 *                  opens a room of 1, another one a room of 16 (full mesh,
 *                  then 50 lines from each member shown by all); the slope
 *                  (RSS16 − RSS1) / 15 after the lines, the idle mesh's
 *                  beside it. Anchor: RSS with 1.
 *
 * Rooms are opened and meshed before any clock starts; each run has a fresh
 * room. Medians of the runs.
 */
import { runChild } from './child.js';
import { Deadline } from './budget.js';
import type { FigureContext } from './figure-api.js';
import type { RoomPoint } from './room-child.js';
import { burst, checkBursts, fullMesh, openRoom, waitFor, type BenchRoom } from './room-sessions.js';
import { median } from './stats.js';

const FULL = { members: 8, burst: 500, reps: 3, rssMembers: 16, rssBurst: 50 };
/** Seconds, not a figure: small bursts, one run, no memory children. */
const QUICK = { members: 8, burst: 20, reps: 1, rssMembers: 16, rssBurst: 50 };
const LOSS = { loss: 0.1 };
const MESH_MS = 10_000;

interface Timed {
  ms: number | null;
  /** Why there is no figure. */
  problem: string | null;
}

async function withRoom<T>(n: number, o: { conditions?: typeof LOSS; seed?: number }, fn: (r: BenchRoom) => Promise<T>): Promise<T> {
  const r = await openRoom(n, o);
  try {
    if (!(await waitFor(() => fullMesh(r.members), MESH_MS, 20))) throw new Error(`a room of ${n} did not form its mesh within ${MESH_MS} ms`);
    return await fn(r);
  } finally {
    await r.close();
  }
}

/** Every member sends `count` lines at once; ms until all are shown everywhere, checked. */
function burstRun(n: number, count: number, deadline: Deadline, o: { conditions?: typeof LOSS; seed?: number } = {}): Promise<Timed> {
  return withRoom(n, o, async (r) => {
    const want = (n - 1) * count;
    const t0 = performance.now();
    for (const m of r.members) for (const text of burst(m, count)) m.session.input({ kind: 'send', text });
    const done = await waitFor(() => r.members.every((m) => m.shown >= want), deadline.remaining(), 1);
    const ms = performance.now() - t0;
    if (!done) return { ms: null, problem: `not all shown within the budget: ${r.members.map((m) => m.shown).join(' ')} of ${want} each` };
    // Settle a moment: a late copy would show up here.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const wrong = checkBursts(r.members, count);
    const missed = r.members.reduce((s, m) => s + m.missed, 0);
    if (wrong !== null || missed > 0) return { ms: null, problem: wrong ?? `${missed} lines reported missed` };
    return { ms, problem: null };
  });
}

/** A new member joins a room of `n`: ms from its open until it has a bound link to each of them (and they to it). */
function joinRun(n: number, deadline: Deadline): Promise<Timed> {
  return withRoom(n, {}, async (r) => {
    const t0 = performance.now();
    await r.join('new');
    const done = await waitFor(() => fullMesh(r.members), deadline.remaining(), 1);
    const ms = performance.now() - t0;
    return done ? { ms, problem: null } : { ms: null, problem: `the joiner had ${r.members.at(-1)!.session.core.online().length} of ${n} links at the budget` };
  });
}

/** Runs `fn` `reps` times within `deadline`; the median and the first problem. */
async function repeat(
  reps: number,
  deadline: Deadline,
  fn: (d: Deadline) => Promise<Timed>,
): Promise<{ ms: number | null; runs: number[]; problem: string | null }> {
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    if (deadline.expired()) return { ms: null, runs, problem: 'timeout: the figure ran out of its budget' };
    let t: Timed;
    try {
      t = await fn(deadline.sub(deadline.remaining() / (reps - i)));
    } catch (err) {
      t = { ms: null, problem: err instanceof Error ? err.message : String(err) };
    }
    if (t.ms === null) return { ms: null, runs, problem: t.problem };
    runs.push(t.ms);
  }
  return { ms: median(runs), runs, problem: null };
}

const status = (problem: string): 'TIMEOUT' | 'ERROR' => (problem.startsWith('timeout') || problem.includes('budget') ? 'TIMEOUT' : 'ERROR');
const runsText = (runs: number[]): string => `runs ${runs.map((x) => Math.round(x)).join(' / ')} ms`;

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const all = new Deadline(ctx.budgetMs - 2_000);
  const lines = plan.members * (plan.members - 1) * plan.burst;

  // 1. The burst, then its anchor (a room of 2), then the burst at 10 % loss.
  const clean = await repeat(plan.reps, all.sub(all.remaining() * 0.2), (d) => burstRun(plan.members, plan.burst, d));
  const pair = await repeat(plan.reps, all.sub(all.remaining() * 0.05), (d) => burstRun(2, plan.burst, d));
  ctx.log(`room: burst ${clean.ms?.toFixed(0) ?? '—'} ms (${runsText(clean.runs)}), room of 2 ${pair.ms?.toFixed(0) ?? pair.problem ?? '—'} ms`);
  const burstDetail = `${plan.members} × ${plan.burst} lines, ${lines.toLocaleString('en-US')} shown, each once and in order`;
  ctx.report(
    clean.problem === null
      ? {
          id: 'room-burst',
          value: clean.ms,
          anchor: pair.ms,
          detail: `${burstDetail}; ${runsText(clean.runs)}`,
          anchorDetail: `2 × ${plan.burst}`,
          ...(pair.problem !== null ? { note: `anchor: ${pair.problem}` } : {}),
        }
      : { id: 'room-burst', value: null, anchor: pair.ms, status: status(clean.problem), note: clean.problem },
  );
  let seed = 11;
  const lossy = await repeat(plan.reps, all.sub(all.remaining() * 0.65), (d) => burstRun(plan.members, plan.burst, d, { conditions: LOSS, seed: seed++ }));
  ctx.log(`room: burst at 10 % loss ${lossy.ms?.toFixed(0) ?? '—'} ms (${runsText(lossy.runs)})`);
  ctx.report(
    lossy.problem === null
      ? { id: 'room-loss', value: lossy.ms, anchor: clean.ms, detail: `all ${lines.toLocaleString('en-US')} shown, once, in order; ${runsText(lossy.runs)}` }
      : { id: 'room-loss', value: null, anchor: clean.ms, status: status(lossy.problem), note: lossy.problem },
  );

  // 2. Joining a running room.
  const join = await repeat(plan.reps, all.sub(all.remaining() * 0.4), (d) => joinRun(plan.members, d));
  const joinOne = await repeat(plan.reps, all.sub(all.remaining() * 0.2), (d) => joinRun(1, d));
  ctx.log(`room: join a room of ${plan.members} ${join.ms?.toFixed(1) ?? '—'} ms, a room of 1 ${joinOne.ms?.toFixed(1) ?? '—'} ms`);
  ctx.report(
    join.problem === null
      ? { id: 'room-join', value: join.ms, anchor: joinOne.ms, detail: runsText(join.runs) }
      : { id: 'room-join', value: null, anchor: joinOne.ms, status: status(join.problem), note: join.problem },
  );

  // 3. Memory per member, each room in a fresh child process (two tsx start-ups: half of --quick's budget).
  if (ctx.quick) {
    ctx.report({
      id: 'room-rss',
      value: null,
      anchor: null,
      status: 'SKIP',
      note: 'not in --quick (two child processes); npm run bench -- --only=room measures it',
    });
    return;
  }
  const args = (n: number): string[] => [String(n), String(plan.rssBurst)];
  const one = await runChild<RoomPoint>('room-child.ts', args(1), Math.max(1_000, all.remaining() / 3));
  const many = await runChild<RoomPoint>('room-child.ts', args(plan.rssMembers), Math.max(1_000, all.remaining()));
  const at = (r: { points: RoomPoint[] }, sent: number): RoomPoint | undefined => r.points.find((p) => p.sent === sent && p.problem === null);
  const idle1 = at(one, 0);
  const idleN = at(many, 0);
  const end1 = at(one, plan.rssBurst);
  const endN = at(many, plan.rssBurst);
  if (idle1 === undefined || idleN === undefined || end1 === undefined || endN === undefined) {
    const problem = many.points.find((p) => p.problem !== null)?.problem ?? many.error ?? one.error ?? 'no figure';
    ctx.report({ id: 'room-rss', value: null, anchor: end1?.rssMB ?? null, status: status(problem), note: problem });
    return;
  }
  const per = (a: RoomPoint, b: RoomPoint): number => (b.rssMB - a.rssMB) / (plan.rssMembers - 1);
  ctx.log(
    `room: RSS idle ${idle1.rssMB.toFixed(1)} → ${idleN.rssMB.toFixed(1)} MB, after ${plan.rssBurst} lines each ${end1.rssMB.toFixed(1)} → ${endN.rssMB.toFixed(1)} MB (1 → ${plan.rssMembers} members; heap ${endN.heapUsedMB.toFixed(1)} MB)`,
  );
  ctx.report({
    id: 'room-rss',
    value: per(end1, endN),
    anchor: end1.rssMB,
    detail: `RSS ${end1.rssMB.toFixed(0)} → ${endN.rssMB.toFixed(0)} MB for 1 → ${plan.rssMembers} members after ${plan.rssBurst} lines each; idle mesh ${per(idle1, idleN).toFixed(1)} MB per member`,
  });
}
