/**
 * Figure 8: the headless pipeline, end to end through the real binaries.
 * 20,000 lines of 100 B go into the stdin of `node dist/cli.js chat
 * --headless` on one side; the clock runs from the first byte written there
 * to the moment this process reads the last of those lines from the other
 * side's stdout. Both processes are fresh (no warm-up excluded: JIT, first
 * allocations and all count), already started and online when the clock
 * starts. Anchor, measured the same way: the original app's style in Python
 * (line_send.py: read a line, sendto(Fernet(key).encrypt(line)); line_recv.py:
 * recvfrom, decrypt, print), fire-and-forget, so its receiver may lose lines;
 * its rate is the lines it printed per second. Runs alternate (fernchat,
 * Python, …); medians are reported.
 *
 * The fernchat receiver's lines are checked: all of them, in order, exactly once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeKey, generateKey, parseKey } from '../src/crypto/keys.js';
import { Deadline } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { PYTHON_SKIP, pythonInfo, scriptPath } from './python.js';
import { HOST, messageText } from './sessions.js';
import { median } from './stats.js';
import { CLI_PATH as CLI, REPO_ROOT as ROOT } from '../src/testing/build.js';

const BYTES = 100;
const FULL = { count: 20_000, reps: 3 };
const QUICK = { count: 200, reps: 1 };
/** Starting both ends (and, for fernchat, coming online) may take this long, in ms. */
const START_MAX_MS = 10_000;
/** No new line for this long ends a run, in ms. */
const STALL_MS = 3_000;

/** A child whose stdout (or stderr) lines are watched; stdout can also be counted without being split. */
class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly err: string[] = [];
  readonly out: string[] = [];
  /** While set, stdout is only counted (newlines), its lines are not kept. */
  counting: { lines: number; last: string; onLine: () => void } | null = null;
  #waiters = new Set<() => void>();

  constructor(cmd: string, args: string[], env?: Record<string, string>) {
    this.child = spawn(cmd, args, { stdio: 'pipe', cwd: ROOT, ...(env ? { env } : {}) });
    this.child.stdin.on('error', () => undefined); // it may be gone already
    let errBuf = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      const parts = (errBuf + chunk).split('\n');
      errBuf = parts.pop() ?? '';
      this.err.push(...parts);
      this.#wake();
    });
    let outBuf = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      const c = this.counting;
      if (c) {
        let n = 0;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
        if (n > 0) {
          c.lines += n;
          const end = chunk.lastIndexOf(10);
          c.last = chunk.toString('utf8', chunk.lastIndexOf(10, end - 1) + 1, end);
          c.onLine();
        }
        return;
      }
      const parts = (outBuf + chunk.toString('utf8')).split('\n');
      outBuf = parts.pop() ?? '';
      this.out.push(...parts);
      this.#wake();
    });
    this.child.on('exit', () => this.#wake());
  }

  /** The first line of `stream` matching `re`, waiting at most `ms`. */
  line(stream: 'out' | 'err', re: RegExp, ms: number): Promise<string> {
    const lines = stream === 'out' ? this.out : this.err;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = lines.find((l) => re.test(l));
        if (hit !== undefined) done(() => resolve(hit));
        else if (this.child.exitCode !== null || this.child.signalCode !== null)
          done(() => reject(new Error(`exited before printing ${re}: ${this.err.join(' | ')}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no line ${re} within ${ms} ms: ${this.err.join(' | ')}`))), ms);
      const done = (then: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        then();
      };
      this.#waiters.add(check);
      check();
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

interface PipeResult {
  /** Lines read from the receiver's stdout. */
  lines: number;
  /** From the first byte written to the sender to the last line read, in ms. */
  elapsedMs: number;
  /** The last line read, for the order check. */
  last: string;
  stopped: 'stall' | 'budget' | null;
}

