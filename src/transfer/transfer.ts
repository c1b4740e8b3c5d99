/**
 * What the outgoing and incoming sides of a transfer share: the view the UI
 * sees (bus.ts TransferView), state changes through state.ts's `next()`, and
 * the host — the service, seen from one transfer.
 */
import type { Bus, TransferDirection, TransferState, TransferView } from '../bus.js';
import type { ReceiverFs } from './api.js';
import type { Control } from './control.js';
import { Progress } from './progress.js';
import { isEnded, next, type TransferEvent } from './state.js';
import type { Records } from './records.js';

/** The service, as one transfer sees it. */
export interface Host {
  readonly bus: Bus;
  /** The file-system calls of the receiving side (TransferServiceOptions.fs). */
  readonly fs: ReceiverFs;
  now(): number;
  /** A control message to the peer (reliable, in order) about `t`. */
  control(t: Transfer, c: Control): void;
  /** The view changed: `state` true for a state change (sent at once), false for progress (paced). */
  changed(t: Transfer, state: boolean): void;
  /** One line for the user. */
  say(severity: 'info' | 'warning', line: string): void;
  readonly records: Records;
  saveRecords(): void;
  /** A fresh outgoing bulk stream id. */
  newSendStream(): number;
  /** Route incoming bulk data of `stream` to `t` (null: stop). False when another transfer has that stream. */
  bindRecv(stream: number, t: Transfer | null): boolean;
}

export abstract class Transfer {
  abstract readonly direction: TransferDirection;
  state: TransferState;
  bytes = 0;
  resumedFrom = 0;
  reason: string | undefined;
  endedBy: 'local' | 'peer' | undefined;
  readonly progress = new Progress();

  constructor(
    protected readonly host: Host,
    readonly n: number,
    readonly id: string,
    readonly name: string,
    readonly size: number,
    readonly sha256: string,
    state: TransferState,
  ) {
    this.state = state;
  }

  /** out: the source path; in: the .part path, then the final one. */
  abstract get path(): string;
  /** A bulk stream of the current run is open. */
  abstract get flowing(): boolean;
  /** /cancel N here. */
  abstract cancel(): void;
  /** Ends it here with `reason` (one line), telling the peer when `tell`. */
  abstract fail(reason: string, tell: boolean): void;
  /** The peer restarted: its streams are gone. */
  abstract peerRestarted(): void;
  /** The service closes: files closed, what is needed for resume kept. */
  abstract close(): Promise<void>;

  /** The link went quiet (paused) or came back (bytes flow again if the stream is open). */
  linkState(online: boolean): void {
    if (!online && this.state === 'transferring') this.to('pause');
    else if (online && this.flowing) this.to('resume');
  }

  get ended(): boolean {
    return isEnded(this.state);
  }

  view(): TransferView {
    const rate = this.state === 'transferring' ? this.progress.rate() : null;
    return {
      n: this.n,
      id: this.id,
      direction: this.direction,
      name: this.name,
      size: this.size,
      sha256Prefix: this.sha256.slice(0, 12),
      state: this.state,
      bytes: this.bytes,
      resumedFrom: this.resumedFrom,
      rateBps: rate,
      etaS: rate === null ? null : this.progress.eta(this.size - this.bytes),
      path: this.path,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...(this.endedBy !== undefined ? { endedBy: this.endedBy } : {}),
    };
  }

  /** Applies `event`; false (and nothing changes) when it means nothing in this state. */
  protected to(event: TransferEvent, reason?: string, by?: 'local' | 'peer'): boolean {
    const s = next(this.state, event);
    if (s === null) return false;
    this.state = s;
    if (reason !== undefined) this.reason = reason;
    if (by !== undefined) this.endedBy = by;
    this.host.changed(this, true);
    return true;
  }

  /** New byte count: a progress event when one is due. */
  protected advance(bytes: number): void {
    this.bytes = bytes;
    const now = this.host.now();
    this.progress.sample(now, bytes);
    this.host.changed(this, false);
  }
}
