import type { Address } from '../address/address.js';
import { resolvePeer } from '../address/resolve.js';
import { errorMessage, type Bus } from '../bus.js';
import { systemClock, type Clock } from '../clock.js';
import { BYE_LINGER_MS, MAX_ACCEPTED_DATAGRAM_BYTES } from '../constants.js';
import { sayBye } from './bye-linger.js';
import type { Connection } from './connection.js';
import { Endpoint, type AcceptPolicy } from './endpoint.js';
import type { DropReason } from './errors.js';
import { MeshMember, type MemberHost } from './mesh-member.js';
import type { MemberOptions, MeshAccept, MeshOptions } from './mesh-options.js';
import type { DatagramPort } from './port.js';
import { RecvQueue } from './recv-queue.js';
import { ShellTimer } from './shell-timer.js';

export type { MemberOptions, MeshAccept, MeshOptions };

/**
 * The mesh: the I/O shell around an Endpoint (endpoint.ts) and its
 * Connections (connection.ts), which hold every rule and all link state and
 * do no I/O. One socket, any number of *members* — each a (Connection, Bus)
 * pair (mesh-member.ts): a room's full mesh is one Mesh with a member per
 * peer; the 1:1 chat (transport.ts) is a Mesh with one member. This file
 * owns what the pure parts must not: the socket (a DatagramPort), the one
 * timer, the flood guard (recv-queue.ts), DNS (an injected resolver), the
 * bye linger in real time.
 *
 * One pump per event: a batch of datagrams, a bus request or the timer goes
 * into the endpoint, then pump() carries out every action it returned, in
 * order — datagrams to the port, each connection's facts to its member's
 * bus, forwarded by name (so an event the rotation adds flows through
 * untouched) — settles flush() waiters and re-arms the timer. User messages
 * and transfer requests are the one exception: those submitted in one event
 * (the lines of one stdin chunk, the sends a batch of acks lets out) share
 * one pump, in a microtask at its end, so the endpoint is polled and the
 * timer re-armed once for all of them, not per message.
 *
 * Members come and go: add() makes a connection (dialing its peer, or
 * waiting for it); the accept policy (MeshOptions.accept) seats a stranger
 * that dials us; remove() says bye to one member, lingers for its answer,
 * fails what it did not deliver, and forgets it; close() does that for
 * every member at once and closes the socket. A socket error goes to every
 * member's bus once; an internal error to the bus of the member it came
 * from, or to every bus.
 */

export class Mesh {
  private readonly port: DatagramPort;
  private readonly clock: Clock;
  private readonly endpoint: Endpoint;
  private readonly queue: RecvQueue;
  private readonly resolve: (peer: Address) => Promise<Address>;
  private readonly autoTick: boolean;
  private readonly byeLingerMs: number;
  private readonly byConnection = new Map<Connection, MeshMember>();
  private unsubscribePort: Array<() => void> = [];
  private readonly warned = new Set<string>();
  private readonly timer = new ShellTimer(() => this.tick());
  private started = false;
  private closing: Promise<void> | null = null;
  /** Set first thing in close(), before anything it triggers looks at it. */
  private closed = false;
  /** A request was submitted since the last pump: a microtask will pump. */
  private pumpDue = false;
  /** What members see of the mesh. */
  private readonly host: MemberHost;

  constructor(opts: MeshOptions) {
    this.port = opts.port;
    this.clock = opts.clock ?? systemClock;
    this.resolve = opts.resolve ?? resolvePeer;
    this.autoTick = opts.autoTick ?? true;
    this.byeLingerMs = opts.byeLingerMs ?? BYE_LINGER_MS;
    this.endpoint = new Endpoint({ accept: opts.accept ? this.policy(opts.accept) : null });
    this.queue = new RecvQueue(this.onQueued, this.pump);
    this.host = {
      clock: this.clock,
      isClosed: () => this.closed,
      resolve: (a) => this.resolve(a),
      guard: (fn, bus) => this.guard(fn, bus),
      pump: () => this.pump(),
      pumpSoon: () => this.pumpSoon(),
    };
  }

  /** The members, in the order they were made. */
  get members(): readonly MeshMember[] {
    return [...this.byConnection.values()];
  }

  /** Subscribe to the port and every member's bus, announce the configured peers, start probing them. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const { port } = this;
    this.unsubscribePort = [port.onDatagram(this.onDatagram), port.onError((err) => this.warnOnce(`port:${err.message}`, `network: ${err.message}`))];
    for (const m of this.byConnection.values()) this.begin(m);
  }

  /** A new member: a connection whose facts go to `bus`, whose requests come from it; started now if the mesh is. TypeError past ENDPOINT_CONNECTIONS_MAX or once closed. */
  add(bus: Bus, options: MemberOptions): MeshMember {
    if (this.closed) throw new TypeError('Mesh.add: the mesh is closed');
    const m = this.bind(this.endpoint.connect({ ...options, now: this.clock.now() }), bus);
    if (this.started) this.begin(m);
    return m;
  }

