/**
 * Room sessions wired end to end on the in-memory network (#15): the mesh,
 * the room core and the members file of src/app/room-session.ts.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ROOM_MEMBERS_MAX } from '../../src/constants.js';
import { fullMesh, RoomLab, type RoomProc } from '../_room-lab.js';

const MESSAGES = 50;

function sendAll(p: RoomProc, from: number, to: number): void {
  for (let i = from; i < to; i++) p.session.input({ kind: 'send', text: `${p.nick} ${i}` });
}

/** `p` got exactly `n` messages from each other member, in order. */
function gotAll(p: RoomProc, others: readonly RoomProc[], n: number): boolean {
  return others.every((o) => o === p || (p.got.get(o.room.memberId)?.length ?? 0) >= n);
}

function assertExactlyOnce(p: RoomProc, others: readonly RoomProc[], n: number): void {
  for (const o of others) {
    if (o === p) continue;
    const expected = Array.from({ length: n }, (_, i) => `${o.nick} ${i}`);
    assert.deepEqual(p.got.get(o.room.memberId), expected, `${p.nick} from ${o.nick}`);
  }
}

/** A room of `nicks` (the first its creator, the others joining with its invite) on one lab, in a full mesh; closed when the test ends. */
async function room(t: TestContext, nicks: readonly string[]): Promise<{ r: RoomLab; procs: RoomProc[] }> {
  const r = new RoomLab();
  t.after(() => r.closeAll());
  const procs = [await r.found(nicks[0]!)];
  for (const nick of nicks.slice(1)) procs.push(await r.join(nick));
  assert.ok(await r.lab.until(() => fullMesh(procs), 60_000), `no full mesh: ${procs.map((p) => `${p.nick}:${p.session.core.online().length}`).join(' ')}`);
  return { r, procs };
}

test("four members: one creator, three joiners with one invite → full mesh; every member gets every other member's 50 messages once, in order", async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat', 'dan']);
  for (const p of procs) assert.equal(p.session.core.status.kind, 'member', p.nick);
  for (const p of procs) sendAll(p, 0, MESSAGES);
  assert.ok(await r.lab.until(() => procs.every((p) => gotAll(p, procs, MESSAGES)), 60_000));
  await r.lab.advance(2_000);
  for (const p of procs) assertExactlyOnce(p, procs, MESSAGES);
  for (const p of procs) assert.equal(p.session.roster().length, 4);
});

test('a member restarts (a new session, same member id, its saved member list) and gets what was sent while it was away', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat']);
  const [ann, bob, cat] = procs as [RoomProc, RoomProc, RoomProc];
  for (const p of procs) sendAll(p, 0, 10);
  assert.ok(await r.lab.until(() => procs.every((p) => gotAll(p, procs, 10)), 60_000));
  await r.stop(cat);
  await r.lab.advance(1_000);
  sendAll(ann, 10, 20);
  sendAll(bob, 10, 20);
  await r.lab.advance(20_000);
  assert.equal(ann.session.core.online().length, 1, 'cat is offline for ann');
  await r.restart(cat);
  assert.equal(cat.session.core.status.kind, 'member', 'the saved list seats it at once');
  assert.ok(await r.lab.until(() => fullMesh(procs) && gotAll(cat, procs, 20), 60_000), `cat got ${[...cat.got.values()].map((l) => l.length).join(',')}`);
  await r.lab.advance(2_000);
  assertExactlyOnce(cat, [ann, bob], 20);
  assertExactlyOnce(ann, [bob], 20);
});

test('a partition takes links down; messages sent meanwhile are queued and delivered, once and in order, when it heals', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat', 'dan']);
  const [ann, bob, cat, dan] = procs as [RoomProc, RoomProc, RoomProc, RoomProc];
  r.partition([ann, bob], [cat, dan]);
  for (const p of procs) sendAll(p, 0, 25);
  assert.ok(await r.lab.until(() => ann.session.core.online().length === 1 && cat.session.core.online().length === 1, 60_000), 'the links across went down');
  assert.ok(
    ann.facts.some((f) => f.kind === 'offline'),
    'ann was told cat and dan went offline',
  );
  for (const p of procs) sendAll(p, 25, MESSAGES);
  await r.lab.advance(5_000);
  assert.equal(ann.got.get(cat.room.memberId)?.length ?? 0, 0);
  r.heal();
  assert.ok(await r.lab.until(() => fullMesh(procs) && procs.every((p) => gotAll(p, procs, MESSAGES)), 120_000));
  await r.lab.advance(2_000);
  for (const p of procs) assertExactlyOnce(p, procs, MESSAGES);
});

