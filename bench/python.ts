/**
 * Running the Python anchors: find a python3 that imports cryptography, run a
 * script of bench/python/ with its job as JSON on stdin (keys never go on a
 * command line), read its JSON lines back. Every run is bounded in time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON_SKIP = 'skipped: python3 with cryptography not found';

export interface PythonInfo {
  python: string;
  cryptography: string;
}

let cached: PythonInfo | null | undefined;

/** Versions of python3 and cryptography, or null when either is missing. */
export function pythonInfo(): PythonInfo | null {
  if (cached !== undefined) return cached;
  const r = spawnSync('python3', ['-c', 'import sys, cryptography; print(sys.version.split()[0], cryptography.__version__)'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  const parts = r.status === 0 ? r.stdout.trim().split(/\s+/) : [];
  cached = parts.length === 2 ? { python: parts[0]!, cryptography: parts[1]! } : null;
  return cached;
}

export function scriptPath(name: string): string {
  return fileURLToPath(new URL(`./python/${name}`, import.meta.url));
}

/** A running script: its JSON lines as they come, and its end. */
export interface PythonRun {
  child: ChildProcess;
  /** Resolves with the next JSON line the script prints (rejects if it ends first). */
  nextLine(): Promise<unknown>;
  /** Resolves with the exit code once the script ended (killed at the time limit). */
  done: Promise<number | null>;
  kill(): void;
}

export function startPython(name: string, job: unknown, timeLimitMs: number): PythonRun {
  const child = spawn('python3', [scriptPath(name)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: unknown[] = [];
  const waiters: Array<{ resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
  let ended = false;
  let stderr = '';
  let buf = '';
  const fail = (why: string): void => {
    for (const w of waiters.splice(0)) w.reject(new Error(why));
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buf += chunk;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const w = waiters.shift();
      if (w) w.resolve(value);
      else lines.push(value);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeLimitMs);
  timer.unref();
  const done = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      ended = true;
      clearTimeout(timer);
      fail(`python ${name} ended (code ${code}) without output${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
      resolve(code);
    });
    child.on('error', (err) => {
      ended = true;
      clearTimeout(timer);
      fail(`python ${name} could not run: ${err.message}`);
      resolve(null);
    });
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify(job));
  return {
    child,
    done,
    nextLine(): Promise<unknown> {
      if (lines.length > 0) return Promise.resolve(lines.shift());
      if (ended) return Promise.reject(new Error(`python ${name} ended without output`));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    kill(): void {
      if (!ended) child.kill('SIGKILL');
    },
  };
}

/** Runs a script to its end and returns its last JSON line. */
export async function runPython<T>(name: string, job: unknown, timeLimitMs: number): Promise<T> {
  const run = startPython(name, job, timeLimitMs);
  const out: unknown[] = [];
  for (;;) {
    try {
      out.push(await run.nextLine());
    } catch {
      break;
    }
  }
  await run.done;
  if (out.length === 0) throw new Error(`python ${name} produced no result within ${timeLimitMs} ms`);
  return out[out.length - 1] as T;
}
