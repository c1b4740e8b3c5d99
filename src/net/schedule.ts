import type { LinkState } from '../bus.js';
import { KEEPALIVE_INTERVAL_MS, OFFLINE_PROBE_INTERVAL_MS, PEER_TIMEOUT_MS, RTO_INITIAL_MS, STATS_INTERVAL_MS } from '../constants.js';

/**
 * All timer policy of a connection in one place, as wireguard-go's
 * device/timers.go keeps it. Pure: it owns no timer and reads no clock; the
 * connection asks deadline() with a view of the link and, at tick, due().
 *
 *   hello      peer session unknown: at start, then backing off from
 *              RTO_INITIAL_MS to OFFLINE_PROBE_INTERVAL_MS
 *   keepalive  online: a ping KEEPALIVE_INTERVAL_MS after we last heard from
 *              the peer or last pinged; offline: every OFFLINE_PROBE_INTERVAL_MS
 *   offline    online and nothing authenticated for PEER_TIMEOUT_MS
 *   ack        a standalone ack ACK_DELAY_MS after data arrived, unless a frame
 *              carried it first (the send path owns that deadline)
 *   resend     the send windows' earliest retransmission, while data may flow
 *   stats      link:stats every STATS_INTERVAL_MS
 *   rotation   retries / timeouts / key expiry, from the rotation machine
 *
 * Raw wire: no hello, keepalive or offline detection (a raw peer sends
 * nothing but messages), only stats and the keyring.
 */

/** What the schedule needs to know of the link at a given moment. */
export interface LinkView {
  reliable: boolean;
  hasPeer: boolean;
  peerSessionKnown: boolean;
  state: LinkState;
  lastHeardAt: number | null;
}

/** What tick() must send now. */
export interface Due {
  hello: boolean;
  ping: boolean;
  stats: boolean;
}

export class LinkSchedule {
  private helloAt: number | null = null;
  private helloIntervalMs = RTO_INITIAL_MS;
  private lastPingAt = Number.NEGATIVE_INFINITY;
  private statsAt = Number.POSITIVE_INFINITY;

  /** The connection started: probe now, publish stats from now on. */
  start(now: number): void {
    this.probeNow(now);
    this.statsAt = now + STATS_INTERVAL_MS;
  }

  /** Probe the peer at the next tick, backoff forgotten (start, a new peer address). */
  probeNow(now: number): void {
    this.helloAt = now;
    this.helloIntervalMs = RTO_INITIAL_MS;
    this.lastPingAt = Number.NEGATIVE_INFINITY;
  }

  /** The earliest of the schedule's own deadlines (hello, keepalive, offline, stats). */
  deadline(v: LinkView): number | null {
    const stats = this.statsAt === Number.POSITIVE_INFINITY ? null : this.statsAt;
    return earlier(earlier(earlier(this.helloDeadline(v), this.pingDeadline(v)), this.offlineDeadline(v)), stats);
  }

  /** The peer has been silent too long: the caller marks it offline, before it asks due(). */
  offlineDue(now: number, v: LinkView): boolean {
    const offline = this.offlineDeadline(v);
    return offline !== null && now >= offline;
  }

  /** What is due at `now`; marks it done (the caller does it). */
  due(now: number, v: LinkView): Due {
    const hello = this.helloDeadline(v);
    const ping = this.pingDeadline(v);
    const d: Due = {
      hello: hello !== null && now >= hello,
      ping: ping !== null && now >= ping,
      stats: now >= this.statsAt,
    };
    if (d.hello) {
      this.helloIntervalMs = Math.min(this.helloIntervalMs * 2, OFFLINE_PROBE_INTERVAL_MS);
      this.helloAt = now + this.helloIntervalMs;
    }
    if (d.ping) this.lastPingAt = now;
    if (d.stats) this.statsAt = now + STATS_INTERVAL_MS;
    return d;
  }

  private helloDeadline(v: LinkView): number | null {
    if (!v.reliable || !v.hasPeer || v.peerSessionKnown) return null;
    return this.helloAt;
  }

  private pingDeadline(v: LinkView): number | null {
    if (!v.reliable || !v.hasPeer || !v.peerSessionKnown) return null;
    // Never pinged yet: due at once (a finite time, not -Infinity: the caller's timer and tests want one).
    if (v.state === 'offline' || v.state === 'left')
      return Number.isFinite(this.lastPingAt) ? this.lastPingAt + OFFLINE_PROBE_INTERVAL_MS : (v.lastHeardAt ?? 0);
    return Math.max(v.lastHeardAt ?? 0, this.lastPingAt) + KEEPALIVE_INTERVAL_MS;
  }

  private offlineDeadline(v: LinkView): number | null {
    if (!v.reliable || v.state !== 'online' || v.lastHeardAt === null) return null;
    return v.lastHeardAt + PEER_TIMEOUT_MS;
  }
}

export function earlier(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null || a <= b ? a : b;
}
