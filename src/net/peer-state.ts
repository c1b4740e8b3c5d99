import { formatAddress, sameAddress, type Address } from '../address/address.js';
import type { LinkState } from '../bus.js';
import type { ActionQueue } from './actions.js';

/**
 * What one connection knows of its peer beyond sessions and windows: where
 * it is (and whether that is only a guess), whether it is online, its nick,
 * whether it speaks frames. Each change announces itself once, as a fact in
 * the connection's outbox, so each fact has exactly one origin. Owned by one
 * Connection and the receive paths it hands it to; pure.
 */
export class PeerState {
  private addr: Address | null;
  /** The address was learned from a frame not yet known to be fresh (not configured, not confirmed by a frame to us). */
  private learned = false;
  private linkState: LinkState = 'connecting';
  private peerNick: string | null = null;
  /** The peer sent raw text and never a frame: it cannot do frames (a Python script). */
  private raw = false;
  private sawFrame = false;
  private heardAt: number | null = null;
  private readonly warned = new Set<string>();

  constructor(
    peer: Address | null,
    private readonly out: ActionQueue,
  ) {
    this.addr = peer === null ? null : { host: peer.host, port: peer.port };
  }

  /** The peer address (never changed in place: a move replaces the object). */
  get address(): Address | null {
    return this.addr;
  }

  get addressLearned(): boolean {
    return this.learned;
  }

  get state(): LinkState {
    return this.linkState;
  }

  /** Offline or left: not answering, probed slowly, no rotation. */
  get away(): boolean {
    return this.linkState === 'offline' || this.linkState === 'left';
  }

  get nick(): string | null {
    return this.peerNick;
  }

  get isRaw(): boolean {
    return this.raw;
  }

  get sawFrameFromPeer(): boolean {
    return this.sawFrame;
  }

  get lastHeardAt(): number | null {
    return this.heardAt;
  }

  /** Move the peer address; `roamed` when an authenticated datagram came from elsewhere (or first contact). */
  move(addr: Address, reason: 'configured' | 'roamed', previous: Address | null = this.addr): void {
    if (reason === 'configured') this.learned = false;
    this.addr = { host: addr.host, port: addr.port };
    this.out.fact('peer:address', { address: formatAddress(this.addr), previous: previous === null ? null : formatAddress(previous), reason });
  }

  /** Move to `from` as a guess (the learn right, or a roam not confirmed by a frame to us). */
  guess(from: Address): void {
    if (sameAddress(this.addr, from)) return;
    this.move(from, 'roamed');
    this.learned = true;
  }

  /**
   * An authenticated, fresh datagram from the peer: it is alive, and where it
   * sent from becomes its address if `roam` (trust.ts says when). True when
   * the peer came back from offline (what piled up backoff goes out now).
   */
  heard(from: Address, roam: boolean, confirmed: boolean, now: number): boolean {
    this.heardAt = now;
    if (roam && !sameAddress(this.addr, from)) {
      this.move(from, 'roamed');
      this.learned = !confirmed;
    } else if (confirmed && sameAddress(this.addr, from)) {
      this.learned = false;
    }
    if (this.linkState === 'online') return false;
    const wasOffline = this.away;
    this.setState('online');
    return wasOffline;
  }

  /** A frame came from the peer: it speaks frames. */
  framed(): void {
    this.sawFrame = true;
    this.raw = false;
  }

  /** Raw text came from a peer that never sent a frame. */
  rawOnly(): void {
    this.raw = true;
  }

  setState(state: LinkState): void {
    if (state === this.linkState) return;
    this.linkState = state;
    this.out.fact('peer:state', { state });
  }

  setNick(nick: string): void {
    if (nick === '' || nick === this.peerNick) return;
    this.peerNick = nick;
    this.out.fact('peer:nick', { nick });
  }

  /** The warning `key` was given. */
  hasWarned(key: string): boolean {
    return this.warned.has(key);
  }

  /** Tell the user something once per connection (repeating it per datagram would flood the screen). */
  warnOnce(key: string, severity: 'info' | 'warning', message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.out.fact('error', { severity, message });
  }
}
