import { RECV_BATCH_MAX, RECV_QUEUE_MAX } from '../constants.js';
import type { Address } from '../address/address.js';

/**
 * The flood guard in front of the receive path: datagrams wait here and are
 * handed on at most `batchMax` per event-loop turn, the rest after a
 * setImmediate, so a flood cannot starve the UI (or the timers). Past
 * `max` waiting, push() refuses (the caller counts a 'flood' drop).
 */
export class RecvQueue {
  // Two parallel arrays rather than an object per datagram: a stream queues thousands a second.
  private data: Buffer[] = [];
  private from: Address[] = [];
  private head = 0;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(
    /** Handles one datagram; must not throw. */
    private readonly handle: (data: Buffer, from: Address) => void,
    /** After each batch. */
    private readonly afterBatch: () => void,
    private readonly max: number = RECV_QUEUE_MAX,
    private readonly batchMax: number = RECV_BATCH_MAX,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  get waiting(): number {
    return this.data.length - this.head;
  }

  /** False when full (or closed): the datagram is not taken. */
  push(data: Buffer, from: Address): boolean {
    if (this.closed || this.waiting >= this.max) return false;
    this.data.push(data);
    this.from.push(from);
    if (this.immediate === null) this.immediate = setImmediate(this.run);
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.immediate = null;
    this.data = [];
    this.from = [];
    this.head = 0;
  }

  private readonly run = (): void => {
    this.immediate = null;
    if (this.closed) return;
    const end = Math.min(this.data.length, this.head + this.batchMax);
    for (; this.head < end && !this.closed; this.head++) {
      this.handle(this.data[this.head]!, this.from[this.head]!);
    }
    if (this.closed) return;
    if (this.head === this.data.length) {
      this.data.length = 0;
      this.from.length = 0;
      this.head = 0;
    } else {
      // Compact now and then, so a long flood does not keep every handled datagram alive.
      if (this.head > this.batchMax * 16) {
        this.data = this.data.slice(this.head);
        this.from = this.from.slice(this.head);
        this.head = 0;
      }
      this.immediate = setImmediate(this.run);
    }
    this.afterBatch();
  };
}
