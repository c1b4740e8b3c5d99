/**
 * Room key rotation wired end to end on the in-memory network (#15,
 * PROTOCOL.md "Room key rotation"): Ctrl-K (session.rotate()), /kick's
 * rotation, concurrent rotations, a member that missed one, and an attacker
 * who holds the old room key and hears every datagram.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Fernet } from '../../src/crypto/fernet.js';
import { fingerprint } from '../../src/crypto/keys.js';
import type { RoomFact } from '../../src/room/core-types.js';
import { fullMesh, RoomLab, type RoomProc } from '../_room-lab.js';

async function room(t: TestContext, nicks: readonly string[]): Promise<{ r: RoomLab; procs: RoomProc[] }> {
  const r = new RoomLab();
  t.after(() => r.closeAll());
  const procs = [await r.found(nicks[0]!)];
  for (const nick of nicks.slice(1)) procs.push(await r.join(nick));
  assert.ok(await r.lab.until(() => fullMesh(procs), 60_000), 'full mesh');
  return { r, procs };
}

const changed = (p: RoomProc): Array<Extract<RoomFact, { kind: 'key-changed' }>> =>
  p.facts.filter((f): f is Extract<RoomFact, { kind: 'key-changed' }> => f.kind === 'key-changed');

function send(p: RoomProc, texts: readonly string[]): void {
  for (const text of texts) p.session.input({ kind: 'send', text });
}

test('Ctrl-K: every online member ends on one new key (one fingerprint), saves it, and the chat goes on under it; the old key opens nothing sent after', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat', 'dan']);
  const old = r.lab.key;
  // Every datagram on the wire from here on, as someone who holds the old key and listens would have it.
  const heard: Buffer[] = [];
  const offTap = r.lab.net.capture((_from, _to, d) => void heard.push(Buffer.from(d)));
  t.after(offTap);

  procs[1]!.session.rotate();
  assert.ok(
    await r.lab.until(() => procs.every((p) => changed(p).length === 1), 30_000),
    procs.map((p) => `${p.nick}: ${p.facts.map((f) => f.kind).join(',')}`).join('\n'),
  );
  const fp = procs[0]!.session.fingerprint();
  assert.notEqual(fp, fingerprint(old));
  for (const p of procs) {
    assert.equal(p.session.fingerprint(), fp, p.nick);
    assert.equal(fingerprint(p.key), fp, `${p.nick} saved the new key`);
    const f = changed(p)[0]!;
    assert.equal(f.fingerprint, fp);
    assert.equal(f.by, procs[1]!.room.memberId);
    assert.deepEqual(f.missed, [], `${p.nick}: nobody missed it`);
  }
  assert.ok(procs[1]!.facts.some((f) => f.kind === 'rotating' && f.self));

  const texts = ['after one', 'after two'];
  send(procs[0]!, texts);
  assert.ok(await r.lab.until(() => procs.slice(1).every((p) => (p.got.get(procs[0]!.room.memberId) ?? []).join('|') === texts.join('|')), 30_000));
  await r.lab.advance(2_000);

  // The listener with the old key: nothing said after the rotation opens, and no datagram it heard gives it the new key.
  const oldFernet = new Fernet(old);
  const opened = heard.flatMap((d) => {
    try {
      return [oldFernet.decrypt(d, { nowS: Math.floor(r.clock.now() / 1000), clockSkewS: 3600, binary: true }).toString('latin1')];
    } catch {
      return [];
    }
  });
  assert.ok(
    opened.some((p) => p.includes('room:rot-offer')),
    'the listener saw the offers (they go under the old key)',
  );
  assert.ok(!opened.some((p) => p.includes('after one')), 'a message sent after the switch opens under the old key');
  const newKey = procs[0]!.key;
  assert.ok(!opened.some((p) => p.includes(newKey.toString('base64url')) || p.includes(newKey.toString('base64'))), 'the new key in the clear');
});

test('concurrent Ctrl-K on two members ends on one key for everyone online', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat']);
  procs[0]!.session.rotate();
  procs[2]!.session.rotate();
  assert.ok(
    await r.lab.until(
      () => new Set(procs.map((p) => p.session.fingerprint())).size === 1 && procs.every((p) => p.session.core.online().length === 2 && changed(p).length >= 1),
      60_000,
    ),
    procs
      .map(
        (p) =>
          `${p.nick} ${p.session.fingerprint()} ${p.facts
            .filter((f) => f.kind !== 'message')
            .map((f) => f.kind)
            .join(',')}`,
      )
      .join('\n'),
  );
  await r.lab.advance(25_000);
  assert.equal(new Set(procs.map((p) => p.session.fingerprint())).size, 1);
  assert.notEqual(procs[0]!.session.fingerprint(), fingerprint(r.lab.key));
  send(procs[0]!, ['still one room']);
  assert.ok(await r.lab.until(() => procs.slice(1).every((p) => p.got.get(procs[0]!.room.memberId)?.includes('still one room') === true), 30_000));
});

test('/kick: the rotation leaves the kicked member out — it keeps the old key, reads nothing sent after, its lines reach nobody, and coming back it is told the key changed', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat']);
  const [ann, bob, cat] = procs as [RoomProc, RoomProc, RoomProc];
  ann.session.input({ kind: 'kick', member: cat.room.memberId });
  assert.ok(await r.lab.until(() => [ann, bob].every((p) => changed(p).length === 1) && cat.session.core.status.kind === 'removed', 30_000));
  assert.equal(ann.session.fingerprint(), bob.session.fingerprint());
  assert.equal(cat.session.fingerprint(), fingerprint(r.lab.key), 'the kicked member still has only the old key');
  assert.ok(changed(ann)[0]!.kick);
  assert.deepEqual(changed(ann)[0]!.missed, [], 'a kicked member is not "missed": it is out');

  send(ann, ['secret after the kick']);
  await r.lab.advance(10_000);
  assert.equal(bob.got.get(ann.room.memberId)?.at(-1), 'secret after the kick');
  assert.equal(cat.got.get(ann.room.memberId)?.includes('secret after the kick') ?? false, false);

  // It comes back (a new process with its old profile): its datagrams open only under a retired key; it is told, once.
  const back = await r.restart(cat);
  assert.ok(await r.lab.until(() => back.facts.some((f) => f.kind === 'stale-key') || back.session.core.status.kind === 'removed', 30_000));
  send(back, ['from the kicked one']);
  await r.lab.advance(15_000);
  assert.equal(bob.got.get(cat.room.memberId)?.includes('from the kicked one') ?? false, false);
  assert.equal(ann.got.get(cat.room.memberId)?.includes('from the kicked one') ?? false, false);
});

test('a member offline during the rotation missed it: the others name it, and when it comes back under the old key it is told to get a new invite', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat']);
  const [ann, bob, cat] = procs as [RoomProc, RoomProc, RoomProc];
  await r.stop(cat);
  assert.ok(await r.lab.until(() => ann.session.core.online().length === 1 && bob.session.core.online().length === 1, 60_000));
  ann.session.rotate();
  assert.ok(await r.lab.until(() => [ann, bob].every((p) => changed(p).length === 1), 30_000));
  for (const p of [ann, bob])
    assert.deepEqual(
      changed(p)[0]!.missed.map((m) => m.member),
      [cat.room.memberId],
      p.nick,
    );

  const back = await r.restart(cat);
  assert.ok(await r.lab.until(() => back.facts.some((f) => f.kind === 'stale-key'), 60_000), back.facts.map((f) => f.kind).join(','));
  assert.equal(back.facts.filter((f) => f.kind === 'stale-key').length, 1, 'told once');
  assert.equal(back.session.core.online().length, 0, 'nobody talks to it under the old key');
});

test('a restarted member learns the epoch and follows the next rotation; one alone rotates at once and names the others as missed', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob']);
  const [ann, bob] = procs as [RoomProc, RoomProc];
  ann.session.rotate();
  assert.ok(await r.lab.until(() => [ann, bob].every((p) => changed(p).length === 1), 30_000));
  const back = await r.restart(bob);
  assert.ok(await r.lab.until(() => fullMesh([ann, back]), 60_000));
  await r.lab.advance(1_000);
  back.session.rotate();
  assert.ok(await r.lab.until(() => changed(ann).length === 2 && changed(back).length === 1, 30_000), ann.facts.map((f) => f.kind).join(','));
  assert.equal(ann.session.fingerprint(), back.session.fingerprint());

  await r.stop(back);
  assert.ok(await r.lab.until(() => ann.session.core.online().length === 0, 60_000));
  ann.session.rotate();
  const last = changed(ann).at(-1)!;
  assert.equal(changed(ann).length, 3, 'alone: at once');
  assert.deepEqual(
    last.missed.map((m) => m.member),
    [bob.room.memberId],
  );
});
