import { sameAddress, type Address } from '../address/address.js';
import { ENDPOINT_CONNECTIONS_MAX, MAX_ACCEPTED_DATAGRAM_BYTES } from '../constants.js';
import type { ConnAction } from './actions.js';
import { Connection, type ConnectionOptions, type Opened } from './connection.js';
import type { DropReason } from './errors.js';
import type { SessionId } from './frame.js';
import { earlier } from './schedule.js';
import { LinkCounters } from './stats.js';
import { StrangerKeys } from './stranger-keys.js';
import { judgeStranger } from './trust.js';

/**
 * One socket's view of its peers (quinn-proto's Endpoint): up to
 * ENDPOINT_CONNECTIONS_MAX connections share one UDP port, and each datagram
 * is routed to one of them. Without I/O, as the connections are: the shell
 * (mesh.ts) feeds it datagrams and times and carries out what poll()
 * returns. The 1:1 chat (transport.ts) is an endpoint with one connection;
 * a room, one with a connection per member.
 *
 * Demultiplexing. A Fernet token carries nothing in the clear — no key id,
 * no connection id — so routing has to open it:
 *  1. one connection: it gets every datagram (no routing cost at all);
 *  2. several: the connection whose peer address is the source is tried
 *     first, then the others in the order they were made; the first whose
 *     keys (current, next, previous) authenticate the token takes it;
 *  3. connections that share a key (a room: one key, many peers) all open
 *     the same token, so then the sender session id inside the plaintext
 *     decides: a connection that talks to this session (or whose own session
 *     it is: a reflection, which it drops) takes it (it opens the token again
 *     under its own keys). A frame of an unknown session stays with the
 *     opener (the source address matched, or it was first), where the
 *     session rules of peer-session.ts decide whether it is a restart;
 *  4. accept (rooms): with an accept policy, a *stranger* — a frame under a
 *     current or next key, of a session no connection talks to, from an
 *     address no connection's peer has (trust.ts judgeStranger) — is not
 *     given to the opener: the policy is asked, and either a new connection
 *     takes it (peer learned from it, as a connection without a peer does)
 *     or it is dropped as 'refused'; with ENDPOINT_CONNECTIONS_MAX
 *     connections already it is dropped as 'no-seat', unasked. A token no
 *     connection opens is tried under the policy's keys, so an endpoint with
 *     no connection yet hears the first member that dials it. Without a
 *     policy (the 1:1 chat) nobody is a stranger;
 *  5. a datagram no connection opens is counted on the connection of its
 *     source address, or the only connection, or the endpoint's own
 *     counters.
 *
 * Streams. Each connection may carry several streams (send-path.ts): chat
 * and, from wire v3, bulk transfers in a lower priority class, so chat never
 * waits behind a file (send-path.ts, bulk-path.ts).
 */

/** What the accept policy is told of a stranger (rule 4). */
export interface AcceptInfo {
  /** The session the frame claims as its sender. */
  sender: SessionId;
  /** Its source address. */
  from: Address;
  /** The policy key (one of keys()) its datagram opened under: a room seats a stranger under a retired key only to tell it the key changed. */
  key: Buffer;
  now: number;
}

/** A new connection's options: its peer is learned from the stranger's datagram, its creation time is the endpoint's. */
export type AcceptedOptions = Omit<ConnectionOptions, 'peer' | 'now'>;

/** Who may dial in (rooms, issue #15): asked about each stranger (rule 4). */
export interface AcceptPolicy {
  /** The keys a stranger's token is tried under when no connection opens it (the room key; newest first). */
  keys(): readonly Buffer[];
  /**
   * A seat for this stranger: the new connection's options and, optionally,
   * who to tell of the connection (called once it exists and is started,
   * before it takes the datagram); or null: dropped as 'refused'. Asked
   * once per stranger datagram; it must not call back into the endpoint.
   */
  decide(info: AcceptInfo): { options: AcceptedOptions; accepted?: (c: Connection) => void } | null;
}

/** What one connection asks for, as poll() hands it out. */
export interface EndpointActions {
  connection: Connection;
  actions: ConnAction[];
}

export class Endpoint {
  private readonly conns: Connection[] = [];
  /** Datagrams no connection took. */
  private readonly orphans = new LinkCounters();
  private readonly accept: AcceptPolicy | null;
  private readonly strangerKeys = new StrangerKeys();

  /** `accept`: who may dial in (rule 4); default none — nobody is a stranger, as in the 1:1 chat. */
  constructor(o: { accept?: AcceptPolicy | null } = {}) {
    this.accept = o.accept ?? null;
  }

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

