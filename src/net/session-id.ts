import { randomBytes } from 'node:crypto';

/**
 * Session ids: 8 random bytes per process start, 16 lowercase hex characters
 * in the code, 8 bytes in a frame header (PROTOCOL.md). Pure, no I/O.
 *
 * SessionIdSlot remembers the last id written to or read from one header
 * field. A transport sends every frame with the same two ids and receives
 * them with the same two, so the format check and the hex conversion run
 * once per id instead of once per frame (they were a measurable part of the
 * send and receive paths of a streaming peer).
 */

/** 16 lowercase hex characters (8 bytes). */
export type SessionId = string;

/** A session id on the wire, in bytes. */
export const SESSION_ID_BYTES = 8;

/** The receiver id of a frame sent before the peer's session is known. */
export const NO_SESSION: SessionId = '0000000000000000';

const SESSION_RE = /^[0-9a-f]{16}$/;

export function newSessionId(): SessionId {
  for (;;) {
    const id = randomBytes(SESSION_ID_BYTES).toString('hex');
    if (id !== NO_SESSION) return id;
  }
}

export function isSessionId(id: unknown): id is SessionId {
  return typeof id === 'string' && SESSION_RE.test(id);
}

export class SessionIdSlot {
  /** Hex text of the remembered id; '' until the first use. */
  private text = '';
  /** Its 8 bytes as two big-endian u32. */
  private hi = 0;
  private lo = 0;

  /** True when `id` is the remembered one (already validated by the caller). */
  holds(id: SessionId): boolean {
    return id === this.text && id !== '';
  }

  /** Remember `id`; the caller has checked it with isSessionId. */
  remember(id: SessionId): void {
    this.text = id;
    // The high u32 is the first 8 hex characters, the low one the last 8.
    this.hi = parseInt(id.slice(0, 8), 16);
    this.lo = parseInt(id.slice(8), 16);
  }

  /** Write the remembered id's 8 bytes at `offset`. */
  write(buf: Buffer, offset: number): void {
    buf.writeUInt32BE(this.hi, offset);
    buf.writeUInt32BE(this.lo, offset + 4);
  }

  /** The id in buf[offset, offset + 8), as hex; the remembered string when the bytes match it. */
  read(buf: Buffer, offset: number): SessionId {
    const hi = buf.readUInt32BE(offset);
    const lo = buf.readUInt32BE(offset + 4);
    if (this.text === '' || hi !== this.hi || lo !== this.lo) {
      this.hi = hi;
      this.lo = lo;
      this.text = buf.toString('hex', offset, offset + SESSION_ID_BYTES);
    }
    return this.text;
  }
}
