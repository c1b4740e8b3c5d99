import { isIP } from 'node:net';
import { errorMessage, type LinkStats } from '../bus.js';
import { systemClock } from '../clock.js';
import { ACK_EVERY_DATA_FRAMES, BYE_ATTEMPTS_MIN, BYE_LINGER_MS } from '../constants.js';
import type { DropReason } from './errors.js';
import { Link } from './link.js';
import type { TransportOptions } from './transport-options.js';
import type { Address } from '../address/address.js';
import { Inbound } from './receive.js';
import { resolvePeer } from '../address/resolve.js';
import { RotationDriver } from './rotation-driver.js';
import { Outbound } from './send.js';
import { Timers } from './timers.js';

/**
 * The transport: reliable, encrypted chat over one DatagramPort. This file
 * only wires the parts together and talks to the bus:
 *
 *   link.ts      shared state (peer, sessions, windows, counters)
 *   send.ts      the send path (flow comment there)
 *   receive.ts   the receive path (flow comment there)
 *   timers.ts    every timer policy; tick() / nextDeadline()
 *   rotation-driver.ts  runs the key rotation machine (rotation.ts)
 *
 * Bus requests in: send, rotate, set-peer, set-nick. Facts out: message:*,
 * peer:*, link:stats, key:*, error. Raw wire: `message:delivered` is never
 * emitted (the raw format has no acks); one `info` at start says so.
 */

export type { TransportOptions };

export class Transport {
  readonly sessionId: string;
  private readonly link: Link;
  private readonly out: Outbound;
  private readonly inbound: Inbound;
  private readonly timers: Timers;
  private readonly rotation: RotationDriver;
  private readonly autoTick: boolean;
  private readonly byeLingerMs: number;
  private readonly unsubscribe: Array<() => void> = [];
  private unsubscribePort: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  /** When `timer` fires, on the link's clock. */
  private timerAt = 0;
  private started = false;
  private closing: Promise<void> | null = null;
  /** Set first thing in close(), before anything it triggers looks at it. */
  private closed = false;
  private readonly flushWaiters = new Set<() => void>();

  constructor(opts: TransportOptions) {
    if (opts.wire !== 'reliable' && opts.wire !== 'raw') throw new TypeError(`Transport: wire must be 'reliable' or 'raw', got ${String(opts.wire)}`);
    const clock = opts.clock ?? systemClock;
    this.link = new Link({ ...opts, clock });
    this.sessionId = this.link.sessionId;
    this.autoTick = opts.autoTick ?? true;
    this.byeLingerMs = opts.byeLingerMs ?? BYE_LINGER_MS;
    this.out = new Outbound(this.link);
    const rotation = new RotationDriver(this.link, this.out);
    this.rotation = rotation;
    this.inbound = new Inbound(this.link, this.out, {
      authenticated: (slot) => rotation.authenticated(slot),
      rotationFrame: (type, payload, slot, packet) => rotation.frame(type, payload, slot, packet),
      peerRestarted: () => rotation.peerRestarted(),
      afterBatch: () => this.afterActivity(),
    });
    this.timers = new Timers(this.link, this.out, {
      rotationDeadline: () => rotation.nextDeadline(),
      rotationTick: () => rotation.tick(),
    });
  }

  /** Subscribe to the port and the bus, announce the configured peer, start probing it. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const { link, bus } = { link: this.link, bus: this.link.bus };
    this.unsubscribePort = [
      link.port.onDatagram(this.inbound.onDatagram),
      link.port.onError((err) => link.warnOnce(`port:${err.message}`, 'info', `network: ${err.message}`)),
    ];
    this.unsubscribe.push(
      bus.on('send', ({ id, text }) => this.submit(id, text)),
      bus.on('rotate', () => this.act(() => this.rotation.start())),
      bus.on('set-peer', (a) => {
        // A name is resolved once, here (see resolve.ts); anything else is checked by setPeer.
        if (a.host === '' || isIP(a.host) !== 0) return this.act(() => this.setPeer(a));
        resolvePeer(a).then(
          (ip) => void (this.closed || this.act(() => this.setPeer(ip))),
          (err: unknown) => bus.emit('error', { severity: 'warning', message: `${errorMessage(err)}; the peer is unchanged` }),
        );
      }),
      bus.on('set-nick', ({ nick }) => {
        link.nick = nick;
      }),
    );
    if (link.peer !== null) link.setPeer(link.peer, 'configured', null);
    bus.emit('peer:state', { state: link.state });
    if (link.wire === 'raw') {
      bus.emit('error', { severity: 'info', message: 'raw wire: messages go out once, unacknowledged and unordered; no delivery receipts, no key rotation' });
    }
    this.timers.start();
    this.tick();
  }

  /** Everything due now: retransmits, delayed acks, keepalives, offline detection, rotation, key expiry, stats. */
  tick(): void {
    if (this.closed) return;
    this.guard(() => this.timers.tick());
    this.afterActivity();
  }

