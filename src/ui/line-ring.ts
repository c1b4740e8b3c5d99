/**
 * The chat pane's storage: a bounded ring of lines addressed by sequence
 * number, with O(1) lookup by line id and by bus message id.
 *
 * Sequence numbers grow forever (they survive eviction and clear()), so a
 * position in the pane stays meaningful while old lines drop off the top.
 * The array starts small and doubles up to capacity, so a large configured
 * scrollback costs memory only once it is used. Besides the line cap, the
 * text held is capped (`maxChars`): a peer sending 4 MiB messages would
 * otherwise fill 100,000 lines with 400 GB.
 */

import type { ChatLine } from './format.js';

const INITIAL_SLOTS = 1024;

export class LineRing {
  private slots: Array<ChatLine | undefined>;
  private head = 0; // slot of the oldest line
  private count = 0;
  private first = 0; // sequence number of the oldest line
  private textChars = 0; // sum of text.length over the lines held
  private readonly idToSeq = new Map<number, number>();
  private readonly msgIdToSeq = new Map<string, number>();

  /** `onEvict(seq)` hears about each line dropped for room; `maxChars`: most text held, in code units (the newest line always stays). */
  constructor(
    readonly capacity: number,
    private readonly onEvict: (seq: number) => void = () => {},
    readonly maxChars = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`LineRing: capacity must be an integer >= 1, got ${capacity}`);
    if (!(maxChars >= 0)) throw new TypeError(`LineRing: maxChars must be >= 0, got ${maxChars}`);
    this.slots = new Array<ChatLine | undefined>(Math.min(capacity, INITIAL_SLOTS));
  }

  get length(): number {
    return this.count;
  }
  /** Text held, in code units. */
  get chars(): number {
    return this.textChars;
  }
  /** Sequence number of the oldest line (of the next line, when empty). */
  get firstSeq(): number {
    return this.first;
  }
  /** Sequence number of the newest line (firstSeq - 1 when empty). */
  get lastSeq(): number {
    return this.first + this.count - 1;
  }

  /** Store a line; evicts the oldest at capacity. Returns its sequence number. */
  push(line: ChatLine): number {
    if (this.count === this.capacity) this.evictOldest();
    while (this.count > 0 && this.textChars + line.text.length > this.maxChars) this.evictOldest();
    this.textChars += line.text.length;
    if (this.count === this.slots.length) this.grow();
    const seq = this.first + this.count;
    this.slots[(this.head + this.count) % this.slots.length] = line;
    this.count += 1;
    this.idToSeq.set(line.id, seq);
    if (line.msgId !== undefined) this.msgIdToSeq.set(line.msgId, seq);
    return seq;
  }

  /** The line at a sequence number in firstSeq..lastSeq. */
  at(seq: number): ChatLine {
    if (seq < this.first || seq > this.lastSeq) throw new RangeError(`LineRing: sequence ${seq} outside ${this.first}..${this.lastSeq}`);
    // Every slot from head on, count of them, holds a line; seq is one of them.
    return this.slots[(this.head + (seq - this.first)) % this.slots.length]!;
  }

  seqOfId(id: number): number | undefined {
    return this.idToSeq.get(id);
  }

  seqOfMsgId(msgId: string): number | undefined {
    return this.msgIdToSeq.get(msgId);
  }

  /** Point a message id at a line (a patch that sets or changes its msgId). */
  reindexMsgId(seq: number, oldMsgId: string | undefined, newMsgId: string): void {
    if (oldMsgId !== undefined && this.msgIdToSeq.get(oldMsgId) === seq) this.msgIdToSeq.delete(oldMsgId);
    this.msgIdToSeq.set(newMsgId, seq);
  }

  /** A held line's text changed length by `delta` code units (PaneBuffer.update). */
  textResized(delta: number): void {
    this.textChars += delta;
  }

  /** Drop every line; sequence numbers carry on. */
  clear(): void {
    this.first += this.count;
    this.count = 0;
    this.head = 0;
    this.slots = new Array<ChatLine | undefined>(Math.min(this.capacity, INITIAL_SLOTS));
    this.idToSeq.clear();
    this.msgIdToSeq.clear();
    this.textChars = 0;
  }

  /** Only while count > 0: the slot at head holds the oldest line. */
  private evictOldest(): void {
    const line = this.slots[this.head]!;
    const seq = this.first;
    if (this.idToSeq.get(line.id) === seq) this.idToSeq.delete(line.id);
    if (line.msgId !== undefined && this.msgIdToSeq.get(line.msgId) === seq) this.msgIdToSeq.delete(line.msgId);
    this.slots[this.head] = undefined;
    this.textChars -= line.text.length;
    this.head = (this.head + 1) % this.slots.length;
    this.count -= 1;
    this.first += 1;
    this.onEvict(seq);
  }

  private grow(): void {
    const next = new Array<ChatLine | undefined>(Math.min(this.capacity, this.slots.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = next;
    this.head = 0;
  }
}
