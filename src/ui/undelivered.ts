/**
 * What quitting reports: the text of every own message that failed (✗),
 * whenever it failed — during the chat or at shutdown — in the order they
 * failed. The README promises it; the UI prints it on stderr once the
 * terminal is back, and exits 1.
 *
 * A failed message the user sent again (Up, Enter) and that was then
 * delivered is no longer reported: its text reached the peer. On the raw
 * wire there are no receipts: a message is done once it is sent.
 */
import type { Bus, WireMode } from '../bus.js';

export class UndeliveredLog {
  /** Failed messages, bus id → text, in the order they failed. */
  private readonly failed = new Map<string, string>();
  /** Messages sent and not yet delivered or failed, bus id → text. */
  private readonly inFlight = new Map<string, string>();
  private readonly offs: Array<() => void>;

  constructor(bus: Bus, wire: WireMode = 'reliable') {
    const done = (id: string): void => {
      const text = this.inFlight.get(id);
      this.inFlight.delete(id);
      if (text !== undefined) this.forgetFailed(text);
    };
    this.offs = [
      bus.on('send', ({ id, text }) => void this.inFlight.set(id, text)),
      bus.on('message:sent', ({ id }) => {
        if (wire === 'raw') done(id);
      }),
      bus.on('message:failed', ({ id, text }) => {
        this.inFlight.delete(id);
        this.failed.set(id, text);
      }),
      bus.on('message:delivered', ({ id }) => done(id)),
    ];
  }

  /** The texts of the messages that failed and were not delivered later, oldest failure first. */
  texts(): string[] {
    return [...this.failed.values()];
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  /** The oldest failed message with this text was delivered after all. */
  private forgetFailed(text: string): void {
    for (const [id, t] of this.failed) {
      if (t === text) {
        this.failed.delete(id);
        return;
      }
    }
  }
}
