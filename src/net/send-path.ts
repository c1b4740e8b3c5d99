import type { Address } from '../address/address.js';
import type { MessageKind, WireMode } from '../bus.js';
import { ACK_DELAY_MS, ACK_EVERY_DATA_FRAMES, MAX_ACCEPTED_DATAGRAM_BYTES, MAX_DATAGRAM_BYTES, MAX_MESSAGE_BYTES, MAX_NICK_BYTES } from '../constants.js';
import type { ActionQueue } from './actions.js';
import { fragment } from './fragment.js';
import { FrameCodec, frameOverhead, MAX_DATA_PAYLOAD, MAX_FRAME_PLAINTEXT, mayExceedBaseSize, NO_SESSION, type FrameType, type SessionId } from './frame.js';
import type { Keyring } from './keyring.js';
import { MessageEncoder, utf8Truncate } from './message.js';
import { DatagramPacker, encodePack } from './pack.js';
import { tokenHmac, type RawDedupe } from './raw-dedupe.js';
import type { RecvWindow } from './reliable-recv.js';
import { SendWindow, type OutFrame, type OutMessage } from './reliable-send.js';
import type { LinkCounters } from './stats.js';

/**
 * The send path of one connection. Every datagram the connection emits is
 * made here and queued as a transmit action; nothing is sent from here.
 *
 *  1. submit()    a user message. Raw wire: sendRaw() encrypts the UTF-8
 *                 text as it is, once. Reliable wire: the body (nick + text)
 *                 is cut into fragments and queued on its stream;
 *                 `message:sent` (pending), or `message:failed` with the text
 *                 and why.
 *  2. pump()      data frames the scheduler lets out now, stream by stream in
 *                 priority order (chat before bulk, so chat never waits behind
 *                 a transfer): each stream's due retransmissions, then new
 *                 fragments inside its window. Consecutive fragments that fit
 *                 one datagram together go out as one `pack` frame (pack.ts),
 *                 a lone one as a `data` frame. Only when the peer's session
 *                 is known and the peer is not offline (then only probes go
 *                 out).
 *     sendControl() a transfer control message (message kind `control`):
 *                 queued on the chat stream like a message, but its only
 *                 fact is `xfer:control-failed` if it cannot be sent — no
 *                 message:sent / message:delivered, it is not a chat line.
 *                 The raw wire has none (refused at once).
 *  3. control()   hello / ping / pong / ack / bye / rot-*: one frame now.
 *  4. frame()     fills the header: our session, the peer's (or zero), the
 *                 next packet number, our clock, the peer's newest ts (echoed
 *                 once) and how long we held it, and the cumulative ack + SACK
 *                 of the receive window — every frame carries the ack, so a
 *                 pending standalone ack is cancelled.
 *  5. transmit()  Fernet-encrypts under the keyring's current key and queues
 *                 the token. Tokens never exceed MAX_DATAGRAM_BYTES (bulk:
 *                 the confirmed path MTU; a probe: the largest datagram
 *                 accepted): the frame codec bounds the plaintext.
 *
 * Bulk streams (wire v3) are bulk-path.ts's: it sends its frames through
 * bulkFrame(), and the connection pumps it after this path's chat pump, so
 * chat always goes first.
 *
 * Streams: data and pack frames carry no stream id: they are CHAT_STREAM's.
 */

/** Why a transfer control message cannot go on the raw wire (PROTOCOL.md, design of #14); text/raw-wire.ts holds the same words for the UI (test/unit/raw-wire.test.ts). */
export const RAW_WIRE_CONTROL_REASON = 'file transfer needs the reliable wire (this chat uses --wire raw)';

/** A message stream of one connection. 0 is the chat stream, the only one (bulk streams are bulk-path.ts's, with ids of their own). */
export type StreamId = number;
export const CHAT_STREAM: StreamId = 0;

/** Send priority: every interactive stream is served before any bulk stream. */
export type StreamPriority = 'interactive' | 'bulk';

interface Stream {
  id: StreamId;
  priority: StreamPriority;
  window: SendWindow;
}

