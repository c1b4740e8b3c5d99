import type { Bus, LinkState, WireMode } from '../bus.js';
import type { Clock } from '../clock.js';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_TOKEN_TTL_S } from '../constants.js';
import { Reassembler } from './fragment.js';
import { FrameCodec, newSessionId, type SessionId } from './frame.js';
import { MessageEncoder } from './message.js';
import { Keyring } from './keyring.js';
import { PeerSessions } from './peer-session.js';
import { formatAddress, type Address } from '../address/address.js';
import type { DatagramPort } from './port.js';
import { RawDedupe } from './raw-dedupe.js';
import { RecvWindow } from './reliable-recv.js';
import { SendWindow } from './reliable-send.js';
import { RtoEstimator } from './rto.js';
import { LinkCounters } from './stats.js';
import type { TransportOptions } from './transport-options.js';

/**
 * The state one transport shares between its send path (send.ts), receive
 * path (receive.ts) and timers (timers.ts), as mosh's Connection holds it:
 * who the peer is, where it is, what is in flight, and when we last heard
 * from it. No behaviour beyond small state changes that emit their bus event,
 * so each fact is announced in exactly one place.
 */

/** The transport's options that are the link's (documented there), with the clock settled. */
export type LinkOptions = Omit<TransportOptions, 'clock' | 'autoTick' | 'byeLingerMs'> & { clock: Clock };

export class Link {
  readonly bus: Bus;
  readonly port: DatagramPort;
  readonly clock: Clock;
  readonly wire: WireMode;
  readonly keyring: Keyring;
  readonly sessionId: SessionId = newSessionId();
  readonly clockSkewS: number;
  readonly tokenTtlS: number;
  readonly counters = new LinkCounters();
  readonly rto = new RtoEstimator();
  readonly sendWindow = new SendWindow();
  readonly recvWindow = new RecvWindow();
  readonly reassembler = new Reassembler();
  readonly codec = new FrameCodec();
  readonly messages = new MessageEncoder();
  readonly peerSessions: PeerSessions;
  /** HMACs of raw tokens received (replays) and sent (reflections). */
  readonly rawSeen: RawDedupe;
  readonly rawSent: RawDedupe;

  nick: string;
  peer: Address | null;
  /** The address was learned from a frame not yet known to be fresh (not configured, not confirmed by a frame to us). */
  peerAddressLearned = false;
  state: LinkState = 'connecting';
  peerNick: string | null = null;
  /** The peer sent raw text and never a frame: it cannot do frames (a Python script). */
  peerIsRaw = false;
  sawFrameFromPeer = false;
  lastHeardAt: number | null = null;
  /** The newest peer ts not yet echoed, and when it arrived (echoed once, as mosh does). */
  echo: { ts: number; at: number } | null = null;
  /** A standalone ack is due at this time unless a frame leaves first. */
  ackDueAt: number | null = null;
  /** Data frames received since the last frame we sent (each frame carries the ack). */
  unackedData = 0;
  /** The peer sent frames to a session of ours it does not know: tell it who we are. */
  helloDue = false;
  /** close() has begun: nothing new is taken in; a frame to us means the peer heard our bye. */
  closing = false;
  byeAnswered = false;
  private packet = 0;
  private readonly warned = new Set<string>();

  constructor(o: LinkOptions) {
    this.bus = o.bus;
    this.port = o.port;
    this.clock = o.clock;
    this.wire = o.wire;
    this.nick = o.nick;
    this.peer = o.peer;
    this.clockSkewS = o.clockSkewS ?? DEFAULT_CLOCK_SKEW_S;
    this.tokenTtlS = o.tokenTtlS ?? DEFAULT_TOKEN_TTL_S;
    this.keyring = new Keyring(o.key, o.clock);
    const tokenLifeMs = (this.tokenTtlS + this.clockSkewS) * 1000;
    this.peerSessions = new PeerSessions(tokenLifeMs);
    this.rawSeen = new RawDedupe(tokenLifeMs);
    this.rawSent = new RawDedupe(tokenLifeMs);
  }

  now(): number {
    return this.clock.now();
  }

  nextPacket(): number {
    this.packet += 1;
    return this.packet;
  }

  setState(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    this.bus.emit('peer:state', { state });
  }

  /** Move the peer address; `roamed` when an authenticated datagram came from elsewhere (or first contact). */
  setPeer(addr: Address, reason: 'configured' | 'roamed', previous: Address | null = this.peer): void {
    if (reason === 'configured') this.peerAddressLearned = false;
    this.peer = { host: addr.host, port: addr.port };
    this.bus.emit('peer:address', {
      address: formatAddress(this.peer),
      previous: previous === null ? null : formatAddress(previous),
      reason,
    });
  }

  setPeerNick(nick: string): void {
    if (nick === '' || nick === this.peerNick) return;
    this.peerNick = nick;
    this.bus.emit('peer:nick', { nick });
  }

  /** Tell the user something once per session (repeating it per datagram would flood the screen). */
  warnOnce(key: string, severity: 'info' | 'warning', message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.bus.emit('error', { severity, message });
  }

  /** ms mod 2^32, never 0 (0 means "nothing to echo"). */
  ts32(now: number = this.now()): number {
    return now % 0x1_0000_0000 || 1;
  }
}
