import {
  BULK_BLACK_HOLE_PTOS,
  BULK_DATAGRAMS_PER_PUMP,
  BULK_PERSISTENT_CONGESTION_PTOS,
  MAX_ACCEPTED_DATAGRAM_BYTES,
  MAX_DATAGRAM_BYTES,
} from '../constants.js';
import { maxFernetBinaryPlaintext } from '../crypto/format.js';
import type { BusEvents } from '../bus.js';
import type { ActionQueue } from './actions.js';
import { BULK_CHUNK_HEAD, decodeBulk, decodeBulkAck, decodeProbeId, encodeBulk, encodeBulkAck, encodeProbe, encodeProbeAck } from './bulk-codec.js';
import { CongestionGate } from './bulk-gate.js';
import type { RttView } from './bulk-loss.js';
import { BulkReceiver } from './bulk-recv.js';
import { BulkSender } from './bulk-send.js';
import { NewReno, type CongestionAlgorithm } from './congestion.js';
import { Cubic } from './cubic.js';
import { frameOverhead } from './frame-layout.js';
import { Pacer } from './pacer.js';
import { PmtuSearch } from './pmtu.js';
import type { RtoEstimator } from './rto.js';

/** The transfer service's requests to the transport for bulk streams (bus.ts). */
export type BulkRequestName = 'bulk:open-send' | 'bulk:write' | 'bulk:open-recv' | 'bulk:consumed' | 'bulk:close';

/** The frames of wire v3's bulk streams and path MTU probes. */
export type BulkFrameType = 'bulk' | 'bulk-ack' | 'probe' | 'probe-ack';

/** What the bulk path reads of its connection's send path. */
export interface BulkLink {
  /** Reliable wire, peer address and session known, peer not offline. */
  canSendData(): boolean;
  /** Send one frame now; the token's size in bytes, or null if it could not go. */
  send(type: BulkFrameType, payload: Buffer, now: number): number | null;
  /** Sack ranges every frame's header carries now (the chat receive window's). */
  sackCount(): number;
  /** The largest bulk datagram the transmit check lets out. */
  limitBulk(bytes: number): void;
  /** Where the peer is now, as a string that changes when it moves (null: unknown). */
  path(): string | null;
}

/**
 * A connection's bulk streams (PROTOCOL.md "Bulk streams", "Congestion
 * control and pacing", "Path MTU"): the sender (bulk-send.ts) behind CUBIC
 * (or NewReno) and the pacer, the receiver (bulk-recv.ts), and the PMTU search, wired to
 * the send path's frames and the bus facts. Pure, as the connection is.
 *
 *  1. bus requests: openSend / write / openRecv / consumed / close.
 *  2. frames in: bulk → receiver (bulk:data); bulk-ack → sender (bulk:acked,
 *     losses, credits); probe → probe-ack; probe-ack → PMTU search.
 *  3. pump(): after the chat stream has been served (the connection calls
 *     it second): one PMTU probe when one is due and a stream is open, then
 *     chunks while the gate lets them out, at most BULK_DATAGRAMS_PER_PUMP.
 *  4. acks and timers: the bulk-ack at the end of a receive batch or when
 *     its delay is up; the loss timer, the PTO (BULK_PERSISTENT_CONGESTION_PTOS
 *     in a row: persistent congestion, the window to its minimum;
 *     BULK_BLACK_HOLE_PTOS in a row with a size above the base: a PMTU black
 *     hole), the probe timers.
 *
 * The path MTU belongs to a path: when the peer's address changes (it
 * roamed, or /peer), the confirmed size falls back to the base and the
 * search starts again (pump and tick notice).
 */
export class BulkPath {
  private readonly pmtu: PmtuSearch;
  private readonly gate: CongestionGate;
  private readonly sender: BulkSender;
  private readonly receiver: BulkReceiver;
  /** The peer address the PMTU was found for. */
  private lastPath: string | null;