  /** Absolute ms of the earliest thing tick() must do, or null. */
  nextDeadline(): number | null {
    return this.closed ? null : this.timers.nextDeadline();
  }

  stats(): LinkStats {
    return this.timers.snapshot();
  }

  dropCounts(): Record<DropReason, number> {
    return this.link.counters.dropCounts();
  }

  fingerprint(): string {
    return this.link.keyring.fingerprint();
  }

  peerAddress(): Address | null {
    return this.link.peer === null ? null : { ...this.link.peer };
  }

  /** User messages not yet acknowledged (always 0 on the raw wire). */
  pendingCount(): number {
    return this.link.sendWindow.pendingMessages;
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
    const { link } = this;
    link.closing = true;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const check of [...this.flushWaiters]) check();
    if (this.started && link.peerSessions.id !== null) await this.sayBye();
    for (const off of this.unsubscribePort.splice(0)) off();
    this.inbound.close();
    // dgram resolves the destination before it sends, a tick later: closing now would swallow the bye (and a raw message just sent).
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const m of link.sendWindow.takeAll()) {
      link.bus.emit('message:failed', { id: m.id, text: m.text, reason: 'not delivered: the chat closed before the peer acknowledged it' });
    }
    await link.port.close();
  }

  private async sayBye(): Promise<void> {
    const linger = this.link.state === 'online' ? this.byeLingerMs : 0;
    const end = Date.now() + linger;
    this.guard(() => this.out.sendControl('bye'));
    while (!this.link.byeAnswered && Date.now() < end) {
      // At least BYE_ATTEMPTS_MIN copies within the linger, however slow the RTO: the bye is tiny and carries the last acks.
      const wait = Math.max(1, Math.min(this.link.rto.rto, linger / BYE_ATTEMPTS_MIN, end - Date.now()));
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
      if (!this.link.byeAnswered && Date.now() < end) this.guard(() => this.out.sendControl('bye'));
    }
  }

  private setPeer(a: { host: string; port: number }): void {
    if (!(typeof a.host === 'string' && a.host !== '' && Number.isInteger(a.port) && a.port > 0 && a.port < 65536)) {
      throw new TypeError(`set-peer: bad address ${a.host}:${a.port}`);
    }
    this.link.setPeer(a, 'configured');
    // Whoever answers there may be another process: let its session in even if its clock is behind.
    this.link.peerSessions.unpin();
    this.timers.probeNow();
  }

  /** After anything happened: answer a peer that does not know us, send what may go, settle flushes, re-arm the timer. */
  private afterActivity(): void {
    if (this.closed) return;
    const { link } = this;
    if (link.helloDue) {
      link.helloDue = false;
      this.out.sendControl('hello');
    }
    try {
      this.out.pump();
    } catch (err) {
      this.internalError(err);
    }
    // Data frames piled up in this batch and no data frame of ours carried their ack: ack now, not after ACK_DELAY_MS.
    if (link.unackedData >= ACK_EVERY_DATA_FRAMES) this.out.sendControl('ack');
    if (this.flushWaiters.size > 0) for (const check of [...this.flushWaiters]) check();
    this.arm();
  }

  /**
   * Keep one timer for the earliest deadline. Activity comes once per message
   * while the deadlines mostly move later (each frame sent postpones the ack,
   * each ack the retransmissions): an armed timer that fires no later than
   * needed is kept, and when it fires early tick() finds nothing due and
   * re-arms. Only an earlier deadline replaces it.
   */
  private arm(): void {
    if (!this.autoTick || this.closed || !this.started) return;
    const at = this.timers.nextDeadline();
    if (at === null) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    const now = this.link.now();
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

  /** A user message: act() without a closure per message, as a streaming sender sends thousands a second. */
  private submit(id: string, text: string): void {
    try {
      this.out.submit(id, text);
    } catch (err) {
      this.internalError(err);
    }
    this.afterActivity();
  }

  /** A bus request: run it, then send what it made sendable and re-arm the timer. */
  private act(fn: () => void): void {
    this.guard(fn);
    this.afterActivity();
  }

  /** Run `fn`; a bug in it becomes one `error` fact instead of an exception in a socket or bus callback. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.internalError(err);
    }
  }

  private internalError(err: unknown): void {
    this.link.bus.emit('error', { severity: 'warning', message: `internal error: ${errorMessage(err)}` });
  }
}
