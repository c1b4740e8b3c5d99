import { formatAddress, type Address } from '../address/address.js';
import type { BusEvents, LinkState, LinkStats, MessageKind, WireMode } from '../bus.js';
import type { Clock } from '../clock.js';
import { PEER_SILENCE_HINT_MS } from '../constants.js';
import { fingerprint } from '../crypto/keys.js';
import type { ConnAction } from './actions.js';
import type { BulkPath, BulkRequestName } from './bulk-path.js';
import { buildParts, type ConnectionParts } from './connection-parts.js';
import type { ConnectionOptions } from './connection-options.js';
import type { DropReason } from './errors.js';
import { newSessionId, type SessionId } from './frame.js';
import type { KeySlot } from './keyring.js';
import { FRAME_VERSION_WARNING, ReceivePath, type Opened } from './receive-path.js';
import type { RotationState } from './rotation-state.js';
import { earlier, LinkSchedule, type LinkView } from './schedule.js';
import { CHAT_STREAM, type StreamId } from './send-path.js';

export type { ConnectionOptions, Opened };

/**
 * One peer's link, without I/O (as quinn-proto's Connection, mosh's
 * Connection): sessions, windows, RTT, echo and ack duties, the keyring and
 * the rotation machine, all private — the parts below are built in
 * connection-parts.ts, handed only to each other, and never shared outside. It reads no clock (every
 * input carries `now`), owns no socket, no timer, no bus. Four kinds of
 * methods:
 *   - getters: peerAddress, stats(), fingerprint(), ...;
 *   - events from the network and the clock: receive(), tick();
 *   - commands: start, send, rotate, setPeer, setNick, close, bye;
 *   - poll(): what the caller must do now (datagrams, bus facts), and
 *     nextDeadline(): when to call tick().
 * Call poll() after every input (a batch of datagrams counts as one).
 *
 *   send-path.ts      the send path: every datagram is made there
 *   receive-path.ts   the receive path's entry: open, count, dispatch
 *   frame-receive.ts  the receive path of a frame (flow comment there)
 *   raw-receive.ts    the receive path of raw text
 *   trust.ts          what each key slot and frame may change
 *   peer-state.ts     where the peer is, online, nick (each change a fact)
 *   schedule.ts       every timer policy
 *   rotation-runner.ts  the rotation machine's inputs and actions
 *   bulk-path.ts      bulk streams, congestion control, path MTU (wire v3)
 */

export class Connection {
  readonly sessionId: SessionId;
  private readonly wire: WireMode;
  private nowMs: number;
  /** The keyring and the rotation read time through this: the time of the input being handled. */
  private readonly clock: Clock = { now: () => this.nowMs };
  /** The link's parts (connection-parts.ts), private to it. */
  private readonly p: ConnectionParts;
  private readonly schedule = new LinkSchedule();
  private nick: string;
  private started = false;
  /** When to tell the user what to check if the configured peer is still silent (reliable wire, a peer configured at start), or null. */
  private silenceHintAt: number | null = null;
  /** close() has begun: nothing new is taken in; a frame to us means the peer heard our bye. */
  private closing = false;
  /** A room's connection: keys come from outside (setNextKey, switchKey). */
  private readonly roomKeys: boolean;

  constructor(o: ConnectionOptions) {
    if (o.wire !== 'reliable' && o.wire !== 'raw') throw new TypeError(`Connection: wire must be 'reliable' or 'raw', got ${String(o.wire)}`);
    this.wire = o.wire;
    this.nowMs = o.now;
    this.sessionId = o.sessionId ?? newSessionId();
    this.nick = o.nick;
    this.roomKeys = o.roomKeys === true;
    this.p = buildParts(o, { sessionId: this.sessionId, clock: this.clock, nick: () => this.nick });
  }

  // ------------------------------------------------------------ getters

  get peerAddress(): Address | null {
    const a = this.p.peer.address;
    return a === null ? null : { host: a.host, port: a.port };
  }

