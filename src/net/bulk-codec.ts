import { BULK_ACK_CREDITS_MAX, BULK_ACK_RANGES_MAX } from '../constants.js';
import { FrameError } from './errors.js';

/**
 * The payloads of the wire v3 frames of bulk streams and path MTU probes
 * (PROTOCOL.md "Bulk streams", "Path MTU"), big-endian:
 *
 *   bulk       u48 bulk packet number, u32 stream, u48 offset, data (≥ 1 byte)
 *   bulk-ack   u8 n, n × (u48 start, u48 end): received bulk packet-number
 *              ranges, half-open, newest first, each below the one before
 *              with a gap; u8 m, m × (u32 stream, u48 max offset): credits
 *   probe      u32 probe id, padding (any bytes: the size is the point)
 *   probe-ack  u32 probe id
 *
 * Encoders throw TypeError (a caller bug), decoders FrameError (an
 * authenticated peer sent something impossible: dropped as 'malformed').
 * Decoded data is a view into the payload, not a copy.
 */

/** Bytes before a bulk chunk's data: packet number, stream, offset. */
export const BULK_CHUNK_HEAD = 16;
/** The least bulk-ack payload: two zero counts. */
export const BULK_ACK_MIN_BYTES = 2;
/** A probe's id, in bytes. */
export const PROBE_ID_BYTES = 4;
const U48_MAX = 2 ** 48 - 1;
const U32_MAX = 0xffff_ffff;
const RANGE_BYTES = 12;
const CREDIT_BYTES = 10;

export interface BulkChunk {
  /** Bulk packet number: one space per connection and sender session, from 0. */
  pn: number;
  stream: number;
  /** Stream offset of data[0] (the file offset). */
  offset: number;
  data: Buffer;
}

/** Half-open [start, end) bulk packet-number range. */
export type PnRange = readonly [number, number];

export interface BulkCredit {
  stream: number;
  /** The sender may not send a byte at or beyond this offset. */
  max: number;
}

export interface BulkAck {
  /** Newest first, descending, disjoint, not touching. */
  ranges: PnRange[];
  credits: BulkCredit[];
}

const isU = (v: number, max: number): boolean => Number.isInteger(v) && v >= 0 && v <= max;

/** The payload of a bulk frame; `data` may be several buffers (a chunk cut across writes), copied once. */
export function encodeBulk(pn: number, stream: number, offset: number, data: readonly Buffer[]): Buffer {
  let length = 0;
  for (const d of data) length += d.length;
  if (!isU(pn, U48_MAX) || !isU(stream, U32_MAX) || !isU(offset, U48_MAX) || length < 1 || offset + length > U48_MAX) {
    throw new TypeError(`encodeBulk: bad chunk pn ${pn} stream ${stream} offset ${offset} length ${length}`);
  }
  const buf = Buffer.allocUnsafe(BULK_CHUNK_HEAD + length);
  buf.writeUIntBE(pn, 0, 6);
  buf.writeUInt32BE(stream, 6);
  buf.writeUIntBE(offset, 10, 6);
  let o = BULK_CHUNK_HEAD;
  for (const d of data) o += d.copy(buf, o);
  return buf;
}

export function decodeBulk(payload: Buffer): BulkChunk {
  if (payload.length <= BULK_CHUNK_HEAD) throw new FrameError(`bulk payload of ${payload.length} bytes holds no data`);
  const offset = payload.readUIntBE(10, 6);
  const data = payload.subarray(BULK_CHUNK_HEAD);
  if (offset + data.length > U48_MAX) throw new FrameError('bulk chunk runs past offset 2^48-1');
  return { pn: payload.readUIntBE(0, 6), stream: payload.readUInt32BE(6), offset, data };
}

