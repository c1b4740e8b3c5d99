import { isIP } from 'node:net';
import type { Address } from '../address/address.js';
import { resolvePeer } from '../address/resolve.js';
import { errorMessage, type Bus, type LinkState, type LinkStats, type MessageKind } from '../bus.js';
import { systemClock, type Clock } from '../clock.js';
import { BYE_ATTEMPTS_MIN, BYE_LINGER_MS, BYE_LINGER_UNSURE_MS, MAX_ACCEPTED_DATAGRAM_BYTES } from '../constants.js';
import type { BulkRequestName } from './bulk-path.js';
import type { Connection } from './connection.js';
import { Endpoint } from './endpoint.js';
import type { DropReason } from './errors.js';
import type { DatagramPort } from './port.js';
import { RecvQueue } from './recv-queue.js';
import { DROP_REASONS } from './stats.js';
import type { TransportOptions } from './transport-options.js';

/**
 * The transport: the I/O shell around an Endpoint (endpoint.ts) with one
 * Connection (connection.ts), which hold every rule and all link state and
 * do no I/O. This file owns what they must not: the socket (a
 * DatagramPort), the one timer, DNS (an injected resolver), the bus, the bye
 * linger in real time.
 *
 * One pump per event: a batch of datagrams, a bus request or the timer goes
 * into the endpoint, then pump() carries out every action it returned, in
 * order — datagrams to the port, facts to the bus, forwarded by name (so an
 * event the rotation adds flows through untouched) — settles flush() waiters
 * and re-arms the timer. User messages are the one exception: the messages
 * submitted in one event (the lines of one stdin chunk, the sends a batch of
 * acks lets out) share one pump, in a microtask at its end, so the endpoint
 * is polled and the timer re-armed once for all of them, not per message.
 *
 * Bus requests in: send, rotate, set-peer, set-nick; from the transfer
 * service xfer:send-control and bulk:open-send / write / open-recv /
 * consumed / close (a misuse — a bad stream id, a stream opened twice —
 * becomes one `error` fact, as any internal error). Facts out: message:*,
 * peer:*, link:stats, key:*, xfer:control, xfer:control-failed, bulk:data,
 * bulk:acked, error. Raw wire: `message:delivered` is never emitted (the raw
 * format has no acks); one `info` at start says so.
 */

export type { TransportOptions };

const BULK_REQUESTS: readonly BulkRequestName[] = ['bulk:open-send', 'bulk:write', 'bulk:open-recv', 'bulk:consumed', 'bulk:close'];

export class Transport {
  readonly sessionId: string;
  private readonly bus: Bus;
  private readonly port: DatagramPort;
  private readonly clock: Clock;
  private readonly endpoint = new Endpoint();
  private readonly conn: Connection;
  private readonly queue: RecvQueue;
  private readonly resolve: (peer: Address) => Promise<Address>;
  private readonly autoTick: boolean;
  private readonly byeLingerMs: number;
  private readonly unsubscribe: Array<() => void> = [];
  private unsubscribePort: Array<() => void> = [];
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** When `timer` fires, on the clock. */
  private timerAt = 0;
  private started = false;
  private closing: Promise<void> | null = null;
  /** Set first thing in close(), before anything it triggers looks at it. */
  private closed = false;
  private readonly flushWaiters = new Set<() => void>();
  /** A message was submitted since the last pump: a microtask will pump. */
  private pumpDue = false;

  constructor(opts: TransportOptions) {
    if (opts.wire !== 'reliable' && opts.wire !== 'raw') throw new TypeError(`Transport: wire must be 'reliable' or 'raw', got ${String(opts.wire)}`);
    this.bus = opts.bus;
    this.port = opts.port;
    this.clock = opts.clock ?? systemClock;
    this.resolve = opts.resolve ?? resolvePeer;
    this.autoTick = opts.autoTick ?? true;
    this.byeLingerMs = opts.byeLingerMs ?? BYE_LINGER_MS;
    this.conn = this.endpoint.connect({
      key: opts.key,
      pendingKey: opts.pendingKey ?? null,
      nick: opts.nick,
      wire: opts.wire,
      peer: opts.peer,
      now: this.clock.now(),
      ...(opts.clockSkewS === undefined ? {} : { clockSkewS: opts.clockSkewS }),
      ...(opts.tokenTtlS === undefined ? {} : { tokenTtlS: opts.tokenTtlS }),
      ...(opts.maxBulkDatagramBytes === undefined ? {} : { maxBulkDatagramBytes: opts.maxBulkDatagramBytes }),
      ...(opts.congestionControl === undefined ? {} : { congestionControl: opts.congestionControl }),
    });
    this.sessionId = this.conn.sessionId;
    this.queue = new RecvQueue(this.onQueued, this.pump);
  }

