import { REORDER_HOLD_MAX_MS } from '../constants.js';
import { errorMessage } from '../bus.js';
import { formatAddress, normalizeHost, type Address } from '../address/address.js';
import type { DatagramPort } from './port.js';
import { PortHandlers } from './port-handlers.js';
import { Prng, checkConditions, decideFate, type LinkConditions } from './impairment.js';
import { BindError } from './udp.js';

export type { LinkConditions } from './impairment.js';

/**
 * An in-process network for tests and the bench (STYLE.md item 11): ports are
 * addresses in a Map, a send is a queued delivery, and every impairment —
 * loss, duplication, reordering, delay, jitter — is drawn from one seeded
 * Prng, so a run replays exactly from its seed.
 *
 * Two modes:
 * - timer (default): each datagram is delivered on its own timer
 *   (setImmediate when the delay is 0, else setTimeout). The timers are ref'd,
 *   as a real socket would be; close() clears them.
 * - manual: nothing moves until step() / flush(); delays are ignored (only
 *   the order matters), so tests with a ManualClock stay deterministic.
 *
 * Reordering holds a datagram back on its link (from → to) and releases it
 * right after the next datagram on that link, or after REORDER_HOLD_MAX_MS
 * (timer mode) / when the queue runs dry (manual mode).
 *
 * Addresses match by exact host string (IPv4-mapped IPv6 equals its IPv4
 * form, case ignored) and port; a port bound to 0.0.0.0 or :: also receives
 * what is sent to any host at its port number. Nothing is resolved.
 */

interface Pending {
  from: Address;
  to: Address;
  data: Buffer;
  delayMs: number;
}

const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 16384;
const FLUSH_DEFAULT_MAX_STEPS = 100_000;

