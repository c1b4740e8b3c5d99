import { isIP } from 'node:net';
import type { Address } from '../address/address.js';
import { errorMessage, type Bus, type LinkStats, type MessageKind } from '../bus.js';
import type { Clock } from '../clock.js';
import type { BulkRequestName } from './bulk-path.js';
import type { Connection } from './connection.js';
import type { DropReason } from './errors.js';

const BULK_REQUESTS: readonly BulkRequestName[] = ['bulk:open-send', 'bulk:write', 'bulk:open-recv', 'bulk:consumed', 'bulk:close'];

/** What a member asks of its mesh (mesh.ts): the clock, the pump, the resolver. */
export interface MemberHost {
  readonly clock: Clock;
  /** The mesh is closing or closed. */
  isClosed(): boolean;
  resolve(peer: Address): Promise<Address>;
  /** Run `fn`; a bug in it becomes one `error` fact on `bus`. */
  guard(fn: () => void, bus: Bus): void;
  /** Carry out what the endpoint asks, now. */
  pump(): void;
  /** Pump once in a microtask at the end of this event (many requests, one pump). */
  pumpSoon(): void;
}

/**
 * A member's life, as a union and one transition function:
 *
 *   live ──end (the mesh closes)──→ ended ──remove──→ removing
 *     └───────────remove (Mesh.remove: bye, linger)──→ removing
 *
 * Anything but live takes nothing new from the bus. `removing` holds the
 * removal under way (its bye and linger), so a second remove() gets the same
 * promise; an end() during it changes nothing.
 */
export type MemberLife = { kind: 'live' } | { kind: 'ended' } | { kind: 'removing'; done: Promise<void> };

export type LifeEvent = { kind: 'end' } | { kind: 'remove'; done: Promise<void> };

export function nextLife(s: MemberLife, e: LifeEvent): MemberLife {
  if (s.kind === 'removing') return s;
  return e.kind === 'end' ? { kind: 'ended' } : { kind: 'removing', done: e.done };
}

/**
 * One member of a mesh: a Connection and the Bus it talks to. Requests on
 * the bus (send, rotate, set-peer, set-nick; from the transfer service
 * xfer:send-control and bulk:*) go to this connection; its facts come back
 * to this bus (the mesh's pump routes them). The getters are what the 1:1
 * Transport exposes. Made by Mesh.add() or by the mesh's accept policy;
 * ended by Mesh.remove() or Mesh.close().
 */
export class MeshMember {
  readonly sessionId: string;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly flushWaiters = new Set<() => void>();
  private life: MemberLife = { kind: 'live' };

  constructor(
    /** @internal the mesh routes by it; nothing else may touch it. */
    readonly connection: Connection,
    readonly bus: Bus,
    private readonly host: MemberHost,
  ) {
    this.sessionId = connection.sessionId;
  }

  /** Removed, or the mesh closed: nothing new is taken from the bus. */
  get closed(): boolean {
    return this.life.kind !== 'live' || this.host.isClosed();
  }

  /** Mesh.remove()'s bye and linger, while under way (then the member is gone); else null. */
  get removing(): Promise<void> | null {
    return this.life.kind === 'removing' ? this.life.done : null;
  }

  /** @internal Mesh.remove(): `done` is the removal under way. */
  removal(done: Promise<void>): void {
    this.life = nextLife(this.life, { kind: 'remove', done });
  }

  stats(): LinkStats {
    return this.connection.stats();
  }

  dropCounts(): Record<DropReason, number> {
    return this.connection.dropCounts();
  }

  fingerprint(): string {
    return this.connection.fingerprint();
  }

  peerAddress(): Address | null {
    return this.connection.peerAddress;
  }

  /** Bulk streams: path MTU, flight, open streams (diagnostics, tests). */
  bulkState(): Connection['bulkState'] {
    return this.connection.bulkState;
  }

  /** User messages not yet acknowledged (always 0 on the raw wire). */
  pendingCount(): number {
    return this.connection.pendingCount;
  }

  /** A room rotation (connection.ts setNextKey, dropNextKey, switchKey): its facts go out with the pump. */
  setNextKey(key: Buffer): void {
    this.act(() => this.connection.setNextKey(key, this.host.clock.now()));
  }

  dropNextKey(key: Buffer): void {
    this.act(() => this.connection.dropNextKey(key, this.host.clock.now()));
  }

  switchKey(key: Buffer): void {
    this.act(() => this.connection.switchKey(key, this.host.clock.now()));
  }

  /** True once every message sent so far is acknowledged; false at the timeout, on removal or on close. */
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

  /** @internal After each pump (and on the end): settle flush() waiters. */
  settle(): void {
    if (this.flushWaiters.size > 0) for (const check of [...this.flushWaiters]) check();
  }

  /** @internal Take requests from the bus. */
  subscribe(): void {
    const { bus, connection: conn, host } = this;
    const now = (): number => host.clock.now();
    this.unsubscribe.push(
      bus.on('send', ({ id, text, kind }) => this.submit(id, text, kind ?? 'message')),
      bus.on('rotate', () => this.act(() => conn.rotate(now()))),
      bus.on('set-peer', (a) => {
        // A name is resolved once, here (see address/resolve.ts); anything else is checked by the connection.
        if (a.host === '' || isIP(a.host) !== 0) return this.act(() => conn.setPeer(a, now()));
        host.resolve(a).then(
          (ip) => void (this.closed || this.act(() => conn.setPeer(ip, now()))),
          (err: unknown) => bus.emit('error', { severity: 'warning', message: `${errorMessage(err)}; the peer is unchanged` }),
        );
      }),
      bus.on('set-nick', ({ nick }) => conn.setNick(nick)),
      // The transfer service's requests (bulk-path.ts): pumped with the others of this event, as messages are.
      bus.on('xfer:send-control', ({ id, body }) => this.later(() => conn.sendControl(id, body, now()))),
      ...BULK_REQUESTS.map((name) => bus.on(name, (r) => this.later(() => conn.bulk(name, r, now())))),
    );
  }

  /** @internal The member ends (removed, or the mesh closes): the connection starts closing, the bus is let go, flushes settle. */
  end(): void {
    if (this.life.kind !== 'live') return;
    this.life = nextLife(this.life, { kind: 'end' });
    this.host.guard(() => this.connection.close(this.host.clock.now()), this.bus);
    for (const off of this.unsubscribe.splice(0)) off();
    this.settle();
  }

  /**
   * A user message. Queued on the reliable wire: pumped with the others of
   * this event (one microtask). Refused at once (queue full, too long) or
   * sent raw: pumped now, so its fact comes before send returns, as ever.
   */
  private submit(id: string, text: string, kind: MessageKind): void {
    const before = this.connection.pendingCount;
    this.host.guard(() => this.connection.send(id, text, this.host.clock.now(), kind), this.bus);
    if (this.connection.pendingCount === before) return this.host.pump();
    this.host.pumpSoon();
  }

  /** A transfer service request: run now, pumped in this event's one microtask (a file is written in many bulk:write calls). */
  private later(fn: () => void): void {
    this.host.guard(fn, this.bus);
    this.host.pumpSoon();
  }

  private act(fn: () => void): void {
    this.host.guard(fn, this.bus);
    this.host.pump();
  }
}
