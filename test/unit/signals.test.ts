import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { catchStop, STOP_SIGNALS } from '../../src/app/signals.js';

/*
 * catchStop: SIGINT and SIGTERM, each heard once, one onStop, released
 * without a trace (headless mode and `fernchat send` share it).
 */

const counts = (e: EventEmitter): number[] => STOP_SIGNALS.map((s) => e.listenerCount(s));

test('the first signal sets signalled, settles stopped and runs onStop once; a second signal changes nothing', async () => {
  for (const first of STOP_SIGNALS) {
    const source = new EventEmitter();
    let calls = 0;
    const stop = catchStop(() => {
      assert.equal(stop.signalled, true, 'signalled before onStop runs');
      calls += 1;
    }, source);
    assert.deepEqual(counts(source), [1, 1]);
    assert.equal(stop.signalled, false);
    let settled = false;
    void stop.stopped.then(() => (settled = true));
    await Promise.resolve();
    assert.equal(settled, false);
    source.emit(first);
    await stop.stopped;
    assert.equal(stop.signalled, true);
    assert.equal(calls, 1);
    assert.equal(source.listenerCount(first), 0, `${first} is caught once: a second one gets the default`);
    for (const s of STOP_SIGNALS) source.emit(s);
    assert.equal(calls, 1);
    stop.release();
    assert.deepEqual(counts(source), [0, 0]);
  }
});

test('release before any signal: no listener left, a later signal is not seen; release twice is harmless', () => {
  const source = new EventEmitter();
  let calls = 0;
  const stop = catchStop(() => (calls += 1), source);
  stop.release();
  stop.release();
  assert.deepEqual(counts(source), [0, 0]);
  for (const s of STOP_SIGNALS) source.emit(s);
  assert.equal(calls, 0);
  assert.equal(stop.signalled, false);
});

test('on the real process: listeners added and removed, none left behind', () => {
  const before = STOP_SIGNALS.map((s) => process.listenerCount(s));
  const stop = catchStop();
  assert.deepEqual(
    STOP_SIGNALS.map((s) => process.listenerCount(s)),
    before.map((n) => n + 1),
  );
  process.emit('SIGTERM');
  assert.equal(stop.signalled, true);
  stop.release();
  assert.deepEqual(
    STOP_SIGNALS.map((s) => process.listenerCount(s)),
    before,
  );
});
