import type { Address } from '../src/address/address.js';
import type { DatagramPort } from '../src/net/port.js';

/** A port whose underlying address can be switched: a laptop moving networks. */
export class MovingPort implements DatagramPort {
  private handlers = new Set<(d: Buffer, f: Address) => void>();
  private off: () => void;
  constructor(private inner: DatagramPort) {
    this.off = inner.onDatagram((d, f) => this.handlers.forEach((h) => h(d, f)));
  }
  move(to: DatagramPort): void {
    this.off();
    void this.inner.close();
    this.inner = to;
    this.off = to.onDatagram((d, f) => this.handlers.forEach((h) => h(d, f)));
  }
  send(data: Buffer, to: Address): void {
    this.inner.send(data, to);
  }
  onDatagram(h: (d: Buffer, f: Address) => void): () => void {
    this.handlers.add(h);
    return () => void this.handlers.delete(h);
  }
  onError(): () => void {
    return () => {};
  }
  address(): Address {
    return this.inner.address();
  }
  close(): Promise<void> {
    this.off();
    return this.inner.close();
  }
}
