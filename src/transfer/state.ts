/**
 * A transfer's life as one transition function (bus.ts TransferState is the
 * union). Pure. The service changes a transfer's state only through
 * `next()`, so a message that arrives in the wrong state (a `start` for an
 * offer nobody accepted, a `done` for a cancelled transfer) changes nothing.
 *
 *   offered ──accept──▶ transferring ──all-held──▶ verifying ──done──▶ done
 *                      (paused ──all-held──▶ verifying too: the last bytes landed as the link went quiet)
 *      │                  │   ▲                        │
 *      │               pause  resume/accept          pause
 *      │                  ▼   │                        ▼
 *      │                  paused ◀─────────────────────┘
 *      └─ decline ─▶ declined;   fail ─▶ failed;   cancel ─▶ cancelled   (from any state not ended)
 */
import type { TransferState } from '../bus.js';

export type TransferEvent =
  /** out: the peer accepted (again, after a restart); in: the user (or the auto-accept) accepted, or a resume was agreed. */
  | 'accept'
  /** The peer went away (offline, left, restarted): bytes stop until it is back. */
  | 'pause'
  /** The link is back and the stream still open. */
  | 'resume'
  /** Every byte is held: out waits for the receiver's verdict, in hashes. */
  | 'all-held'
  | 'done'
  | 'fail'
  | 'decline'
  | 'cancel';

const ENDED: ReadonlySet<TransferState> = new Set(['done', 'failed', 'declined', 'cancelled']);

export function isEnded(s: TransferState): boolean {
  return ENDED.has(s);
}

/** The state after `event`, or null when the event means nothing in `state` (ignored). */
export function next(state: TransferState, event: TransferEvent): TransferState | null {
  if (ENDED.has(state)) return null;
  switch (event) {
    case 'accept':
      return state === 'offered' || state === 'paused' || state === 'transferring' || state === 'verifying' ? 'transferring' : null;
    case 'pause':
      return state === 'transferring' || state === 'verifying' ? 'paused' : null;
    case 'resume':
      return state === 'paused' ? 'transferring' : null;
    case 'all-held':
      return state === 'transferring' || state === 'paused' ? 'verifying' : null;
    case 'done':
      // offered / paused: the receiver finished it before a restart here, and says so again.
      return state === 'verifying' || state === 'offered' || state === 'paused' ? 'done' : null;
    case 'decline':
      return state === 'offered' ? 'declined' : null;
    case 'fail':
      return 'failed';
    case 'cancel':
      return 'cancelled';
  }
}
