/**
 * app/session.ts and the profile: every key:persist reaches saveKeys at once
 * (key and pending key together), a pending key given back to openSession
 * lets a restarted side read its peer, and nothing shown ever holds a key.
 * Two real sessions over loopback UDP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { PersistedKeys } from '../../src/bus.js';
import { encodeKey } from '../../src/crypto/keys.js';
import { openSession, type SessionKeys } from '../../src/app/session.js';
import { chatOptions, record } from '../_transport-pair.js';
import { waitFor } from '../../src/testing/wait.js';

const LOOPBACK = { host: '127.0.0.1', port: 0 };

/** chatOptions plus what the chat command passes from a profile. */
function withKeys(o: Parameters<typeof chatOptions>[0], keys: SessionKeys): ReturnType<typeof chatOptions> & SessionKeys {
  return { ...chatOptions(o), ...keys };
}

test(
  'a rotation writes {K, K′ next} on the responder before its accept, {K′, K previous} on the initiator, then {K′} on both',
  { timeout: 30_000 },
  async (t) => {
    const key = randomBytes(32);
    const savedA: PersistedKeys[] = [];
    const savedB: PersistedKeys[] = [];
    const a = await openSession(withKeys({ listen: LOOPBACK, key, nick: 'alice', profileName: 'a' }, { saveKeys: (k) => void savedA.push(k) }));
    t.after(() => a.close());
    const b = await openSession(withKeys({ listen: LOOPBACK, key, nick: 'bob', peer: a.listen, profileName: 'b' }, { saveKeys: (k) => void savedB.push(k) }));
    t.after(() => b.close());
    const ea = record(a.bus);
    const eb = record(b.bus);
    await waitFor(() => a.transport.peerAddress() !== null && b.transport.stats().datagramsIn > 0, 5_000, 'the handshake');
    b.bus.emit('rotate', {});
    await waitFor(() => ea['key:rotated'].length === 1 && eb['key:rotated'].length === 1, 10_000, 'the rotation');
    await waitFor(() => savedA.at(-1)?.pendingKey === null && savedB.at(-1)?.pendingKey === null, 5_000, 'both settled');
    const k = encodeKey(key);
    const k2 = savedA.at(-1)!.key;
    assert.notEqual(k2, k);
    const accept = savedA[0]?.pendingKey?.accept;
    assert.equal(Buffer.from(accept ?? '', 'base64url').length, 40, 'the accept it answered (rotation id, public key) goes with it');
    assert.deepEqual(savedA, [
      { key: k, pendingKey: { key: k2, slot: 'next', accept } },
      { key: k2, pendingKey: null },
    ]);
    assert.deepEqual(savedB, [
      { key: k2, pendingKey: { key: k, slot: 'previous' } },
      { key: k2, pendingKey: null },
    ]);
    for (const e of [...ea.error, ...eb.error]) assert.ok(!e.message.includes(k) && !e.message.includes(k2), 'no key in a message');
  },
);

test(
  'a session opened with the pending key of an unfinished rotation reads the peer that committed it, and settles it in the profile',
  { timeout: 30_000 },
  async (t) => {
    const [k, k2] = [randomBytes(32), randomBytes(32)];
    const saved: PersistedKeys[] = [];
    // The initiator committed K′ (its profile: K′, K pending as previous); the responder was killed while accepting.
    const a = await openSession(
      withKeys({ listen: LOOPBACK, key: k2, nick: 'alice', profileName: 'a' }, { pendingKey: { key: encodeKey(k), slot: 'previous' }, saveKeys: () => {} }),
    );
    t.after(() => a.close());
    const b = await openSession(
      withKeys(
        { listen: LOOPBACK, key: k, nick: 'bob', peer: a.listen, profileName: 'b' },
        { pendingKey: { key: encodeKey(k2), slot: 'next' }, saveKeys: (x) => void saved.push(x) },
      ),
    );
    t.after(() => b.close());
    const ea = record(a.bus);
    await waitFor(() => a.transport.peerAddress() !== null, 5_000, 'the handshake');
    a.bus.emit('send', { id: 'a1', text: 'under the new key' });
    assert.equal(await a.transport.flush(5_000), true, 'delivered');
    assert.equal(a.transport.fingerprint(), b.transport.fingerprint());
    assert.deepEqual(saved.at(-1), { key: encodeKey(k2), pendingKey: null });
    b.bus.emit('send', { id: 'b1', text: 'and back' });
    assert.equal(await b.transport.flush(5_000), true, 'delivered back');
    await waitFor(() => ea['message:received'].some((m) => m.text === 'and back'), 2_000, 'the answer');
  },
);

test(
  'saveKeys that fails: one warning naming the profile, never the key; a session with neither saver keeps keys in memory and says so',
  { timeout: 30_000 },
  async (t) => {
    const key = randomBytes(32);
    const a = await openSession(
      withKeys(
        { listen: LOOPBACK, key, profileName: 'work' },
        {
          saveKeys: () => {
            throw new Error('EACCES: permission denied, open /cfg/config.json');
          },
        },
      ),
    );
    t.after(() => a.close());
    const b = await openSession(chatOptions({ listen: LOOPBACK, key, peer: a.listen }));
    t.after(() => b.close());
    const ea = record(a.bus);
    const eb = record(b.bus);
    await waitFor(() => a.transport.peerAddress() !== null && b.transport.stats().datagramsIn > 0, 5_000, 'the handshake');
    b.bus.emit('rotate', {});
    await waitFor(() => ea['key:rotated'].length === 1 && eb['key:rotated'].length === 1, 10_000, 'the rotation');
    await new Promise((r) => setTimeout(r, 20));
    const pending = ea.error.find((e) => e.message.includes('unfinished key rotation could not be saved'));
    assert.ok(pending, 'the pending key could not be saved: said before the accept left');
    assert.match(pending.message, /profile work: EACCES/);
    const settled = ea.error.find((e) => e.message.includes('could not be saved') && e !== pending);
    assert.ok(settled, 'the settled key could not be saved either');
    assert.ok(
      eb.error.some((e) => /used for this session only/.test(e.message)),
      'the --key side says its key is not saved',
    );
    for (const e of [...ea.error, ...eb.error]) assert.ok(!e.message.includes(encodeKey(key)), `no key in: ${e.message}`);
  },
);
