/**
 * The parent's side of peer-child.ts: a fernchat session (B) in its own
 * process, and one here (A) pointed at it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeKey, generateKey, parseKey } from '../src/crypto/keys.js';
import { openSession, type ChatSession } from '../src/app/session.js';
import { withTimeout } from './budget.js';
import type { PeerReply, PeerRequest } from './peer-child.js';
import { HOST, chatOptions, online } from './sessions.js';

export interface RemotePair {
  /** The local session, pointed at the remote one. */
  a: ChatSession;
  /** Start counting messages #0 … #count-1 at the remote end. */
  count(n: number): void;
  report(timeoutMs: number): Promise<{ received: number; duplicates: number; outOfOrder: number }>;
  close(): Promise<void>;
}

export async function openRemotePair(timeoutMs: number): Promise<RemotePair> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./peer-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const send = (m: PeerRequest): void => void (child.connected && child.send(m));
  const next = <T extends PeerReply['type']>(type: T, ms: number): Promise<Extract<PeerReply, { type: T }>> =>
    withTimeout(
      new Promise((resolve, reject) => {
        const on = (raw: unknown): void => {
          const m = raw as PeerReply;
          if (m.type === 'error') reject(new Error(`remote peer: ${m.message}`));
          else if (m.type !== type) return;
          else resolve(m as Extract<PeerReply, { type: T }>);
          child.off('message', on);
        };
        child.on('message', on);
      }),
      ms,
      `remote peer ${type}`,
    );
  const kill = async (): Promise<void> => {
    send({ type: 'close' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  let a: ChatSession | null = null;
  try {
    const key = parseKey(generateKey());
    send({ type: 'open', key: encodeKey(key) });
    const { port } = await next('ready', timeoutMs);
    a = await openSession(chatOptions(key, 'alice', { host: HOST, port }));
    await withTimeout(online(a), timeoutMs, 'remote peer coming online');
  } catch (err) {
    await a?.close();
    await kill();
    throw err;
  }
  const local = a;
  return {
    a: local,
    count: (n) => send({ type: 'count', count: n }),
    report: (ms) => {
      const r = next('report', ms);
      send({ type: 'report' });
      return r;
    },
    close: async () => {
      await local.close();
      await kill();
    },
  };
}
