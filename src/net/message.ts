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

/**
 * The encoded `length byte + nick` of the last nick seen. A session sends
 * every message under the same nick, so re-encoding it per message was pure
 * garbage on the send hot path; one entry is enough (a nick change just
 * replaces it).
 */
let cachedNick: string | null = null;
let cachedPrefix: Buffer = Buffer.alloc(1);

function nickPrefix(nick: string): Buffer {
  if (nick !== cachedNick) {
    const bytes = utf8Truncate(nick, MAX_NICK_BYTES);
    const prefix = Buffer.allocUnsafe(1 + bytes.length);
    prefix[0] = bytes.length;
    bytes.copy(prefix, 1);
    cachedPrefix = prefix;
    cachedNick = nick;
  }
  return cachedPrefix;
}

/** One allocation per message: the text is written straight into the body. */
export function encodeMessage(m: ChatMessage): Buffer {
  if (typeof m.nick !== 'string' || typeof m.text !== 'string') {
    throw new TypeError('encodeMessage: nick and text must be strings');
  }
  const prefix = nickPrefix(m.nick);
  const out = Buffer.allocUnsafe(prefix.length + Buffer.byteLength(m.text, 'utf8'));
  prefix.copy(out, 0);
  out.write(m.text, prefix.length, 'utf8');
  return out;
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