  constructor(
    private readonly link: BulkLink,
    private readonly rto: RtoEstimator,
    out: ActionQueue,
    maxDatagramBytes: number = MAX_ACCEPTED_DATAGRAM_BYTES,
    algorithm: CongestionAlgorithm = 'cubic',
  ) {
    if (!Number.isInteger(maxDatagramBytes) || maxDatagramBytes < MAX_DATAGRAM_BYTES || maxDatagramBytes > MAX_ACCEPTED_DATAGRAM_BYTES) {
      throw new TypeError(`maxBulkDatagramBytes must be an integer ${MAX_DATAGRAM_BYTES}..${MAX_ACCEPTED_DATAGRAM_BYTES}, got ${String(maxDatagramBytes)}`);
    }
    this.pmtu = new PmtuSearch(MAX_DATAGRAM_BYTES, maxDatagramBytes);
    if (algorithm !== 'cubic' && algorithm !== 'newreno') throw new TypeError(`congestionControl must be 'cubic' or 'newreno', got ${String(algorithm)}`);
    const cc = algorithm === 'cubic' ? new Cubic(this.pmtu.size) : new NewReno(this.pmtu.size);
    this.gate = new CongestionGate(cc, new Pacer(), () => rto.srtt, this.pmtu.size);
    this.sender = new BulkSender(this.gate, (stream, offset) => out.fact('bulk:acked', { stream, offset }));
    this.receiver = new BulkReceiver((stream, offset, data) => out.fact('bulk:data', { stream, offset, data }));
    link.limitBulk(this.pmtu.size);
    this.lastPath = link.path();
  }

  /** Diagnostics and tests. */
  get state(): { pmtu: number; inFlight: number; window: number; sendStreams: number; recvStreams: number; unknownStreamChunks: number } {
    return {
      pmtu: this.pmtu.size,
      ...this.gate.flight,
      sendStreams: this.sender.openStreams,
      recvStreams: this.receiver.openStreams,
      unknownStreamChunks: this.receiver.unknownStreamChunks,
    };
  }

  // 1 -------------------------------------------------------------------- (TypeError for misuse)
  /** A bus request by name; false only for a bulk:write to a stream not open (its bytes are dropped). */
  request<K extends BulkRequestName>(name: K, payload: BusEvents[K], now: number): boolean {
    const r = payload;
    if (typeof r !== 'object' || r === null) throw new TypeError(`${name}: the request must be an object`);
    if (name === 'bulk:write') return this.write(r.stream, (r as BusEvents['bulk:write']).data);
    if (name === 'bulk:open-send') this.openSend(r.stream, (r as BusEvents['bulk:open-send']).offset);
    else if (name === 'bulk:open-recv') this.openRecv(r.stream, (r as BusEvents['bulk:open-recv']).offset, now);
    else if (name === 'bulk:consumed') this.consumed(r.stream, (r as BusEvents['bulk:consumed']).offset);
    else if (name === 'bulk:close') this.close(r.stream, (r as BusEvents['bulk:close']).direction);
    else throw new TypeError(`unknown bulk request ${String(name)}`);
    return true;
  }

  openSend(stream: number, offset: number): void {
    this.sender.open(checkStream('bulk:open-send', stream), checkOffset('bulk:open-send', offset));
  }

  /** False when the stream is not open (closed, or ended by a peer restart): the bytes are dropped. */
  write(stream: number, data: Buffer): boolean {
    if (!Buffer.isBuffer(data)) throw new TypeError('bulk:write: data must be a Buffer');
    return this.sender.write(checkStream('bulk:write', stream), data);
  }

  openRecv(stream: number, offset: number, now: number): void {
    this.receiver.open(checkStream('bulk:open-recv', stream), checkOffset('bulk:open-recv', offset), now);
  }

  consumed(stream: number, offset: number): void {
    this.receiver.consumed(checkStream('bulk:consumed', stream), checkOffset('bulk:consumed', offset));
  }

  close(stream: number, direction: 'send' | 'recv'): void {
    checkStream('bulk:close', stream);
    if (direction === 'send') this.sender.close(stream);
    else if (direction === 'recv') this.receiver.close(stream);
    else throw new TypeError(`bulk:close: direction must be 'send' or 'recv', got ${String(direction)}`);
  }

  /** A new peer session: every stream ends on this side (the peer's ended with its restart). */
  reset(): void {
    this.sender.reset();
    this.receiver.reset();
  }

