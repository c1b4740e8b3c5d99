/**
 * A long-running `node dist/cli.js chat --headless …` child for the
 * end-to-end tests: lines in, lines out, bounded waits, always killed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI } from './_cli.js';
import { waitFor } from '../src/testing/wait.js';

export { freeUdpPorts } from '../src/testing/ports.js';

export class HeadlessProc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
    this.collect(this.child.stdout, this.out);
    this.collect(this.child.stderr, this.err);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    this.child.stdin.on('error', () => {}); // the child may be gone already
  }

  write(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  end(): void {
    this.child.stdin.end();
  }

  /** The first line of `stream` matching `re`, waiting at most `ms`; fails at once when the process exits first. */
  async waitLine(stream: 'out' | 'err', re: RegExp, ms: number): Promise<string> {
    const lines = stream === 'out' ? this.out : this.err;
    const find = (): string | undefined => lines.find((l) => re.test(l));
    const dump = (): string => `\nstdout:\n${this.out.join('\n')}\nstderr:\n${this.err.join('\n')}`;
    await waitFor(
      () => {
        if (find() !== undefined) return true;
        if (this.child.exitCode !== null) throw new Error(`no ${stream} line matching ${re}: the process exited${dump()}`);
        return false;
      },
      ms,
      () => `a ${stream} line matching ${re}${dump()}`,
    );
    // Lines are only ever appended: the line found stays found.
    return find() ?? '';
  }

  /** Wait for the exit (at most `ms`), then the exit code. */
  async exitCode(ms: number): Promise<number | null> {
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
    const r = await Promise.race([this.exited, timeout]);
    if (r === 'timeout') throw new Error(`still running after ${ms} ms\nstderr:\n${this.err.join('\n')}`);
    return r;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private collect(stream: NodeJS.ReadableStream, into: string[]): void {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      into.push(...parts);
    });
  }
}

/** `fernchat chat --headless ARGS`, killed when the test ends. */
export function headless(t: { after: (fn: () => void) => void }, args: string[]): HeadlessProc {
  const p = new HeadlessProc(['chat', '--headless', ...args]);
  t.after(() => p.kill());
  return p;
}
