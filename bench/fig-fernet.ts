/**
 * Figure 1: Fernet encrypt + decrypt per second at 100 B, 1 KiB and 64 KiB —
 * src/crypto/fernet.ts against the npm `fernet` package (same process, same
 * key and sizes) and against Python's cryptography.fernet (a subprocess that
 * times its own loop, bench/python/fernet_bench.py).
 *
 * One operation = encrypt one message + decrypt its token. Each repetition
 * runs for a fixed time or a fixed count, whichever ends first; the figure is
 * the median of the repetitions. Repetitions are interleaved (fernchat, npm,
 * Python, then again), so a burst of load from elsewhere on a shared machine
 * hits all three alike instead of one of them.
 */
import fernetPkg from 'fernet';
import { Fernet } from '../src/crypto/fernet.js';
import { encodeKey, generateKey, parseKey } from '../src/crypto/keys.js';
import { Deadline } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { PYTHON_SKIP, pythonInfo, runPython } from './python.js';
import { median } from './stats.js';

const SIZES: ReadonlyArray<{ label: string; bytes: number }> = [
  { label: '100 B', bytes: 100 },
  { label: '1 KiB', bytes: 1024 },
  { label: '64 KiB', bytes: 65_536 },
];

interface Plan {
  reps: number;
  /** Time per repetition, in ms. */
  repMs: number;
  /** Count per repetition at most. */
  maxOps: number;
}

const FULL: Plan = { reps: 3, repMs: 400, maxOps: 1_000_000 };
const QUICK: Plan = { reps: 1, repMs: 30, maxOps: 2_000 };

/** ops/s of `op` over one repetition; checks the round trip once, outside the timing. */
function timeLoop(op: () => void, plan: Plan): number {
  for (let i = 0; i < 20; i++) op(); // warm-up: JIT, key schedules, IV pool
  const end = new Deadline(plan.repMs);
  const t0 = performance.now();
  let n = 0;
  while (n < plan.maxOps) {
    op();
    n++;
    if ((n & 7) === 0 && end.expired()) break;
  }
  return (n * 1000) / (performance.now() - t0);
}

function ours(key: Buffer, size: number): () => void {
  const f = new Fernet(key);
  const msg = Buffer.alloc(size, 0x78);
  if (!f.decrypt(f.encrypt(msg)).equals(msg)) throw new Error('fernchat Fernet: round trip mismatch');
  return () => f.decrypt(f.encrypt(msg));
}

function npm(keyText: string, size: number): () => void {
  const secret = new fernetPkg.Secret(keyText);
  const msg = 'x'.repeat(size);
  // The package's own usage: a Token per encode and per decode; ttl 0 skips its clock check as ours does.
  const op = (): string => new fernetPkg.Token({ secret, token: new fernetPkg.Token({ secret, ttl: 0 }).encode(msg), ttl: 0 }).decode();
  if (op() !== msg) throw new Error('npm fernet: round trip mismatch');
  return op;
}

interface PythonResult {
  ops_per_s: Record<string, number>;
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const keyText = generateKey();
  const key = parseKey(keyText);
  const oursOps = SIZES.map((): number[] => []);
  const npmOps = SIZES.map((): number[] => []);
  const pyOps = SIZES.map((): number[] => []);
  let why: string | null = pythonInfo() === null ? PYTHON_SKIP : null;
  const oursOp = SIZES.map((s) => ours(key, s.bytes));
  const npmOp = SIZES.map((s) => npm(encodeKey(key), s.bytes));
  for (let rep = 0; rep < plan.reps; rep++) {
    SIZES.forEach((_, i) => {
      oursOps[i]!.push(timeLoop(oursOp[i]!, plan));
      npmOps[i]!.push(timeLoop(npmOp[i]!, plan));
    });
    if (why !== null) continue;
    try {
      const job = { key: keyText, sizes: SIZES.map((s) => s.bytes), seconds: plan.repMs / 1000, reps: 1, max_ops: plan.maxOps };
      const py = await runPython<PythonResult>('fernet_bench.py', job, 10_000 + SIZES.length * plan.repMs * 3);
      SIZES.forEach((s, i) => pyOps[i]!.push(py.ops_per_s[String(s.bytes)]!));
    } catch (err) {
      why = `skipped: the Python anchor failed (${err instanceof Error ? err.message : String(err)})`;
    }
  }
  const detail = `${plan.reps} runs`;
  SIZES.forEach((s, i) => {
    const value = median(oursOps[i]!);
    const npmMedian = median(npmOps[i]!);
    const pyMedian = why === null ? median(pyOps[i]!) : null;
    ctx.log(
      `fernet ${s.label}: fernchat ${Math.round(value)} ops/s, npm ${Math.round(npmMedian)} ops/s, python ${pyMedian === null ? why : Math.round(pyMedian)}`,
    );
    ctx.report({ id: `fernet-${s.label}-npm`, value, anchor: npmMedian, detail });
    ctx.report({ id: `fernet-${s.label}-py`, value, anchor: pyMedian, detail, ...(pyMedian === null ? { status: 'SKIP' as const, note: why! } : {}) });
  });
}
