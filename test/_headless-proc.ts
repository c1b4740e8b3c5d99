/**
 * A long-running `node dist/cli.js chat --headless …` child for the
 * end-to-end tests: lines in, lines out, bounded waits, always killed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import dgram from 'node:dgram';
import { CLI } from './_cli.js';

export class HeadlessProc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters = new Set<() => void>();

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

  /** The first line of `stream` matching `re`, waiting at most `ms`. */
  async waitLine(stream: 'out' | 'err', re: RegExp, ms: number): Promise<string> {
    const lines = stream === 'out' ? this.out : this.err;
    const end = Date.now() + ms;
    for (;;) {
      const hit = lines.find((l) => re.test(l));
      if (hit !== undefined) return hit;
      if (Date.now() > end || this.child.exitCode !== null) {
        throw new Error(`no ${stream} line matching ${re} within ${ms} ms\nstdout:\n${this.out.join('\n')}\nstderr:\n${this.err.join('\n')}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.add(() => {
          clearTimeout(t);
          r();
        });
      });
    }
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
      for (const w of [...this.waiters]) w();
      this.waiters.clear();
    });
  }
}

/** Free UDP ports on `host` (bound, then released: a small race, fine on a test machine). */
export function freeUdpPorts(n: 1, host?: string): Promise<[number]>;
export function freeUdpPorts(n: 2, host?: string): Promise<[number, number]>;
export function freeUdpPorts(n: 3, host?: string): Promise<[number, number, number]>;
export async function freeUdpPorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const socks = await Promise.all(
    Array.from({ length: n }, () => {
      const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
      return new Promise<dgram.Socket>((resolve, reject) => {
        s.once('error', reject);
        s.bind(0, host, () => resolve(s));
      });
    }),
  );
  const ports = socks.map((s) => s.address().port);
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}
