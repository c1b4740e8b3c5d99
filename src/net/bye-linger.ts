import type { LinkState } from '../bus.js';
import { BYE_ATTEMPTS_MIN, BYE_LINGER_UNSURE_MS } from '../constants.js';
import type { Connection } from './connection.js';

/**
 * The bye of a closing connection, in real time (mesh.ts close() and
 * remove()): one bye, then a copy each RTO until the peer answers or the
 * linger is over; none without a peer session. `bye` sends one copy (and
 * pumps it out).
 */
export async function sayBye(conn: Connection, lingerMs: number, bye: () => void): Promise<void> {
  if (conn.peerSession === null) return;
  const linger = byeLinger(conn.linkState, lingerMs);
  const end = Date.now() + linger;
  bye();
  while (!conn.byeAnswered && Date.now() < end) {
    // At least BYE_ATTEMPTS_MIN copies within the linger, however slow the RTO: the bye is tiny and carries the last acks.
    const wait = Math.max(1, Math.min(conn.rtoMs, linger / BYE_ATTEMPTS_MIN, end - Date.now()));
    await new Promise<void>((resolve) => setTimeout(resolve, wait));
    if (!conn.byeAnswered && Date.now() < end) bye();
  }
}

/**
 * How long a closing side waits for its bye to be answered, in ms: the whole
 * linger while the peer is online; none once it said bye itself (it is
 * gone); otherwise a short one, still with several copies — a peer that
 * looks offline may only be slow (a starved process marks a live peer
 * offline), and one lost bye would leave it waiting out its own linger for
 * the acks the bye carries.
 */
export function byeLinger(state: LinkState, lingerMs: number): number {
  if (state === 'online') return lingerMs;
  if (state === 'left') return 0;
  return Math.min(lingerMs, BYE_LINGER_UNSURE_MS);
}