  /** Subscribe to the port and the bus, announce the configured peer, start probing it. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const { bus, port } = this;
    this.unsubscribePort = [port.onDatagram(this.onDatagram), port.onError((err) => this.warnOnce(`port:${err.message}`, `network: ${err.message}`))];
    this.unsubscribe.push(
      bus.on('send', ({ id, text, kind }) => this.submit(id, text, kind ?? 'message')),
      bus.on('rotate', () => this.act(() => this.conn.rotate(this.clock.now()))),
      bus.on('set-peer', (a) => {
        // A name is resolved once, here (see address/resolve.ts); anything else is checked by the connection.
        if (a.host === '' || isIP(a.host) !== 0) return this.act(() => this.conn.setPeer(a, this.clock.now()));
        this.resolve(a).then(
          (ip) => void (this.closed || this.act(() => this.conn.setPeer(ip, this.clock.now()))),
          (err: unknown) => bus.emit('error', { severity: 'warning', message: `${errorMessage(err)}; the peer is unchanged` }),
        );
      }),
      bus.on('set-nick', ({ nick }) => this.conn.setNick(nick)),
      // The transfer service's requests (bulk-path.ts): pumped with the others of this event, as messages are.
      bus.on('xfer:send-control', ({ id, body }) => this.later(() => this.conn.sendControl(id, body, this.clock.now()))),
      ...BULK_REQUESTS.map((name) => bus.on(name, (r) => this.later(() => this.conn.bulk(name, r, this.clock.now())))),
    );
    this.act(() => this.conn.start(this.clock.now()));
  }

  /** Everything due now: retransmits, delayed acks, keepalives, offline detection, rotation, key expiry, stats. */
  tick(): void {
    if (this.closed) return;
    this.act(() => this.endpoint.tick(this.clock.now()));
  }

  /** Absolute ms of the earliest thing tick() must do, or null. */
  nextDeadline(): number | null {
    return this.closed ? null : this.endpoint.nextDeadline();
  }

  stats(): LinkStats {
    return this.conn.stats();
  }

  dropCounts(): Record<DropReason, number> {
    const mine = this.conn.dropCounts();
    const orphans = this.endpoint.orphanDrops();
    for (const r of DROP_REASONS) mine[r] += orphans[r];
    return mine;
  }

  fingerprint(): string {
    return this.conn.fingerprint();
  }

  peerAddress(): Address | null {
    return this.conn.peerAddress;
  }

  /** Bulk streams: path MTU, flight, open streams (diagnostics, tests). */
  bulkState(): Connection['bulkState'] {
    return this.conn.bulkState;
  }

  /** User messages not yet acknowledged (always 0 on the raw wire). */
  pendingCount(): number {
    return this.conn.pendingCount;
  }

  /** True once every message sent so far is acknowledged; false at the timeout or on close. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.pendingCount() === 0) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timeout);
        this.flushWaiters.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (this.closed) done(false);
        else if (this.pendingCount() === 0) done(true);
      };
      const timeout = setTimeout(() => done(false), Math.max(0, timeoutMs));
      this.flushWaiters.add(check);
    });
  }

  /**
   * Say bye (it carries our last acks, so the peer's final messages count as
   * delivered), and while the peer is online wait up to byeLingerMs for its
   * answer, resending each RTO; then everything stops and undelivered
   * messages become message:failed. Idempotent.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Messages submitted in this very event go out before the bye, as they would have a microtask later.
    if (this.pumpDue) this.pump();
    this.guard(() => this.conn.close(this.clock.now()));
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const check of [...this.flushWaiters]) check();
    if (this.started && this.conn.peerSession !== null) await this.sayBye();
    for (const off of this.unsubscribePort.splice(0)) off();
    this.queue.close();
    // dgram resolves the destination before it sends, a tick later: closing now would swallow the bye (and a raw message just sent).
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.guard(() => this.conn.failUndelivered());
    this.pump();
    await this.port.close();
  }

  private async sayBye(): Promise<void> {
    const linger = byeLinger(this.conn.linkState, this.byeLingerMs);
    const end = Date.now() + linger;
    this.act(() => this.conn.bye(this.clock.now()));
    while (!this.conn.byeAnswered && Date.now() < end) {
      // At least BYE_ATTEMPTS_MIN copies within the linger, however slow the RTO: the bye is tiny and carries the last acks.
      const wait = Math.max(1, Math.min(this.conn.rtoMs, linger / BYE_ATTEMPTS_MIN, end - Date.now()));
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
      if (!this.conn.byeAnswered && Date.now() < end) this.act(() => this.conn.bye(this.clock.now()));
    }
  }

  // ------------------------------------------------------------ inputs

  /** Datagrams wait in the flood guard and are handled in batches; one pump per batch. */
  private readonly onDatagram = (data: Buffer, from: Address): void => {
    if (this.queue.isClosed) return;
    // An oversized datagram never takes a place in the flood guard.
    if (data.length > MAX_ACCEPTED_DATAGRAM_BYTES) return this.endpoint.drop('oversized', from, this.clock.now());
    if (!this.queue.push(data, from)) this.endpoint.drop('flood', from, this.clock.now());
  };