  get peerSession(): SessionId | null {
    return this.p.sessions.id;
  }

  get linkState(): LinkState {
    return this.p.peer.state;
  }

  /** While closing: a frame of the peer addressed to us arrived after our bye. */
  get byeAnswered(): boolean {
    return this.p.frames.byeAnswered;
  }

  /** User messages not yet acknowledged (always 0 on the raw wire). */
  get pendingCount(): number {
    return this.p.sender.pendingMessages;
  }

  /** The current retransmission timeout, in ms. */
  get rtoMs(): number {
    return this.p.rto.rto;
  }

  get rotationState(): RotationState {
    return this.p.rotation.state;
  }

  /** The rotation machine's own deadline (retries, timeouts, the old key's expiry), or null: diagnostics and tests. */
  get rotationDeadline(): number | null {
    return this.p.rotation.nextDeadline();
  }

  /** Fingerprint of the current key. */
  fingerprint(): string {
    return this.p.keyring.fingerprint();
  }

  /** Fingerprints of the three key slots (tests, diagnostics); never the keys. */
  keySlots(): { current: string; next: string | null; previous: string | null } {
    const fp = (k: Buffer | null): string | null => (k === null ? null : fingerprint(k));
    return { current: this.p.keyring.fingerprint(), next: fp(this.p.keyring.nextKey), previous: fp(this.p.keyring.previousKey) };
  }

  stats(): LinkStats {
    return this.p.counters.snapshot({
      rttMs: this.p.rto.srtt,
      lastRttMs: this.p.rto.lastSample,
      pending: this.p.sender.pendingMessages,
      keyAgeMs: this.p.keyring.keyAgeMs,
    });
  }

  dropCounts(): Record<DropReason, number> {
    return this.p.counters.dropCounts();
  }

  // ------------------------------------------------------------ commands

  /** Announce the configured peer and the link state, start probing. */
  start(now: number): void {
    if (this.started) return;
    this.at(now);
    this.started = true;
    const configured = this.p.peer.address;
    if (configured !== null) this.p.peer.move(configured, 'configured', null);
    this.p.out.fact('peer:state', { state: this.p.peer.state });
    if (this.wire === 'raw') {
      this.p.out.fact('error', {
        severity: 'info',
        message: 'raw wire: messages go out once, unacknowledged and unordered; no delivery receipts, no key rotation',
      });
    }
    if (configured !== null && this.wire === 'reliable') this.silenceHintAt = now + PEER_SILENCE_HINT_MS;
    this.schedule.start(now);
    this.tick(now);
  }

  /** A user message of `kind` on `stream` (the chat stream is the only one yet). */
  send(id: string, text: string, now: number, kind: MessageKind = 'message', stream: StreamId = CHAT_STREAM): void {
    this.at(now);
    this.p.sender.submit(id, text, now, kind, stream);
  }

  /** A transfer control message (`xfer:send-control`): on the chat stream, reliable and in order; only `xfer:control-failed` tells of it. */
  sendControl(id: string, body: string, now: number): void {
    if (typeof id !== 'string' || typeof body !== 'string') throw new TypeError('xfer:send-control: id and body must be strings');
    this.at(now);
    this.p.sender.sendControl(id, body);
  }

  /** A transfer service request (bus `bulk:*`, bulk-path.ts): TypeError for misuse; false for a write to a stream not open (dropped). */
  bulk<K extends BulkRequestName>(name: K, payload: BusEvents[K], now: number): boolean {
    this.at(now);
    return this.p.bulk.request(name, payload, now);
  }

  /** Bulk path diagnostics (tests, stats): path MTU, flight, open streams. */
  get bulkState(): BulkPath['state'] {
    return this.p.bulk.state;
  }

  /** The user asked for a key rotation. */
  rotate(now: number): void {
    this.at(now);
    this.p.rotation.start();
  }