/** What the send path reads of its connection. */
export interface SendLink {
  readonly wire: WireMode;
  readonly sessionId: SessionId;
  peer(): Address | null;
  peerSession(): SessionId | null;
  nick(): string;
  offline(): boolean;
}

export class SendPath {
  private packet = 0;
  /** The newest peer ts not yet echoed, and when it arrived (echoed once, as mosh does). */
  private echo: { ts: number; at: number } | null = null;
  /** A standalone ack is due at this time unless a frame leaves first. */
  private ackDueAt: number | null = null;
  /** Data fragments received since the last frame we sent (each frame carries the ack). */
  private unackedData = 0;
  private readonly streams: Stream[] = [{ id: CHAT_STREAM, priority: 'interactive', window: new SendWindow() }];
  private readonly codec = new FrameCodec();
  private readonly messages = new MessageEncoder();
  /** The transmit check's limit for bulk frames, in bytes (limitBulk). */
  private bulkLimit = MAX_DATAGRAM_BYTES;

  constructor(
    private readonly link: SendLink,
    private readonly keyring: Keyring,
    private readonly recv: RecvWindow,
    private readonly counters: LinkCounters,
    private readonly rawSent: RawDedupe,
    private readonly out: ActionQueue,
  ) {}

  private get chat(): SendWindow {
    return this.streams[0]!.window;
  }

  // 1 --------------------------------------------------------------------
  submit(id: string, text: string, now: number, kind: MessageKind, stream: StreamId): void {
    if (stream !== CHAT_STREAM) throw new TypeError(`send: stream ${stream} does not exist (the chat stream is the only one; see PROTOCOL.md Streams)`);
    if (this.link.wire === 'raw') return this.sendRaw(id, text, now, kind);
    const textBytes = Buffer.byteLength(text, 'utf8');
    if (textBytes > MAX_MESSAGE_BYTES) {
      return this.fail(id, text, `message too long (${textBytes} bytes; the most is ${MAX_MESSAGE_BYTES})`, true);
    }
    const body = this.messages.encode({ nick: this.link.nick(), text, kind });
    // Most chat lines fit one fragment: the body itself, without fragment()'s view and array growth.
    const fragments = body.length <= MAX_DATA_PAYLOAD ? [body] : fragment(body, MAX_DATA_PAYLOAD);
    const queued = this.chat.enqueue(id, text, fragments, textBytes);
    if (!queued.ok) return this.fail(id, text, queued.reason);
    this.out.fact('message:sent', { id, text, time: now, kind });
  }

