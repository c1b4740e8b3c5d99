/**
 * Errors of the net layer, by severity (STYLE.md item 10).
 *
 * - DatagramError and its subclasses: a datagram that must be dropped and
 *   counted. Garbage from the network is never a denial of service, so these
 *   are caught by the transport's receive path and never reach the UI.
 * - RotationStateError: a programming error (a state machine asked for a
 *   step its diagram does not have). It names both states.
 * - Caller misuse (out-of-range fields handed to an encoder) is a TypeError.
 */

/**
 * Why a datagram was dropped; the transport keeps one counter per reason.
 * 'old-key': it authenticated under the previous key only, and the trust
 * table (trust.ts) gives such a frame nothing to do. 'refused': a stranger
 * (a frame of a session and address no connection has) that the endpoint's
 * accept policy turned away (or raw text from an unknown address that no
 * connection opened: no session to give a connection to);
 * 'no-seat': a stranger the endpoint had no room for
 * (ENDPOINT_CONNECTIONS_MAX connections already).
 */
export type DropReason =
  'oversized' | 'unauthenticated' | 'malformed' | 'reflected' | 'replayed' | 'stale-session' | 'old-key' | 'flood' | 'refused' | 'no-seat';

/** Base of every "drop and count" error. */
export class DatagramError extends Error {
  readonly reason: DropReason;
  constructor(message: string, reason: DropReason) {
    super(message);
    this.name = 'DatagramError';
    this.reason = reason;
  }
}

/** A plaintext that authenticated but does not decode as a v1 frame (or payload). */
export class FrameError extends DatagramError {
  constructor(message: string) {
    super(message, 'malformed');
    this.name = 'FrameError';
  }
}

/** Fragments that do not add up to a message (wrong index, changed count, too large). */
export class ReassemblyError extends DatagramError {
  constructor(message: string) {
    super(message, 'malformed');
    this.name = 'ReassemblyError';
  }
}

/** A state machine was asked for a step that is not in its diagram. */
export class RotationStateError extends Error {
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string, detail?: string) {
    super(`rotation: no transition from '${from}' to '${to}'${detail ? `: ${detail}` : ''}`);
    this.name = 'RotationStateError';
    this.from = from;
    this.to = to;
  }
}
