/**
 * Key rotation end to end: two Transports over a MemoryNetwork (manual mode,
 * ManualClock). Whatever happens — loss, both sides at once, the peer gone —
 * the rotation ends in one agreed new key or in a clear failure with the old
 * key, and both sides can chat afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, type Peer } from '../_transport-pair.js';
import { PEER_TIMEOUT_MS, ROTATION_TIMEOUT_MS } from '../../src/constants.js';
import { fingerprint, parseKey } from '../../src/crypto/keys.js';
import type { Address } from '../../src/address/address.js';

const A: Address = { host: '10.0.0.1', port: 7001 };
const B: Address = { host: '10.0.0.2', port: 7002 };

/** Both sides can still read each other: a message each way is delivered. */
async function chatWorks(lab: Lab, a: Peer, b: Peer, tag: string): Promise<void> {
  a.send(`${tag} a→b`);
  b.send(`${tag} b→a`);
  const ok = await lab.until(() => b.texts().includes(`${tag} a→b`) && a.texts().includes(`${tag} b→a`), 60_000, 200);
  assert.ok(ok, `${tag}: chat works both ways after the rotation`);
  // Every text in these tests is unique: a duplicate delivery would show here.
  assert.equal(new Set(a.texts()).size, a.texts().length, `${tag}: nothing delivered twice to a`);
  assert.equal(new Set(b.texts()).size, b.texts().length, `${tag}: nothing delivered twice to b`);
}

/**
 * 'rotated': both switched. 'failed': the initiator gave up with the old key
 * and the responder did not switch (it may still hold K' in next, waiting:
 * that is allowed, it reads both keys).
 */
function settledOutcome(initiator: Peer, responder: Peer): 'rotated' | 'failed' | 'pending' {
  const rotated = (p: Peer): boolean => p.events['key:rotated'].length > 0;
  if (rotated(initiator) && rotated(responder)) return 'rotated';
  if (initiator.events['key:rotation-failed'].length > 0 && !rotated(responder)) return 'failed';
  return 'pending';
}

test('happy path: both sides switch to the same new key, report it, and keep chatting', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(100);
  const old = a.transport.fingerprint();
  assert.equal(old, fingerprint(lab.key));
  a.bus.emit('rotate', {});
  await lab.advance(1_000);
  assert.deepEqual(a.events['key:rotation-pending'], [{ initiator: 'local' }]);
  assert.deepEqual(b.events['key:rotation-pending'], [{ initiator: 'peer' }]);
  const [ra] = a.events['key:rotated'];
  const [rb] = b.events['key:rotated'];
  assert.ok(ra && rb, 'both emitted key:rotated');
  assert.equal(ra.oldFingerprint, old);
  assert.notEqual(ra.newFingerprint, old);
  assert.equal(ra.newFingerprint, rb.newFingerprint);
  assert.equal(ra.key, rb.key, 'the same key to save on both sides');
  assert.equal(fingerprint(parseKey(ra.key)), ra.newFingerprint);
  assert.equal(a.transport.fingerprint(), b.transport.fingerprint());
  await chatWorks(lab, a, b, 'after');
  // Another rotation on top works too, started from the other side.
  b.bus.emit('rotate', {});
  await lab.advance(1_000);
  assert.equal(a.events['key:rotated'].length, 2);
  assert.equal(a.transport.fingerprint(), b.transport.fingerprint());
  assert.notEqual(a.transport.fingerprint(), ra.newFingerprint);
  await chatWorks(lab, a, b, 'twice');
});