  /** A transfer control message (JSON text) on the chat stream: reliable, in order, exactly once, never shown. */
  sendControl(id: string, body: string): void {
    if (this.link.wire === 'raw') return this.failControl(id, RAW_WIRE_CONTROL_REASON);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_MESSAGE_BYTES) return this.failControl(id, `control message too long (${bytes} bytes; the most is ${MAX_MESSAGE_BYTES})`);
    const encoded = this.messages.encode({ nick: this.link.nick(), text: body, kind: 'control' });
    const fragments = encoded.length <= MAX_DATA_PAYLOAD ? [encoded] : fragment(encoded, MAX_DATA_PAYLOAD);
    const queued = this.chat.enqueue(id, body, fragments, bytes, true);
    if (!queued.ok) this.failControl(id, queued.reason);
  }

  private failControl(id: string, reason: string): void {
    this.out.fact('xfer:control-failed', { id, reason });
  }

  /** An action goes out as the text `* nick action`, which a plain Fernet chat script shows as it is. */
  private sendRaw(id: string, text: string, now: number, kind: MessageKind): void {
    const plain = Buffer.from(kind === 'action' ? `* ${this.link.nick()} ${text}` : text, 'utf8');
    if (plain.length > MAX_FRAME_PLAINTEXT) return this.fail(id, text, `too long for raw mode (max ${MAX_FRAME_PLAINTEXT} bytes)`, true);
    if (this.link.peer() === null) {
      return this.fail(id, text, 'no peer address yet: raw mode learns it from the first message received (or give --peer, or /peer HOST:PORT)');
    }
    const token = this.keyring.encrypt(plain);
    const mac = tokenHmac(token);
    // Remembered so the same token coming back to us is known as a reflection.
    if (mac !== null) this.rawSent.check(mac, now);
    this.transmit(token, 'raw');
    this.out.fact('message:sent', { id, text, time: now, kind });
  }

  /** `permanent`: the same text would fail again (too long), so the UI offers no retry. */
  private fail(id: string, text: string, reason: string, permanent = false): void {
    this.out.fact('message:failed', permanent ? { id, text, reason, permanent } : { id, text, reason });
  }

  // 2 --------------------------------------------------------------------
  /** Data can flow: reliable wire, peer address and session known, peer not offline. */
  canSendData(): boolean {
    return this.link.wire === 'reliable' && this.link.peer() !== null && this.link.peerSession() !== null && !this.link.offline();
  }

  pump(now: number, rto: number): void {
    if (!this.canSendData()) return;
    // The header's sack count is the receive window's now: nothing is received during a pump.
    const budget = MAX_FRAME_PLAINTEXT - frameOverhead(this.recv.sack().length);
    for (const s of this.streams) {
      const frames = s.window.poll(now, rto, new DatagramPacker(budget));
      let start = 0;
      for (let i = 1; i <= frames.length; i++) {
        if (i < frames.length && frames[i]!.joins) continue;
        this.datagram(frames, start, i, now);
        start = i;
      }
    }
  }

  /** frames[start, end) in one datagram: a `data` frame for one, a `pack` for more. */
  private datagram(frames: readonly OutFrame[], start: number, end: number, now: number): void {
    for (let i = start; i < end; i++) {
      this.counters.dataFramesSent += 1;
      if (frames[i]!.retransmit) this.counters.dataFramesRetransmitted += 1;
    }
    if (end - start === 1) this.frame('data', frames[start]!.payload, frames[start]!, now);
    else this.frame('pack', encodePack(frames.slice(start, end)), null, now);
  }

  // 3 --------------------------------------------------------------------
  /** One control frame now. hello / ping / pong carry our nick. False if there is nowhere to send it. */
  control(type: Exclude<FrameType, 'data' | 'pack'>, now: number, payload?: Buffer): boolean {
    if (this.link.wire !== 'reliable' || this.link.peer() === null) return false;
    const body = payload ?? (type === 'hello' || type === 'ping' || type === 'pong' ? utf8Truncate(this.link.nick(), MAX_NICK_BYTES) : Buffer.alloc(0));
    this.frame(type, body, null, now);
    return true;
  }

  // 4 --------------------------------------------------------------------
  /** A frame of a bulk stream or the PMTU search (bulk-path.ts) now, to a known peer session; its token's size, or null if it cannot go. */
  bulkFrame(type: 'bulk' | 'bulk-ack' | 'probe' | 'probe-ack', payload: Buffer, now: number): number | null {
    if (this.link.wire !== 'reliable' || this.link.peer() === null || this.link.peerSession() === null) return null;
    return this.frame(type, payload, null, now);
  }

  /** The largest bulk datagram the path MTU search confirmed: the transmit check's limit for `bulk` frames. */
  limitBulk(bytes: number): void {
    this.bulkLimit = bytes;
  }

  /** Sack ranges the next frame's header carries. */
  sackCount(): number {
    return this.recv.sack().length;
  }

  private frame(type: FrameType, payload: Buffer, data: OutFrame | null, now: number): number {
    const peerSession = this.link.peerSession();
    let echoTs = 0;
    let echoDelay = 0;
    if (this.echo !== null) {
      echoTs = this.echo.ts;
      echoDelay = Math.min(0xffff, Math.max(0, Math.floor(now - this.echo.at)));
      this.echo = null;
    }
    this.packet += 1;
    const plain = this.codec.encode({
      type,
      sender: this.link.sessionId,
      receiver: peerSession ?? NO_SESSION,
      packet: this.packet,
      ts: ts32(now),
      echoTs,
      echoDelay,
      ack: peerSession === null ? 0 : this.recv.ack,
      sack: peerSession === null ? [] : this.recv.sack(),
      seq: data?.seq ?? 0,
      fragIndex: data?.fragIndex ?? 0,
      fragCount: data?.fragCount ?? 0,
      payload,
    });
    if (peerSession !== null) {
      this.ackDueAt = null;
      this.unackedData = 0;
    }
    // Bulk and probe frames go as the token's binary form (PROTOCOL.md, "Token forms"), the rest as token text.
    const token = this.keyring.encrypt(plain, mayExceedBaseSize(type));
    this.transmit(token, type);
    return token.length;
  }

  // 5 --------------------------------------------------------------------
  private transmit(token: Buffer, what: FrameType | 'raw'): void {
    const to = this.link.peer();
    if (to === null) return;
    // Chat and control stay within the base size; bulk within the confirmed path MTU; a probe is what tests the path.
    const limit = what === 'bulk' ? this.bulkLimit : what === 'probe' ? MAX_ACCEPTED_DATAGRAM_BYTES : MAX_DATAGRAM_BYTES;
    if (token.length > limit) {
      // Unreachable by construction (the codec bounds the plaintext); a bug must not put an oversized datagram on the wire.
      throw new TypeError(`internal: a ${token.length}-byte ${what} token exceeds ${limit}`);
    }
    // The connection replaces its peer address, never changes it in place: no copy needed.
    this.out.transmit(to, token, what);
    this.counters.datagramsOut += 1;
  }

  // ack and echo duties, fed by the receive path ------------------------
  /** A frame of the peer arrived: its ts is echoed on our next frame. */
  echoLater(ts: number, now: number): void {
    this.echo = { ts, at: now };
  }

  /** `fragments` data fragments arrived (a data frame, or a pack's records): acked by the next frame, or standalone after ACK_DELAY_MS. */
  dataArrived(now: number, fragments = 1): void {
    this.ackDueAt ??= now + ACK_DELAY_MS;
    this.unackedData += fragments;
  }

  /** End of a batch: data frames piled up and none of ours carried their ack: ack now, not after ACK_DELAY_MS. */
  ackIfPiled(now: number): void {
    if (this.unackedData >= ACK_EVERY_DATA_FRAMES) this.control('ack', now);
  }

  /** The delayed ack, if due. Cleared even if nothing could be sent: a due ack that cannot leave must not spin the timer. */
  ackIfDue(now: number): void {
    if (this.ackDueAt === null || now < this.ackDueAt) return;
    this.control('ack', now);
    this.ackDueAt = null;
  }

  /** The peer's cumulative ack and SACK: the messages now fully acknowledged. */
  onAck(ack: number, sack: ReadonlyArray<readonly [number, number]>): OutMessage[] {
    return this.chat.onAck(ack, sack);
  }

  /** A new peer session: everything numbered for the old one starts over. */
  peerRestarted(): void {
    for (const s of this.streams) s.window.restart();
    this.echo = null;
    this.ackDueAt = null;
  }

  /** The peer came back from offline: what piled up backoff goes out now. */
  rearm(): void {
    for (const s of this.streams) s.window.rearm();
  }

  /** The earliest of the delayed ack and (while data may flow) the earliest retransmission. */
  nextDeadline(rto: number): number | null {
    let best = this.ackDueAt;
    if (!this.canSendData()) return best;
    for (const s of this.streams) {
      const t = s.window.nextDeadline(rto);
      if (t !== null && (best === null || t < best)) best = t;
    }
    return best;
  }

  get pendingMessages(): number {
    let n = 0;
    for (const s of this.streams) n += s.window.pendingMessages;
    return n;
  }

  /** Every message not yet acknowledged, removed (the connection is closing). */
  takeAll(): OutMessage[] {
    return this.streams.flatMap((s) => s.window.takeAll());
  }
}

/** Whole ms mod 2^32, never 0 (0 means "nothing to echo"). A clock may give fractions (a pacer's deadline): they are dropped. */
export function ts32(now: number): number {
  return Math.floor(now) % 0x1_0000_0000 || 1;
}
