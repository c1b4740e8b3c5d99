/**
 * The transfer control messages (PROTOCOL.md, "File transfer"): JSON text
 * carried as chat-stream control messages (reliable, in order, exactly once,
 * authenticated). Parsing is strict: anything that is not exactly one of
 * these shapes is refused with a one-line reason, and the service ignores it.
 *
 *   offer   sender → receiver  {id, name, size, sha256}
 *   accept  receiver → sender  {id, offset, prefix}    resume from offset; prefix = SHA-256 of bytes [0, offset)
 *   start   sender → receiver  {id, stream, offset}    bytes flow on bulk stream `stream` from `offset`
 *   decline receiver → sender  {id, reason}
 *   cancel  either             {id, by}                by: 'sender' | 'receiver' — which side's transfer it ends
 *   fail    either             {id, by, reason}          (both sides may be sending each other the same file)
 *   done    receiver → sender  {id}                    the whole file is held and its SHA-256 matched
 */
import { TRANSFER_CONTROL_MAX_CHARS } from '../constants.js';
import { parseEnvelope } from '../text/json-envelope.js';

export const CONTROL_VERSION = 1;

export type Control =
  | { t: 'offer'; id: string; name: string; size: number; sha256: string }
  | { t: 'accept'; id: string; offset: number; prefix: string }
  | { t: 'start'; id: string; stream: number; offset: number }
  | { t: 'decline'; id: string; reason: string }
  | { t: 'cancel'; id: string; by: Side }
  | { t: 'fail'; id: string; by: Side; reason: string }
  | { t: 'done'; id: string };

export type ControlType = Control['t'];

/** Which end of a transfer sent a cancel or fail. */
export type Side = 'sender' | 'receiver';

/** Largest file size and offset: what a bulk stream can address (2^48 − 1). */
export const MAX_FILE_OFFSET = 2 ** 48 - 1;
/** Longest reason carried, in characters. */
export const MAX_REASON_CHARS = 200;
/** Longest name in an offer, in characters (the receiver cuts it further, by bytes). */
export const MAX_OFFER_NAME_CHARS = 1024;

/** Every field of each type besides `v` and `t` (all required). */
const FIELDS: Record<ControlType, readonly string[]> = {
  offer: ['id', 'name', 'size', 'sha256'],
  accept: ['id', 'offset', 'prefix'],
  start: ['id', 'stream', 'offset'],
  decline: ['id', 'reason'],
  cancel: ['id', 'by'],
  fail: ['id', 'by', 'reason'],
  done: ['id'],
};

export function encodeControl(c: Control): string {
  return JSON.stringify({ v: CONTROL_VERSION, ...c });
}

export type Parsed = { ok: true; control: Control } | { ok: false; reason: string };

const HEX32 = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export function parseControl(body: string): Parsed {
  const e = parseEnvelope(body, { version: CONTROL_VERSION, maxChars: TRANSFER_CONTROL_MAX_CHARS, required: FIELDS });
  if (!e.ok) return bad(e.reason);
  const { type, fields: r } = e;
  const id = r['id'];
  if (typeof id !== 'string' || !HEX32.test(id)) return bad(`${type}: id must be 32 hex digits`);
  switch (type) {
    case 'offer': {
      const { name, size, sha256 } = r;
      if (typeof name !== 'string' || name.length === 0 || name.length > MAX_OFFER_NAME_CHARS)
        return bad(`offer: name must be 1..${MAX_OFFER_NAME_CHARS} characters`);
      if (!isOffset(size)) return bad('offer: size must be a whole number of bytes');
      if (typeof sha256 !== 'string' || !HEX64.test(sha256)) return bad('offer: sha256 must be 64 hex digits');
      return { ok: true, control: { t: type, id, name, size, sha256 } };
    }
    case 'accept': {
      const { offset, prefix } = r;
      if (!isOffset(offset)) return bad('accept: offset must be a whole number of bytes');
      if (typeof prefix !== 'string' || !HEX64.test(prefix)) return bad('accept: prefix must be 64 hex digits');
      return { ok: true, control: { t: type, id, offset, prefix } };
    }
    case 'start': {
      const { stream, offset } = r;
      if (typeof stream !== 'number' || !Number.isInteger(stream) || stream < 0 || stream > 0xffff_ffff) return bad('start: stream must be 0..2^32-1');
      if (!isOffset(offset)) return bad('start: offset must be a whole number of bytes');
      return { ok: true, control: { t: type, id, stream, offset } };
    }
    case 'decline':
    case 'fail': {
      const reason = r['reason'];
      if (typeof reason !== 'string' || reason.length > MAX_REASON_CHARS) return bad(`${type}: reason must be text of at most ${MAX_REASON_CHARS} characters`);
      if (type === 'decline') return { ok: true, control: { t: type, id, reason } };
      const by = r['by'];
      if (by !== 'sender' && by !== 'receiver') return bad(`fail: by must be "sender" or "receiver"`);
      return { ok: true, control: { t: type, id, by, reason } };
    }
    case 'cancel': {
      const by = r['by'];
      if (by !== 'sender' && by !== 'receiver') return bad(`cancel: by must be "sender" or "receiver"`);
      return { ok: true, control: { t: type, id, by } };
    }
    case 'done':
      return { ok: true, control: { t: type, id } };
  }
}

function isOffset(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= MAX_FILE_OFFSET;
}

function bad(reason: string): Parsed {
  return { ok: false, reason };
}
