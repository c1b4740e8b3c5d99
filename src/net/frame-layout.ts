import { MAX_ACCEPTED_DATAGRAM_BYTES, MAX_DATAGRAM_BYTES, MAX_SACK_RANGES } from '../constants.js';
import { maxFernetBinaryPlaintext, maxFernetPlaintext } from '../crypto/format.js';
import { ROTATION_PUBLIC_KEY_BYTES } from '../crypto/rotation-kdf.js';
import { SESSION_ID_BYTES } from './session-id.js';

/**
 * The wire facts of a frame (wire v3), owned here once (PROTOCOL.md "Frame
 * layout"): the magic, the field offsets, the sizes, the type codes and the
 * one list of rotation frame types. frame.ts encodes and decodes with them
 * and re-exports them; nothing else writes a frame offset or a type code.
 */

export type FrameType =
  | 'hello'
  | 'data'
  | 'pack'
  | 'ack'
  | 'ping'
  | 'pong'
  | 'rot-offer'
  | 'rot-accept'
  | 'rot-confirm'
  | 'rot-confirm-ack'
  | 'rot-abort'
  | 'bye'
  | 'bulk'
  | 'bulk-ack'
  | 'probe'
  | 'probe-ack';

/** Frames that carry data fragments: `data` one (in the header fields), `pack` several (records in the payload). */
export function carriesData(type: FrameType): boolean {
  return type === 'data' || type === 'pack';
}

/** Frames of the wire's data kind in the trust table: chat fragments, and a bulk stream's chunks. */
export function isDataKind(type: FrameType): boolean {
  return carriesData(type) || type === 'bulk';
}

/**
 * Frames that may be larger than MAX_DATAGRAM_BYTES: bulk chunks and PMTU
 * probes, sized by the path MTU search (pmtu.ts). Everything else, chat
 * included, stays within MAX_DATAGRAM_BYTES.
 */
export function mayExceedBaseSize(type: FrameType): boolean {
  return type === 'bulk' || type === 'probe';
}

/** First byte of every frame: never the first byte of UTF-8 text, so raw text is never taken for a frame. */
export const FRAME_MAGIC = 0xfc;
/** Second magic byte. */
export const FRAME_MAGIC_1 = 0x01;

/** Where each fixed header field starts (PROTOCOL.md "Frame layout"). */
export const FRAME_OFFSET = {
  magic: 0,
  version: 2,
  type: 3,
  sender: 4,
  receiver: 4 + SESSION_ID_BYTES,
  packet: 4 + 2 * SESSION_ID_BYTES,
  ts: 26,
  echoTs: 30,
  echoDelay: 34,
  ack: 36,
  sackCount: 40,
  sack: 41,
} as const;
/** Packet number width, in bytes. */
export const PACKET_BYTES = 6;
/** Bytes before the sack ranges (magic … sack count). */
export const FIXED_HEAD = FRAME_OFFSET.sack;
/** seq u32 + frag index u16 + frag count u16, after the sack ranges. */
export const DATA_FIELDS = 8;
export const SACK_RANGE_BYTES = 8;
export const PACKET_MAX = 2 ** (8 * PACKET_BYTES) - 1;
/** A pack record's head: seq u32, frag index u16, frag count u16, payload length u16. */
export const PACK_RECORD_HEAD = 10;
/** Rotation id on the wire, in bytes. */
export const ROTATION_ID_BYTES = 8;
/** X25519 public key on the wire, in bytes (crypto/rotation-kdf.ts owns the fact). */
export const ROTATION_PUB_BYTES = ROTATION_PUBLIC_KEY_BYTES;

/** The rotation frames, the one list of them (receive path, trust table and rotation machine use it). */
export const ROTATION_FRAME_TYPES = ['rot-offer', 'rot-accept', 'rot-confirm', 'rot-confirm-ack', 'rot-abort'] as const;
export type RotationFrameType = (typeof ROTATION_FRAME_TYPES)[number];
const ROTATION_SET: ReadonlySet<FrameType> = new Set<FrameType>(ROTATION_FRAME_TYPES);

export function isRotationFrame(type: FrameType): type is RotationFrameType {
  return ROTATION_SET.has(type);
}

export const TYPE_CODES: Record<FrameType, number> = {
  hello: 1,
  data: 2,
  ack: 3,
  ping: 4,
  pong: 5,
  'rot-offer': 6,
  'rot-accept': 7,
  'rot-confirm': 8,
  'rot-confirm-ack': 9,
  'rot-abort': 10,
  bye: 11,
  pack: 12,
  bulk: 13,
  'bulk-ack': 14,
  probe: 15,
  'probe-ack': 16,
};
export const TYPES_BY_CODE = new Map<number, FrameType>((Object.entries(TYPE_CODES) as Array<[FrameType, number]>).map(([t, c]) => [c, t]));

/** Header bytes of a frame carrying `sackCount` sack ranges (every frame has the seq/frag fields). */
export function frameOverhead(sackCount: number): number {
  if (!Number.isInteger(sackCount) || sackCount < 0 || sackCount > MAX_SACK_RANGES) {
    throw new TypeError(`frameOverhead: sackCount must be an integer 0..${MAX_SACK_RANGES}, got ${sackCount}`);
  }
  return FIXED_HEAD + SACK_RANGE_BYTES * sackCount + DATA_FIELDS;
}

/** Largest frame plaintext whose token fits in MAX_DATAGRAM_BYTES (831 for 1200). */
export const MAX_FRAME_PLAINTEXT = maxFernetPlaintext(MAX_DATAGRAM_BYTES);

/** Largest frame plaintext of a bulk or probe frame: its binary token fits the largest datagram accepted. */
export const MAX_LARGE_FRAME_PLAINTEXT = maxFernetBinaryPlaintext(MAX_ACCEPTED_DATAGRAM_BYTES);

/** Largest plaintext a frame of `type` may have. */
export function maxFramePlaintext(type: FrameType): number {
  return mayExceedBaseSize(type) ? MAX_LARGE_FRAME_PLAINTEXT : MAX_FRAME_PLAINTEXT;
}

/** Data payload that always fits, whatever the sack count: the fragment size for the fragmenter. */
export const MAX_DATA_PAYLOAD = MAX_FRAME_PLAINTEXT - frameOverhead(MAX_SACK_RANGES);

/** Cheap test: the magic and a version byte are there. Raw UTF-8 text never starts with 0xFC. */
export function isFrame(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === FRAME_MAGIC && buf[1] === FRAME_MAGIC_1;
}

/** The version byte of a plaintext with both magic bytes, else null (too short, or not a frame). */
export function frameVersion(plain: Buffer): number | null {
  return isFrame(plain) ? plain[FRAME_OFFSET.version]! : null;
}

/** The plaintext claims to be a frame (first byte): it is decoded as one or dropped as malformed, never shown as text. */
export function claimsFrame(plain: Buffer): boolean {
  return plain.length > 0 && plain[0] === FRAME_MAGIC;
}
