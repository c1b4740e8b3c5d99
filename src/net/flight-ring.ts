/**
 * The fragments in flight of a send window, by seq. They always form one
 * contiguous run [first, first + size): seqs are handed out consecutively
 * and only the cumulative ack removes them, from the bottom. So a ring of
 * the window's size does what a Map did, without the Map's cost: deleting
 * from the front of a Map leaves tombstones that every later walk from the
 * start steps over again, and a streaming sender walks from the start on
 * every ack. Pure; no I/O.
 */
export class FlightRing<T> {
  private readonly slots: Array<T | undefined>;
  private first = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`FlightRing: capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** The lowest seq held (meaningless while empty). */
  get firstSeq(): number {
    return this.first;
  }

  /** The seq after the highest held. */
  get endSeq(): number {
    return this.first + this.count;
  }

  get(seq: number): T | undefined {
    if (seq < this.first || seq >= this.first + this.count) return undefined;
    return this.slots[seq % this.capacity];
  }

  /** Add `seq`, which must be endSeq (or anything while empty: the run starts there). */
  push(seq: number, value: T): void {
    if (this.count === 0) this.first = seq;
    else if (seq !== this.first + this.count) throw new TypeError(`FlightRing.push: seq ${seq} is not the next one (${this.first + this.count})`);
    if (this.count === this.capacity) throw new TypeError(`FlightRing.push: full (${this.capacity})`);
    this.slots[seq % this.capacity] = value;
    this.count += 1;
  }

  /** Remove every seq below `seq`, lowest first, handing each to `each`. */
  removeBelow(seq: number, each: (value: T, seq: number) => void): void {
    while (this.count > 0 && this.first < seq) {
      const i = this.first % this.capacity;
      const v = this.slots[i]!;
      this.slots[i] = undefined;
      this.first += 1;
      this.count -= 1;
      each(v, this.first - 1);
    }
  }

  /** Each held value in seq order, from `from` (default: the lowest) up to, not including, `to` (default: endSeq). */
  forEach(each: (value: T, seq: number) => void, from = this.first, to = this.first + this.count): void {
    const end = Math.min(to, this.first + this.count);
    for (let s = Math.max(from, this.first); s < end; s++) each(this.slots[s % this.capacity]!, s);
  }

  clear(): void {
    this.slots.fill(undefined);
    this.count = 0;
  }
}
