import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openOrSay } from '../../src/app/open-or-say.js';
import type { StopSignal } from '../../src/app/signals.js';
import { BindError } from '../../src/net/udp.js';

function signal(): StopSignal & { released: number } {
  const s = { released: 0, signalled: false, stopped: new Promise<void>(() => {}), release: () => void (s.released += 1) };
  return s;
}

test('a session that opens is returned; the signal listener stays', async () => {
  const stop = signal();
  const lines: string[] = [];
  assert.equal(
    await openOrSay(
      () => Promise.resolve('session'),
      stop,
      (l) => lines.push(l),
    ),
    'session',
  );
  assert.deepEqual(lines, []);
  assert.equal(stop.released, 0);
});

test('a socket that cannot be bound is one line and null, the listener released', async () => {
  const stop = signal();
  const lines: string[] = [];
  const r = await openOrSay(
    () => Promise.reject(new BindError('cannot listen on 127.0.0.1:7001: the port is in use', 'EADDRINUSE')),
    stop,
    (l) => lines.push(l),
  );
  assert.equal(r, null);
  assert.deepEqual(lines, ['fernchat: cannot listen on 127.0.0.1:7001: the port is in use']);
  assert.equal(stop.released, 1);
});

test('anything else is thrown (a bug is not a one-liner), the listener released', async () => {
  const stop = signal();
  await assert.rejects(
    openOrSay(
      () => Promise.reject(new TypeError('boom')),
      stop,
      () => assert.fail('no line'),
    ),
    TypeError,
  );
  assert.equal(stop.released, 1);
});
