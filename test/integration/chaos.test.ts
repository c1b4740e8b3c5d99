/**
 * Issue #5's bar: through the chaos proxy (real UDP on loopback, seeded 30%
 * loss, 10% duplication, 10% reordering), 1,000 messages each way arrive
 * exactly once and in order, and every one is acknowledged. Then a rotation
 * through the same chaos, and the chat still works under the new key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Bus } from '../../src/bus.js';
import { Transport } from '../../src/net/transport.js';
import { bindUdp } from '../../src/net/udp.js';
import { startChaosProxy } from '../../src/testing/chaos-proxy.js';
import { record } from '../_transport-pair.js';
import { waitFor } from '../../src/testing/wait.js';

const COUNT = 1_000;

test('1,000 messages each way through 30% loss, 10% duplication and reordering: exactly once, in order', { timeout: 90_000 }, async (t) => {
  const key = randomBytes(32);
  const portA = await bindUdp('127.0.0.1', 0);
  const portB = await bindUdp('127.0.0.1', 0);
  const proxy = await startChaosProxy(portA.address(), portB.address(), { loss: 0.3, duplicate: 0.1, reorder: 0.1, seed: 5 });
  t.after(() => proxy.close());
  const busA = new Bus();
  const busB = new Bus();
  const ea = record(busA);
  const eb = record(busB);
  const a = new Transport({ bus: busA, port: portA, key, nick: 'alice', wire: 'reliable', peer: proxy.forA });
  const b = new Transport({ bus: busB, port: portB, key, nick: 'bob', wire: 'reliable', peer: proxy.forB });
  t.after(() => a.close());
  t.after(() => b.close());
  a.start();
  b.start();

  for (let i = 0; i < COUNT; i++) {
    busA.emit('send', { id: `a${i}`, text: `a→b #${i}` });
    busB.emit('send', { id: `b${i}`, text: `b→a #${i}` });
  }
  assert.equal(ea['message:failed'].length + eb['message:failed'].length, 0, 'the queue holds them all');
  const [okA, okB] = await Promise.all([a.flush(60_000), b.flush(60_000)]);
  assert.ok(okA && okB, `all acknowledged (a pending ${a.pendingCount()}, b pending ${b.pendingCount()})`);

  const expected = (dir: string): string[] => Array.from({ length: COUNT }, (_, i) => `${dir} #${i}`);
  assert.deepEqual(
    eb['message:received'].map((m) => m.text),
    expected('a→b'),
  );
  assert.deepEqual(
    ea['message:received'].map((m) => m.text),
    expected('b→a'),
  );
  assert.deepEqual(
    ea['message:delivered'].map((d) => d.id),
    Array.from({ length: COUNT }, (_, i) => `a${i}`),
  );
  const s = proxy.stats;
  assert.ok(s.aToB.dropped > 0 && s.aToB.duplicated > 0 && s.aToB.reordered > 0, 'the proxy really impaired a→b');
  assert.ok(s.bToA.dropped > 0 && s.bToA.duplicated > 0 && s.bToA.reordered > 0, 'and b→a');
  console.log(
    `chaos: a→b ${JSON.stringify(s.aToB)}, b→a ${JSON.stringify(s.bToA)}; a loss ${a.stats().lossPct.toFixed(1)}% rtt ${a.stats().rttMs?.toFixed(1)} ms`,
  );

  // A rotation through the same chaos ends on one key (or fails cleanly), and the chat goes on.
  busA.emit('rotate', {});
  await waitFor(() => ea['key:rotated'].length + ea['key:rotation-failed'].length > 0, 30_000, 'the rotation to end');
  busA.emit('send', { id: 'last-a', text: 'after the rotation' });
  busB.emit('send', { id: 'last-b', text: 'after the rotation too' });
  assert.ok(await a.flush(30_000));
  assert.ok(await b.flush(30_000));
  assert.equal(a.fingerprint(), b.fingerprint());
  assert.equal(eb['message:received'].at(-1)?.text, 'after the rotation');
  assert.equal(ea['message:received'].at(-1)?.text, 'after the rotation too');
  assert.equal(eb['message:received'].length, COUNT + 1, 'nothing duplicated');
});
