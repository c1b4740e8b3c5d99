/**
 * The typed event bus: the only thing the UI and the transport share.
 *
 * The UI never touches a socket and the transport never imports blessed; both
 * hold a Bus. Two kinds of event travel on it:
 *   - requests (`send`, `rotate`, `set-peer`, `set-nick`): the user wants
 *     something; the transport listens.
 *   - facts (everything else): something happened; the UI (or the headless
 *     printer, or the key saver in app/session.ts) listens.
 *
 * Synchronous, like Node's EventEmitter: emit() returns after every handler
 * ran. A throwing handler does not stop the others; its error is re-emitted
 * as an `error` fact (or rethrown if it came from an `error` handler).
 */

import type { RoomFact } from './room/core-types.js';

/**
 * Link state shown in the status bar: `offline` — the link went quiet (no
 * authenticated datagram for PEER_TIMEOUT_MS); `left` — the peer said bye
 * (it quit). Either way messages wait and go out when it is back.
 */
export type LinkState = 'connecting' | 'online' | 'offline' | 'left';

/** Wire mode: `reliable` frames with acks, or `raw` one-message-per-token like the original Python app. */
export type WireMode = 'reliable' | 'raw';

/** Severity of an error fact: `info` is a note, `warning` is shown as a problem; the chat goes on after both. */
export type Severity = 'info' | 'warning';

export interface LinkStats {
  /** Smoothed RTT in ms, or null before the first sample. */
  rttMs: number | null;
  /** Latest raw RTT sample in ms, or null. */
  lastRttMs: number | null;
  /** Retransmitted frames / frames sent, in percent (0..100), over the session. */
  lossPct: number;
  datagramsIn: number;
  datagramsOut: number;
  /** Datagrams dropped: not authenticated, malformed, replayed, reflected, oversized or over the flood limit. */
  dropped: number;
  /** `dropped` by reason (oversized, unauthenticated, malformed, reflected, replayed, stale-session, old-key, flood, refused, no-seat). */
  droppedBy: Readonly<Record<string, number>>;
  /** Data frames sent over the session, first copies and retransmissions. */
  framesSent: number;
  /** Data frames retransmitted over the session (lossPct is retransmissions / framesSent). */
  retransmissions: number;
  /** Messages sent by the user and not yet acknowledged. */
  pending: number;
  /** ms since the current key was installed. */
  keyAgeMs: number;
}

/**
 * Where a key of an unfinished rotation goes back after a restart: `next` — a
 * responder's new key, promoted by the first frame that arrives under it;
 * `previous` — a committed initiator's old key, still read until the peer
 * proves it holds the new (current) one.
 */
export type PendingKeySlot = 'next' | 'previous';

/**
 * The keys a profile holds (urlsafe base64): see the `key:persist` event. A
 * pending `next` key also carries `accept`, the accept it answered (rotation
 * id ‖ our public key, urlsafe base64; not secret), so a restarted responder
 * answers a repeated offer with the very same accept.
 */
export interface PersistedKeys {
  key: string;
  pendingKey: { key: string; slot: PendingKeySlot; accept?: string } | null;
}

/**
 * What a chat message is: a line said (`message`) or an action (`action`,
 * /me: shown as `* alice waves`). On the reliable wire it is a byte of the
 * message body; on the raw wire an action goes out as the text `* nick action`.
 */
export type MessageKind = 'message' | 'action';

/**
 * A file transfer as the UI, headless mode and `fernchat send` see it
 * (src/transfer/ keeps it; every change is a `transfer:update`). `n` is the
 * number the user types (/accept 2, /cancel 2): small, per process, never
 * reused within it.
 */
export type TransferDirection = 'out' | 'in';

/**
 * - `offered`      out: the offer is on its way / waiting for the peer's answer;
 *                  in: waiting for /accept or /decline
 * - `transferring` bytes are moving
 * - `paused`       the peer is offline or restarted: resumes (re-offer) when it is back
 * - `verifying`    out: every byte acknowledged, waiting for the receiver's verdict;
 *                  in: hashing the whole file
 * - `done`         the receiver holds the whole file and its SHA-256 matched
 * - `failed`, `declined`, `cancelled`: ended (`reason` says why)
 */
