/**
 * Runs a measuring child (a bench/*-child.ts script under tsx, with
 * --expose-gc so it can collect before reading memory) and gathers the
 * points it sends over IPC, within a time budget: past it the child is
 * killed and the error says so; a crash reports its last stderr lines.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runChild<T>(script: string, args: string[], budgetMs: number): Promise<{ points: T[]; error: string | null }> {
  return new Promise((resolve) => {
    const points: T[] = [];
    let stderr = '';
    const child = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), args, {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderr = (stderr + d).slice(-2000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, budgetMs);
    child.on('message', (m) => points.push(m as T));
    child.on('exit', (code) => {
      clearTimeout(timer);
      const error = timedOut
        ? `timeout after ${budgetMs} ms`
        : code !== 0
          ? `${script} exited with ${code}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`
          : null;
      resolve({ points, error });
    });
  });
}
