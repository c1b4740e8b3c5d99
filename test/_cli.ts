/**
 * Run the CLI with its own temp config directory, HOME and XDG_CONFIG_HOME,
 * so no test can touch a real user's profiles: either the built binary
 * (dist/cli.js) in a child process, or — for the one-shot commands a test
 * judges by exit code, output and files — its main() inside the test
 * process, with the same arguments, environment, stdin and working
 * directory, and buffers for stdout and stderr. A process start costs
 * ~0.35 s of CPU; an in-process run a few ms. Each command is still run as
 * the real binary by some tests; chat, send and demo (signals, terminals,
 * sockets, exit behaviour) always are.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../src/commands/main.js';
import { CLI_PATH, REPO_ROOT } from '../src/testing/build.js';

export { ensureBuilt } from '../src/testing/build.js';
export const ROOT = REPO_ROOT;
export const CLI = CLI_PATH;
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
export const PACKAGE_VERSION = PKG.version;

/** Per-run time limit for one CLI call, in ms: the commands under test finish in well under a second. */
const RUN_TIMEOUT_MS = 20_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr split into non-empty lines. */
  errLines: string[];
}

export interface RunOptions {
  configDir?: string;
  env?: Record<string, string>;
  input?: string;
}

function result(code: number | null, stdout: string, stderr: string): CliResult {
  return { code, stdout, stderr, errLines: stderr.split('\n').filter((l) => l.trim() !== '') };
}

/** A sandbox: a temp root holding the config dir and a fake HOME. */
export class CliSandbox {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-cli-'));
  private n = 0;

  /** A new config dir path (not created: fernchat creates it). */
  configDir(): string {
    this.n += 1;
    return path.join(this.root, `config-${this.n}`);
  }

  /** Run `node dist/cli.js ...args`; --config-dir is added when `configDir` is given. */
  run(args: string[], opts: RunOptions = {}): CliResult {
    const { argv, env } = this.command(args, opts);
    const r = spawnSync(process.execPath, argv, { cwd: this.root, env, input: opts.input ?? '', encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    return result(r.status, r.stdout ?? '', r.stderr ?? '');
  }

  /** run() without blocking the event loop: tests that start many processes run them side by side. */
  runAsync(args: string[], opts: RunOptions = {}): Promise<CliResult> {
    const { argv, env } = this.command(args, opts);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, argv, { cwd: this.root, env, timeout: RUN_TIMEOUT_MS });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve(result(code, stdout, stderr)));
      child.stdin.end(opts.input ?? '');
    });
  }

  /**
   * runInProcess() where it can run the command (a one-shot command, no TZ
   * of its own), else runAsync(): for tables of cases that mix commands.
   */
  runFast(args: string[], opts: RunOptions = {}): Promise<CliResult> {
    return oneShot(args) && opts.env?.TZ === undefined ? this.runInProcess(args, opts) : this.runAsync(args, opts);
  }

  /**
   * runAsync()'s result from main() in this process: for keygen,
   * fingerprint, profile, invite, join, room create and history (not chat,
   * send or demo, which take over the process's terminal and streams).
   */
  async runInProcess(args: string[], opts: RunOptions = {}): Promise<CliResult> {
    const { argv, env } = this.command(args, opts);
    assert.ok(oneShot(args), `fernchat ${args.join(' ')}: chat, send and demo run as a process: use runAsync()`);
    assert.ok(opts.env?.TZ === undefined, 'TZ applies to a whole process: use runAsync()');
    let stdout = '';
    let stderr = '';
    const code = await main(argv.slice(1), {
      stdout: { write: (c: string) => (stdout += c) },
      stderr: { write: (c: string) => (stderr += c) },
      stdin: Readable.from(opts.input !== undefined && opts.input !== '' ? [opts.input] : []),
      env,
      homedir: env.HOME!,
      cwd: this.root,
    });
    return result(code, stdout, stderr);
  }

  private command(args: string[], opts: RunOptions): { argv: string[]; env: Record<string, string> } {
    const home = path.join(this.root, 'home');
    fs.mkdirSync(home, { recursive: true });
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...opts.env };
    const full = opts.configDir !== undefined ? ['--config-dir', opts.configDir, ...args] : args;
    return { argv: [CLI, ...full], env };
  }

  cleanup(): void {
    // A test may have chmod-ed a directory read-only; give write back so the tree can go.
    for (const entry of fs.readdirSync(this.root, { withFileTypes: true })) {
      if (entry.isDirectory()) fs.chmodSync(path.join(this.root, entry.name), 0o700);
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The commands runInProcess() runs; chat (also the default command), send and demo only run as a process. */
const ONE_SHOT = new Set(['keygen', 'fingerprint', 'profile', 'invite', 'join', 'room', 'history']);
const SPAWN_ONLY = new Set(['chat', 'send', 'demo']);

function oneShot(args: readonly string[]): boolean {
  if (args.some((a) => a === '--help' || a === '-h' || a === '--version')) return true;
  return args.some((a) => ONE_SHOT.has(a)) && !args.some((a) => SPAWN_ONLY.has(a));
}

/** Exit 2 with exactly one stderr line, prefixed, without a stack trace. */
export function assertUsageFailure(r: CliResult, re: RegExp): void {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.errLines.length, 1, `one stderr line, got: ${r.stderr}`);
  assert.match(r.errLines[0]!, /^fernchat: /);
  assert.match(r.errLines[0]!, re);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

/** Exit 0, or the assertion names the exit code and stderr. */
export function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `exit code; stderr: ${r.stderr}`);
  return r;
}

/** The config file of a config dir, as text. */
export function readConfig(dir: string): string {
  return fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
}