export type TransferState = 'offered' | 'transferring' | 'paused' | 'verifying' | 'done' | 'failed' | 'declined' | 'cancelled';

export interface TransferView {
  n: number;
  /** The file id (32 hex digits), the same on both sides and across restarts: resume finds a transfer by it. */
  id: string;
  direction: TransferDirection;
  /** out: the source file's base name; in: the name as sanitised for the disk (what the peer offered may differ). */
  name: string;
  size: number;
  /** First 12 hex digits of the whole file's SHA-256, as in the offer. */
  sha256Prefix: string;
  state: TransferState;
  /** Bytes the receiver holds (out: acknowledged; in: written), 0..size. */
  bytes: number;
  /** Bytes held when this run of the transfer started (a resume starts above 0): bytes − resumedFrom moved in this session. */
  resumedFrom: number;
  /** Bytes per second over the last few seconds, or null before there is a rate. */
  rateBps: number | null;
  /** Seconds left at that rate, or null. */
  etaS: number | null;
  /** out: the source path; in: the final path once `done`, else the .part path. */
  path: string;
  /** Why it failed / was declined / cancelled, one line. */
  reason?: string;
  /** Which side ended it (failed / declined / cancelled). */
  endedBy?: 'local' | 'peer';
}

/** Every event, by name. Payloads are plain data. */
export interface BusEvents {
  // ------------------------------------------------------------ requests
  /** The user sends a message. `id` is chosen by the sender (see newMessageId) and names it in later facts. */
  send: { id: string; text: string; kind?: MessageKind };
  /** The user asks for a key rotation (Ctrl-K, /rotate). */
  rotate: Record<string, never>;
  /** The user points the chat at another peer address (/peer). */
  'set-peer': { host: string; port: number };
  /** The user changes their nick (/nick). */
  'set-nick': { nick: string };

  /** The user sends a file (/send PATH, fernchat send). `path` as typed: `~` is expanded by the transfer service. */
  'transfer:send': { path: string };
  /** The user accepts an incoming offer (/accept [N] [DIR]; no n: the oldest offer waiting). `dir`: save there instead of the profile's download directory. */
  'transfer:accept': { n?: number; dir?: string };
  /** The user declines an incoming offer (/decline [N]). */
  'transfer:decline': { n?: number };
  /** The user cancels a transfer in either direction (/cancel N). */
  'transfer:cancel': { n: number };

  // ------------------------------------------------------------ transport requests for the transfer service (not the UI's)
  /** A transfer control message (JSON, src/transfer/control.ts) to the peer: on the chat stream, reliable and in order, never shown as a chat line. */
  'xfer:send-control': { id: string; body: string };
  /** Open an outgoing bulk stream whose first byte is file offset `offset` (the receiver accepted from there). */
  'bulk:open-send': { stream: number; offset: number };
  /** The next bytes of an outgoing stream, in order. The writer keeps at most BULK_SEND_BUFFER_BYTES unacknowledged (see `bulk:acked`). */
  'bulk:write': { stream: number; data: Buffer };
  /** Accept an incoming bulk stream from `offset` (bytes below it are already held). */
  'bulk:open-recv': { stream: number; offset: number };
  /** Every byte of an incoming stream below `offset` is written to disk: the peer may send BULK_RECV_WINDOW_BYTES beyond it. */
  'bulk:consumed': { stream: number; offset: number };
  /** Forget a stream (finished, cancelled, failed). Data for it is dropped from now on. */
  'bulk:close': { stream: number; direction: 'send' | 'recv' };

