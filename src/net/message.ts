import { MAX_MESSAGE_BYTES, MAX_NICK_BYTES } from '../constants.js';
import { FrameError } from './errors.js';

/**
 * The body of a chat message on the reliable wire, before fragmentation:
 * `u8 nick length, nick (UTF-8), text (UTF-8)`. The nick travels with every
 * message so a receiver that missed the hello still knows who spoke.
 */

export interface ChatMessage {
  nick: string;
  text: string;
}

/** Largest encoded body: length byte + longest nick + longest text. The reassembler's limit. */
export const MAX_ENCODED_MESSAGE_BYTES = 1 + MAX_NICK_BYTES + MAX_MESSAGE_BYTES;

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

function nickPrefix(nick: string): Buffer {
  const bytes = utf8Truncate(nick, MAX_NICK_BYTES);
  const prefix = Buffer.allocUnsafe(1 + bytes.length);
  prefix[0] = bytes.length;
  bytes.copy(prefix, 1);
  return prefix;
}

function encodeWith(prefix: Buffer, text: string): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + Buffer.byteLength(text, 'utf8'));
  prefix.copy(out, 0);
  out.write(text, prefix.length, 'utf8');
  return out;
}

function checkMessage(m: ChatMessage): void {
  if (typeof m.nick !== 'string' || typeof m.text !== 'string') {
    throw new TypeError('encodeMessage: nick and text must be strings');
  }
}

/** One allocation per message: the text is written straight into the body. */
export function encodeMessage(m: ChatMessage): Buffer {
  checkMessage(m);
  return encodeWith(nickPrefix(m.nick), m.text);
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
    return encodeWith(this.prefix, m.text);
  }
}

/** FrameError on a missing or impossible nick length; invalid UTF-8 becomes U+FFFD, never an error. */
export function decodeMessage(buf: Buffer): ChatMessage {
  if (buf.length < 1) throw new FrameError('message body is empty (no nick length)');
  const nickLength = buf[0]!;
  if (nickLength > MAX_NICK_BYTES) throw new FrameError(`message nick of ${nickLength} bytes exceeds ${MAX_NICK_BYTES}`);
  if (1 + nickLength > buf.length) {
    throw new FrameError(`message nick length ${nickLength} runs past the ${buf.length}-byte body`);
  }
  return {
    nick: buf.toString('utf8', 1, 1 + nickLength),
    text: buf.toString('utf8', 1 + nickLength),
  };
}