  /**
   * A room rotation's new key waits in `next` (a follower that unwrapped it):
   * the first frame under it promotes it, as in 1:1 (key:rotated). Only on a
   * room connection (roomKeys).
   */
  setNextKey(key: Buffer, now: number): void {
    this.roomOnly('setNextKey');
    this.at(now);
    if (!this.p.keyring.currentKey.equals(key)) this.p.keyring.setNext(key);
  }

  /** A room rotation that did not complete: its key leaves `next` (if it is still there). */
  dropNextKey(key: Buffer, now: number): void {
    this.roomOnly('dropNextKey');
    this.at(now);
    if (this.p.keyring.nextKey?.equals(key) === true) this.p.keyring.dropNext();
  }

  /**
   * The room switched to `key`: it becomes current (promoted from next, or
   * committed), the old one previous until the peer proves it holds the new
   * one (then KEY_GRACE_MS more), exactly as a committed 1:1 rotation keeps
   * it (trust.ts: a previous-key frame may only `learn` meanwhile).
   * Idempotent: a connection already promoted by a frame keeps its state.
   */
  switchKey(key: Buffer, now: number): void {
    this.roomOnly('switchKey');
    this.at(now);
    const kr = this.p.keyring;
    if (kr.currentKey.equals(key)) return;
    if (kr.nextKey?.equals(key) === true) kr.promoteNext();
    else {
      kr.dropNext();
      kr.commit(key);
    }
  }

  private roomOnly(what: string): void {
    if (!this.roomKeys) throw new TypeError(`Connection.${what}: only a room's connection (roomKeys) takes keys from outside`);
  }

  /** A keepalive now, out of schedule (a hello while the peer's session is unknown): the peer answers, the link proves itself. */
  probe(now: number): void {
    this.at(now);
    this.p.sender.control(this.p.sessions.id === null ? 'hello' : 'ping', now);
  }

  /** The user pointed the chat at another address (already resolved to an IP). */
  setPeer(a: Address, now: number): void {
    if (!(typeof a.host === 'string' && a.host !== '' && Number.isInteger(a.port) && a.port > 0 && a.port < 65536)) {
      throw new TypeError(`set-peer: bad address ${a.host}:${a.port}`);
    }
    this.at(now);
    this.p.peer.move(a, 'configured');
    // Whoever answers there may be another process: let its session in even if its clock is behind.
    this.p.sessions.unpin();
    this.schedule.probeNow(now);
  }

  setNick(nick: string): void {
    this.nick = nick;
  }

  /** Closing begins: nothing new is taken in or sent but byes; the rotation may still settle. */
  close(now: number): void {
    this.at(now);
    this.closing = true;
  }

  /** One bye (it carries our last acks). False if there is no peer session to say it to. */
  bye(now: number): boolean {
    this.at(now);
    if (this.p.sessions.id === null) return false;
    return this.p.sender.control('bye', now);
  }

  /** Every message not yet acknowledged becomes message:failed, a control message xfer:control-failed (the chat is closing). */
  failUndelivered(): void {
    const reason = 'not delivered: the chat closed before the peer acknowledged it';
    for (const m of this.p.sender.takeAll()) {
      if (m.control) this.p.out.fact('xfer:control-failed', { id: m.id, reason });
      else this.p.out.fact('message:failed', { id: m.id, text: m.text, reason });
    }
  }

  // ------------------------------------------------------------ network and clock

  /** A datagram from `from` routed to this connection: counted, checked, never thrown out of (receive-path.ts). */
  receive(datagram: Buffer, from: Address, now: number): void {
    this.at(now);
    this.p.inbound.receive(datagram, from, now, this.closing);
  }

  /** Try this connection's keys on a datagram (the endpoint routes with it). Counts nothing. */
  open(datagram: Buffer, now: number): Opened {
    this.at(now);
    return this.p.inbound.open(datagram);
  }

