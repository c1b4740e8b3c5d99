/**
 * File transfers in the headless line mode (headless.ts): the transfer
 * commands typed on stdin, and what each transfer:update becomes.
 *
 *  - stderr: one status line per state change (not per progress update),
 *    `transfer N: …` with the chat pane's words (ui/transfer-line.ts): the
 *    offer with name, size, sha256 prefix and how to answer it (or where it
 *    is being saved, with --accept-files); done with the path; failed,
 *    declined, cancelled with the reason
 *  - --json stdout: `{"type":"transfer","event":…, n, id, direction, name,
 *    size, bytes, resumedFrom, path, reason?, time}`; event is the new state's
 *    (offer, offered, accepted, resumed, paused, verifying, done, failed,
 *    declined, cancelled) or `progress`, at most every
 *    HEADLESS_PROGRESS_INTERVAL_MS per transfer
 *
 * It also answers what the end of input needs: which transfers are still
 * running (they keep the process, bounded by --linger) and which did not
 * end well (the exit code). The ui/ modules used here are pure: no blessed.
 */
import type { Bus, TransferView, WireMode } from '../bus.js';
import { sanitizeInline } from '../text/sanitize.js';
import { runTransferCommand, type TransferCommand } from '../ui/transfer-commands.js';
import { isEnded, transferLine } from '../ui/transfer-line.js';
import { TransferList } from '../ui/transfer-list.js';
import { jsonLine } from './headless-format.js';

/** Least time between two `progress` JSON events of one transfer, in ms (about 2 a second). */
export const HEADLESS_PROGRESS_INTERVAL_MS = 500;

/** The JSON event name for a view, given the one before it (undefined: first seen); null: nothing to say. */
export function transferEvent(v: TransferView, previous: TransferView | undefined): string | null {
  if (previous !== undefined && previous.state === v.state) return v.bytes !== previous.bytes ? 'progress' : null;
  switch (v.state) {
    case 'offered':
      return v.direction === 'in' ? 'offer' : 'offered';
    case 'transferring':
      return previous?.state === 'paused' ? 'resumed' : 'accepted';
    default:
      return v.state;
  }
}

/** The stderr line for a state change. Names, paths and reasons come from the peer or the disk: sanitised. */
export function transferStatusLine(v: TransferView, home: string | null, acceptDir: string | null): string {
  let text = transferLine(v, home).text;
  if (v.direction === 'in' && v.state === 'offered' && acceptDir !== null) text = text.replace(/ — \/accept.*$/, ` — accepting it into ${acceptDir}`);
  return sanitizeInline(`transfer ${v.n}: ${text}`);
}

export function transferJson(event: string, v: TransferView, nowMs: number): string {
  return jsonLine({
    type: 'transfer',
    event,
    n: v.n,
    id: v.id,
    direction: v.direction,
    name: v.name,
    size: v.size,
    bytes: v.bytes,
    resumedFrom: v.resumedFrom,
    sha256Prefix: v.sha256Prefix,
    path: v.path,
    ...(v.reason !== undefined ? { reason: v.reason } : {}),
    ...(v.endedBy !== undefined ? { endedBy: v.endedBy } : {}),
    time: new Date(nowMs).toISOString(),
  });
}

export interface HeadlessTransfersOptions {
  bus: Bus;
  wire: WireMode;
  json: boolean;
  /** The download directory's auto-accept (--accept-files), for the offer line. */
  acceptDir: string | null;
  home: string | null;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => number;
  /** Called on every update (headless.ts's waits re-check). */
  changed: () => void;
}

export class HeadlessTransfers {
  private readonly list = new TransferList();
  private readonly lastProgress = new Map<string, number>();
  private readonly off: () => void;

  constructor(private readonly o: HeadlessTransfersOptions) {
    this.off = o.bus.on('transfer:update', (v) => this.update(v));
  }

  run(command: TransferCommand): void {
    runTransferCommand({ bus: this.o.bus, wire: this.o.wire, transfers: this.list, say: (_kind, text) => this.o.err(sanitizeInline(text)) }, command);
  }

  /**
   * Transfers that keep the process at the end of input: ours until they
   * end, theirs once accepted. An offer nobody answered does not: with stdin
   * closed, nobody can.
   */
  running(): TransferView[] {
    return this.list.active().filter((v) => v.direction === 'out' || v.state !== 'offered');
  }

  /** Transfers that failed, or were left unfinished (running() at exit): what makes the exit code 1. */
  unfinished(): { failed: TransferView[]; running: TransferView[] } {
    return { failed: this.list.all().filter((v) => v.state === 'failed'), running: this.running() };
  }

  close(): void {
    this.off();
  }

  private update(v: TransferView): void {
    const previous = this.list.apply(v);
    const event = transferEvent(v, previous);
    if (event !== null && event !== 'progress') this.o.err(transferStatusLine(v, this.o.home, this.o.acceptDir));
    if (this.o.json && event !== null) {
      const now = this.o.now();
      const last = this.lastProgress.get(v.id);
      if (event !== 'progress' || last === undefined || now - last >= HEADLESS_PROGRESS_INTERVAL_MS) {
        this.lastProgress.set(v.id, now);
        this.o.out(transferJson(event, v, now));
      }
    }
    if (isEnded(v)) this.lastProgress.delete(v.id);
    this.o.changed();
  }
}
