import { errorMessage } from '../bus.js';
import type { Address } from '../address/address.js';

export type DatagramHandler = (data: Buffer, from: Address) => void;
export type PortErrorHandler = (err: Error) => void;

/**
 * The subscriber half of a DatagramPort, shared by udp.ts and memory.ts:
 * the two handler sets, their unsubscribe functions, and how a handler that
 * throws is dealt with. Handlers run over a snapshot, so one may unsubscribe
 * (itself or another) while a datagram is being handed out. The snapshot is
 * an array rebuilt only when the set changes (copy on write): a datagram no
 * longer pays for copying the set, which it did on every receive.
 *
 * `bugs` says where a throwing handler goes:
 * - 'contain' (udp.ts): handlers run inside dgram's event emit, where a
 *   throw would be an uncaught exception, so a datagram handler's throw
 *   becomes an error report and an error handler's throw is swallowed.
 * - 'surface' (memory.ts, tests and the bench): a datagram handler's throw
 *   becomes an error report when someone listens for errors and is rethrown
 *   otherwise; an error handler's throw propagates.
 */
export class PortHandlers {
  private readonly datagramHandlers = new Set<DatagramHandler>();
  private readonly errorHandlers = new Set<PortErrorHandler>();
  /** Snapshot of datagramHandlers; null after a change until the next delivery rebuilds it. */
  private datagramList: DatagramHandler[] | null = null;

  constructor(private readonly bugs: 'contain' | 'surface') {}

  onDatagram(handler: DatagramHandler): () => void {
    this.datagramHandlers.add(handler);
    this.datagramList = null;
    return () => {
      // A delivery in progress keeps iterating its own (old) array.
      if (this.datagramHandlers.delete(handler)) this.datagramList = null;
    };
  }

  onError(handler: PortErrorHandler): () => void {
    this.errorHandlers.add(handler);
    return () => {
      this.errorHandlers.delete(handler);
    };
  }

  /**
   * Hand a datagram to every handler, each with its own copy of `from`.
   * `fromIsFresh` says the caller built `from` for this call alone (udp.ts
   * does, from dgram's rinfo): the first handler may then have it as is, and
   * the usual single subscriber costs no copy at all.
   */
  deliver(data: Buffer, from: Address, fromIsFresh = false): void {
    const list = (this.datagramList ??= [...this.datagramHandlers]);
    // Read before any handler runs: a handler may scribble on the object it got.
    const { host, port } = from;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(data, i === 0 && fromIsFresh ? from : { host, port });
      } catch (err) {
        if (this.bugs === 'surface' && this.errorHandlers.size === 0) throw err;
        this.reportError(new Error(`datagram handler failed: ${errorMessage(err)}`));
      }
    }
  }

  reportError(err: Error): void {
    for (const h of [...this.errorHandlers]) {
      if (this.bugs === 'surface') {
        h(err);
        continue;
      }
      try {
        h(err);
      } catch {
        // an error handler that throws has nowhere left to report to
      }
    }
  }
}