  // 2 --------------------------------------------------------------------
  /** A bulk frame (the deliver right), bulk-ack (the ack right), probe or probe-ack addressed to us. Throws FrameError on a bad payload. */
  frame(type: BulkFrameType, payload: Buffer, now: number): void {
    if (type === 'bulk') this.receiver.chunk(decodeBulk(payload), now);
    else if (type === 'bulk-ack') this.sender.onAck(decodeBulkAck(payload), now, this.rtt());
    else if (type === 'probe') this.link.send('probe-ack', encodeProbeAck(decodeProbeId(payload)), now);
    else {
      this.pmtu.onProbeAcked(decodeProbeId(payload), now);
      this.sized();
    }
  }

  // 3 --------------------------------------------------------------------
  pump(now: number): void {
    if (!this.link.canSendData()) return;
    this.checkPath();
    if (this.sender.openStreams > 0) this.probe(now);
    const size = this.pmtu.size;
    const maxChunk = maxFernetBinaryPlaintext(size) - frameOverhead(this.link.sackCount()) - BULK_CHUNK_HEAD;
    for (let i = 0; i < BULK_DATAGRAMS_PER_PUMP; i++) {
      const n = this.sender.next(now, size, maxChunk);
      if (n === null) return;
      const bytes = this.link.send('bulk', encodeBulk(n.pn, n.stream, n.offset, n.parts), now);
      if (bytes === null) return this.sender.unsent(n);
      this.sender.sent(n, bytes, now);
    }
  }

  /** A probe padded so its token is the largest not above the probed size (bulk datagrams follow the same rule). */
  private probe(now: number): void {
    const p = this.pmtu.probe(now, this.rto.srtt);
    if (p === null) return;
    this.link.send('probe', encodeProbe(p.id, maxFernetBinaryPlaintext(p.size) - frameOverhead(this.link.sackCount())), now);
  }

  // 4 --------------------------------------------------------------------
  /** End of a receive batch (poll). */
  ackIfBatchEnd(now: number): void {
    if (this.receiver.ackAtBatchEnd()) this.sendAck(now);
  }

  tick(now: number): void {
    if (this.receiver.ackDue(now)) this.sendAck(now);
    this.pmtu.tick(now);
    if (!this.link.canSendData()) return;
    this.checkPath();
    if (!this.sender.tick(now, this.rtt())) return;
    const ptos = this.sender.ptoCount;
    if (ptos === BULK_PERSISTENT_CONGESTION_PTOS) this.gate.onPersistentCongestion();
    if (ptos >= BULK_BLACK_HOLE_PTOS && this.pmtu.size > MAX_DATAGRAM_BYTES) {
      this.pmtu.onBlackHole(now);
      this.sized();
    }
  }

  /** The peer moved: what was proven on the old path says nothing about the new one. */
  private checkPath(): void {
    const p = this.link.path();
    if (p === this.lastPath) return;
    this.lastPath = p;
    if (this.pmtu.size === MAX_DATAGRAM_BYTES && this.pmtu.phase === 'searching') return;
    this.pmtu.reset();
    this.sized();
  }

  nextDeadline(now: number): number | null {
    const times = [this.receiver.nextDeadline(), this.pmtu.nextDeadline()];
    if (this.link.canSendData()) times.push(this.sender.nextDeadline(now, this.rtt()));
    let best: number | null = null;
    for (const t of times) if (t !== null && (best === null || t < best)) best = t;
    return best;
  }

  private sendAck(now: number): void {
    // Taken even if it cannot leave now: a due ack that cannot be sent must not spin the timer.
    this.link.send('bulk-ack', encodeBulkAck(this.receiver.takeAck(now)), now);
  }

  /** The confirmed size changed: the gate's datagram and the transmit check follow. */
  private sized(): void {
    this.gate.setDatagramBytes(this.pmtu.size);
    this.link.limitBulk(this.pmtu.size);
  }

  private rtt(): RttView {
    return { srtt: this.rto.srtt, rttvar: this.rto.rttvar, latest: this.rto.lastSample };
  }
}

function checkStream(what: string, stream: number): number {
  if (!Number.isInteger(stream) || stream < 0 || stream > 0xffff_ffff)
    throw new TypeError(`${what}: stream must be an integer 0..2^32-1, got ${String(stream)}`);
  return stream;
}

function checkOffset(what: string, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset > 2 ** 48 - 1)
    throw new TypeError(`${what}: offset must be an integer 0..2^48-1, got ${String(offset)}`);
  return offset;
}