  private readonly onQueued = (data: Buffer, from: Address): void => {
    this.guard(() => this.endpoint.receive(data, from, this.clock.now()));
  };

  /**
   * A user message. Queued on the reliable wire: pumped with the others of
   * this event (one microtask). Refused at once (queue full, too long) or
   * sent raw: pumped now, so its fact comes before send returns, as ever.
   */
  private submit(id: string, text: string, kind: MessageKind): void {
    const before = this.conn.pendingCount;
    try {
      this.conn.send(id, text, this.clock.now(), kind);
    } catch (err) {
      this.internalError(err);
    }
    if (this.conn.pendingCount === before) return this.pump();
    if (this.pumpDue) return;
    this.pumpDue = true;
    queueMicrotask(this.pumpSubmitted);
  }

  /** A transfer service request: run now, pumped in this event's one microtask (a file is written in many bulk:write calls). */
  private later(fn: () => void): void {
    this.guard(fn);
    if (this.pumpDue) return;
    this.pumpDue = true;
    queueMicrotask(this.pumpSubmitted);
  }

  private readonly pumpSubmitted = (): void => {
    // Another pump since (a datagram batch, the timer, close) has carried them out already.
    if (this.pumpDue) this.pump();
  };

  /** An input: run it, then pump. */
  private act(fn: () => void): void {
    this.guard(fn);
    this.pump();
  }

  // ------------------------------------------------------------ output

  /** Carry out what the endpoint asks, in order; settle flushes; re-arm the timer. */
  private readonly pump = (): void => {
    this.pumpDue = false;
    let batches;
    try {
      batches = this.endpoint.poll();
    } catch (err) {
      return this.internalError(err);
    }
    for (const { actions } of batches) {
      for (const a of actions) {
        if (a.kind === 'transmit') this.port.send(a.datagram, a.to);
        else this.bus.emit(a.event, a.payload as never);
      }
    }
    if (this.closed) return;
    if (this.flushWaiters.size > 0) for (const check of [...this.flushWaiters]) check();
    // A message submitted while the actions ran (an echo, a send a receipt let out) is pumped in a
    // microtask, which arms the timer: arming now would see deadlines that pump is about to clear.
    if (!this.pumpDue) this.arm();
  };

  /**
   * Keep one timer for the earliest deadline. Activity comes once per message
   * while the deadlines mostly move later (each frame sent postpones the ack,
   * each ack the retransmissions): an armed timer that fires no later than
   * needed is kept, and when it fires early tick() finds nothing due and
   * re-arms. Only an earlier deadline replaces it.
   */
  private arm(): void {
    if (!this.autoTick || this.closed || !this.started) return;
    const at = this.endpoint.nextDeadline();
    if (at === null) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    const now = this.clock.now();
    // At least 1 ms, so a deadline that tick() failed to clear cannot spin the loop.
    const fireAt = Math.max(now + 1, at);
    if (this.timer !== null) {
      if (this.timerAt <= fireAt) return;
      clearTimeout(this.timer);
    }
    this.timerAt = fireAt;
    this.timer = setTimeout(this.expired, fireAt - now);
  }

  private readonly expired = (): void => {
    this.timer = null;
    this.tick();
  };

  /** Run `fn`; a bug in it becomes one `error` fact instead of an exception in a socket or bus callback. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.internalError(err);
    }
  }

  private internalError(err: unknown): void {
    this.bus.emit('error', { severity: 'warning', message: `internal error: ${errorMessage(err)}` });
  }

  /** Tell the user something about the socket once (repeating it per datagram would flood the screen). */
  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.bus.emit('error', { severity: 'info', message });
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
