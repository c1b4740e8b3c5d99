/**
 * One incoming bulk stream's reassembly by offset. Bytes in order are handed
 * up at once, each once: never a byte below what was handed up, never one
 * twice. Bytes above a gap are held, only inside [handed-up offset, limit)
 * where the limit is the stream's credit (consumed + window), so the memory
 * held is bounded by the window whatever the sender does; overlapping copies
 * (a retransmission cut at another chunk size) are trimmed to what is not
 * held yet. Pure; data are views into the datagrams' plaintexts.
 */
export class Reassembly {
  /** Every byte below it was handed up. */
  delivered: number;
  /** Held chunks above `delivered`, ascending by start, disjoint. */
  private held: Array<{ start: number; data: Buffer }> = [];
  private heldBytes = 0;

  constructor(offset: number) {
    this.delivered = offset;
  }

  /** Bytes held above the gap (tests: the bound). */
  get heldTotal(): number {
    return this.heldBytes;
  }

  /**
   * A chunk at `offset`; `limit` the credit. Calls `deliver` with each
   * in-order piece (possibly several: the chunk, then what it joined up).
   */
  push(offset: number, data: Buffer, limit: number, deliver: (offset: number, data: Buffer) => void): void {
    const end = Math.min(offset + data.length, limit);
    const start = Math.max(offset, this.delivered);
    if (start >= end) return;
    const piece = data.subarray(start - offset, end - offset);
    if (start > this.delivered) return this.hold(start, piece);
    deliver(start, piece);
    this.delivered = end;
    this.drain(deliver);
  }

  /** Hand up the held chunks the gap closing reached. */
  private drain(deliver: (offset: number, data: Buffer) => void): void {
    let n = 0;
    for (; n < this.held.length; n++) {
      const h = this.held[n]!;
      if (h.start > this.delivered) break;
      this.heldBytes -= h.data.length;
      const hEnd = h.start + h.data.length;
      if (hEnd <= this.delivered) continue;
      deliver(this.delivered, h.data.subarray(this.delivered - h.start));
      this.delivered = hEnd;
    }
    if (n > 0) this.held.splice(0, n);
  }

  /** Keep [start, start + data.length) minus what is held already. */
  private hold(start: number, data: Buffer): void {
    const held = this.held;
    const end = start + data.length;
    // Fast path: above everything held (the usual shape after one loss).
    const last = held[held.length - 1];
    if (last === undefined || last.start + last.data.length <= start) {
      held.push({ start, data });
      this.heldBytes += data.length;
      return;
    }
    // First held chunk that ends above start (binary search).
    let lo = 0;
    let hi = held.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const h = held[mid]!;
      if (h.start + h.data.length <= start) lo = mid + 1;
      else hi = mid;
    }
    const pieces: Array<{ start: number; data: Buffer }> = [];
    let at = start;
    let i = lo;
    for (; i < held.length && at < end; i++) {
      const h = held[i]!;
      if (h.start >= end) break;
      if (at < h.start) pieces.push({ start: at, data: data.subarray(at - start, h.start - start) });
      at = Math.max(at, h.start + h.data.length);
    }
    if (at < end) pieces.push({ start: at, data: data.subarray(at - start) });
    // Each piece lies in a gap before held[k] for k in [lo, i]: merge by start.
    const merged = held
      .slice(lo, i)
      .concat(pieces)
      .sort((a, b) => a.start - b.start);
    held.splice(lo, i - lo, ...merged);
    for (const p of pieces) this.heldBytes += p.data.length;
  }
}
