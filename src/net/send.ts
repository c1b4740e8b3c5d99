import { MAX_DATAGRAM_BYTES, MAX_MESSAGE_BYTES, MAX_NICK_BYTES } from '../constants.js';
import { fragment } from './fragment.js';
import { MAX_DATA_PAYLOAD, MAX_FRAME_PLAINTEXT, NO_SESSION, type Frame, type FrameType } from './frame.js';
import type { Link } from './link.js';
import { utf8Truncate } from './message.js';
import { tokenHmac } from './raw-dedupe.js';
import type { OutFrame } from './reliable-send.js';

/**
 * The send path. Every datagram that leaves the transport leaves here.
 *
 *  1. submit()      a user message (bus `send`). Raw wire: sendRaw() encrypts
 *                   the UTF-8 text as it is and sends it, once. Reliable wire:
 *                   the message body (nick + text) is cut into fragments and
 *                   queued in the SendWindow; `message:sent` (pending), or
 *                   `message:failed` with the text and why.
 *  2. pump()        data frames the SendWindow lets out now: retransmissions
 *                   that are due, then new fragments inside the window. Only
 *                   when the peer's session is known (data is addressed to
 *                   it) and the peer is not offline (then only probes go out;
 *                   the window is re-armed when it answers).
 *  3. sendControl() hello / ping / pong / ack / bye / rot-*: one frame now.
 *  4. sendFrame()   fills the header: our session, the peer's (or zero), the
 *                   next packet number, our clock, the peer's newest ts
 *                   (echoed once) and how long we held it, and the
 *                   cumulative ack + SACK of the receive window — so every
 *                   frame carries the ack and a pending standalone ack is
 *                   cancelled.
 *  5. transmit()    Fernet-encrypts under the keyring's current key and hands
 *                   the token to the port. Tokens never exceed
 *                   MAX_DATAGRAM_BYTES: the frame codec bounds the plaintext.
 */
export class Outbound {
  constructor(private readonly link: Link) {}

  // 1 --------------------------------------------------------------------
  submit(id: string, text: string): void {
    const { link } = this;
    if (link.wire === 'raw') return this.sendRaw(id, text);
    const textBytes = Buffer.byteLength(text, 'utf8');
    if (textBytes > MAX_MESSAGE_BYTES) {
      return this.fail(id, text, `message too long (${textBytes} bytes; the most is ${MAX_MESSAGE_BYTES})`);
    }
    const body = link.messages.encode({ nick: link.nick, text });
    // Most chat lines fit one fragment: the body itself, without fragment()'s view and array growth.
    const fragments = body.length <= MAX_DATA_PAYLOAD ? [body] : fragment(body, MAX_DATA_PAYLOAD);
    const queued = link.sendWindow.enqueue(id, text, fragments, textBytes);
    if (!queued.ok) return this.fail(id, text, queued.reason);
    link.bus.emit('message:sent', { id, text, time: link.now() });
    this.pump();
  }

  private sendRaw(id: string, text: string): void {
    const { link } = this;
    const plain = Buffer.from(text, 'utf8');
    if (plain.length > MAX_FRAME_PLAINTEXT) {
      return this.fail(id, text, `too long for raw mode (max ${MAX_FRAME_PLAINTEXT} bytes)`);
    }
    if (link.peer === null) {
      return this.fail(id, text, 'no peer address yet: raw mode learns it from the first message received (or give --peer, or /peer HOST:PORT)');
    }
    const token = link.keyring.encrypt(plain);
    const mac = tokenHmac(token);
    // Remembered so the same token coming back to us is known as a reflection.
    if (mac !== null) link.rawSent.check(mac, link.now());
    this.transmit(token);
    link.bus.emit('message:sent', { id, text, time: link.now() });
  }

  private fail(id: string, text: string, reason: string): void {
    this.link.bus.emit('message:failed', { id, text, reason });
  }

  // 2 --------------------------------------------------------------------
  /** Data can flow: reliable wire, peer address and session known, peer not offline. */
  canSendData(): boolean {
    const { link } = this;
    return link.wire === 'reliable' && link.peer !== null && link.peerSessions.id !== null && link.state !== 'offline';
  }

  pump(): void {
    if (!this.canSendData()) return;
    const { link } = this;
    for (const f of link.sendWindow.poll(link.now(), link.rto.rto)) {
      link.counters.dataFramesSent += 1;
      if (f.retransmit) link.counters.dataFramesRetransmitted += 1;
      this.sendFrame('data', f.payload, f);
    }
  }

  // 3 --------------------------------------------------------------------
  /** One control frame now. hello / ping / pong carry our nick. False if there is nowhere to send it. */
  sendControl(type: Exclude<FrameType, 'data'>, payload?: Buffer): boolean {
    const { link } = this;
    if (link.wire !== 'reliable' || link.peer === null) return false;
    const body = payload ?? (type === 'hello' || type === 'ping' || type === 'pong' ? utf8Truncate(link.nick, MAX_NICK_BYTES) : Buffer.alloc(0));
    this.sendFrame(type, body, null);
    return true;
  }

  // 4 --------------------------------------------------------------------
  private sendFrame(type: FrameType, payload: Buffer, data: OutFrame | null): void {
    const { link } = this;
    const now = link.now();
    const peerSession = link.peerSessions.id;
    let echoTs = 0;
    let echoDelay = 0;
    if (link.echo !== null) {
      echoTs = link.echo.ts;
      echoDelay = Math.min(0xffff, Math.max(0, now - link.echo.at));
      link.echo = null;
    }
    const frame: Frame = {
      type,
      sender: link.sessionId,
      receiver: peerSession ?? NO_SESSION,
      packet: link.nextPacket(),
      ts: link.ts32(now),
      echoTs,
      echoDelay,
      ack: peerSession === null ? 0 : link.recvWindow.ack,
      sack: peerSession === null ? [] : link.recvWindow.sack(),
      seq: data?.seq ?? 0,
      fragIndex: data?.fragIndex ?? 0,
      fragCount: data?.fragCount ?? 0,
      payload,
    };
    if (peerSession !== null) {
      link.ackDueAt = null;
      link.unackedData = 0;
    }
    this.transmit(link.keyring.encrypt(link.codec.encode(frame)));
  }

  // 5 --------------------------------------------------------------------
  private transmit(token: Buffer): void {
    const { link } = this;
    if (link.peer === null) return;
    if (token.length > MAX_DATAGRAM_BYTES) {
      // Unreachable by construction (encodeFrame bounds the plaintext); a bug must not put an oversized datagram on the wire.
      throw new TypeError(`internal: a ${token.length}-byte token exceeds ${MAX_DATAGRAM_BYTES}`);
    }
    link.port.send(token, link.peer);
    link.counters.datagramsOut += 1;
  }
}
