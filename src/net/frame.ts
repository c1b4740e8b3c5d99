import { FRAME_VERSION, MAX_NICK_BYTES, MAX_SACK_RANGES } from '../constants.js';
import { FrameError } from './errors.js';
import {
  DATA_FIELDS,
  FIXED_HEAD,
  FRAME_MAGIC,
  FRAME_MAGIC_1,
  FRAME_OFFSET,
  frameOverhead,
  isRotationFrame,
  maxFramePlaintext,
  PACK_RECORD_HEAD,
  PACKET_BYTES,
  PACKET_MAX,
  ROTATION_ID_BYTES,
  ROTATION_PUB_BYTES,
  SACK_RANGE_BYTES,
  TYPE_CODES,
  TYPES_BY_CODE,
  type FrameType,
} from './frame-layout.js';
import { isSessionId, NO_SESSION, SessionIdSlot, type SessionId } from './session-id.js';
import { BULK_ACK_MIN_BYTES, BULK_CHUNK_HEAD, PROBE_ID_BYTES } from './bulk-codec.js';

export { NO_SESSION, newSessionId, type SessionId } from './session-id.js';
export {
  carriesData,
  claimsFrame,
  FRAME_MAGIC,
  FRAME_OFFSET,
  frameOverhead,
  frameVersion,
  isDataKind,
  isFrame,
  isRotationFrame,
  MAX_DATA_PAYLOAD,
  MAX_FRAME_PLAINTEXT,
  MAX_LARGE_FRAME_PLAINTEXT,
  mayExceedBaseSize,
  maxFramePlaintext,
  PACK_RECORD_HEAD,
  ROTATION_FRAME_TYPES,
  ROTATION_ID_BYTES,
  ROTATION_PUB_BYTES,
  type FrameType,
  type RotationFrameType,
} from './frame-layout.js';

/**
 * The frame codec (wire v3): the binary plaintext of a reliable-mode Fernet token,
 * byte for byte as src/net/PROTOCOL.md lays it out. Pure: no I/O, no clock.
 *
 * encodeFrame throws TypeError (a caller bug: the transport built a bad
 * frame); decodeFrame throws FrameError (the peer sent something that
 * authenticated but is not a frame we understand: drop and count it).
 * Both sides apply the same checks, so whatever encodes also decodes.
 *
 * The wire facts (magic, offsets, sizes, type codes, the rotation frame
 * types) are frame-layout.ts's, re-exported here. A FrameCodec
 * instance remembers the session ids of the last frame it encoded and
 * decoded (session-id.ts says why); each connection holds its own, and the
 * free functions encodeFrame / decodeFrame use a fresh one per call.
 */

export interface Frame {
  type: FrameType;
  sender: SessionId;
  receiver: SessionId;
  /** Per sender session, 1 .. 2^48-1; the replay window runs on it. */
  packet: number;
  /** Sender clock, ms mod 2^32. */
  ts: number;
  /** Newest ts received from the peer, 0 if none (u32). */
  echoTs: number;
  /** ms between that ts arriving and this frame leaving, capped at 65535. */
  echoDelay: number;
  /** Cumulative ack: every data seq below it was received (u32). */
  ack: number;
  /** Half-open [start, end) ranges received above `ack`, ascending, at most MAX_SACK_RANGES. */
  sack: Array<[number, number]>;
  /** Data frames: data sequence number; 0 otherwise. */
  seq: number;
  /** Data frames: index of this fragment; 0 otherwise. */
  fragIndex: number;
  /** Data frames: fragments in the message, ≥ 1; 0 otherwise. */
  fragCount: number;
  payload: Buffer;
}

const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;

