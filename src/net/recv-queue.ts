import { RECV_BATCH_MAX, RECV_QUEUE_MAX, RECV_QUEUE_MAX_BYTES } from '../constants.js';
import type { Address } from '../address/address.js';

const HANDLED = Buffer.alloc(0);

/**
 * The flood guard in front of the receive path: datagrams wait here and are
 * handed on at most `batchMax` per event-loop turn, the rest after a
 * setImmediate, so a flood cannot starve the UI (or the timers). Past
 * `max` datagrams or `maxBytes` bytes waiting, push() refuses (the caller
 * counts a 'flood' drop): datagrams of up to 64 KiB (bulk, or garbage) must
 * not make a full queue hold gigabytes.
 */
export class RecvQueue {
  // Two parallel arrays rather than an object per datagram: a stream queues thousands a second.
  private data: Buffer[] = [];
  private from: Address[] = [];
  private head = 0;
  /** Bytes of the datagrams waiting. */
  private bytes = 0;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(
    /** Handles one datagram; must not throw. */
    private readonly handle: (data: Buffer, from: Address) => void,
    /** After each batch. */
    private readonly afterBatch: () => void,
    private readonly max: number = RECV_QUEUE_MAX,
    private readonly batchMax: number = RECV_BATCH_MAX,
    private readonly maxBytes: number = RECV_QUEUE_MAX_BYTES,
  ) {}

  /** Bytes of the datagrams waiting. */
  get waitingBytes(): number {
    return this.bytes;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get waiting(): number {
    return this.data.length - this.head;
  }

  /** False when full (or closed): the datagram is not taken. */
  push(data: Buffer, from: Address): boolean {
    if (this.closed || this.waiting >= this.max || this.bytes + data.length > this.maxBytes) return false;
    this.bytes += data.length;
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
    this.bytes = 0;
  }

  private readonly run = (): void => {
    this.immediate = null;
    if (this.closed) return;
    const end = Math.min(this.data.length, this.head + this.batchMax);
    for (; this.head < end && !this.closed; this.head++) {
      const data = this.data[this.head]!;
      this.bytes -= data.length;
      // Let the handled datagram go now, not at the next compaction (64 KiB each, they add up).
      this.data[this.head] = HANDLED;
      this.handle(data, this.from[this.head]!);
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