test('sixteen members make a full mesh; the 17th is refused, with one clear line on both sides', { timeout: 120_000 }, async (t) => {
  const r = new RoomLab();
  t.after(() => r.closeAll());
  const procs = [await r.found('m00')];
  // One after the other, as people paste a code: each joins a full mesh of those before it.
  for (let i = 1; i < ROOM_MEMBERS_MAX; i++) {
    procs.push(await r.join(`m${String(i).padStart(2, '0')}`));
    assert.ok(
      await r.lab.until(() => fullMesh(procs), 30_000, 250),
      `no full mesh of ${procs.length}: ${procs.map((p) => p.session.core.online().length).join(' ')}`,
    );
  }
  const creator = procs[0]!;
  const late = await r.join('late');
  assert.ok(await r.lab.until(() => late.session.core.status.kind === 'refused', 30_000), `late: ${JSON.stringify(late.session.core.status)}`);
  const ours = late.facts.filter((f) => f.kind === 'refused');
  assert.equal(ours.length, 1, JSON.stringify(ours));
  assert.match(ours[0]!.kind === 'refused' ? ours[0]!.line : '', /full/);
  const theirs = creator.facts.filter((f) => f.kind === 'refused');
  assert.equal(theirs.length, 1, JSON.stringify(theirs));
  assert.ok(theirs[0]!.kind === 'refused' && !theirs[0]!.self && /full/.test(theirs[0]!.line));
  // The room is intact: every seated member still has its fifteen links, and a line still reaches all of them.
  await r.lab.advance(5_000);
  assert.ok(fullMesh(procs));
  creator.session.input({ kind: 'send', text: 'still here' });
  assert.ok(await r.lab.until(() => procs.slice(1).every((p) => p.got.get(creator.room.memberId)?.includes('still here') === true), 30_000));
  assert.equal(late.got.size, 0);
});

test('a kick: the member is removed everywhere and told so, its links close, and the room key is rotated without it; /leave leaves for good', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat', 'dan']);
  const [ann, bob, cat, dan] = procs as [RoomProc, RoomProc, RoomProc, RoomProc];
  ann.session.input({ kind: 'kick', member: dan.room.memberId });
  assert.ok(
    ann.facts.some((f) => f.kind === 'rotating' && f.kick && f.self),
    'the kick starts a rotation without the kicked member',
  );
  assert.ok(await r.lab.until(() => dan.session.core.status.kind === 'removed' && [ann, bob, cat].every((p) => p.session.core.online().length === 2), 30_000));
  for (const p of [bob, cat]) assert.ok(p.facts.some((f) => f.kind === 'left' && f.how === 'kicked' && f.member === dan.room.memberId));
  sendAll(ann, 0, 5);
  assert.ok(await r.lab.until(() => gotAll(bob, [ann], 5) && gotAll(cat, [ann], 5), 30_000));
  await r.lab.advance(10_000);
  assert.equal(dan.got.get(ann.room.memberId)?.length ?? 0, 0, 'the kicked member gets nothing more');

  cat.session.input({ kind: 'leave' });
  assert.equal(cat.session.core.status.kind, 'left');
  assert.ok(
    await r.lab.until(() => [ann, bob].every((p) => p.facts.some((f) => f.kind === 'left' && f.how === 'left' && f.member === cat.room.memberId)), 30_000),
  );
  const back = await r.restart(cat);
  assert.equal(back.session.core.status.kind, 'left', 'a restart stays out: the tombstone is in its saved list');
});

test('quitting with lines in flight to members gone quiet reports them missed, one count per member', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat']);
  const [ann, bob, cat] = procs as [RoomProc, RoomProc, RoomProc];
  r.partition([ann], [bob, cat]);
  sendAll(ann, 0, 7);
  await r.lab.advance(1_000);
  await r.stop(ann);
  const missed = ann.facts.filter((f) => f.kind === 'missed');
  assert.deepEqual(missed.map((f) => (f.kind === 'missed' ? [f.display, f.count] : [])).sort(), [
    ['bob', 7],
    ['cat', 7],
  ]);
});

test('/nick: a new version of our entry is gossiped; every other member shows "renamed" and lists the new nick', async (t) => {
  const { r, procs } = await room(t, ['ann', 'bob', 'cat']);
  const [ann, bob, cat] = procs as [RoomProc, RoomProc, RoomProc];
  ann.session.input({ kind: 'set-self', nick: 'annie' });
  assert.ok(
    await r.lab.until(
      () => [bob, cat].every((p) => p.facts.some((f) => f.kind === 'renamed' && f.member === ann.room.memberId && f.display === 'annie')),
      30_000,
    ),
  );
  for (const p of [bob, cat]) assert.equal(p.session.roster().find((e) => e.id === ann.room.memberId)?.nick, 'annie', p.nick);
});
