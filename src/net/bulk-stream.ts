/**
 * One outgoing bulk stream's bytes: written and not yet acknowledged,
 * referenced as the writer handed them (never copied here), cut into chunks
 * only when a datagram leaves, at the size of that moment. Pure.
 *
 *   acked      every byte below it was acknowledged (the contiguous prefix);
 *              the writer hears of it as `bulk:acked` when it grows
 *   next       the first byte never sent
 *   written    the end of what the writer gave
 *   credit     the peer's limit: nothing at or beyond it is sent
 * Lost chunks go to a retransmit queue that is served before new bytes.
 */

type Range = [number, number];

export class SendStream {
  acked: number;
  next: number;
  written: number;
  credit: number;
  /** Written segments not wholly acknowledged, ascending. */
  private segs: Array<{ offset: number; data: Buffer }> = [];
  /** Acknowledged ranges above `acked`, ascending, disjoint. */
  private ackedAbove: Range[] = [];
  /** Lost ranges to resend, oldest loss first. */
  private lost: Range[] = [];

  constructor(
    readonly id: number,
    offset: number,
    credit: number,
  ) {
    this.acked = offset;
    this.next = offset;
    this.written = offset;
    this.credit = credit;
  }

  write(data: Buffer): void {
    if (data.length === 0) return;
    this.segs.push({ offset: this.written, data });
    this.written += data.length;
  }

  /** Something can leave now: a lost range, or new bytes within the credit. */
  get sendable(): boolean {
    return this.lost.length > 0 || (this.next < this.written && this.next < this.credit);
  }

  /** Written bytes not yet acknowledged. */
  get unacked(): number {
    return this.written - this.acked;
  }

  /** The next chunk of at most `max` bytes (lost ones first), or null; the caller sends it. */
  take(max: number): { offset: number; parts: Buffer[]; length: number } | null {
    while (this.lost.length > 0) {
      const r = this.lost[0]!;
      r[0] = Math.max(r[0], this.acked);
      if (r[0] >= r[1] || this.covered(r[0], r[1])) {
        this.lost.shift();
        continue;
      }
      const end = Math.min(r[1], r[0] + max);
      const chunk = { offset: r[0], parts: this.gather(r[0], end), length: end - r[0] };
      r[0] = end;
      if (r[0] >= r[1]) this.lost.shift();
      return chunk;
    }
    const end = Math.min(this.written, this.credit, this.next + max);
    if (end <= this.next) return null;
    const chunk = { offset: this.next, parts: this.gather(this.next, end), length: end - this.next };
    this.next = end;
    return chunk;
  }

  /** [offset, offset + length) arrived; true when the acknowledged prefix grew. */
  onAcked(offset: number, length: number): boolean {
    const end = offset + length;
    if (end <= this.acked) return false;
    insertRange(this.ackedAbove, [Math.max(offset, this.acked), end]);
    const before = this.acked;
    while (this.ackedAbove.length > 0 && this.ackedAbove[0]![0] <= this.acked) {
      this.acked = Math.max(this.acked, this.ackedAbove.shift()![1]);
    }
    if (this.acked === before) return false;
    let n = 0;
    while (n < this.segs.length && this.segs[n]!.offset + this.segs[n]!.data.length <= this.acked) n++;
    if (n > 0) this.segs.splice(0, n);
    return true;
  }

  /** [offset, offset + length) was lost: resend what of it is not acknowledged. */
  onLost(offset: number, length: number): void {
    const start = Math.max(offset, this.acked);
    if (start < offset + length) this.lost.push([start, offset + length]);
  }

  private covered(start: number, end: number): boolean {
    for (const [s, e] of this.ackedAbove) if (s <= start && end <= e) return true;
    return false;
  }

  /** Views of the written segments that hold [start, end). */
  private gather(start: number, end: number): Buffer[] {
    let lo = 0;
    let hi = this.segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segs[mid]!.offset <= start) lo = mid;
      else hi = mid - 1;
    }
    const parts: Buffer[] = [];
    for (let i = lo; i < this.segs.length && start < end; i++) {
      const s = this.segs[i]!;
      const from = start - s.offset;
      const to = Math.min(s.data.length, end - s.offset);
      parts.push(s.data.subarray(from, to));
      start = s.offset + to;
    }
    return parts;
  }
}

/** Add [s, e) to ascending disjoint ranges, merging what it touches. */
function insertRange(ranges: Range[], r: Range): void {
  let i = ranges.length;
  // Acks mostly come in order: search from the end.
  while (i > 0 && ranges[i - 1]![0] > r[0]) i--;
  ranges.splice(i, 0, [r[0], r[1]]);
  const from = Math.max(0, i - 1);
  let w = from;
  for (let k = from + 1; k < ranges.length; k++) {
    const cur = ranges[w]!;
    const nx = ranges[k]!;
    if (nx[0] <= cur[1]) cur[1] = Math.max(cur[1], nx[1]);
    else ranges[++w] = nx;
  }
  ranges.length = w + 1;
}