/** Writes `input` into the sender, counts the receiver's stdout lines until `count`, a stall or the deadline. */
function pump(sender: Proc, receiver: Proc, input: Buffer, count: number, deadline: Deadline): Promise<PipeResult> {
  return new Promise((resolve) => {
    let lastAt = performance.now();
    const t0 = lastAt;
    const c = { lines: 0, last: '', onLine: () => undefined as void };
    const finish = (stopped: PipeResult['stopped']): void => {
      clearInterval(watch);
      receiver.counting = null;
      resolve({ lines: c.lines, elapsedMs: lastAt - t0, last: c.last, stopped });
    };
    c.onLine = () => {
      lastAt = performance.now();
      if (c.lines >= count) finish(null);
    };
    const watch = setInterval(() => {
      if (deadline.expired()) finish('budget');
      else if (performance.now() - lastAt > STALL_MS) finish('stall');
    }, 50);
    receiver.counting = c;
    sender.child.stdin.end(input);
  });
}

function lines(count: number): Buffer {
  let s = '';
  for (let n = 0; n < count; n++) s += `${messageText(n, BYTES)}\n`;
  return Buffer.from(s);
}

function childEnv(configDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NODE_OPTIONS') env[k] = v;
  // A private config dir: the bench never reads or writes the user's profiles.
  return { ...env, FERNCHAT_CONFIG_DIR: configDir };
}

/** Two UDP ports free on HOST (bound, then released: a small race, fine on a bench machine). */
async function freePorts(): Promise<[number, number]> {
  const socks = [dgram.createSocket('udp4'), dgram.createSocket('udp4')] as const;
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.bind(0, HOST, r))));
  const ports: [number, number] = [socks[0].address().port, socks[1].address().port];
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.close(r))));
  return ports;
}

/** Two fresh `fernchat chat --headless` processes; `a` sends to `b`. The key is a throwaway, made for this run. */
async function fernchat(input: Buffer, count: number, deadline: Deadline, configDir: string, profile: boolean): Promise<PipeResult> {
  const key = encodeKey(parseKey(generateKey()));
  const env = childEnv(configDir);
  const [portA, portB] = await freePorts();
  const common = ['chat', '--headless', '--config-dir', configDir, '--host', HOST, `--key=${key}`, '--linger', '10'];
  const prof = (nick: string): string[] => (profile ? ['--cpu-prof', `--cpu-prof-dir=${configDir}`, `--cpu-prof-name=${nick}.cpuprofile`] : []);
  const node = (nick: string, extra: string[]): string[] => [...prof(nick), CLI, ...common, '--nick', nick, ...extra];
  const b = new Proc(process.execPath, node('bob', ['--port', String(portB)]), env);
  let a: Proc | null = null;
  try {
    await b.line('err', /^listening on /, START_MAX_MS);
    a = new Proc(process.execPath, node('alice', ['--port', String(portA), '--peer', `${HOST}:${portB}`]), env);
    await Promise.all([a.line('err', /^peer online$/, START_MAX_MS), b.line('err', /^peer online$/, START_MAX_MS)]);
    const r = await pump(a, b, input, count, deadline);
    // Both end cleanly (so a profile is written): the sender once everything is acked, then the receiver.
    await Promise.race([new Promise((res) => a!.child.once('exit', res)), new Promise((res) => setTimeout(res, 5_000))]);
    b.child.stdin.end();
    await Promise.race([new Promise((res) => b.child.once('exit', res)), new Promise((res) => setTimeout(res, 5_000))]);
    return r;
  } finally {
    a?.kill();
    b.kill();
  }
}

/** The Python pair, fresh processes. */
async function python(input: Buffer, count: number, deadline: Deadline): Promise<PipeResult> {
  const key = encodeKey(parseKey(generateKey()));
  const recv = new Proc('python3', [scriptPath('line_recv.py')]);
  let send: Proc | null = null;
  try {
    recv.child.stdin.end(`${JSON.stringify({ key, count, idle_s: 2.0, max_s: deadline.remaining() / 1000 })}\n`);
    const port = (JSON.parse(await recv.line('out', /"port"/, START_MAX_MS)) as { port: number }).port;
    send = new Proc('python3', [scriptPath('line_send.py')]);
    send.child.stdin.write(`${JSON.stringify({ key, port })}\n`);
    await send.line('out', /"ready"/, START_MAX_MS);
    return await pump(send, recv, input, count, deadline);
  } finally {
    send?.kill();
    recv.kill();
  }
}

