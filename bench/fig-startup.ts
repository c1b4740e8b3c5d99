/**
 * Figure 6: startup. `node dist/cli.js demo` runs in a pseudo-terminal
 * (@lydell/node-pty) whose output feeds a headless xterm (@xterm/headless);
 * the time is from the spawn to the first screen showing the status bar with
 * the key fingerprint (checked after every chunk the terminal parsed, not
 * polled). Anchors: bare `node -e ""` and `node dist/cli.js --version`,
 * spawned and timed to their exit. Runs are interleaved; medians reported.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xterm from '@xterm/headless';
import { CLI_PATH as CLI, REPO_ROOT as ROOT } from '../src/testing/build.js';
import { sleep } from '../src/testing/wait.js';
import { Deadline, withTimeout } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { median } from './stats.js';

const { Terminal } = xterm;
const COLS = 120;
const ROWS = 40;
/** The status bar's fingerprint (keys.ts: four groups of four hex digits). */
const FINGERPRINT = /[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}/;
const FULL = { runs: 7 };
const QUICK = { runs: 1 };
/** One launch may take this long before it counts as stuck, in ms. */
const LAUNCH_MAX_MS = 5_000;

function childEnv(configDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'TMUX' && k !== 'NODE_OPTIONS') env[k] = v;
  // A private config dir: the bench must not read or write the user's profiles.
  return { ...env, TERM: 'xterm-256color', XDG_CONFIG_HOME: configDir };
}

/** ms from spawn to exit. */
function timeToExit(args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore', env, cwd: ROOT });
    const timer = setTimeout(() => child.kill('SIGKILL'), LAUNCH_MAX_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - t0);
      else reject(new Error(`node ${args.join(' ')} exited with ${code ?? signal}`));
    });
  });
}

type Pty = typeof import('@lydell/node-pty');

/** node-pty is a native module: where it did not build, the figure says so instead of failing. */
async function loadPty(): Promise<Pty | string> {
  try {
    // The named export: tsx and node disagree on what `default` of this CommonJS module is.
    return await import('@lydell/node-pty');
  } catch (err) {
    return `skipped: @lydell/node-pty cannot be loaded here (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}

/** ms from spawn to the first screen with the fingerprint; the demo is then quit with Ctrl-C. */
async function timeToFrame(pty: Pty, env: Record<string, string>): Promise<number> {
  const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const t0 = performance.now();
  const proc = pty.spawn(process.execPath, [CLI, 'demo'], { name: 'xterm-256color', cols: COLS, rows: ROWS, env, cwd: ROOT });
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.onExit(() => ((exited = true), resolve())));
  try {
    return await withTimeout(
      new Promise<number>((resolve, reject) => {
        term.onData((reply) => !exited && proc.write(reply)); // answers to terminal queries, as a real terminal gives
        proc.onData((d) =>
          term.write(d, () => {
            const b = term.buffer.active;
            for (let y = 0; y < ROWS; y++) {
              if (FINGERPRINT.test(b.getLine(b.viewportY + y)?.translateToString(true) ?? '')) return resolve(performance.now() - t0);
            }
          }),
        );
        void exit.then(() => reject(new Error('the demo exited before its first frame')));
      }),
      LAUNCH_MAX_MS,
      'demo first frame',
    );
  } finally {
    if (!exited) proc.write('\x03');
    await Promise.race([exit, sleep(3_000)]);
    if (!exited) proc.kill('SIGKILL');
    await Promise.race([exit, sleep(1_000)]);
    term.dispose();
  }
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const pty = await loadPty();
  const skip = !existsSync(CLI) ? 'skipped: dist/cli.js is not built (npm run bench builds it; or run npm run build)' : typeof pty === 'string' ? pty : null;
  if (skip !== null || typeof pty === 'string') {
    for (const id of ['startup-demo', 'startup-version']) ctx.report({ id, value: null, anchor: null, status: 'SKIP', note: skip ?? 'skipped' });
    return;
  }
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'fernchat-bench-'));
  try {
    const env = childEnv(configDir);
    const bare: number[] = [];
    const version: number[] = [];
    const demo: number[] = [];
    // A round is three launches of at most LAUNCH_MAX_MS (plus the demo's quit): start none that could overrun the budget.
    const deadline = new Deadline(Math.max(0, ctx.budgetMs - 4 * LAUNCH_MAX_MS));
    await timeToExit(['-e', ''], env); // warm the file cache once, uncounted
    for (let i = 0; i < plan.runs && (i === 0 || !deadline.expired()); i++) {
      bare.push(await timeToExit(['-e', ''], env));
      version.push(await timeToExit([CLI, '--version'], env));
      demo.push(await timeToFrame(pty, env));
    }
    const n = `${demo.length} runs`;
    ctx.log(
      `startup: node -e "" ${median(bare).toFixed(0)} ms, --version ${median(version).toFixed(0)} ms, demo first frame ${median(demo).toFixed(0)} ms (${n})`,
    );
    const note = demo.length < plan.runs ? `stopped at the time budget after ${demo.length} of ${plan.runs} runs` : undefined;
    ctx.report({ id: 'startup-demo', value: median(demo), anchor: median(bare), detail: n, ...(note ? { note } : {}) });
    ctx.report({ id: 'startup-version', value: median(version), anchor: median(bare), detail: n });
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
