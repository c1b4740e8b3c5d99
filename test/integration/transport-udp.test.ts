/**
 * Two real sessions (openSession: bindUdp + Bus + Transport, real timers)
 * over loopback UDP, IPv4 and — when the machine has it — IPv6.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { encodeKey, fingerprint } from '../../src/crypto/keys.js';
import { openSession, type ChatSession } from '../../src/app/session.js';
import { chatOptions, record, type Recorded } from '../_transport-pair.js';
import { waitFor } from '../../src/testing/wait.js';

async function ipv6Loopback(): Promise<string | null> {
  const s = dgram.createSocket('udp6');
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '::1', () => resolve());
    });
    return null;
  } catch (err) {
    return `no IPv6 loopback here (${(err as Error).message})`;
  } finally {
    try {
      s.close();
    } catch {
      // never bound
    }
  }
}

async function pair(
  host: string,
  t: { after: (fn: () => Promise<void>) => void },
): Promise<{ a: ChatSession; b: ChatSession; ea: Recorded; eb: Recorded; key: Buffer }> {
  const key = randomBytes(32);
  const saved: string[] = [];
  // a learns its peer from b's first datagram; b is pointed at a.
  const a = await openSession(chatOptions({ listen: { host, port: 0 }, key, nick: 'alice', profileName: 'a', saveKey: (k) => void saved.push(k) }));
  t.after(() => a.close());
  const b = await openSession(chatOptions({ listen: { host, port: 0 }, key, nick: 'bob', peer: a.listen }));
  t.after(() => b.close());
  return { a, b, ea: record(a.bus), eb: record(b.bus), key };
}

for (const host of ['127.0.0.1', '::1']) {
  test(`two real sessions over ${host}: messages both ways, a 1 MiB paste, a rotation, a clean close`, async (t) => {
    if (host === '::1') {
      const why = await ipv6Loopback();
      if (why !== null) {
        console.log(`skipped: ${why}`);
        t.skip(why);
        return;
      }
    }
    const { a, b, ea, eb, key } = await pair(host, t);
    const texts = (e: Recorded): string[] => e['message:received'].map((m) => m.text);
    await waitFor(() => a.transport.peerAddress() !== null, 5_000, 'a to learn b');
    assert.equal(a.transport.peerAddress()?.port, b.listen.port);

    const paste = randomBytes(3 << 19).toString('base64'); // 1 MiB of text
    a.bus.emit('send', { id: 'a1', text: 'hello bob' });
    b.bus.emit('send', { id: 'b1', text: 'hello alice' });
    a.bus.emit('send', { id: 'a2', text: paste });
    a.bus.emit('send', { id: 'a3', text: 'after the paste' });
    assert.equal(await a.transport.flush(20_000), true, 'a: every message acknowledged');
    assert.equal(await b.transport.flush(20_000), true, 'b: every message acknowledged');
    assert.deepEqual(texts(eb), ['hello bob', paste, 'after the paste']);
    assert.deepEqual(texts(ea), ['hello alice']);
    assert.deepEqual(
      ea['message:delivered'].map((d) => d.id),
      ['a1', 'a2', 'a3'],
    );

    b.bus.emit('rotate', {});
    await waitFor(() => ea['key:rotated'].length === 1 && eb['key:rotated'].length === 1, 10_000, 'the rotation');
    assert.equal(a.transport.fingerprint(), b.transport.fingerprint());
    assert.notEqual(a.transport.fingerprint(), fingerprint(key));
    // a has a profile: its saveKey got the new key; b came from --key: told it is not saved.
    assert.equal(ea['key:rotated'][0]?.key, eb['key:rotated'][0]?.key);
    assert.ok(eb.error.some((e) => /used for this session only/.test(e.message)));
    assert.ok(!eb.error.some((e) => e.message.includes(ea['key:rotated'][0]!.key)), 'the key is never in a message');
    assert.notEqual(ea['key:rotated'][0]?.key, encodeKey(key));

    a.bus.emit('send', { id: 'a4', text: 'under the new key' });
    assert.equal(await a.transport.flush(5_000), true);
    assert.equal(texts(eb).at(-1), 'under the new key');
    assert.equal(a.transport.dropCounts().unauthenticated + b.transport.dropCounts().unauthenticated, 0);

    // b leaves: a hears the bye and shows the peer as left at once (not "offline": it quit).
    await b.close();
    await waitFor(() => ea['peer:state'].at(-1)?.state === 'left', 2_000, 'a to see b leave');
  });
}

test('a session whose port is taken fails with one clear line', { timeout: 30_000 }, async (t) => {
  const key = randomBytes(32);
  const a = await openSession(chatOptions({ listen: { host: '127.0.0.1', port: 0 }, key }));
  t.after(() => a.close());
  await assert.rejects(openSession(chatOptions({ listen: a.listen, key })), (err: Error) => {
    assert.equal(err.name, 'BindError');
    assert.match(err.message, /address already in use/);
    assert.ok(!err.message.includes('\n'));
    return true;
  });
});

test('a rotated key that cannot be saved: a warning that names the profile and the fix, never the key', { timeout: 30_000 }, async (t) => {
  const key = randomBytes(32);
  const a = await openSession(
    chatOptions({
      listen: { host: '127.0.0.1', port: 0 },
      key,
      profileName: 'work',
      saveKey: () => {
        throw new Error('EACCES: permission denied, open /cfg/config.json');
      },
    }),
  );
  t.after(() => a.close());
  const b = await openSession(chatOptions({ listen: { host: '127.0.0.1', port: 0 }, key, peer: a.listen, profileName: 'b', saveKey: () => {} }));
  t.after(() => b.close());
  const ea = record(a.bus);
  await waitFor(() => a.transport.peerAddress() !== null && b.transport.stats().datagramsIn > 0, 5_000, 'the handshake');
  await new Promise((r) => setTimeout(r, 50));
  b.bus.emit('rotate', {});
  await waitFor(() => ea['key:rotated'].length === 1, 10_000, 'the rotation');
  const warning = ea.error.find((e) => e.message.includes('could not be saved'));
  assert.ok(warning, 'a warning was emitted');
  assert.equal(warning.severity, 'warning');
  assert.match(warning.message, /profile work: EACCES/);
  assert.match(warning.message, /\/rotate again/);
  assert.ok(!warning.message.includes(ea['key:rotated'][0]!.key));
});
