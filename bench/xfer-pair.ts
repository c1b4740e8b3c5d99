/**
 * The parent's side of xfer-child.ts: a sending and a receiving process,
 * connected on loopback directly or through the chaos proxy (which runs
 * here, in the figure's process), and a transfer driven to its end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TransferView } from '../src/bus.js';
import type { Address } from '../src/address/address.js';
import { encodeKey, generateKey, parseKey } from '../src/crypto/keys.js';
import { startChaosProxy, type ChaosOptions, type ChaosProxy } from '../src/testing/chaos-proxy.js';
import { BenchTimeoutError, withTimeout } from './budget.js';
import { HOST } from './sessions.js';
import type { XferOpen, XferReply, XferReport, XferRequest } from './xfer-child.js';

/** One child: its messages kept in order, waited on by predicate. */
export class XferSide {
  readonly updates: Array<{ view: TransferView; t: number }> = [];
  readonly lines: string[] = [];
  private readonly inbox: XferReply[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly exited: Promise<void>;
  private stderr = '';

  constructor(readonly name: string) {
    // FERNCHAT_BENCH_CPU_PROF=DIR: each child writes a V8 profile there (read it with profile-summary.ts).
    const profDir = process.env.FERNCHAT_BENCH_CPU_PROF;
    const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
    this.child = fork(fileURLToPath(new URL('./xfer-child.ts', import.meta.url)), [], {
      execArgv: [...prof, '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-2000)));
    this.child.on('message', (raw) => {
      const m = raw as XferReply;
      if (m.type === 'update') this.updates.push({ view: m.view, t: m.t });
      else if (m.type === 'line') this.lines.push(m.text);
      else this.inbox.push(m);
      for (const w of [...this.waiters]) w();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
    this.child.on('exit', () => {
      for (const w of [...this.waiters]) w();
    });
  }

  private readonly child: ChildProcess;

  send(m: XferRequest): void {
    if (this.child.connected) this.child.send(m);
  }

  /** Resolves once `done()` holds (checked on every message), rejects at `ms`, or if the child ends or reports an error. */
  until<T>(done: () => T | undefined, ms: number, what: string): Promise<T> {
    return withTimeout(
      new Promise<T>((resolve, reject) => {
        const check = (): void => {
          const err = this.inbox.findIndex((m) => m.type === 'error');
          if (err >= 0) {
            const m = this.inbox.splice(err, 1)[0] as { message: string };
            this.waiters.delete(check);
            return reject(new Error(`${this.name}: ${m.message}`));
          }
          let v: T | undefined;
          try {
            v = done();
          } catch (e) {
            this.waiters.delete(check);
            return reject(e instanceof Error ? e : new Error(String(e)));
          }
          if (v !== undefined) {
            this.waiters.delete(check);
            return resolve(v);
          }
          if (this.child.exitCode !== null || this.child.signalCode !== null) {
            this.waiters.delete(check);
            reject(
              new Error(
                `${this.name} ended (${this.child.exitCode ?? this.child.signalCode})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`,
              ),
            );
          }
        };
        this.waiters.add(check);
        check();
      }),
      ms,
      `${this.name}: ${what}`,
    );
  }

  /** The next message of `type` (taken out of the inbox). */
  next<K extends XferReply['type']>(type: K, ms: number): Promise<Extract<XferReply, { type: K }>> {
    return this.until(
      () => {
        const i = this.inbox.findIndex((m) => m.type === type);
        return i < 0 ? undefined : (this.inbox.splice(i, 1)[0] as Extract<XferReply, { type: K }>);
      },
      ms,
      `waiting for "${type}"`,
    );
  }

  report(ms: number): Promise<XferReport> {
    const r = this.next('report', ms);
    this.send({ type: 'report' });
    return r;
  }

  async close(): Promise<void> {
    this.send({ type: 'close' });
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3_000).unref())]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export interface XferPair {
  sender: XferSide;
  receiver: XferSide;
  proxy: ChaosProxy | null;
  close(): Promise<void>;
}

export interface PairOptions {
  /** Where the receiver saves (auto-accept); the sender's download directory too (it never receives). */
  dir: string;
  maxBulkDatagramBytes?: number;
  /** Through the chaos proxy with these impairments; default direct. */
  chaos?: ChaosOptions;
  timeoutMs: number;
}

/** Two children on loopback, online (through the proxy when asked); the receiver echoes chat messages. */
export async function openXferPair(o: PairOptions): Promise<XferPair> {
  const key = encodeKey(parseKey(generateKey()));
  const sender = new XferSide('sender');
  const receiver = new XferSide('receiver');
  let proxy: ChaosProxy | null = null;
  const close = async (): Promise<void> => {
    await Promise.all([sender.close(), receiver.close()]);
    await proxy?.close();
  };
  const base = (nick: string, peer: Address | null, acceptDir: string | null, echo: boolean): XferOpen => ({
    type: 'open',
    key,
    nick,
    peer,
    downloadDir: o.dir,
    acceptDir,
    echo,
    ...(o.maxBulkDatagramBytes === undefined ? {} : { maxBulkDatagramBytes: o.maxBulkDatagramBytes }),
  });
  try {
    receiver.send(base('bob', null, path.resolve(o.dir), true));
    const rPort = (await receiver.next('ready', o.timeoutMs)).port;
    const direct = o.chaos === undefined;
    sender.send(base('alice', direct ? { host: HOST, port: rPort } : null, null, false));
    const sPort = (await sender.next('ready', o.timeoutMs)).port;
    if (!direct) {
      proxy = await startChaosProxy({ host: HOST, port: sPort }, { host: HOST, port: rPort }, o.chaos!);
      receiver.send({ type: 'set-peer', peer: proxy.forB });
      sender.send({ type: 'set-peer', peer: proxy.forA });
    }
    await Promise.all([sender.next('online', o.timeoutMs), receiver.next('online', o.timeoutMs)]);
  } catch (err) {
    await close();
    throw err;
  }
  return { sender, receiver, proxy, close };
}

const ENDED: ReadonlySet<TransferView['state']> = new Set(['done', 'failed', 'declined', 'cancelled']);

export interface Received {
  name: string;
  size: number;
  /** The receiver's last view (state done: `path` is the final file). */
  view: TransferView;
  /** Epoch ms: the receiver's transfer started moving bytes, and ended. */
  startT: number;
  endT: number;
}

/** The latest view per transfer name on one side. */
function latestByName(side: XferSide): Map<string, { view: TransferView; t: number; startT: number | null }> {
  const m = new Map<string, { view: TransferView; t: number; startT: number | null }>();
  for (const u of side.updates) {
    const prev = m.get(u.view.name);
    const startT = prev?.startT ?? (u.view.state === 'transferring' ? u.t : null);
    m.set(u.view.name, { view: u.view, t: u.t, startT });
  }
  return m;
}

/**
 * Sends the files and waits until the receiver ended each one (done or not),
 * or the sender ended one without the receiver (a refused path), within `ms`.
 */
export async function transfer(pair: XferPair, files: Array<{ path: string; size: number }>, ms: number): Promise<Received[]> {
  const names = files.map((f) => path.basename(f.path));
  pair.sender.send({ type: 'send', paths: files.map((f) => f.path) });
  const failedEarly = (): string | undefined => {
    const out = latestByName(pair.sender);
    const bad = names.find((n) => out.get(n) && ENDED.has(out.get(n)!.view.state) && out.get(n)!.view.state !== 'done');
    if (bad !== undefined) return `the sender's transfer of ${bad} ended ${out.get(bad)!.view.state}: ${out.get(bad)!.view.reason ?? ''}`;
    return pair.sender.lines.find((l) => /^cannot send/.test(l));
  };
  try {
    await pair.receiver.until(
      () => {
        const why = failedEarly();
        if (why !== undefined) throw new Error(why);
        const got = latestByName(pair.receiver);
        return names.every((n) => got.get(n) && ENDED.has(got.get(n)!.view.state)) ? true : undefined;
      },
      ms,
      `receiving ${names.join(', ')}`,
    );
  } catch (err) {
    if (err instanceof BenchTimeoutError) {
      const got = latestByName(pair.receiver);
      const held = names.map((n) => `${n}: ${got.get(n)?.view.state ?? 'no offer'} ${got.get(n)?.view.bytes ?? 0} B`).join(', ');
      throw new BenchTimeoutError(`transfer not finished (${held})`, ms);
    }
    throw err;
  }
  const got = latestByName(pair.receiver);
  return files.map((f, i) => {
    const r = got.get(names[i]!)!;
    return { name: names[i]!, size: f.size, view: r.view, startT: r.startT ?? r.t, endT: r.t };
  });
}