const rate = (r: PipeResult): number => (r.lines * 1000) / r.elapsedMs;

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const input = lines(plan.count);
  let why: string | null = pythonInfo() === null ? PYTHON_SKIP : null;
  const total = new Deadline(ctx.budgetMs * 0.9);
  const ours: PipeResult[] = [];
  const py: PipeResult[] = [];
  const wrong: string[] = [];
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'fernchat-bench-pipe-'));
  const profile = process.env.FERNCHAT_BENCH_CPU_PROF === '1';
  try {
    for (let rep = 0; rep < plan.reps; rep++) {
      // Each repetition gets its share of what is left, fernchat 60 % of it and Python 40 %, whatever the
      // other took (starting and closing the processes is not counted): one clock for both.
      const slotMs = total.remaining() / (plan.reps - rep);
      const r = await fernchat(input, plan.count, total.sub(slotMs * 0.6), configDir, profile);
      ours.push(r);
      if (r.stopped === null && !r.last.endsWith(` ${messageText(plan.count - 1, BYTES)}`)) wrong.push(`run ${rep + 1}: the last line read was "${r.last}"`);
      ctx.log(
        `pipeline run ${rep + 1}: fernchat ${Math.round(rate(r))} msg/s (${r.lines} of ${plan.count} in ${r.elapsedMs.toFixed(0)} ms${r.stopped ? `, stopped: ${r.stopped}` : ''})`,
      );
      if (why !== null) continue;
      try {
        const p = await python(input, plan.count, total.sub(slotMs * 0.4));
        if (p.lines < 2) throw new Error(`its receiver printed ${p.lines} lines`);
        py.push(p);
        ctx.log(
          `pipeline run ${rep + 1}: python ${Math.round(rate(p))} msg/s (${p.lines} of ${plan.count} in ${p.elapsedMs.toFixed(0)} ms${p.stopped ? `, stopped: ${p.stopped}` : ''})`,
        );
      } catch (err) {
        why = `skipped: the Python anchor failed (${err instanceof Error ? err.message : String(err)})`;
      }
    }
  } finally {
    if (profile) ctx.log(`pipeline: CPU profiles in ${configDir}`);
    else rmSync(configDir, { recursive: true, force: true });
  }
  const complete = ours.filter((r) => r.stopped === null && r.lines === plan.count);
  const value = complete.length > 0 ? median(complete.map(rate)) : null;
  const pyRate = py.length > 0 ? median(py.map(rate)) : null;
  const detail = `${complete.length} × ${plan.count.toLocaleString('en-US')} lines, fresh processes, all in order`;
  const incomplete = ours.filter((r) => !complete.includes(r)).map((r) => `fernchat: ${r.lines} of ${plan.count} lines (${r.stopped ?? 'ended'})`);
  const skipped = pyRate === null ? [why ?? 'skipped: no Python run completed'] : [];
  const note = [...skipped, ...incomplete, ...wrong].join('; ') || undefined;
  // A wrong or missing fernchat figure wins over a missing anchor.
  const status = wrong.length > 0 ? 'ERROR' : value === null ? 'TIMEOUT' : pyRate === null ? 'SKIP' : null;
  ctx.report({
    id: 'pipe-py',
    value,
    anchor: pyRate,
    detail,
    ...(pyRate !== null
      ? { anchorDetail: `printed ${median(py.map((p) => p.lines)).toLocaleString('en-US')} of ${plan.count.toLocaleString('en-US')}, no acks` }
      : {}),
    ...(note ? { note } : {}),
    ...(status ? { status } : {}),
  });
}
