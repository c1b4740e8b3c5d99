/**
 * The SIGKILL-during-rotation suite with the victim down past every grace
 * period: 75 s (past KEY_GRACE_MS) and 4 minutes, keys kept in profiles.
 * About ten minutes of real time, mostly waiting, so it is not part of
 * `npm test` (5 minutes on 2 cores): run it with `npm run test:long`. The
 * same schedules, from a restart at once up to a day later, run on a
 * simulated clock in every `npm test` (test/integration/rotation-crash.test.ts).
 */
import { test } from 'node:test';
import { LONG_ROUNDS, profiles, rotationKillSuite } from './_rotation-kill.js';

if (process.env.FERNCHAT_LONG_TESTS === '1') {
  rotationKillSuite('profiles, long restarts', profiles, LONG_ROUNDS);
} else {
  test(
    'SIGKILL during a rotation, back after minutes (real processes)',
    { skip: 'about ten minutes of real time: run `npm run test:long` (FERNCHAT_LONG_TESTS=1)' },
    () => undefined,
  );
}
