/**
 * Room sessions wired end to end on the in-memory network (#15): the mesh,
 * the room core and the members file of src/app/room-session.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
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

test("four members: one creator, three joiners with one invite → full mesh; every member gets every other member's 50 messages once, in order", async (t) => {
  const r = new RoomLab();
  t.after(() => r.closeAll());
  const procs = [await r.found('ann')];
  for (const nick of ['bob', 'cat', 'dan']) procs.push(await r.join(nick));
  assert.ok(await r.lab.until(() => fullMesh(procs), 60_000), `no full mesh: ${procs.map((p) => `${p.nick}:${p.session.core.online().length}`).join(' ')}`);
  for (const p of procs) assert.equal(p.session.core.status.kind, 'member', p.nick);
  for (const p of procs) sendAll(p, 0, MESSAGES);
  assert.ok(await r.lab.until(() => procs.every((p) => gotAll(p, procs, MESSAGES)), 60_000));
  await r.lab.advance(2_000);
  for (const p of procs) assertExactlyOnce(p, procs, MESSAGES);
  for (const p of procs) assert.equal(p.session.roster().length, 4);
});
