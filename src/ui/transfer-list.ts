/**
 * The transfers the UI knows of, from transfer:update facts. Pure.
 *
 * Keyed by `n` (what the user types); a view whose file id is already known
 * under another n replaces that entry (a transfer is one entry, whatever the
 * transfer service numbers it). What the commands need to check an N, and
 * what the dashboard shows, are read from here.
 */
import type { TransferView } from '../bus.js';
import { isEnded } from './transfer-line.js';

export class TransferList {
  private readonly byN = new Map<number, TransferView>();
  private readonly nOfId = new Map<string, number>();

  /** Takes a transfer:update; returns the previous view of the same transfer, if any. */
  apply(v: TransferView): TransferView | undefined {
    const oldN = this.nOfId.get(v.id);
    const previous = oldN === undefined ? this.byN.get(v.n) : this.byN.get(oldN);
    if (oldN !== undefined && oldN !== v.n) this.byN.delete(oldN);
    const displaced = this.byN.get(v.n);
    if (displaced !== undefined && displaced.id !== v.id) this.nOfId.delete(displaced.id);
    this.byN.set(v.n, { ...v });
    this.nOfId.set(v.id, v.n);
    return previous;
  }

  get(n: number): TransferView | undefined {
    return this.byN.get(n);
  }

  /** Every transfer, by number. */
  all(): TransferView[] {
    return [...this.byN.values()].sort((a, b) => a.n - b.n);
  }

  /** Not ended yet (offered, transferring, paused, verifying), by number. */
  active(): TransferView[] {
    return this.all().filter((v) => !isEnded(v));
  }

  /** Incoming offers waiting for /accept or /decline, oldest (lowest n) first. */
  waitingOffers(): TransferView[] {
    return this.all().filter((v) => v.direction === 'in' && v.state === 'offered');
  }
}
