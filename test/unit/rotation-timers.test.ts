import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROTATION_RETRY_MS, ROTATION_TIMEOUT_MS, ROTATION_UNCONFIRMED_RETRY_MS } from '../../src/constants.js';
import { RotationAttempt } from '../../src/net/rotation-attempt.js';
import type { RotationAction, RotationState } from '../../src/net/rotation-state.js';
import { expiredRotationTimers, rotationTimerDeadline } from '../../src/net/rotation-timers.js';

/*
 * The timer rules of src/net/rotation-timers.ts on a RotationAttempt, without
 * keys or peers: each case puts the attempt in a state at T0, asks what is
 * due at a time, and checks the actions, the state after, and the deadline.
 * The whole protocol (with the keyring and two machines) is rotation.test.ts.
 */

const T0 = 1_000_000;
const RID = Buffer.alloc(8, 7);

function attempt(state: RotationState, unconfirmedReported = false): RotationAttempt {
  const a = new RotationAttempt();
  if (state === 'accepting') a.to('accepting');
  if (state === 'offering' || state === 'committed') a.to('offering');
  if (state === 'committed') a.to('committed');
  if (state !== 'idle') {
    a.rid = Buffer.from(RID);
    a.payload = Buffer.from('repeated payload');
  }
  a.startedAt = a.lastSentAt = T0;
  a.unconfirmedReported = unconfirmedReported;
  return a;
}

/** What each action is, in order: the frame type sent or the event named. */
function kinds(actions: RotationAction[]): string[] {
  return actions.map((x) => (x.kind === 'send' ? x.type : x.event));
}

const cases: { n: number; state: RotationState; unconfirmed?: boolean; at: number; does: string[]; after: RotationState; deadline: number | null }[] = [
  { n: 1, state: 'idle', at: T0 + ROTATION_TIMEOUT_MS, does: [], after: 'idle', deadline: null },
  { n: 2, state: 'offering', at: T0 + ROTATION_RETRY_MS - 1, does: [], after: 'offering', deadline: T0 + ROTATION_RETRY_MS },
  { n: 3, state: 'offering', at: T0 + ROTATION_RETRY_MS, does: ['rot-offer'], after: 'offering', deadline: T0 + 2 * ROTATION_RETRY_MS },
  { n: 4, state: 'offering', at: T0 + ROTATION_TIMEOUT_MS, does: ['rot-abort', 'key:rotation-failed'], after: 'idle', deadline: null },
  { n: 5, state: 'committed', at: T0 + ROTATION_RETRY_MS, does: ['rot-confirm'], after: 'committed', deadline: T0 + 2 * ROTATION_RETRY_MS },
  { n: 6, state: 'committed', at: T0 + ROTATION_TIMEOUT_MS, does: ['rotation-unconfirmed'], after: 'committed', deadline: null },
  { n: 7, state: 'committed', unconfirmed: true, at: T0 + 10 * ROTATION_TIMEOUT_MS, does: [], after: 'committed', deadline: null },
  { n: 8, state: 'accepting', at: T0 + ROTATION_TIMEOUT_MS - 1, does: [], after: 'accepting', deadline: T0 + ROTATION_TIMEOUT_MS },
  {
    n: 9,
    state: 'accepting',
    at: T0 + ROTATION_TIMEOUT_MS,
    does: ['rotation-unconfirmed'],
    after: 'accepting',
    deadline: T0 + ROTATION_TIMEOUT_MS + ROTATION_UNCONFIRMED_RETRY_MS,
  },
  {
    n: 10,
    state: 'accepting',
    unconfirmed: true,
    at: T0 + ROTATION_UNCONFIRMED_RETRY_MS - 1,
    does: [],
    after: 'accepting',
    deadline: T0 + ROTATION_UNCONFIRMED_RETRY_MS,
  },
  {
    n: 11,
    state: 'accepting',
    unconfirmed: true,
    at: T0 + ROTATION_UNCONFIRMED_RETRY_MS,
    does: ['rot-accept'],
    after: 'accepting',
    deadline: T0 + 2 * ROTATION_UNCONFIRMED_RETRY_MS,
  },
];

for (const c of cases) {
  test(`timer rule ${c.n}: ${c.state}${c.unconfirmed ? ' (unconfirmed reported)' : ''} at T0+${c.at - T0} ms → ${c.does.join(', ') || 'nothing'}`, () => {
    const a = attempt(c.state, c.unconfirmed);
    assert.deepEqual(kinds(expiredRotationTimers(a, c.at)), c.does);
    assert.equal(a.state, c.after);
    assert.equal(rotationTimerDeadline(a), c.deadline);
  });
}

test('offer and accept repeat the stored payload; the other frames carry the rid', () => {
  const a = attempt('offering');
  const [offer] = expiredRotationTimers(a, T0 + ROTATION_RETRY_MS);
  assert.ok(offer?.kind === 'send');
  assert.deepEqual(offer.payload, Buffer.from('repeated payload'));
  const [abort] = expiredRotationTimers(a, T0 + ROTATION_TIMEOUT_MS);
  assert.ok(abort?.kind === 'send' && abort.type === 'rot-abort');
  assert.notDeepEqual(abort.payload, Buffer.from('repeated payload'));
});

test('an offer that timed out is abandoned and retired, and its secrets dropped', () => {
  const a = attempt('offering');
  expiredRotationTimers(a, T0 + ROTATION_TIMEOUT_MS);
  assert.ok(a.isAbandoned(RID));
  assert.ok(a.isRetired(RID));
  assert.equal(a.rid, null);
  assert.equal(a.payload, null);
});

test('ended rids are remembered sixteen at a time, oldest forgotten first', () => {
  const a = new RotationAttempt();
  const rid = (i: number): Buffer => Buffer.alloc(8, i);
  for (let i = 0; i < 17; i++) a.retire(rid(i));
  a.retire(rid(16)); // a repeat is not remembered twice
  assert.equal(a.isRetired(rid(0)), false);
  for (let i = 1; i < 17; i++) assert.ok(a.isRetired(rid(i)), `rid ${i}`);
});