  /** Say bye to one member, linger for its answer (as close() does), fail what it did not deliver, and forget it. Idempotent. */
  remove(member: MeshMember): Promise<void> {
    if (this.byConnection.get(member.connection) !== member) return member.removing ?? Promise.resolve();
    if (this.closed) return this.closing ?? Promise.resolve();
    const under = member.removing;
    if (under !== null) return under;
    const done = this.dismiss(member);
    member.removal(done);
    return done;
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

  /** Drops of datagrams no member took (strangers refused or unseated, garbage from unknown addresses), by reason. */
  orphanDrops(): Record<DropReason, number> {
    return this.endpoint.orphanDrops();
  }

  /**
   * Say bye to every member (it carries our last acks, so the peer's final
   * messages count as delivered), and while a peer is online wait up to
   * byeLingerMs for its answer, resending each RTO; then everything stops,
   * undelivered messages become message:failed and the socket closes.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Messages submitted in this very event go out before the bye, as they would have a microtask later.
    if (this.pumpDue) this.pump();
    const members = this.members;
    for (const m of members) m.end();
    this.timer.clear();
    // A member being removed says its bye already (and leaves the rest to this).
    if (this.started) await Promise.all(members.map((m) => m.removing ?? this.sayBye(m)));
    for (const off of this.unsubscribePort.splice(0)) off();
    this.queue.close();
    // dgram resolves the destination before it sends, a tick later: closing now would swallow the bye (and a raw message just sent).
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const m of members) this.guard(() => m.connection.failUndelivered(), m.bus);
    this.pump();
    await this.port.close();
  }

  private async dismiss(m: MeshMember): Promise<void> {
    if (this.pumpDue) this.pump();
    m.end();
    if (this.started) await this.sayBye(m);
    // Closed meanwhile: shutdown() fails its messages and forgets it with the rest.
    if (this.closed) return;
    this.guard(() => m.connection.failUndelivered(), m.bus);
    this.pump();
    this.endpoint.remove(m.connection);
    this.byConnection.delete(m.connection);
  }

  private sayBye(m: MeshMember): Promise<void> {
    return sayBye(m.connection, this.byeLingerMs, () => this.act(() => m.connection.bye(this.clock.now()), m.bus));
  }

  // ------------------------------------------------------------ members

  private bind(c: Connection, bus: Bus): MeshMember {
    const m = new MeshMember(c, bus, this.host);
    this.byConnection.set(c, m);
    return m;
  }

  /** A member's start: requests from its bus, its connection started (announce, probe). */
  private begin(m: MeshMember): void {
    m.subscribe();
    this.act(() => m.connection.start(this.clock.now()), m.bus);
  }

  /** The endpoint's accept policy, with a member made for each seat. */
  private policy(accept: MeshAccept): AcceptPolicy {
    return {
      keys: () => accept.keys(),
      decide: (info) => {
        if (this.closed) return null;
        const seat = accept.decide(info);
        if (seat === null) return null;
        return {
          options: seat.options,
          // The endpoint started the connection; its facts go out with this batch's pump.
          accepted: (c) => {
            const m = this.bind(c, seat.bus);
            m.subscribe();
            accept.accepted?.(m);
          },
        };
      },
    };
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

  private pumpSoon(): void {
    if (this.pumpDue) return;
    this.pumpDue = true;
    queueMicrotask(this.pumpSubmitted);
  }

  private readonly pumpSubmitted = (): void => {
    // Another pump since (a datagram batch, the timer, close) has carried them out already.
    if (this.pumpDue) this.pump();
  };

  /** An input: run it, then pump. */
  private act(fn: () => void, bus?: Bus): void {
    this.guard(fn, bus);
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
    for (const { connection, actions } of batches) {
      const bus = this.byConnection.get(connection)?.bus;
      for (const a of actions) {
        if (a.kind === 'transmit') this.port.send(a.datagram, a.to);
        else bus?.emit(a.event, a.payload as never);
      }
    }
    if (this.closed) return;
    for (const m of this.byConnection.values()) m.settle();
    // A message submitted while the actions ran (an echo, a send a receipt let out) is pumped in a
    // microtask, which arms the timer: arming now would see deadlines that pump is about to clear.
    if (!this.pumpDue) this.arm();
  };

  /** Keep the one timer for the earliest deadline (shell-timer.ts). */
  private arm(): void {
    if (!this.autoTick || this.closed || !this.started) return;
    this.timer.arm(this.endpoint.nextDeadline(), this.clock.now());
  }

  /** Run `fn`; a bug in it becomes one `error` fact (on `bus`, else every member's) instead of an exception in a socket or bus callback. */
  private guard(fn: () => void, bus?: Bus): void {
    try {
      fn();
    } catch (err) {
      this.internalError(err, bus);
    }
  }

  private internalError(err: unknown, bus?: Bus): void {
    this.tell({ severity: 'warning', message: `internal error: ${errorMessage(err)}` }, bus);
  }

  /** Tell the user something about the socket once (repeating it per datagram would flood the screen). */
  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.tell({ severity: 'info', message });
  }

  private tell(e: { severity: 'info' | 'warning'; message: string }, bus?: Bus): void {
    if (bus !== undefined) return bus.emit('error', e);
    for (const m of this.byConnection.values()) m.bus.emit('error', e);
  }
}