function isUint(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

/** Null when the payload fits the type, else what is wrong. */
function payloadProblem(type: FrameType, length: number): string | null {
  switch (type) {
    case 'hello':
    case 'ping':
    case 'pong':
      return length <= MAX_NICK_BYTES ? null : `${type} nick of ${length} bytes exceeds ${MAX_NICK_BYTES}`;
    case 'ack':
    case 'bye':
      return length === 0 ? null : `${type} payload must be empty, got ${length} bytes`;
    case 'rot-offer':
    case 'rot-accept':
    case 'rot-confirm':
    case 'rot-confirm-ack':
    case 'rot-abort': {
      const want = rotationPayloadBytes(type);
      return length === want ? null : `${type} payload must be ${want} bytes, got ${length}`;
    }
    case 'data':
      return null;
    case 'pack':
      return length >= 2 * PACK_RECORD_HEAD ? null : `pack payload of ${length} bytes holds fewer than two records`;
    // Their payloads are bulk-codec.ts's; here only what no valid one can be.
    case 'bulk':
      return length > BULK_CHUNK_HEAD ? null : `bulk payload of ${length} bytes holds no data`;
    case 'bulk-ack':
      return length >= BULK_ACK_MIN_BYTES ? null : `bulk-ack payload of ${length} bytes is too short`;
    case 'probe':
      return length >= PROBE_ID_BYTES ? null : `probe payload of ${length} bytes has no id`;
    case 'probe-ack':
      return length === PROBE_ID_BYTES ? null : `probe-ack payload must be ${PROBE_ID_BYTES} bytes, got ${length}`;
  }
}

function rotationPayloadBytes(type: FrameType): number | null {
  if (type === 'rot-offer' || type === 'rot-accept') return ROTATION_ID_BYTES + ROTATION_PUB_BYTES;
  if (isRotationFrame(type)) return ROTATION_ID_BYTES;
  return null;
}

/**
 * Null when the fields are consistent, else what is wrong. Sack ranges must be
 * non-empty, start at or above the cumulative ack and not overlap (touching
 * ranges are tolerated).
 */
function fieldProblem(f: Omit<Frame, 'payload' | 'type' | 'sender' | 'receiver' | 'packet'> & { type: FrameType }): string | null {
  if (!isUint(f.ts, U32_MAX)) return `ts must be a u32, got ${f.ts}`;
  if (!isUint(f.echoTs, U32_MAX)) return `echoTs must be a u32, got ${f.echoTs}`;
  if (!isUint(f.echoDelay, U16_MAX)) return `echoDelay must be a u16, got ${f.echoDelay}`;
  if (!isUint(f.ack, U32_MAX)) return `ack must be a u32, got ${f.ack}`;
  if (f.sack.length > MAX_SACK_RANGES) return `${f.sack.length} sack ranges exceed ${MAX_SACK_RANGES}`;
  let floor = f.ack;
  for (const [start, end] of f.sack) {
    if (!isUint(start, U32_MAX) || !isUint(end, U32_MAX)) return `sack range [${start}, ${end}) is not u32`;
    if (start >= end) return `sack range [${start}, ${end}) is empty`;
    if (start < floor) return `sack range [${start}, ${end}) is below ${floor} (ack or previous range)`;
    floor = end;
  }
  if (f.type === 'data') {
    if (!isUint(f.seq, U32_MAX)) return `seq must be a u32, got ${f.seq}`;
    if (!isUint(f.fragCount, U16_MAX) || f.fragCount < 1) return `fragCount must be 1..65535, got ${f.fragCount}`;
    if (!isUint(f.fragIndex, U16_MAX) || f.fragIndex >= f.fragCount) {
      return `fragIndex ${f.fragIndex} must be below fragCount ${f.fragCount}`;
    }
  } else if (f.seq !== 0 || f.fragIndex !== 0 || f.fragCount !== 0) {
    return `${f.type} frame must have seq, fragIndex and fragCount 0`;
  }
  return null;
}

/** One frame codec per connection: it remembers the two session ids of the last frame each way. */
export class FrameCodec {
  private readonly encoded = { sender: new SessionIdSlot(), receiver: new SessionIdSlot() };
  private readonly decoded = { sender: new SessionIdSlot(), receiver: new SessionIdSlot() };

  encode(f: Frame): Buffer {
    return encodeWith(this.encoded, f);
  }

  /** The payload is a view into `buf`, not a copy. */
  decode(buf: Buffer): Frame {
    return decodeWith(this.decoded, buf);
  }
}

interface Slots {
  sender: SessionIdSlot;
  receiver: SessionIdSlot;
}

/** Encode with a fresh codec (tests, tools); a connection keeps its own FrameCodec. */
export function encodeFrame(f: Frame): Buffer {
  return new FrameCodec().encode(f);
}

/** Decode with a fresh codec; the payload is a view into `buf`. */
export function decodeFrame(buf: Buffer): Frame {
  return new FrameCodec().decode(buf);
}

function encodeWith(encoded: Slots, f: Frame): Buffer {
  const code = TYPE_CODES[f.type];
  if (code === undefined) throw new TypeError(`encodeFrame: unknown frame type ${String(f.type)}`);
  if (!encoded.sender.holds(f.sender)) {
    if (!isSessionId(f.sender) || f.sender === NO_SESSION) {
      throw new TypeError('encodeFrame: sender must be a non-zero session id of 16 lowercase hex chars');
    }
    encoded.sender.remember(f.sender);
  }
  if (!encoded.receiver.holds(f.receiver)) {
    if (!isSessionId(f.receiver)) throw new TypeError('encodeFrame: receiver must be 16 lowercase hex chars');
    encoded.receiver.remember(f.receiver);
  }
  if (!Number.isInteger(f.packet) || f.packet < 1 || f.packet > PACKET_MAX) {
    throw new TypeError(`encodeFrame: packet must be 1..2^48-1, got ${f.packet}`);
  }
  if (!Buffer.isBuffer(f.payload)) throw new TypeError('encodeFrame: payload must be a Buffer');
  const problem = fieldProblem(f) ?? payloadProblem(f.type, f.payload.length);
  if (problem) throw new TypeError(`encodeFrame: ${problem}`);
  const head = frameOverhead(f.sack.length);
  const max = maxFramePlaintext(f.type);
  if (head + f.payload.length > max) throw new TypeError(`encodeFrame: ${f.type} frame of ${head + f.payload.length} bytes exceeds ${max}`);

  const buf = Buffer.allocUnsafe(head + f.payload.length);
  buf[FRAME_OFFSET.magic] = FRAME_MAGIC;
  buf[FRAME_OFFSET.magic + 1] = FRAME_MAGIC_1;
  buf[FRAME_OFFSET.version] = FRAME_VERSION;
  buf[FRAME_OFFSET.type] = code;
  encoded.sender.write(buf, FRAME_OFFSET.sender);
  encoded.receiver.write(buf, FRAME_OFFSET.receiver);
  buf.writeUIntBE(f.packet, FRAME_OFFSET.packet, PACKET_BYTES);
  buf.writeUInt32BE(f.ts, FRAME_OFFSET.ts);
  buf.writeUInt32BE(f.echoTs, FRAME_OFFSET.echoTs);
  buf.writeUInt16BE(f.echoDelay, FRAME_OFFSET.echoDelay);
  buf.writeUInt32BE(f.ack, FRAME_OFFSET.ack);
  buf[FRAME_OFFSET.sackCount] = f.sack.length;
  let o = FIXED_HEAD;
  for (const [start, end] of f.sack) {
    buf.writeUInt32BE(start, o);
    buf.writeUInt32BE(end, o + 4);
    o += SACK_RANGE_BYTES;
  }
  buf.writeUInt32BE(f.seq, o);
  buf.writeUInt16BE(f.fragIndex, o + 4);
  buf.writeUInt16BE(f.fragCount, o + 6);
  f.payload.copy(buf, o + DATA_FIELDS);
  return buf;
}

function decodeWith(decoded: Slots, buf: Buffer): Frame {
  if (buf.length < frameOverhead(0)) throw new FrameError(`frame too short: ${buf.length} bytes`);
  if (buf[FRAME_OFFSET.magic] !== FRAME_MAGIC || buf[FRAME_OFFSET.magic + 1] !== FRAME_MAGIC_1) throw new FrameError('bad frame magic');
  const version = buf[FRAME_OFFSET.version];
  if (version !== FRAME_VERSION) throw new FrameError(`unknown frame version ${version}`);
  const code = buf[FRAME_OFFSET.type]!;
  const type = TYPES_BY_CODE.get(code);
  if (type === undefined) throw new FrameError(`unknown frame type ${code}`);
  const sender = decoded.sender.read(buf, FRAME_OFFSET.sender);
  if (sender === NO_SESSION) throw new FrameError('frame sender session is zero');
  const receiver = decoded.receiver.read(buf, FRAME_OFFSET.receiver);
  const packet = buf.readUIntBE(FRAME_OFFSET.packet, PACKET_BYTES);
  if (packet === 0) throw new FrameError('frame packet number is zero');
  const sackCount = buf[FRAME_OFFSET.sackCount]!;
  if (sackCount > MAX_SACK_RANGES) throw new FrameError(`${sackCount} sack ranges exceed ${MAX_SACK_RANGES}`);
  const head = frameOverhead(sackCount);
  if (buf.length < head) throw new FrameError(`frame of ${buf.length} bytes too short for ${sackCount} sack ranges`);
  const sack: Array<[number, number]> = [];
  let o = FIXED_HEAD;
  for (let i = 0; i < sackCount; i++, o += SACK_RANGE_BYTES) {
    sack.push([buf.readUInt32BE(o), buf.readUInt32BE(o + 4)]);
  }
  const frame: Frame = {
    type,
    sender,
    receiver,
    packet,
    ts: buf.readUInt32BE(FRAME_OFFSET.ts),
    echoTs: buf.readUInt32BE(FRAME_OFFSET.echoTs),
    echoDelay: buf.readUInt16BE(FRAME_OFFSET.echoDelay),
    ack: buf.readUInt32BE(FRAME_OFFSET.ack),
    sack,
    seq: buf.readUInt32BE(o),
    fragIndex: buf.readUInt16BE(o + 4),
    fragCount: buf.readUInt16BE(o + 6),
    payload: buf.subarray(head),
  };
  const problem = fieldProblem(frame) ?? payloadProblem(type, frame.payload.length);
  if (problem) throw new FrameError(problem);
  return frame;
}

/** Payload of rot-offer / rot-accept (rid + pub) and rot-confirm / rot-confirm-ack / rot-abort (rid). */
export function encodeRotationPayload(p: { rid: Buffer; pub?: Buffer }): Buffer {
  if (!Buffer.isBuffer(p.rid) || p.rid.length !== ROTATION_ID_BYTES) {
    throw new TypeError(`encodeRotationPayload: rid must be ${ROTATION_ID_BYTES} bytes`);
  }
  if (p.pub === undefined) return Buffer.from(p.rid);
  if (!Buffer.isBuffer(p.pub) || p.pub.length !== ROTATION_PUB_BYTES) {
    throw new TypeError(`encodeRotationPayload: pub must be ${ROTATION_PUB_BYTES} bytes`);
  }
  return Buffer.concat([p.rid, p.pub]);
}

/** FrameError when `type` is not a rotation type or the length does not fit it. Returns copies. */
export function decodeRotationPayload(type: FrameType, payload: Buffer): { rid: Buffer; pub?: Buffer } {
  const want = rotationPayloadBytes(type);
  if (want === null) throw new FrameError(`${type} is not a rotation frame`);
  if (payload.length !== want) throw new FrameError(`${type} payload must be ${want} bytes, got ${payload.length}`);
  const rid = Buffer.from(payload.subarray(0, ROTATION_ID_BYTES));
  if (want === ROTATION_ID_BYTES) return { rid };
  return { rid, pub: Buffer.from(payload.subarray(ROTATION_ID_BYTES)) };
}
