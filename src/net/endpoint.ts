import { sameAddress, type Address } from '../address/address.js';
import { ENDPOINT_CONNECTIONS_MAX, MAX_ACCEPTED_DATAGRAM_BYTES } from '../constants.js';
import type { ConnAction } from './actions.js';
import { Connection, type ConnectionOptions, type Opened } from './connection.js';
import type { DropReason } from './errors.js';
import { earlier } from './schedule.js';
import { LinkCounters } from './stats.js';

/**
 * One socket's view of its peers (quinn-proto's Endpoint): up to
 * ENDPOINT_CONNECTIONS_MAX connections share one UDP port, and each datagram
 * is routed to one of them. Without I/O, as the connections are: the shell
 * (transport.ts) feeds it datagrams and times and carries out what poll()
 * returns. The 1:1 chat is an endpoint with one connection.
 *
 * Demultiplexing. A Fernet token carries nothing in the clear — no key id,
 * no connection id — so routing has to open it:
 *  1. one connection: it gets every datagram (no routing cost at all);
 *  2. several: the connection whose peer address is the source is tried
 *     first, then the others in the order they were made; the first whose
 *     keys (current, next, previous) authenticate the token takes it;
 *  3. connections that share a key (a room: one key, many peers) all open
 *     the same token, so then the sender session id inside the plaintext
 *     decides: if the opener already talks to another session and a
 *     connection talks to this one, that connection takes it (it opens the
 *     token again under its own keys). A frame of an unknown session stays
 *     with the opener (the source address matched, or it was first), where
 *     the session rules of peer-session.ts decide whether it is a restart;
 *  4. a datagram no connection opens is counted on the connection of its
 *     source address, or the only connection, or the endpoint's own
 *     counters.
 *
 * Streams. Each connection may carry several streams (send-path.ts): chat
 * and, from wire v3, bulk transfers in a lower priority class, so chat never
 * waits behind a file (send-path.ts, bulk-path.ts).
 */

/** What one connection asks for, as poll() hands it out. */
export interface EndpointActions {
  connection: Connection;
  actions: ConnAction[];
}

export class Endpoint {
  private readonly conns: Connection[] = [];
  /** Datagrams no connection took. */
  private readonly orphans = new LinkCounters();

  /** A new connection on this endpoint (TypeError past ENDPOINT_CONNECTIONS_MAX). */
  connect(o: ConnectionOptions): Connection {
    if (this.conns.length >= ENDPOINT_CONNECTIONS_MAX) throw new TypeError(`Endpoint: at most ${ENDPOINT_CONNECTIONS_MAX} connections`);
    const c = new Connection(o);
    this.conns.push(c);
    return c;
  }

  /** Forget a connection (closed, or the peer left the room). */
  remove(c: Connection): void {
    const i = this.conns.indexOf(c);
    if (i >= 0) this.conns.splice(i, 1);
  }

  get connections(): readonly Connection[] {
    return this.conns;
  }

  /** Drops of datagrams no connection took, by reason. */
  orphanDrops(): Record<DropReason, number> {
    return this.orphans.dropCounts();
  }

  /** One datagram from the socket. Never throws for anything the network sends. */
  receive(datagram: Buffer, from: Address, now: number): void {
    const only = this.conns.length === 1 ? this.conns[0]! : null;
    if (only !== null) return only.receive(datagram, from, now);
    if (datagram.length > MAX_ACCEPTED_DATAGRAM_BYTES) return this.drop('oversized', from, now);
    const first = this.byAddress(from);
    let failure: DropReason = 'unauthenticated';
    let opener: Connection | null = null;
    let opened: Opened | null = null;
    for (const c of first === null ? this.conns : [first, ...this.conns.filter((x) => x !== first)]) {
      const r = c.open(datagram, now);
      if (r.ok) {
        opener = c;
        opened = r;
        break;
      }
      if (r.reason !== 'unauthenticated') failure = r.reason;
    }
    if (opener === null || opened === null || !opened.ok) return this.drop(failure, from, now);
    const sender = Connection.senderOf(opened.plaintext);
    if (sender !== null && opener.peerSession !== null && opener.peerSession !== sender) {
      const owner = this.conns.find((c) => c !== opener && c.peerSession === sender);
      const again = owner?.open(datagram, now);
      if (owner !== undefined && again?.ok) {
        opener = owner;
        opened = again;
      }
    }
    opener.noteDatagram(null, from, now);
    opener.receiveOpened(datagram, opened.plaintext, opened.slot, from, now);
  }

  /** A datagram the shell dropped before routing (flood guard): counted where its source belongs. */
  drop(reason: DropReason, from: Address, now: number): void {
    const c = this.byAddress(from) ?? (this.conns.length === 1 ? this.conns[0]! : null);
    if (c !== null) return c.noteDatagram(reason, from, now);
    this.orphans.datagramsIn += 1;
    this.orphans.drop(reason);
  }

  tick(now: number): void {
    for (const c of this.conns) c.tick(now);
  }

  /** The earliest deadline of any connection, or null. */
  nextDeadline(): number | null {
    let best: number | null = null;
    for (const c of this.conns) best = earlier(best, c.nextDeadline());
    return best;
  }

  /** Each connection's actions, connection by connection; connections with none are left out. */
  poll(): EndpointActions[] {
    const out: EndpointActions[] = [];
    for (const c of this.conns) {
      const actions = c.poll();
      if (actions.length > 0) out.push({ connection: c, actions });
    }
    return out;
  }

  private byAddress(from: Address): Connection | null {
    for (const c of this.conns) if (sameAddress(c.peerAddress, from)) return c;
    return null;
  }
}