/** Null when the ranges are newest first, disjoint, gapped, within u48 and at most BULK_ACK_RANGES_MAX. */
function rangesProblem(ranges: readonly PnRange[]): string | null {
  if (ranges.length > BULK_ACK_RANGES_MAX) return `${ranges.length} ranges exceed ${BULK_ACK_RANGES_MAX}`;
  let ceiling = U48_MAX + 1;
  for (const [start, end] of ranges) {
    if (!isU(start, U48_MAX) || !isU(end, U48_MAX)) return `range [${start}, ${end}) is not u48`;
    if (start >= end) return `range [${start}, ${end}) is empty`;
    if (end >= ceiling) return `range [${start}, ${end}) is not below the range before it`;
    ceiling = start;
  }
  return null;
}

export function encodeBulkAck(a: BulkAck): Buffer {
  const problem = rangesProblem(a.ranges);
  if (problem !== null) throw new TypeError(`encodeBulkAck: ${problem}`);
  if (a.credits.length > BULK_ACK_CREDITS_MAX) throw new TypeError(`encodeBulkAck: ${a.credits.length} credits exceed ${BULK_ACK_CREDITS_MAX}`);
  const buf = Buffer.allocUnsafe(2 + RANGE_BYTES * a.ranges.length + CREDIT_BYTES * a.credits.length);
  let o = 0;
  buf[o++] = a.ranges.length;
  for (const [start, end] of a.ranges) {
    buf.writeUIntBE(start, o, 6);
    buf.writeUIntBE(end, o + 6, 6);
    o += RANGE_BYTES;
  }
  buf[o++] = a.credits.length;
  for (const c of a.credits) {
    if (!isU(c.stream, U32_MAX) || !isU(c.max, U48_MAX)) throw new TypeError(`encodeBulkAck: bad credit ${c.stream} ${c.max}`);
    buf.writeUInt32BE(c.stream, o);
    buf.writeUIntBE(c.max, o + 4, 6);
    o += CREDIT_BYTES;
  }
  return buf;
}

export function decodeBulkAck(payload: Buffer): BulkAck {
  const n = payload[0];
  if (n === undefined || payload.length < 2 + RANGE_BYTES * n) throw new FrameError('bulk-ack cut inside its ranges');
  const ranges: Array<[number, number]> = [];
  let o = 1;
  for (let i = 0; i < n; i++, o += RANGE_BYTES) ranges.push([payload.readUIntBE(o, 6), payload.readUIntBE(o + 6, 6)]);
  const problem = rangesProblem(ranges);
  if (problem !== null) throw new FrameError(`bulk-ack: ${problem}`);
  const m = payload[o++]!;
  if (m > BULK_ACK_CREDITS_MAX) throw new FrameError(`bulk-ack: ${m} credits exceed ${BULK_ACK_CREDITS_MAX}`);
  if (payload.length !== o + CREDIT_BYTES * m) throw new FrameError(`bulk-ack of ${payload.length} bytes does not hold ${m} credits exactly`);
  const credits: BulkCredit[] = [];
  for (let i = 0; i < m; i++, o += CREDIT_BYTES) credits.push({ stream: payload.readUInt32BE(o), max: payload.readUIntBE(o + 4, 6) });
  return { ranges, credits };
}

/** A probe of exactly `plaintextBytes` payload bytes: the id, then zeros. */
export function encodeProbe(id: number, payloadBytes: number): Buffer {
  if (!isU(id, U32_MAX) || !Number.isInteger(payloadBytes) || payloadBytes < PROBE_ID_BYTES) {
    throw new TypeError(`encodeProbe: bad id ${id} or size ${payloadBytes}`);
  }
  const buf = Buffer.alloc(payloadBytes);
  buf.writeUInt32BE(id, 0);
  return buf;
}

/** The id of a probe or probe-ack payload. */
export function decodeProbeId(payload: Buffer): number {
  if (payload.length < PROBE_ID_BYTES) throw new FrameError(`probe payload of ${payload.length} bytes has no id`);
  return payload.readUInt32BE(0);
}

export function encodeProbeAck(id: number): Buffer {
  return encodeProbe(id, PROBE_ID_BYTES);
}
