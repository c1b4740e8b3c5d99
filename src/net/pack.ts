import { FrameError } from './errors.js';
import { PACK_RECORD_HEAD } from './frame-layout.js';

/**
 * The payload of a `pack` frame: several data fragments in one datagram, as
 * QUIC packs STREAM frames into one packet. A chat of short lines, or a
 * piped file, then costs one Fernet token and one sendmsg per datagram
 * instead of one per line. Each record is exactly what a `data` frame
 * carries in its header fields and payload:
 *
 *   u32 seq, u16 frag index, u16 frag count, u16 length, length bytes
 *
 * Records follow each other to the end of the payload; there are at least
 * two (one fragment travels as a `data` frame). Every record numbers its own
 * seq: the receive window, the acks and the retransmissions see fragments,
 * never packs. Pure: no I/O.
 */

/** One data fragment, in a data frame or a pack record. */
export interface DataRecord {
  seq: number;
  fragIndex: number;
  fragCount: number;
  payload: Buffer;
}

const U16_MAX = 0xffff;

/** Encoded size of a record carrying `payloadBytes`. */
export function packRecordBytes(payloadBytes: number): number {
  return PACK_RECORD_HEAD + payloadBytes;
}

/** TypeError on fewer than two records or a field out of range (a caller bug). */
export function encodePack(records: readonly DataRecord[]): Buffer {
  if (records.length < 2) throw new TypeError(`encodePack: a pack holds at least two records, got ${records.length}`);
  let size = 0;
  for (const r of records) size += packRecordBytes(r.payload.length);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const r of records) {
    if (r.payload.length > U16_MAX) throw new TypeError(`encodePack: a record of ${r.payload.length} bytes exceeds ${U16_MAX}`);
    if (r.fragCount < 1 || r.fragIndex >= r.fragCount || r.fragCount > U16_MAX) {
      throw new TypeError(`encodePack: frag ${r.fragIndex} of ${r.fragCount} is impossible`);
    }
    o = out.writeUInt32BE(r.seq, o);
    o = out.writeUInt16BE(r.fragIndex, o);
    o = out.writeUInt16BE(r.fragCount, o);
    o = out.writeUInt16BE(r.payload.length, o);
    o += r.payload.copy(out, o);
  }
  return out;
}

/**
 * The records of a pack payload, their payloads views into `payload` (the
 * reassembler copies what it keeps). FrameError on a truncated record, an
 * impossible fragment, or fewer than two records: the whole frame is
 * dropped, as a malformed data frame is.
 */
export function decodePack(payload: Buffer): DataRecord[] {
  const records: DataRecord[] = [];
  let o = 0;
  while (o < payload.length) {
    if (payload.length - o < PACK_RECORD_HEAD) throw new FrameError(`pack record head at byte ${o} runs past the ${payload.length}-byte payload`);
    const seq = payload.readUInt32BE(o);
    const fragIndex = payload.readUInt16BE(o + 4);
    const fragCount = payload.readUInt16BE(o + 6);
    const length = payload.readUInt16BE(o + 8);
    o += PACK_RECORD_HEAD;
    if (fragCount < 1 || fragIndex >= fragCount) throw new FrameError(`pack record frag ${fragIndex} of ${fragCount} is impossible`);
    if (o + length > payload.length) throw new FrameError(`pack record of ${length} bytes runs past the ${payload.length}-byte payload`);
    records.push({ seq, fragIndex, fragCount, payload: payload.subarray(o, o + length) });
    o += length;
  }
  if (records.length < 2) throw new FrameError(`a pack holds at least two records, got ${records.length}`);
  return records;
}

/**
 * Groups the fragments leaving in one pump into datagrams, in order: a
 * fragment joins the datagram before it while their records fit `budget`
 * bytes (the frame plaintext left after the header). A fragment that starts
 * a datagram and stays alone goes out as a `data` frame.
 */
export class DatagramPacker {
  private used = 0;

  constructor(private readonly budget: number) {}

  /** True: this fragment goes in the same datagram as the previous one. */
  joins(payloadBytes: number): boolean {
    const bytes = packRecordBytes(payloadBytes);
    if (this.used > 0 && this.used + bytes <= this.budget) {
      this.used += bytes;
      return true;
    }
    this.used = bytes;
    return false;
  }
}