  /** The session id a plaintext claims as its sender, or null: for routing only. */
  static senderOf(plaintext: Buffer): SessionId | null {
    return ReceivePath.senderOf(plaintext);
  }

  /** The rest of receive() for a datagram open() opened; the caller counted it in (noteDatagram). */
  receiveOpened(datagram: Buffer, plaintext: Buffer, slot: KeySlot, from: Address, now: number): void {
    this.at(now);
    this.p.inbound.receiveOpened(datagram, plaintext, slot, from, now, this.closing);
  }

  /** A datagram for this connection was counted in (`drop` null: receiveOpened follows), or dropped before it was opened (the endpoint's checks). */
  noteDatagram(drop: DropReason | null, from: Address, now: number): void {
    this.at(now);
    this.p.inbound.note(drop, from, now);
  }

  /** Everything due at `now`: offline detection, probes, keepalives, retransmits, the delayed ack, rotation, stats. */
  tick(now: number): void {
    this.at(now);
    if (this.closing) return;
    if (this.schedule.offlineDue(now, this.view())) this.p.peer.setState('offline');
    if (this.silenceHintAt !== null && now >= this.silenceHintAt) this.silenceHint();
    const due = this.schedule.due(now, this.view());
    if (due.hello) this.p.sender.control('hello', now);
    if (due.ping) this.p.sender.control('ping', now);
    this.p.sender.pump(now, this.p.rto.rto);
    this.p.sender.ackIfDue(now);
    this.p.bulk.tick(now);
    this.p.bulk.pump(now);
    this.p.rotation.tick();
    if (due.stats) this.p.out.fact('link:stats', this.stats());
  }

  // ------------------------------------------------------------ poll

  /** The actions the caller must carry out now, in order; first the duties an input leaves: a hello owed, data to pump, piled-up acks. */
  poll(): ConnAction[] {
    if (!this.closing) {
      const now = this.nowMs;
      if (this.p.frames.helloDue) {
        this.p.frames.helloDue = false;
        this.p.sender.control('hello', now);
      }
      // Chat first, always: the chat stream's pump runs before any bulk datagram.
      this.p.sender.pump(now, this.p.rto.rto);
      this.p.bulk.pump(now);
      this.p.sender.ackIfPiled(now);
      this.p.bulk.ackIfBatchEnd(now);
    }
    return this.p.out.drain();
  }

  /** Absolute ms of the earliest thing tick() must do, or null. */
  nextDeadline(): number | null {
    if (this.closing) return null;
    const best = earlier(earlier(this.schedule.deadline(this.view()), this.p.sender.nextDeadline(this.p.rto.rto)), this.p.bulk.nextDeadline(this.nowMs));
    return earlier(earlier(best, this.p.rotation.nextDeadline()), this.silenceHintAt);
  }

  /** Silence from the configured peer since start: say once what to check (README, "Troubleshooting"). */
  private silenceHint(): void {
    this.silenceHintAt = null;
    const addr = this.p.peer.address;
    // Heard, or heard speaking another wire version (said already, and the key is right): nothing to hint.
    if (this.p.peer.lastHeardAt !== null || addr === null || this.p.peer.hasWarned(FRAME_VERSION_WARNING)) return;
    this.p.peer.warnOnce(
      'silence',
      'warning',
      `nothing from ${formatAddress(addr)} for ${PEER_SILENCE_HINT_MS / 1000} s — check that both sides use the same key (compare /fingerprint or fernchat fingerprint), that the peer is running, and that its UDP port is open`,
    );
  }

  private at(now: number): void {
    this.nowMs = now;
  }

  private view(): LinkView {
    return {
      reliable: this.wire === 'reliable',
      hasPeer: this.p.peer.address !== null,
      peerSessionKnown: this.p.sessions.id !== null,
      state: this.p.peer.state,
      lastHeardAt: this.p.peer.lastHeardAt,
    };
  }
}
