import { AUTH_FAILURE_QUIET_MS, AUTH_FAILURE_THRESHOLD, AUTH_FAILURE_WINDOW_MS } from '../constants.js';
import { formatAddress, sameAddress, type Address } from '../address/address.js';

/**
 * "The peer's datagrams keep failing authentication": the one hint a user
 * has that the two sides hold different keys (a profile edited by hand, a
 * `--key` side restarted after a rotation, a save that failed). Pure: the
 * caller passes the time and both addresses; nothing here sends anything, and
 * nothing of it ever goes on the wire.
 *
 * Rule: AUTH_FAILURE_THRESHOLD datagrams from the peer's address that failed
 * authentication within AUTH_FAILURE_WINDOW_MS, with no datagram from that
 * address authenticating in between, produce one warning; at most one per
 * AUTH_FAILURE_QUIET_MS. Failures from any other address are not counted
 * (anyone can send garbage to our port; that is counted as a drop, no more).
 *
 * How the connection core calls it (B1): one AuthFailures per connection;
 *   - a datagram whose token did not verify under any key slot
 *     (drop reason 'unauthenticated'):
 *       const msg = authFailures.failed(from, peerAddress, now);
 *       if (msg !== null) emit fact error { severity: 'warning', message: msg };
 *   - a datagram that authenticated (any slot): authFailures.authenticated(from, peerAddress).
 * `peerAddress` is the address the link sends to (configured or learned), or
 * null while there is none (then nothing is counted).
 */
export class AuthFailures {
  /** Times of the recent failures from the peer, oldest first (at most threshold). */
  private readonly times: number[] = [];
  private warnedAt: number | null = null;

  /** A datagram from `from` failed authentication at `now` (ms). Returns the warning to show, or null. */
  failed(from: Address, peer: Address | null, now: number): string | null {
    if (peer === null || !sameAddress(peer, from)) return null;
    this.times.push(now);
    while (this.times.length > 0 && (this.times.length > AUTH_FAILURE_THRESHOLD || now - this.times[0]! > AUTH_FAILURE_WINDOW_MS)) this.times.shift();
    if (this.times.length < AUTH_FAILURE_THRESHOLD) return null;
    if (this.warnedAt !== null && now - this.warnedAt < AUTH_FAILURE_QUIET_MS) return null;
    this.warnedAt = now;
    return `datagrams from ${formatAddress(from)} fail authentication — different key? compare /fingerprint`;
  }

  /** A datagram from `from` authenticated: the count from the peer starts over. */
  authenticated(from: Address, peer: Address | null): void {
    if (peer !== null && sameAddress(peer, from)) this.times.length = 0;
  }
}
