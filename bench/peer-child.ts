/**
 * A fernchat session in a process of its own, for figures where each end
 * should have its own event loop and core, as two users' apps have (and as
 * the Python anchor's sender and receiver have). Driven by remote-peer.ts
 * over IPC; the key arrives over IPC, never on a command line.
 *
 *   parent → { type: 'open', key }      child → { type: 'ready', port }
 *   parent → { type: 'count', count }   (start counting messages #0 … #count-1 afresh)
 *   parent → { type: 'report' }         child → { type: 'report', received, duplicates, outOfOrder }
 *   parent → { type: 'close' }          the child closes its session and exits
 */
import { parseKey } from '../src/crypto/keys.js';
import { openSession, type ChatSession } from '../src/app/session.js';
import { chatOptions } from './sessions.js';

export type PeerRequest = { type: 'open'; key: string } | { type: 'count'; count: number } | { type: 'report' } | { type: 'close' };
export type PeerReply =
  { type: 'ready'; port: number } | { type: 'report'; received: number; duplicates: number; outOfOrder: number } | { type: 'error'; message: string };

let session: ChatSession | null = null;
let seen = new Uint8Array(0);
let received = 0;
let duplicates = 0;
let outOfOrder = 0;
let last = -1;

function reply(m: PeerReply): void {
  process.send?.(m);
}

async function handle(m: PeerRequest): Promise<void> {
  switch (m.type) {
    case 'open': {
      session = await openSession(chatOptions(parseKey(m.key), 'bob', null));
      session.bus.on('message:received', ({ text }) => {
        const n = Number(/^#(\d+)/.exec(text)?.[1] ?? -1);
        if (!(n >= 0 && n < seen.length)) return;
        if (seen[n]) return void duplicates++;
        seen[n] = 1;
        received++;
        if (n !== last + 1) outOfOrder++;
        last = n;
      });
      return reply({ type: 'ready', port: session.listen.port });
    }
    case 'count':
      seen = new Uint8Array(m.count);
      received = duplicates = outOfOrder = 0;
      last = -1;
      return;
    case 'report':
      return reply({ type: 'report', received, duplicates, outOfOrder });
    case 'close':
      await session?.close();
      process.disconnect?.();
      return;
  }
}

process.on('message', (m) => {
  handle(m as PeerRequest).catch((err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});
// Orphaned (the bench was killed): leave rather than linger with an open socket.
process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
