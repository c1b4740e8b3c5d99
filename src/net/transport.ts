import type { Address } from '../address/address.js';
import type { LinkStats } from '../bus.js';
import type { Connection } from './connection.js';
import type { DropReason } from './errors.js';
import { byeLinger } from './bye-linger.js';
import { Mesh } from './mesh.js';
import type { MeshMember } from './mesh-member.js';
import { DROP_REASONS } from './stats.js';
import type { TransportOptions } from './transport-options.js';

/**
 * The transport of the 1:1 chat: a Mesh (mesh.ts) with one member — one
 * socket, one Connection (connection.ts), one Bus. The mesh owns the
 * socket, the one timer, the flood guard, DNS and the bye linger; the
 * connection holds every rule and all link state and does no I/O. There is
 * no accept policy: every datagram goes to the one connection (endpoint.ts).
 *
 * Bus requests in: send, rotate, set-peer, set-nick; from the transfer
 * service xfer:send-control and bulk:open-send / write / open-recv /
 * consumed / close (a misuse — a bad stream id, a stream opened twice —
 * becomes one `error` fact, as any internal error). Facts out: message:*,
 * peer:*, link:stats, key:*, xfer:control, xfer:control-failed, bulk:data,
 * bulk:acked, error. Raw wire: `message:delivered` is never emitted (the raw
 * format has no acks); one `info` at start says so. The pump, the timer and
 * the close are described in mesh.ts.
 */

export type { TransportOptions };
export { byeLinger };

export class Transport {
  readonly sessionId: string;
  private readonly mesh: Mesh;
  private readonly member: MeshMember;

  constructor(opts: TransportOptions) {
    if (opts.wire !== 'reliable' && opts.wire !== 'raw') throw new TypeError(`Transport: wire must be 'reliable' or 'raw', got ${String(opts.wire)}`);
    this.mesh = new Mesh({
      port: opts.port,
      ...(opts.clock === undefined ? {} : { clock: opts.clock }),
      ...(opts.resolve === undefined ? {} : { resolve: opts.resolve }),
      ...(opts.autoTick === undefined ? {} : { autoTick: opts.autoTick }),
      ...(opts.byeLingerMs === undefined ? {} : { byeLingerMs: opts.byeLingerMs }),
    });
    this.member = this.mesh.add(opts.bus, {
      key: opts.key,
      pendingKey: opts.pendingKey ?? null,
      nick: opts.nick,
      wire: opts.wire,
      peer: opts.peer,
      ...(opts.clockSkewS === undefined ? {} : { clockSkewS: opts.clockSkewS }),
      ...(opts.tokenTtlS === undefined ? {} : { tokenTtlS: opts.tokenTtlS }),
      ...(opts.maxBulkDatagramBytes === undefined ? {} : { maxBulkDatagramBytes: opts.maxBulkDatagramBytes }),
      ...(opts.congestionControl === undefined ? {} : { congestionControl: opts.congestionControl }),
    });
    this.sessionId = this.member.sessionId;
  }

  /** Subscribe to the port and the bus, announce the configured peer, start probing it. */
  start(): void {
    this.mesh.start();
  }

  /** Everything due now: retransmits, delayed acks, keepalives, offline detection, rotation, key expiry, stats. */
  tick(): void {
    this.mesh.tick();
  }

  /** Absolute ms of the earliest thing tick() must do, or null. */
  nextDeadline(): number | null {
    return this.mesh.nextDeadline();
  }

  stats(): LinkStats {
    return this.member.stats();
  }

  /** The connection's drops and those of datagrams it never saw (the flood guard, before routing). */
  dropCounts(): Record<DropReason, number> {
    const mine = this.member.dropCounts();
    const orphans = this.mesh.orphanDrops();
    for (const r of DROP_REASONS) mine[r] += orphans[r];
    return mine;
  }

  fingerprint(): string {
    return this.member.fingerprint();
  }

  peerAddress(): Address | null {
    return this.member.peerAddress();
  }

  /** Bulk streams: path MTU, flight, open streams (diagnostics, tests). */
  bulkState(): Connection['bulkState'] {
    return this.member.bulkState();
  }

  /** User messages not yet acknowledged (always 0 on the raw wire). */
  pendingCount(): number {
    return this.member.pendingCount();
  }

  /** True once every message sent so far is acknowledged; false at the timeout or on close. */
  flush(timeoutMs: number): Promise<boolean> {
    return this.member.flush(timeoutMs);
  }

  /**
   * Say bye (it carries our last acks, so the peer's final messages count as
   * delivered), and while the peer is online wait up to byeLingerMs for its
   * answer, resending each RTO; then everything stops and undelivered
   * messages become message:failed. Idempotent.
   */
  close(): Promise<void> {
    return this.mesh.close();
  }
}
