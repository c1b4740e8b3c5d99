/**
 * Two Connections (src/net/connection.ts) joined by a pipe the test drives:
 * no socket, no timer, no bus — datagrams and time go in, actions come out,
 * exactly as the I/O shell would carry them. Deterministic and bounded.
 */
import { randomBytes } from 'node:crypto';
import { sameAddress, type Address } from '../src/address/address.js';
import type { BusEventName, BusEvents, WireMode } from '../src/bus.js';
import type { EventAction, TransmitAction } from '../src/net/actions.js';
import { Connection, type ConnectionOptions } from '../src/net/connection.js';

export const ADDR_A: Address = { host: '10.0.0.1', port: 7001 };
export const ADDR_B: Address = { host: '10.0.0.2', port: 7002 };
/** Every drain of the pipe is bounded. */
const MAX_STEPS = 100_000;

export interface Wired {
  from: Address;
  to: Address;
  datagram: Buffer;
  what: TransmitAction['what'];
}

export class Side {
  readonly events: EventAction[] = [];

  constructor(
    readonly name: string,
    readonly addr: Address,
    public conn: Connection,
  ) {}

  /** Payloads of the facts named `event`, in order. */
  facts<K extends BusEventName>(event: K): Array<BusEvents[K]> {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as BusEvents[K]);
  }

  texts(): string[] {
    return this.facts('message:received').map((m) => m.text);
  }
}

export class ConnPair {
  now = 1_700_000_000_000;
  readonly key: Buffer;
  readonly a: Side;
  readonly b: Side;
  /** Every datagram either side transmitted, in order. */
  readonly tap: Wired[] = [];
  /** In flight, delivered by drain(). */
  queue: Wired[] = [];
  /** Loss: a transmitted datagram for which this returns true never arrives. */
  drop: (w: Wired) => boolean = () => false;

  constructor(
    o: { wire?: WireMode; key?: Buffer; aPeer?: Address | null; bPeer?: Address | null; start?: boolean; aOptions?: Partial<ConnectionOptions> } = {},
  ) {
    this.key = o.key ?? randomBytes(32);
    this.a = new Side('a', ADDR_A, this.make('a', o.aPeer === undefined ? ADDR_B : o.aPeer, o.wire, o.aOptions));
    this.b = new Side('b', ADDR_B, this.make('b', o.bPeer === undefined ? ADDR_A : o.bPeer, o.wire));
    if (o.start ?? true) {
      this.a.conn.start(this.now);
      this.b.conn.start(this.now);
      this.pump();
    }
  }

  make(nick: string, peer: Address | null, wire: WireMode = 'reliable', extra: Partial<ConnectionOptions> = {}): Connection {
    return new Connection({ key: this.key, nick, wire, peer, now: this.now, ...extra });
  }

  side(addr: Address): Side | null {
    if (sameAddress(addr, this.a.addr)) return this.a;
    if (sameAddress(addr, this.b.addr)) return this.b;
    return null;
  }

  /** Poll both connections: datagrams into the pipe (unless dropped), facts into each side's record. */
  pump(): void {
    for (const s of [this.a, this.b]) {
      for (const act of s.conn.poll()) {
        if (act.kind === 'event') {
          s.events.push(act);
          continue;
        }
        const w: Wired = { from: s.addr, to: act.to, datagram: act.datagram, what: act.what };
        this.tap.push(w);
        if (!this.drop(w)) this.queue.push(w);
      }
    }
  }

  /** Hand `datagram` to whoever is at `to`, from `from` (an injection, or a delivery). */
  inject(from: Address, to: Address, datagram: Buffer): void {
    this.side(to)?.conn.receive(datagram, from, this.now);
    this.pump();
  }

  /** Deliver until the pipe is empty. */
  drain(): void {
    for (let i = 0; this.queue.length > 0; i++) {
      if (i > MAX_STEPS) throw new Error('the pipe did not go quiet');
      const w = this.queue.shift()!;
      this.inject(w.from, w.to, w.datagram);
    }
  }

  /** Move time by `ms`, stopping at every deadline on the way, ticking what is due and draining the pipe at each stop. */
  advance(ms: number): void {
    const end = this.now + ms;
    this.drain();
    for (let i = 0; i < MAX_STEPS; i++) {
      let next = end;
      for (const s of [this.a, this.b]) {
        const d = s.conn.nextDeadline();
        if (d !== null && d < next) next = d;
      }
      this.now = Math.max(this.now, next);
      for (const s of [this.a, this.b]) {
        const d = s.conn.nextDeadline();
        if (d !== null && d <= this.now) s.conn.tick(this.now);
      }
      this.pump();
      this.drain();
      if (this.now >= end) return;
    }
    throw new Error('advance did not reach its end');
  }
}