export class MemoryNetwork {
  readonly stats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, reordered: 0, injected: 0 };
  private readonly prng: Prng;
  private readonly manual: boolean;
  private conditions: LinkConditions;
  private readonly ports = new Map<string, MemoryPort>();
  private readonly queue: Pending[] = [];
  private readonly held = new Map<string, { p: Pending; timer: NodeJS.Timeout | null }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly immediates = new Set<NodeJS.Immediate>();
  private readonly captures = new Set<(from: Address, to: Address, data: Buffer) => void>();
  private nextEphemeral = 0;

  constructor(opts: { seed?: number; conditions?: LinkConditions; manual?: boolean } = {}) {
    this.prng = new Prng(opts.seed ?? 1);
    this.manual = opts.manual ?? false;
    this.conditions = checkConditions(opts.conditions ?? {});
  }

  /** Bind an address (port 0 picks a free one); BindError if it is taken. */
  port(host: string, port: number): DatagramPort {
    checkAddress({ host, port });
    let n = port;
    for (let i = 0; n === 0 && i < EPHEMERAL_COUNT; i++) {
      const candidate = EPHEMERAL_FIRST + ((this.nextEphemeral + i) % EPHEMERAL_COUNT);
      if (!this.ports.has(addressKey({ host, port: candidate }))) {
        n = candidate;
        this.nextEphemeral = (this.nextEphemeral + i + 1) % EPHEMERAL_COUNT;
      }
    }
    const local = { host, port: n };
    if (n === 0 || this.ports.has(addressKey(local))) {
      throw new BindError(`cannot listen on ${formatAddress(local)}: address already in use (EADDRINUSE)`, 'EADDRINUSE');
    }
    const p = new MemoryPort(local, this);
    this.ports.set(addressKey(local), p);
    return p;
  }

  setConditions(c: LinkConditions): void {
    this.conditions = checkConditions(c);
  }

  /** Manual mode: deliver the next queued datagram (a held one when nothing else waits). False when nothing is left. */
  step(): boolean {
    if (this.queue.length === 0) {
      const first = this.held.keys().next();
      if (first.done === true) return false;
      this.release(first.value);
    }
    const p = this.queue.shift();
    if (p === undefined) return false;
    this.deliver(p);
    return true;
  }

  /** Manual mode: step until quiet or maxSteps; returns how many were delivered or dropped. */
  flush(maxSteps: number = FLUSH_DEFAULT_MAX_STEPS): number {
    let n = 0;
    while (n < maxSteps && this.step()) n++;
    return n;
  }

  /** Datagrams queued, held or on a timer. */
  get inFlight(): number {
    return this.queue.length + this.held.size + this.timers.size + this.immediates.size;
  }

  /** As if `from` sent it: bypasses the link conditions and capture, queued like any datagram. */
  inject(from: Address, to: Address, data: Buffer): void {
    checkAddress(from);
    checkAddress(to);
    this.stats.injected++;
    this.enqueue({ from: { ...from }, to: { ...to }, data: Buffer.from(data), delayMs: 0 });
  }

  /** Observe every datagram sent through a port (lost ones too), before the link acts on it. */
  capture(handler: (from: Address, to: Address, data: Buffer) => void): () => void {
    this.captures.add(handler);
    return () => {
      this.captures.delete(handler);
    };
  }

  /** Drop everything in flight and clear every timer; ports stay bound. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const i of this.immediates) clearImmediate(i);
    this.timers.clear();
    this.immediates.clear();
    for (const h of this.held.values()) if (h.timer) clearTimeout(h.timer);
    this.held.clear();
    this.queue.length = 0;
  }

  // Send path: 1. capture  2. draw the fate  3. queue the copies (first held
  // back when reordering)  4. release what the link held before this one.
  /** @internal called by MemoryPort.send */
  transmit(from: Address, to: Address, data: Buffer): void {
    for (const h of [...this.captures]) h({ ...from }, { ...to }, Buffer.from(data));
    this.stats.sent++;
    const mtu = this.conditions.mtuBytes;
    const fate = mtu !== undefined && data.length > mtu ? { copies: 0, holdBack: false, delaysMs: [] } : decideFate(this.prng, this.conditions);
    const link = `${addressKey(from)}>${addressKey(to)}`;
    // One datagram held per link: while one waits, the next passes it.
    const previouslyHeld = this.held.has(link);
    if (fate.copies === 0) this.stats.dropped++;
    if (fate.copies === 2) this.stats.duplicated++;
    fate.delaysMs.forEach((delayMs, i) => {
      const p = { from: { ...from }, to: { ...to }, data: Buffer.from(data), delayMs };
      if (i === 0 && fate.holdBack && !previouslyHeld) this.hold(link, p);
      else this.enqueue(p);
    });
    if (previouslyHeld) this.release(link);
  }

  /** @internal */
  unbind(local: Address): void {
    this.ports.delete(addressKey(local));
  }

  private hold(link: string, p: Pending): void {
    this.stats.reordered++;
    let timer: NodeJS.Timeout | null = null;
    if (!this.manual) timer = setTimeout(() => this.release(link), REORDER_HOLD_MAX_MS);
    this.held.set(link, { p, timer });
  }

  private release(link: string): void {
    const h = this.held.get(link);
    if (!h) return;
    this.held.delete(link);
    if (h.timer) clearTimeout(h.timer);
    this.enqueue(h.p);
  }

  private enqueue(p: Pending): void {
    if (this.manual) {
      this.queue.push(p);
      return;
    }
    if (p.delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.deliver(p);
      }, p.delayMs);
      this.timers.add(t);
    } else {
      const i = setImmediate(() => {
        this.immediates.delete(i);
        this.deliver(p);
      });
      this.immediates.add(i);
    }
  }

  private deliver(p: Pending): void {
    const target =
      this.ports.get(addressKey(p.to)) ??
      this.ports.get(addressKey({ host: '0.0.0.0', port: p.to.port })) ??
      this.ports.get(addressKey({ host: '::', port: p.to.port }));
    if (!target) {
      this.stats.dropped++; // nobody listening: UDP says nothing
      return;
    }
    this.stats.delivered++;
    target.receive(p.data, p.from);
  }
}

class MemoryPort implements DatagramPort {
  private readonly handlers = new PortHandlers('surface');
  private closed = false;

  constructor(
    private readonly local: Address,
    private readonly net: MemoryNetwork,
  ) {}

  send(data: Buffer, to: Address): void {
    if (this.closed) return this.reportError(new Error(`cannot send to ${formatAddress(to)}: the socket is closed`));
    try {
      checkAddress(to);
    } catch (err) {
      return this.reportError(new Error(`send to ${formatAddress(to)} failed: ${errorMessage(err)}`));
    }
    this.net.transmit(this.local, to, data);
  }

  onDatagram(handler: (data: Buffer, from: Address) => void): () => void {
    return this.handlers.onDatagram(handler);
  }

  onError(handler: (err: Error) => void): () => void {
    return this.handlers.onError(handler);
  }

  address(): Address {
    return { ...this.local };
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.net.unbind(this.local);
    }
    return Promise.resolve();
  }

  receive(data: Buffer, from: Address): void {
    this.handlers.deliver(data, from);
  }

  private reportError(err: Error): void {
    this.handlers.reportError(err);
  }
}

function checkAddress(a: Address): void {
  if (typeof a?.host !== 'string' || a.host === '') throw new TypeError('address host must be a non-empty string');
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new TypeError(`address port must be an integer 0..65535, got ${a.port}`);
}

function addressKey(a: Address): string {
  return `${normalizeHost(a.host)}|${a.port}`;
}