test('rotation under 30% and 60% loss (many seeds): one agreed key or a clear failure, never two keys', { timeout: 60_000 }, async (t) => {
  const runs = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => ({ seed, loss: 0.3 }));
  runs.push(...Array.from({ length: 24 }, (_, i) => ({ seed: 100 + i, loss: 0.6 })));
  const outcomes = new Set<string>();
  for (const { seed, loss } of runs) {
    const lab = new Lab({ seed, conditions: { loss, duplicate: 0.1, reorder: 0.1 } });
    t.after(() => lab.closeAll());
    const a = lab.peer('alice', A, B);
    const b = lab.peer('bob', B, A);
    await lab.until(() => a.transport.stats().datagramsIn > 0 && b.transport.stats().datagramsIn > 0, 20_000);
    const old = a.transport.fingerprint();
    a.bus.emit('rotate', {});
    a.send('during the rotation');
    await lab.until(() => settledOutcome(a, b) !== 'pending', ROTATION_TIMEOUT_MS * 3, 100);
    const outcome = settledOutcome(a, b);
    assert.notEqual(outcome, 'pending', `seed ${seed}: the rotation ended`);
    outcomes.add(outcome);
    await chatWorks(lab, a, b, `seed ${seed}`);
    assert.equal(a.transport.fingerprint(), b.transport.fingerprint(), `seed ${seed}: one key`);
    if (outcome === 'rotated') assert.notEqual(a.transport.fingerprint(), old);
    else assert.equal(a.transport.fingerprint(), old, `seed ${seed}: a failure keeps the old key`);
    assert.ok(b.texts().includes('during the rotation'));
  }
  console.log(`rotation outcomes under loss: ${[...outcomes].join(', ')}`);
});

test('the peer vanished (not yet noticed): the rotation fails with the old key; the chat resumes when it is back', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(100);
  const old = a.transport.fingerprint();
  lab.net.setConditions({ loss: 1 });
  a.bus.emit('rotate', {});
  await lab.advance(ROTATION_TIMEOUT_MS + 1_000);
  assert.equal(a.events['key:rotation-failed'].length, 1);
  assert.match(a.events['key:rotation-failed'][0]!.reason, /old key is still in use/);
  assert.equal(a.transport.fingerprint(), old);
  assert.equal(b.events['key:rotation-pending'].length, 0, 'bob never saw an offer');
  lab.net.setConditions({});
  await chatWorks(lab, a, b, 'back');
  assert.equal(b.transport.fingerprint(), old);
});

test('a peer known to be away (it left): the rotation is refused at once with the reason', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(100);
  await lab.close(b);
  await lab.advance(PEER_TIMEOUT_MS + 1_000);
  // Its bye arrived: "left", and it stays so (not "offline") while silent.
  assert.equal(a.events['peer:state'].at(-1)?.state, 'left');
  a.bus.emit('rotate', {});
  assert.deepEqual(a.events['key:rotation-failed'], [{ reason: 'the peer left' }]);
});

test('a peer never reached: the rotation is refused at once with the reason', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  a.bus.emit('rotate', {});
  assert.match(a.events['key:rotation-failed'][0]?.reason ?? '', /has not answered yet/);
});

test('both sides rotate at once: they end on one agreed key', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(100);
  a.bus.emit('rotate', {});
  b.bus.emit('rotate', {});
  await lab.advance(2_000);
  assert.equal(a.events['key:rotated'].length, 1);
  assert.equal(b.events['key:rotated'].length, 1);
  assert.equal(a.transport.fingerprint(), b.transport.fingerprint());
  await chatWorks(lab, a, b, 'after both');
});

test('accept lost for good: the initiator gives up, the responder drops the pending key, both on the old key', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(100);
  const old = a.transport.fingerprint();
  // Everything bob sends is lost for the rotation's lifetime (so every accept is).
  const realSend = b.port.send.bind(b.port);
  let blackhole = true;
  b.port.send = (data, to) => {
    if (!blackhole) realSend(data, to);
  };
  a.bus.emit('rotate', {});
  await lab.advance(ROTATION_TIMEOUT_MS + 1_000);
  blackhole = false;
  await lab.advance(2_000);
  assert.equal(a.events['key:rotation-failed'].length, 1);
  assert.equal(a.transport.fingerprint(), old);
  assert.equal(b.transport.fingerprint(), old);
  await chatWorks(lab, a, b, 'after abort');
  assert.equal(a.transport.fingerprint(), b.transport.fingerprint());
});

test('after a rotation a restarted peer that saved the new key carries on', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(100);
  a.bus.emit('rotate', {});
  await lab.advance(1_000);
  const saved = b.events['key:rotated'][0]?.key;
  assert.ok(saved);
  await lab.close(b);
  const b2 = lab.peer('bob', B, A, { key: parseKey(saved) });
  await chatWorks(lab, a, b2, 'restarted');
  assert.equal(a.events['peer:restarted'].length, 1);
});
