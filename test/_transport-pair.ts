/**
 * Test helpers for the transport: two (or more) Transports on one
 * MemoryNetwork in manual mode, driven by one ManualClock, with every bus
 * event recorded. Deterministic: datagrams move only in settle(), time only
 * in advance(), and each loop is bounded.
 */
import { randomBytes } from 'node:crypto';
import { Bus, type BusEventName, type BusEvents } from '../src/bus.js';
import { ManualClock } from '../src/clock.js';
import type { WireMode } from '../src/bus.js';
import { MemoryNetwork, type LinkConditions } from '../src/net/memory.js';
import type { Address } from '../src/address/address.js';
import type { DatagramPort } from '../src/net/port.js';
import { Transport } from '../src/net/transport.js';
import { testChatOptions } from '../src/testing/chat-options.js';

export type Recorded = { [K in BusEventName]: Array<BusEvents[K]> };

const EVENTS: BusEventName[] = [
  'message:received',
  'message:sent',
  'message:delivered',
  'message:failed',
  'peer:address',
  'peer:state',
  'peer:restarted',
  'peer:nick',
  'link:stats',
  'key:rotation-pending',
  'key:rotated',
  'key:rotation-failed',
  'error',
];

export interface Peer {
  name: string;
  addr: Address;
  bus: Bus;
  port: DatagramPort;
  transport: Transport;
  events: Recorded;
  /** Texts received, in order. */
  texts(): string[];
  send(text: string, id?: string): string;
}

let ids = 0;

export function record(bus: Bus): Recorded {
  const events = {} as Recorded;
  for (const name of EVENTS) {
    const list: unknown[] = [];
    (events as Record<string, unknown[]>)[name] = list;
    bus.on(name, (e: unknown) => void list.push(e));
  }
  return events;
}

/** A shell settle() and advance() drive besides the peers' transports: a Mesh (test/integration/mesh.test.ts). */
export interface Driven {
  tick(): void;
  nextDeadline(): number | null;
}

export class Lab {
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly net: MemoryNetwork;
  readonly key = randomBytes(32);
  readonly peers: Peer[] = [];
  private readonly driven = new Set<Driven>();

  constructor(opts: { seed?: number; conditions?: LinkConditions } = {}) {
    this.net = new MemoryNetwork({ seed: opts.seed ?? 7, manual: true, ...(opts.conditions ? { conditions: opts.conditions } : {}) });
  }

  /** A transport bound at `addr`, started unless told otherwise. */
  peer(
    name: string,
    addr: Address,
    peer: Address | null,
    o: { wire?: WireMode; key?: Buffer; start?: boolean; port?: DatagramPort; resolve?: (a: Address) => Promise<Address> } = {},
  ): Peer {
    const bus = new Bus();
    const events = record(bus);
    const port = o.port ?? this.net.port(addr.host, addr.port);
    const transport = new Transport({
      bus,
      port,
      key: o.key ?? this.key,
      nick: name,
      wire: o.wire ?? 'reliable',
      peer,
      clock: this.clock,
      autoTick: false,
      byeLingerMs: 0,
      ...(o.resolve ? { resolve: o.resolve } : {}),
    });
    const p: Peer = {
      name,
      addr,
      bus,
      port,
      transport,
      events,
      texts: () => events['message:received'].map((m) => m.text),
      send: (text, id) => {
        const mid = id ?? `${name}-${++ids}`;
        bus.emit('send', { id: mid, text });
        return mid;
      },
    };
    if (o.start ?? true) transport.start();
    this.peers.push(p);
    return p;
  }

  /** Deliver until the network and every receive queue are quiet; throws if they never are (a storm is a bug). Ticks what is due now. */
  async settle(maxRounds = 500): Promise<void> {
    let quiet = 0;
    for (let round = 0; round < maxRounds && quiet < 2; round++) {
      const moved = this.net.flush(20_000);
      await new Promise<void>((r) => setImmediate(r));
      let ticked = false;
      for (const t of this.drivers()) {
        const d = t.nextDeadline();
        if (d !== null && d <= this.clock.now()) {
          t.tick();
          ticked = true;
        }
      }
      quiet = moved === 0 && !ticked ? quiet + 1 : 0;
    }
    if (quiet < 2) throw new Error(`the network did not go quiet within ${maxRounds} rounds at t=${this.clock.now()}`);
  }

  /** Move time forward by `ms`, stopping at every deadline on the way (bounded), settling the network at each stop. */
  async advance(ms: number, maxStops = 20_000): Promise<void> {
    const end = this.clock.now() + ms;
    await this.settle();
    for (let i = 0; i < maxStops && this.clock.now() < end; i++) {
      let next = end;
      for (const t of this.drivers()) {
        const d = t.nextDeadline();
        if (d !== null && d < next) next = d;
      }
      this.clock.set(Math.max(this.clock.now() + 1, Math.min(next, end)));
      await this.settle();
    }
  }

  /** Advance until `cond()` holds or `ms` pass; true if it held. */
  async until(cond: () => boolean, ms: number, stepMs = 50): Promise<boolean> {
    for (let t = 0; t <= ms; t += stepMs) {
      await this.advance(0);
      if (cond()) return true;
      await this.advance(stepMs);
    }
    return cond();
  }

  /** Drive `shell` too (its timer: autoTick false, the lab's clock). */
  drive(shell: Driven): void {
    this.driven.add(shell);
  }

  private drivers(): Driven[] {
    return [...this.live().map((p) => p.transport), ...this.driven];
  }

  live(): Peer[] {
    return this.peers.filter((p) => !closed.has(p.transport));
  }

  async close(p: Peer): Promise<void> {
    closed.add(p.transport);
    await p.transport.close();
  }

  async closeAll(): Promise<void> {
    for (const p of this.peers) if (!closed.has(p.transport)) await this.close(p);
    this.net.close();
  }
}

const closed = new WeakSet<Transport>();

/** ChatOptions with test defaults (src/testing/chat-options.ts). */
export const chatOptions = testChatOptions;
