/**
 * `npm run bench` (issue #7): every figure beside its anchor, measured in the
 * same run, printed as one table and written to bench/results.json.
 *
 *   npm run bench                  full run (under 3 minutes on 2 cores, plus
 *                                  about 2-2.5 for figure 10, file transfer,
 *                                  and about 1 for figure 11, rooms)
 *   npm run bench -- --quick       tiny counts, one repetition, seconds;
 *                                  results to a temp file (never results.json)
 *   options: --out=PATH  --only=fernet,rtt,…
 *
 * Flow: 1. each figure runs in its own child process (figure.ts), one after
 * the other so they do not compete for the cores; its rows arrive over IPC as
 * they are measured. 2. a figure past its budget is killed; rows it never
 * reported become TIMEOUT (ERROR if it crashed). 3. the table goes to stdout,
 * the JSON to a temp file renamed into place (atomic). Exit code 1 only when
 * a row is ERROR: a MISS is a result, not a failure.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURES, type FigureEntry, type FigureMessage } from './figure-api.js';
import { machineInfo } from './machine.js';
import { completeFigure, type Measurement, type Row } from './rows.js';
import { renderTable } from './table.js';

/**
 * The whole bench stops starting figures past this, in ms: figures 1–9 fit 150 s (the build before them takes
 * the rest of 3 minutes); figure 10 (file transfer: 256 MiB twice, 2 GiB once, a bottleneck at 10 MB/s) adds
 * up to 4.3 minutes of its own (typically 2-2.5); figure 11 (rooms) up to 1.5 (typically 45 s; 5 s quick).
 */
const TOTAL_BUDGET_MS = { full: 150_000 + 260_000 + 90_000, quick: 90_000 + 60_000 + 15_000 };
/** A figure's child is killed this long after its budget (it should have stopped itself), in ms. */
const KILL_GRACE_MS = 5_000;

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Args {
  quick: boolean;
  out: string;
  only: Set<string> | null;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  for (const a of argv) {
    if (a !== '--quick' && !/^--(out|only)=./.test(a)) throw new TypeError(`bench: unknown argument "${a}" (use --quick, --out=PATH, --only=fernet,rtt,…)`);
  }
  const only = get('only');
  if (only) {
    for (const n of only.split(',')) if (!FIGURES.some((f) => f.name === n)) throw new TypeError(`bench: unknown figure "${n}" in --only`);
  }
  const out = get('out') ?? (quick ? path.join(os.tmpdir(), `fernchat-bench-quick-${process.pid}.json`) : path.join(HERE, 'results.json'));
  return { quick, out: path.resolve(out), only: only ? new Set(only.split(',')) : null };
}

let current: ChildProcess | null = null;

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

// The figure runs in its own process group, which a Ctrl-C on the terminal does not reach.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current) killGroup(current);
    process.exit(130);
  });
}

function runFigure(f: FigureEntry, quick: boolean, budgetMs: number): Promise<Row[]> {
  return new Promise((resolve) => {
    const reported: Measurement[] = [];
    let error: string | null = null;
    let timedOut = false;
    const args = [f.name, `--budget=${Math.round(budgetMs)}`, ...(quick ? ['--quick'] : [])];
    // Its own process group, so a stuck figure is killed with everything it started (peers, Python scripts).
    const child = fork(path.join(HERE, 'figure.ts'), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
    current = child;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, budgetMs + KILL_GRACE_MS);
    child.on('message', (raw) => {
      const msg = raw as FigureMessage;
      if (msg.type === 'row') reported.push(msg.m);
      else if (msg.type === 'log') process.stderr.write(`  ${msg.text}\n`);
      else if (msg.type === 'error') error = msg.message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = null;
      const note = timedOut
        ? `timeout: the figure did not finish within its ${Math.round(budgetMs / 1000)} s budget`
        : (error ?? (code === 0 ? 'the figure did not report this row' : `the figure's process exited with ${code ?? signal}`));
      resolve(completeFigure(f.figure, reported, { status: timedOut ? 'TIMEOUT' : 'ERROR', note }));
    });
  });
}

/** tmp + rename: a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const mode = args.quick ? 'quick' : 'full';
  const machine = machineInfo(mode);
  const started = performance.now();
  const rows: Row[] = [];
  for (const f of FIGURES) {
    if (args.only && !args.only.has(f.name)) continue;
    const left = TOTAL_BUDGET_MS[mode] - (performance.now() - started);
    if (left < 1_000) {
      rows.push(...completeFigure(f.figure, [], { status: 'TIMEOUT', note: 'not run: the bench used up its total time budget' }));
      continue;
    }
    process.stderr.write(`figure ${f.figure}: ${f.name}…\n`);
    rows.push(...(await runFigure(f, args.quick, Math.min(f.budgetMs[mode], left))));
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(renderTable(rows, machine));
  process.stdout.write(`\n(${seconds.toFixed(0)} s; command: npm run bench${args.quick ? ' -- --quick' : ''})\n`);
  writeAtomically(args.out, `${JSON.stringify({ machine, seconds, rows }, null, 2)}\n`);
  process.stderr.write(`results written to ${args.out}\n`);
  return rows.some((r) => r.status === 'ERROR') ? 1 : 0;
}

process.exitCode = await main();
