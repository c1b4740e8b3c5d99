import { ROTATION_RETRY_MS, ROTATION_TIMEOUT_MS, ROTATION_UNCONFIRMED_RETRY_MS } from '../constants.js';
import { OLD_KEY_KEPT, type RotationAttempt } from './rotation-attempt.js';
import type { RotationAction } from './rotation-state.js';

/**
 * The rotation's timer rules (PROTOCOL.md, "Failure rules"), for the attempt
 * in rotation-attempt.ts: what is due at `now`, and when the next thing is.
 * The keyring's own expiry is not here; the Rotation (rotation.ts) adds it.
 *
 *   offering    resend the offer every ROTATION_RETRY_MS; after
 *               ROTATION_TIMEOUT_MS give up: rot-abort, failed
 *   committed   resend the confirm every ROTATION_RETRY_MS; after
 *               ROTATION_TIMEOUT_MS report "unconfirmed" once, then wait (the
 *               initiator never goes back)
 *   accepting   the accept goes again only for a repeated offer; after
 *               ROTATION_TIMEOUT_MS report "unconfirmed" (never drop next on
 *               a timer), then resend the accept every
 *               ROTATION_UNCONFIRMED_RETRY_MS
 */

/** Retries and timeouts due at `now` (absolute ms). */
export function expiredRotationTimers(a: RotationAttempt, now: number): RotationAction[] {
  const timedOut = now >= a.startedAt + ROTATION_TIMEOUT_MS;
  const retryDue = now >= a.lastSentAt + ROTATION_RETRY_MS;
  switch (a.state) {
    case 'offering':
      if (timedOut) {
        const abort = a.send('rot-abort');
        a.abandon();
        a.end('idle');
        return [abort, { kind: 'event', event: 'key:rotation-failed', reason: `the peer did not answer; ${OLD_KEY_KEPT}` }];
      }
      if (retryDue) {
        a.lastSentAt = now;
        return [a.send('rot-offer')];
      }
      return [];
    case 'committed':
      if (a.unconfirmedReported) return [];
      if (timedOut) return a.unconfirmed('the peer has not confirmed the new key yet; it is used as soon as the peer answers');
      if (retryDue) {
        a.lastSentAt = now;
        return [a.send('rot-confirm')];
      }
      return [];
    case 'accepting':
      if (!a.unconfirmedReported && timedOut) {
        a.lastSentAt = now;
        return a.unconfirmed(`key rotation not confirmed by the peer yet; ${OLD_KEY_KEPT}, the new one waits for the peer`);
      }
      // Keep asking, slowly: an initiator that gave up answers with rot-abort (its first one may
      // have been lost), one that committed answers under the new key — either way this ends.
      if (a.unconfirmedReported && now >= a.lastSentAt + ROTATION_UNCONFIRMED_RETRY_MS) {
        a.lastSentAt = now;
        return [a.send('rot-accept')];
      }
      return [];
    case 'idle':
      return [];
  }
}

/** When expiredRotationTimers() has something to do (absolute ms), or null. */
export function rotationTimerDeadline(a: RotationAttempt): number | null {
  const timeout = a.startedAt + ROTATION_TIMEOUT_MS;
  const retry = a.lastSentAt + ROTATION_RETRY_MS;
  if (a.state === 'offering') return Math.min(timeout, retry);
  if (a.state === 'committed' && !a.unconfirmedReported) return Math.min(timeout, retry);
  if (a.state === 'accepting') return a.unconfirmedReported ? a.lastSentAt + ROTATION_UNCONFIRMED_RETRY_MS : timeout;
  return null;
}
