/**
 * Two real fernchat sessions (src/app/session.ts openSession: UDP socket, bus,
 * transport) on 127.0.0.1, sharing one fresh key — the stack a user runs,
 * driven through the bus as the UI drives it.
 */
import type { ChatOptions } from '../src/config/chat-options.js';
import { DEFAULT_UI } from '../src/config/schema.js';
import { generateKey, parseKey } from '../src/crypto/keys.js';
import type { Address } from '../src/address/address.js';
import { openSession, type ChatSession } from '../src/app/session.js';
import { testChatOptions } from '../src/testing/chat-options.js';
import { withTimeout } from './budget.js';

export const HOST = '127.0.0.1';

export interface SessionPair {
  a: ChatSession;
  b: ChatSession;
  close(): Promise<void>;
}

export function chatOptions(key: Buffer, nick: string, peer: Address | null): ChatOptions {
  return testChatOptions({ key, nick, peer, listen: { host: HOST, port: 0 }, lingerS: 0, ui: { ...DEFAULT_UI } });
}

/** Resolves once the session's transport reports the peer online. */
export function online(s: ChatSession): Promise<void> {
  return new Promise((resolve) => {
    const off = s.bus.on('peer:state', ({ state }) => {
      if (state === 'online') {
        off();
        resolve();
      }
    });
  });
}

/**
 * B listens first with no peer (it learns A from A's first authenticated
 * datagram); A is pointed at B, or at `route(b.listen)` when a proxy sits in
 * between (then B is pointed at the proxy's other side by the caller).
 */
export async function openPair(timeoutMs: number, opts: { connect?: boolean } = {}): Promise<SessionPair> {
  const key = parseKey(generateKey());
  const b = await openSession(chatOptions(key, 'bob', null));
  let a: ChatSession;
  try {
    a = await openSession(chatOptions(key, 'alice', opts.connect === false ? null : b.listen));
  } catch (err) {
    await b.close();
    throw err;
  }
  const pair: SessionPair = { a, b, close: () => Promise.all([a.close(), b.close()]).then(() => undefined) };
  if (opts.connect !== false) {
    try {
      await withTimeout(Promise.all([online(a), online(b)]), timeoutMs, 'sessions coming online');
    } catch (err) {
      await pair.close();
      throw err;
    }
  }
  return pair;
}

/** A message of exactly `bytes` bytes of UTF-8, different for each `n` (so nothing can be deduplicated by content). */
export function messageText(n: number, bytes: number): string {
  const tag = `#${n} `;
  return tag + 'x'.repeat(Math.max(0, bytes - tag.length));
}
