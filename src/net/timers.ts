import { KEEPALIVE_INTERVAL_MS, OFFLINE_PROBE_INTERVAL_MS, PEER_TIMEOUT_MS, RTO_INITIAL_MS, STATS_INTERVAL_MS } from '../constants.js';
import type { Link } from './link.js';
import type { Outbound } from './send.js';

/** The rotation's part of the timer policy (it owns its retries, timeouts and the keyring's expiry). */
export interface TimerHooks {
  rotationDeadline(): number | null;
  rotationTick(): void;
}

/**
 * All timer policy of the transport in one place, as wireguard-go's
 * device/timers.go keeps it. Clock-driven without owning a timer (mosh's
 * tick / wait_time): the transport asks nextDeadline(), sleeps until then (or
 * a test moves a ManualClock), and calls tick().
 *
 *   hello      peer session unknown: at start, then backing off from
 *              RTO_INITIAL_MS to OFFLINE_PROBE_INTERVAL_MS
 *   keepalive  online: a ping KEEPALIVE_INTERVAL_MS after we last heard from
 *              the peer or last pinged; offline: every OFFLINE_PROBE_INTERVAL_MS
 *   offline    online and nothing authenticated for PEER_TIMEOUT_MS
 *   ack        a standalone ack ACK_DELAY_MS after data arrived, unless a frame
 *              carried it first (send.ts cancels it)
 *   resend     the SendWindow's earliest retransmission, while data may flow
 *   stats      link:stats every STATS_INTERVAL_MS
 *   rotation   retries / timeouts / key expiry, from the Rotation
 *
 * Raw wire: no hello, keepalive or offline detection (a raw peer sends
 * nothing but messages), only stats and the keyring.
 */
export class Timers {
  private helloAt: number | null = null;
  private helloIntervalMs = RTO_INITIAL_MS;
  private lastPingAt = Number.NEGATIVE_INFINITY;
  private statsAt = 0;

  constructor(
    private readonly link: Link,
    private readonly out: Outbound,
    private readonly hooks: TimerHooks,
  ) {}

  start(): void {
    this.probeNow();
    this.statsAt = this.link.now() + STATS_INTERVAL_MS;
  }

  /** Probe the peer at the next tick, backoff forgotten (start, /peer). */
  probeNow(): void {
    this.helloAt = this.link.now();
    this.helloIntervalMs = RTO_INITIAL_MS;
    this.lastPingAt = Number.NEGATIVE_INFINITY;
  }

  nextDeadline(): number | null {
    // Asked after every datagram and message: no array, no closure.
    let best = earlier(this.helloDeadline(), this.pingDeadline());
    best = earlier(best, this.offlineDeadline());
    best = earlier(best, this.link.ackDueAt);
    if (this.out.canSendData()) best = earlier(best, this.link.sendWindow.nextDeadline(this.link.rto.rto));
    best = earlier(best, this.statsAt);
    return earlier(best, this.hooks.rotationDeadline());
  }

  /** Everything due at the clock's now. */
  tick(): void {
    const { link } = this;
    const now = link.now();
    const offline = this.offlineDeadline();
    if (offline !== null && now >= offline) link.setState('offline');

    const hello = this.helloDeadline();
    if (hello !== null && now >= hello) {
      this.out.sendControl('hello');
      this.helloIntervalMs = Math.min(this.helloIntervalMs * 2, OFFLINE_PROBE_INTERVAL_MS);
      this.helloAt = now + this.helloIntervalMs;
    }
    const ping = this.pingDeadline();
    if (ping !== null && now >= ping) {
      this.out.sendControl('ping');
      this.lastPingAt = now;
    }
    this.out.pump();
    if (link.ackDueAt !== null && now >= link.ackDueAt) {
      // Cleared even if nothing could be sent: a due ack that cannot leave must not spin the timer.
      this.out.sendControl('ack');
      link.ackDueAt = null;
    }
    this.hooks.rotationTick();
    if (now >= this.statsAt) {
      this.publishStats();
      this.statsAt = now + STATS_INTERVAL_MS;
    }
  }

  publishStats(): void {
    this.link.bus.emit('link:stats', this.snapshot());
  }

  snapshot(): ReturnType<Link['counters']['snapshot']> {
    const { link } = this;
    return link.counters.snapshot({
      rttMs: link.rto.srtt,
      lastRttMs: link.rto.lastSample,
      pending: link.sendWindow.pendingMessages,
      keyAgeMs: link.keyring.keyAgeMs,
    });
  }

  private helloDeadline(): number | null {
    const { link } = this;
    if (link.wire !== 'reliable' || link.peer === null || link.peerSessions.id !== null) return null;
    return this.helloAt;
  }

  private pingDeadline(): number | null {
    const { link } = this;
    if (link.wire !== 'reliable' || link.peer === null || link.peerSessions.id === null) return null;
    if (link.state === 'offline') return this.lastPingAt + OFFLINE_PROBE_INTERVAL_MS;
    return Math.max(link.lastHeardAt ?? 0, this.lastPingAt) + KEEPALIVE_INTERVAL_MS;
  }

  private offlineDeadline(): number | null {
    const { link } = this;
    if (link.wire !== 'reliable' || link.state !== 'online' || link.lastHeardAt === null) return null;
    return link.lastHeardAt + PEER_TIMEOUT_MS;
  }
}

function earlier(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null || a <= b ? a : b;
}
