/**
 * A stand-in for the transfer service on a bus (tests only): it writes a
 * buffer on an outgoing bulk stream as the contract allows (at most
 * BULK_SEND_BUFFER_BYTES unacknowledged, more on each bulk:acked), and on
 * the receiving bus collects bulk:data, checks it is in order and once, and
 * reports it consumed at once.
 */
import { createHash } from 'node:crypto';
import type { Bus } from '../src/bus.js';
import { BULK_SEND_BUFFER_BYTES } from '../src/constants.js';

/** Pieces of this size are written, as a file reader would. */
const WRITE_BYTES = 64 * 1024;

export class BulkWriter {
  private written = 0;
  acked = 0;

  constructor(
    private readonly bus: Bus,
    readonly stream: number,
    private readonly data: Buffer,
  ) {
    bus.on('bulk:acked', (a) => {
      if (a.stream !== stream) return;
      if (a.offset < this.acked) throw new Error(`bulk:acked went back on stream ${stream}`);
      this.acked = a.offset;
      this.fill();
    });
    bus.emit('bulk:open-send', { stream, offset: 0 });
    this.fill();
  }

  get done(): boolean {
    return this.acked === this.data.length;
  }

  private fill(): void {
    while (this.written < this.data.length && this.written - this.acked < BULK_SEND_BUFFER_BYTES) {
      const end = Math.min(this.data.length, this.written + WRITE_BYTES);
      this.bus.emit('bulk:write', { stream: this.stream, data: this.data.subarray(this.written, end) });
      this.written = end;
    }
  }
}

export class BulkReader {
  private readonly hash = createHash('sha256');
  received = 0;

  constructor(
    private readonly bus: Bus,
    readonly stream: number,
  ) {
    bus.on('bulk:data', (d) => {
      if (d.stream !== stream) return;
      if (d.offset !== this.received) throw new Error(`stream ${stream}: bytes at ${d.offset}, expected ${this.received}`);
      this.hash.update(d.data);
      this.received += d.data.length;
      bus.emit('bulk:consumed', { stream, offset: this.received });
    });
    bus.emit('bulk:open-recv', { stream, offset: 0 });
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
