/**
 * Self time by function (and by file) of a V8 .cpuprofile, as written by
 * `node --cpu-prof`. For reading where the real binaries spend their time:
 *
 *   FERNCHAT_BENCH_CPU_PROF=1 node --import tsx bench/figure.ts pipeline
 *   node --import tsx bench/profile-summary.ts /tmp/…/alice.cpuprofile [--top=25] [--window=NAME]
 *
 * --window=NAME counts only the samples from the first to the last one whose
 * function is NAME (e.g. decryptDetailed): the busy part, without start-up
 * and the linger at the end.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Indexes [from, to) of the samples from the first to the last in a function called `name` (all when null). */
export function sampleWindow(p: Profile, name: string | null): [number, number] {
  if (name === null) return [0, p.samples.length];
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const hits = p.samples.flatMap((id, i) => (byId.get(id)?.callFrame.functionName === name ? [i] : []));
  if (hits.length === 0) throw new TypeError(`no sample in a function called "${name}"`);
  return [hits[0]!, hits.at(-1)! + 1];
}

/** Self time in µs per key, over samples [from, to). */
export function selfTimes(p: Profile, keyOf: (f: CallFrame) => string, [from, to]: [number, number]): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (let i = from; i < to; i++) {
    const node = byId.get(p.samples[i]!);
    if (!node) continue;
    const k = keyOf(node.callFrame);
    out.set(k, (out.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  return out;
}

const short = (url: string): string => {
  if (url === '') return '(native)';
  const i = url.indexOf('/dist/');
  if (i >= 0) return url.slice(i + 1);
  const m = url.indexOf('node_modules/');
  return m >= 0 ? url.slice(m) : path.basename(url);
};

function table(title: string, m: Map<string, number>, totalUs: number, top: number): string {
  const rows = [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [title, ...rows.map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${k}`)].join('\n');
}

/** Busy share per 100 ms slice (everything but idle), to see the phases of a run. */
function timeline(p: Profile, [from, to]: [number, number]): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const slices: Array<{ busy: number; all: number }> = [];
  let t = 0;
  for (let i = from; i < to; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    const s = (slices[Math.floor(t / 100_000)] ??= { busy: 0, all: 0 });
    s.all += dt;
    if (byId.get(p.samples[i]!)?.callFrame.functionName !== '(idle)') s.busy += dt;
  }
  return ['busy per 100 ms:', slices.map((s) => (s ? `${Math.round((100 * s.busy) / Math.max(1, s.all))}%` : '-')).join(' ')].join('\n');
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new TypeError('usage: profile-summary.ts FILE.cpuprofile [--top=N]');
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const win = sampleWindow(p, process.argv.find((a) => a.startsWith('--window='))?.slice(9) ?? null);
  const total = p.timeDeltas.slice(win[0], win[1]).reduce((a, b) => a + b, 0);
  const fn = selfTimes(p, (f) => `${f.functionName || '(anonymous)'}  ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`, win);
  const files = selfTimes(p, (f) => short(f.url), win);
  const idle = fn.get('(idle)  (native)') ?? 0;
  process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(idle / 1000).toFixed(0)} ms idle\n\n`);
  if (process.argv.includes('--timeline')) process.stdout.write(`${timeline(p, win)}\n\n`);
  process.stdout.write(`${table('self time by function', fn, total, top)}\n\n${table('self time by file', files, total, Math.min(top, 15))}\n`);
}

main();