  // ------------------------------------------------------------ facts
  /** A message from the peer, delivered exactly once and in order (reliable) or as it came (raw). Text is NOT sanitized: sanitize at display. */
  'message:received': { from: string; text: string; time: number; kind: MessageKind };
  /** A message was accepted for sending and queued (state: pending). */
  'message:sent': { id: string; text: string; time: number; kind: MessageKind };
  /** The peer acknowledged every fragment of the message. */
  'message:delivered': { id: string; time: number };
  /**
   * The message will not be delivered by this session (queue full, too large, transport closed). The text is in the event so nothing is lost.
   * `permanent`: sending the same text again fails the same way (too long for the wire), so no retry is offered.
   */
  'message:failed': { id: string; text: string; reason: string; permanent?: boolean };
  /** The peer's address changed: by /peer, by roaming (an authenticated datagram from a new source) or first contact. */
  'peer:address': { address: string; previous: string | null; reason: 'configured' | 'roamed' };
  /** Link state changed. */
  'peer:state': { state: LinkState };
  /** The peer restarted (a new session id); the conversation carries on. */
  'peer:restarted': Record<string, never>;
  /** The peer's nick, learned from its frames. */
  'peer:nick': { nick: string };
  /** Periodic link statistics. */
  'link:stats': LinkStats;
  /** A rotation is running (started here or by the peer). */
  'key:rotation-pending': { initiator: 'local' | 'peer' };
  /**
   * Both sides switched to a new key (the notice; the profile is written from
   * `key:persist`, which comes first). `key` is the new key (urlsafe base64):
   * never print it.
   */
  'key:rotated': { oldFingerprint: string; newFingerprint: string; key: string };
  /**
   * What the profile must hold from now on, so that a process killed at any
   * moment of a rotation comes back able to read its peer (PROTOCOL.md, "Key
   * rotation"): `key` is the key to send under, `pendingKey` the other key of
   * an unfinished rotation and the slot it goes back into, or null. Emitted
   * before anything is sent that depends on it; app/session.ts writes it to
   * the profile at once (one atomic write). Holds key material: never print
   * it, never put it in a message.
   */
  'key:persist': PersistedKeys;
  /** The rotation did not complete; the old key is still in use. */
  'key:rotation-failed': { reason: string };
  /** A transfer changed state, or made progress (progress at most TRANSFER_PROGRESS_INTERVAL_MS apart per transfer). */
  'transfer:update': TransferView;
  /** A transfer control message from the peer (the transfer service's; JSON text, unvalidated). */
  'xfer:control': { body: string; time: number };
  /** A control message will not be delivered by this session (queue full, closing). */
  'xfer:control-failed': { id: string; reason: string };
  /** The next bytes of an incoming stream, in order, each byte once: `offset` is the file offset of data[0]. */
  'bulk:data': { stream: number; offset: number; data: Buffer };
  /** The peer's transport holds every byte of an outgoing stream below `offset`: the writer may write more. */
  'bulk:acked': { stream: number; offset: number };
  /** Something to tell the user. Never thrown at the UI. */
  error: { severity: Severity; message: string };

  // ------------------------------------------------------------ rooms (#15): on the room session's own bus
  /** What the room core says (room/core-types.ts RoomFact): a message, a member joined, left, went online, a refusal… one line each. */
  'room:fact': RoomFact;
}

export type BusEventName = keyof BusEvents;
export type Handler<K extends BusEventName> = (payload: BusEvents[K]) => void;

export class Bus {
  private readonly handlers = new Map<BusEventName, Set<(payload: never) => void>>();

  /** Subscribe; returns the unsubscribe function. */
  on<K extends BusEventName>(name: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    const h = handler as (payload: never) => void;
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  emit<K extends BusEventName>(name: K, payload: BusEvents[K]): void {
    const set = this.handlers.get(name);
    if (!set) return;
    for (const h of [...set]) {
      try {
        (h as Handler<K>)(payload);
      } catch (err) {
        if (name === 'error') throw err;
        this.emit('error', { severity: 'warning', message: `internal error in ${name} handler: ${errorMessage(err)}` });
      }
    }
  }
}

let idCounter = 0;
/** Names this process's ids apart from another's in logs; the counter alone makes them unique within it. */
const ID_PREFIX = `m${Date.now().toString(36)}-`;
/** A message id unique within this process. */
export function newMessageId(): string {
  idCounter += 1;
  return ID_PREFIX + idCounter.toString(36);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
