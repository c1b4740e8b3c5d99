import type { MessageKind } from '../bus.js';
import { MAX_MESSAGE_BYTES, MAX_NICK_BYTES } from '../constants.js';
import { FrameError } from './errors.js';

/**
 * The body of a chat message on the reliable wire, before fragmentation:
 * `u8 kind, u8 nick length, nick (UTF-8), text (UTF-8)`. The nick travels
 * with every message so a receiver that missed the hello still knows who
 * spoke. Kinds: 0 message, 1 action (/me), 2 control (wire v3: a file
 * transfer's control message, JSON text for the transfer service, never a
 * chat line); any other is dropped as malformed.
 */

/**
 * A body's kind on the wire: the user-facing kinds of bus.ts, plus `control`,
 * which is the transport's own and never reaches the chat (xfer:control).
 */
export type WireKind = MessageKind | 'control';

export interface ChatMessage {
  nick: string;
  text: string;
  /** Default 'message'. */
  kind?: WireKind;
}

const KIND_CODES: Record<WireKind, number> = { message: 0, action: 1, control: 2 };
const KINDS_BY_CODE: ReadonlyArray<WireKind> = ['message', 'action', 'control'];

/** Bytes before the nick: kind + nick length. */
const BODY_HEAD = 2;

/** Largest encoded body: kind + length byte + longest nick + longest text. The reassembler's limit. */
export const MAX_ENCODED_MESSAGE_BYTES = BODY_HEAD + MAX_NICK_BYTES + MAX_MESSAGE_BYTES;

/**
 * `s` as UTF-8, cut to at most `maxBytes` without splitting a code point
 * (a cut inside a multi-byte sequence would decode as U+FFFD on the far side).
 */
export function utf8Truncate(s: string, maxBytes: number): Buffer {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return buf;
  let end = maxBytes;
  // Back off over continuation bytes (10xxxxxx) to the start of the cut code point.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

/** The body head with the kind byte left 0: `0, nick length, nick`. */
function nickPrefix(nick: string): Buffer {
  const bytes = utf8Truncate(nick, MAX_NICK_BYTES);
  const prefix = Buffer.allocUnsafe(BODY_HEAD + bytes.length);
  prefix[0] = 0;
  prefix[1] = bytes.length;
  bytes.copy(prefix, BODY_HEAD);
  return prefix;
}

function encodeWith(prefix: Buffer, m: ChatMessage): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + Buffer.byteLength(m.text, 'utf8'));
  prefix.copy(out, 0);
  out[0] = KIND_CODES[m.kind ?? 'message'];
  out.write(m.text, prefix.length, 'utf8');
  return out;
}

function checkMessage(m: ChatMessage): void {
  if (typeof m.nick !== 'string' || typeof m.text !== 'string') {
    throw new TypeError('encodeMessage: nick and text must be strings');
  }
  if (m.kind !== undefined && !Object.hasOwn(KIND_CODES, m.kind)) throw new TypeError(`encodeMessage: unknown kind ${String(m.kind)}`);
}

/** One allocation per message: the text is written straight into the body. */
export function encodeMessage(m: ChatMessage): Buffer {
  checkMessage(m);
  return encodeWith(nickPrefix(m.nick), m);
}

/**
 * A sender's message encoder. It keeps the encoded `length byte + nick` of
 * the last nick it saw: a session sends every message under the same nick,
 * so re-encoding it per message was pure garbage on the send hot path (a
 * nick change just replaces it). One per connection, never shared.
 */
export class MessageEncoder {
  private nick: string | null = null;
  private prefix: Buffer = Buffer.alloc(1);

  encode(m: ChatMessage): Buffer {
    checkMessage(m);
    if (m.nick !== this.nick) {
      this.prefix = nickPrefix(m.nick);
      this.nick = m.nick;
    }
    return encodeWith(this.prefix, m);
  }
}

/** FrameError on a missing head, an unknown kind or an impossible nick length; invalid UTF-8 becomes U+FFFD, never an error. */
export function decodeMessage(buf: Buffer): Required<ChatMessage> {
  if (buf.length < BODY_HEAD) throw new FrameError(`message body of ${buf.length} bytes has no kind and nick length`);
  const kind = KINDS_BY_CODE[buf[0]!];
  if (kind === undefined) throw new FrameError(`unknown message kind ${buf[0]}`);
  const nickLength = buf[1]!;
  if (nickLength > MAX_NICK_BYTES) throw new FrameError(`message nick of ${nickLength} bytes exceeds ${MAX_NICK_BYTES}`);
  if (BODY_HEAD + nickLength > buf.length) {
    throw new FrameError(`message nick length ${nickLength} runs past the ${buf.length}-byte body`);
  }
  return {
    kind,
    nick: buf.toString('utf8', BODY_HEAD, BODY_HEAD + nickLength),
    text: buf.toString('utf8', BODY_HEAD + nickLength),
  };
}