  /** One datagram from the socket. Never throws for anything the network sends (a policy that throws is the caller's bug). */
  receive(datagram: Buffer, from: Address, now: number): void {
    const only = this.conns.length === 1 && this.accept === null ? this.conns[0]! : null;
    if (only !== null) return only.receive(datagram, from, now);
    if (datagram.length > MAX_ACCEPTED_DATAGRAM_BYTES) return this.drop('oversized', from, now);
    const first = this.byAddress(from);
    let failure: DropReason = 'unauthenticated';
    let opener: Connection | null = null;
    let opened: Opened | null = null;
    /** The policy key a stranger's datagram opened under. */
    let strangerKey: Buffer | null = null;
    for (const c of first === null ? this.conns : [first, ...this.conns.filter((x) => x !== first)]) {
      const r = c.open(datagram, now);
      if (r.ok) {
        opener = c;
        opened = r;
        break;
      }
      if (r.reason !== 'unauthenticated') failure = r.reason;
    }
    if (opened === null && this.accept !== null && first === null && failure === 'unauthenticated') {
      const s = this.strangerKeys.open(datagram, this.accept.keys(), now);
      if (s.ok) strangerKey = s.key;
      else failure = s.reason;
      opened = s;
    }
    if (opened === null || !opened.ok) return this.drop(failure, from, now);
    const sender = Connection.senderOf(opened.plaintext);
    // 3: the connection that talks to this session, or whose own session it is (a reflection: it drops it).
    const owns = (c: Connection): boolean => c.peerSession === sender || c.sessionId === sender;
    const owner = sender === null ? undefined : opener !== null && owns(opener) ? opener : this.conns.find(owns);
    const stranger = {
      policy: this.accept !== null,
      slot: opened.slot,
      frame: sender !== null,
      sessionKnown: owner !== undefined,
      addressKnown: first !== null,
      seatFree: this.conns.length < ENDPOINT_CONNECTIONS_MAX,
    };
    let verdict = judgeStranger(stranger);
    if (
      this.accept !== null &&
      strangerKey === null &&
      (verdict === 'ask' || (opened.slot === 'previous' && judgeStranger({ ...stranger, slot: 'current' }) === 'ask'))
    ) {
      // Opened by a connection: the room's keys are every connection's too. Which policy key is it (if any)? A key the
      // policy still names is the policy's to judge, even one a connection holds as previous (a room's retired key:
      // its seat only hears that the key changed).
      const s = this.strangerKeys.open(datagram, this.accept.keys(), now);
      if (s.ok) {
        strangerKey = s.key;
        verdict = judgeStranger({ ...stranger, slot: s.slot });
      }
    }
    if (verdict === 'ask') return this.stranger(datagram, sender!, from, strangerKey, now);
    if (verdict !== 'route') return this.drop(verdict === 'no-seat' ? 'no-seat' : 'refused', from, now);
    if (owner !== undefined && owner !== opener) {
      const again = owner.open(datagram, now);
      if (again.ok) {
        opener = owner;
        opened = again;
      }
    }
    // Opened only under the policy's keys and not a stranger (raw text is refused above): nobody to give it to.
    if (opener === null) return this.drop('refused', from, now);
    opener.noteDatagram(null, from, now);
    opener.receiveOpened(datagram, opened.plaintext, opened.slot, from, now);
  }

  /** Rule 4: ask the policy; a new connection takes the datagram if its own keys open it. */
  private stranger(datagram: Buffer, sender: SessionId, from: Address, key: Buffer | null, now: number): void {
    // (judgeStranger asks only about a datagram that opened under a policy key.)
    if (key === null) return this.drop('refused', from, now);
    const seat = this.accept!.decide({ sender, from: { ...from }, key, now });
    if (seat === null) return this.drop('refused', from, now);
    const c = this.connect({ ...seat.options, peer: null, now });
    const opened = c.open(datagram, now);
    if (!opened.ok) {
      // The policy named a key the stranger does not speak: no seat after all.
      this.remove(c);
      return this.drop(opened.reason, from, now);
    }
    c.start(now);
    seat.accepted?.(c);
    c.noteDatagram(null, from, now);
    c.receiveOpened(datagram, opened.plaintext, opened.slot, from, now);
  }

  /** A datagram the shell dropped before routing (flood guard): counted where its source belongs (with a policy, a stranger belongs to none). */
  drop(reason: DropReason, from: Address, now: number): void {
    const c = this.byAddress(from) ?? (this.conns.length === 1 && this.accept === null ? this.conns[0]! : null);
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
