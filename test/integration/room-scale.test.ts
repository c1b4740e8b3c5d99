/**
 * Rooms at their size (#15, "done when"): sixteen room sessions on the
 * in-memory network with random loss, duplication and reordering, members
 * restarting from their saved lists, and a partition that heals. Every
 * member must end with the same list, and show every line of every other
 * member exactly once and in the order it was sent; a `missed` fact only
 * where a queue really overflowed.
 *
 * The network's fate and the member ids come from one seed, printed by each
 * test; FERNCHAT_ROOM_SEED=N replays it. Time is the lab's manual clock.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { ROOM_MEMBERS_MAX, ROOM_QUEUE_MAX } from '../../src/constants.js';
import type { LinkConditions } from '../../src/net/memory.js';
import { sameMembers } from '../../src/room/members.js';
import { fullMesh, RoomLab, type RoomProc } from '../_room-lab.js';

const SEED = process.env.FERNCHAT_ROOM_SEED !== undefined ? Number(process.env.FERNCHAT_ROOM_SEED) : randomInt(2 ** 31);
const LOSSY: LinkConditions = { loss: 0.15, duplicate: 0.02, reorder: 0.05 };

/** A lab for one test, its seed printed (and in every assertion message). */
function lab(t: TestContext, conditions: LinkConditions): RoomLab {
  const seed = SEED;
  t.diagnostic(`seed ${seed}: FERNCHAT_ROOM_SEED=${seed} replays it`);
  const r = new RoomLab({ seed, conditions });
  t.after(() => r.closeAll());
  return r;
}

/** What each member sent so far, in order: `nick i`. */
class Ledger {
  private readonly sent = new Map<RoomProc, number>();

  send(p: RoomProc, n: number): void {
    const from = this.sent.get(p) ?? 0;
    for (let i = from; i < from + n; i++) p.session.input({ kind: 'send', text: `${p.nick} ${i}` });
    this.sent.set(p, from + n);
  }

  expected(o: RoomProc): string[] {
    return Array.from({ length: this.sent.get(o) ?? 0 }, (_, i) => `${o.nick} ${i}`);
  }

  /** `p` has shown at least as many lines from every other member as were sent. */
  caughtUp(p: RoomProc, procs: readonly RoomProc[]): boolean {
    return procs.every((o) => o === p || (p.got.get(o.room.memberId)?.length ?? 0) >= (this.sent.get(o) ?? 0));
  }

  /** Exactly once and in per-sender order: what `p` showed from `o` is what `o` sent. */
  assertShown(p: RoomProc, procs: readonly RoomProc[], why: string): void {
    for (const o of procs) if (o !== p) assert.deepEqual(p.got.get(o.room.memberId) ?? [], this.expected(o), `${p.nick} from ${o.nick} (${why})`);
  }
}

const why = `seed ${SEED}`;

function progress(procs: readonly RoomProc[]): string {
  return procs.map((p) => `${p.nick}:${p.session.core.online().length}`).join(' ');
}

/** Who has no link to whom (a → b), for a failure's message. */
function gaps(procs: readonly RoomProc[]): string {
  const out: string[] = [];
  for (const p of procs) for (const o of procs) if (o !== p && p.session.core.linkOf(o.room.memberId) === undefined) out.push(`${p.nick}→${o.nick}`);
  return out.join(' ') || 'none';
}

function facts(p: RoomProc, kind: string): unknown[] {
  return p.facts.filter((f) => f.kind === kind);
}

test(
  `${ROOM_MEMBERS_MAX} members at 15 % loss: joins, restarts from the saved list and a healed partition; same list everywhere, every line once and in order, nothing missed`,
  { timeout: 60_000 },
  async (t) => {
    const r = lab(t, LOSSY);
    const ledger = new Ledger();
    const procs = [await r.found('m00')];
    for (let i = 1; i < ROOM_MEMBERS_MAX; i++) {
      procs.push(await r.join(`m${String(i).padStart(2, '0')}`));
      assert.ok(await r.lab.until(() => fullMesh(procs), 60_000, 250), `no full mesh of ${procs.length}: ${progress(procs)} (${why})`);
    }
    const settled = async (what: string, ms = 120_000): Promise<void> => {
      const live = r.live();
      assert.ok(
        await r.lab.until(() => fullMesh(procs) && live.every((p) => ledger.caughtUp(p, procs)), ms, 250),
        `${what}: ${progress(procs)}; unlinked: ${gaps(procs)}; behind: ${live.filter((p) => !ledger.caughtUp(p, procs)).map((p) => p.nick)} (${why})`,
      );
      // Long enough for every acknowledgement (and any stray copy) to land.
      await r.lab.advance(5_000);
      for (const p of live) ledger.assertShown(p, procs, `${what}, ${why}`);
    };

    // 1. Everyone at once, twenty lines each.
    for (const p of procs) ledger.send(p, 20);
    await settled('the first round');

    // 2. Three members quit (quiet: everything they were sent is acknowledged); the others talk; they come back from their saved lists.
    const away = [procs[3]!, procs[8]!, procs[13]!];
    for (const p of away) await r.stop(p);
    for (const p of procs) if (!away.includes(p)) ledger.send(p, 10);
    await r.lab.advance(20_000);
    for (const p of away) {
      await r.restart(p);
      assert.equal(p.session.core.status.kind, 'member', `${p.nick} is seated by its saved list at once (${why})`);
    }
    for (const p of away) ledger.send(p, 5);
    await settled('after the restarts');

    // 3. A partition of five against eleven: both sides talk across it; it heals.
    const west = procs.slice(0, 5);
    const east = procs.slice(5);
    r.partition(west, east);
    for (const p of procs) ledger.send(p, 10);
    assert.ok(
      await r.lab.until(() => west.every((p) => p.session.core.online().length === west.length - 1), 120_000, 250),
      `the links across the partition never went down: ${progress(procs)} (${why})`,
    );
    for (const p of procs) ledger.send(p, 10);
    await r.lab.advance(10_000);
    assert.ok(
      west.every((p) => east.every((o) => (p.got.get(o.room.memberId)?.length ?? 0) < ledger.expected(o).length)),
      `nothing crosses a partition (${why})`,
    );
    r.heal();
    await settled('after the partition healed', 180_000);

    // 4. One list, sixteen seated, no refusal, no missed line, nobody out.
    for (const p of procs) {
      assert.equal(p.session.core.status.kind, 'member', `${p.nick} (${why})`);
      assert.ok(sameMembers(p.session.core.members, procs[0]!.session.core.members), `${p.nick} and m00 hold different lists (${why})`);
      assert.equal(p.session.roster().length, ROOM_MEMBERS_MAX, `${p.nick}'s roster (${why})`);
      assert.deepEqual(facts(p, 'missed'), [], `${p.nick} missed lines (${why})`);
      assert.deepEqual(facts(p, 'refused'), [], `${p.nick} refused (${why})`);
    }
    t.diagnostic(`network: ${JSON.stringify(r.lab.net.stats)}`);
  },
);

test(`a member away while another sends ${ROOM_QUEUE_MAX} + 7 lines: one missed fact of 7 on the sender, the newest ${ROOM_QUEUE_MAX} shown in order on return`, async (t) => {
  const r = lab(t, LOSSY);
  const procs = [await r.found('ann'), await r.join('bob'), await r.join('cat')];
  const [ann, bob, cat] = procs as [RoomProc, RoomProc, RoomProc];
  assert.ok(await r.lab.until(() => fullMesh(procs), 60_000), `no full mesh: ${progress(procs)} (${why})`);
  await r.lab.advance(2_000);
  await r.stop(cat);
  // Until ann knows: its bye may be lost, and then ann's lines would wait in the connection instead (and all arrive).
  assert.ok(await r.lab.until(() => ann.session.core.linkOf(cat.room.memberId) === undefined, 30_000), `ann saw cat go (${why})`);
  const total = ROOM_QUEUE_MAX + 7;
  for (let i = 0; i < total; i++) ann.session.input({ kind: 'send', text: `ann ${i}` });
  const all = Array.from({ length: total }, (_, i) => `ann ${i}`);
  assert.ok(await r.lab.until(() => (bob.got.get(ann.room.memberId)?.length ?? 0) >= total, 120_000, 250), `bob got them all (${why})`);
  await r.lab.advance(20_000);
  await r.restart(cat);
  assert.ok(
    await r.lab.until(() => fullMesh(procs) && (cat.got.get(ann.room.memberId)?.length ?? 0) >= ROOM_QUEUE_MAX, 120_000, 250),
    `cat came back: ${progress(procs)}, got ${cat.got.get(ann.room.memberId)?.length ?? 0} (${why})`,
  );
  await r.lab.advance(5_000);
  assert.deepEqual(bob.got.get(ann.room.memberId), all, `bob (${why})`);
  assert.deepEqual(cat.got.get(ann.room.memberId), all.slice(7), `cat: the oldest 7 dropped, the rest once and in order (${why})`);
  const missed = ann.facts.filter((f) => f.kind === 'missed');
  assert.deepEqual(
    missed.map((f) => (f.kind === 'missed' ? [f.member, f.count] : [])),
    [[cat.room.memberId, 7]],
    `ann: one missed fact, for cat (${why})`,
  );
  for (const p of [bob, cat]) assert.deepEqual(facts(p, 'missed'), [], `${p.nick} (${why})`);
});

test('a member that quits right after showing a line, its acknowledgement and its bye lost, does not show the line again when it restarts (<profile>.seen.json)', async (t) => {
  const r = lab(t, {});
  const ann = await r.found('ann');
  const bob = await r.join('bob');
  assert.ok(await r.lab.until(() => fullMesh([ann, bob]), 30_000));
  await r.lab.advance(3_000);
  ann.session.input({ kind: 'send', text: 'once' });
  await r.lab.advance(0); // delivered and shown; bob's delayed acknowledgement is not due yet
  assert.deepEqual(bob.got.get(ann.room.memberId), ['once']);
  r.lab.net.setConditions({ loss: 1 });
  await r.stop(bob);
  r.lab.net.flush();
  r.lab.net.setConditions({});
  await r.lab.advance(20_000);
  await r.restart(bob);
  assert.ok(await r.lab.until(() => fullMesh([ann, bob]), 30_000));
  await r.lab.advance(5_000);
  assert.deepEqual(bob.got.get(ann.room.memberId), ['once'], `shown again after the restart (${why})`);
});

test(`a member gone without a bye while another sends ${ROOM_QUEUE_MAX} + 7 lines (the connection's queue full): back, its link binds and it shows every line once, in order`, async (t) => {
  const r = lab(t, {});
  const procs = [await r.found('ann'), await r.join('cat')];
  const [ann, cat] = procs as [RoomProc, RoomProc];
  assert.ok(await r.lab.until(() => fullMesh(procs), 30_000));
  await r.lab.advance(2_000);
  r.lab.net.setConditions({ loss: 1 });
  await r.stop(cat); // its bye lost: ann's link stays bound, and ann's lines go into the connection until it is full
  r.lab.net.flush();
  r.lab.net.setConditions({});
  const total = ROOM_QUEUE_MAX + 7;
  for (let i = 0; i < total; i++) ann.session.input({ kind: 'send', text: `ann ${i}` });
  await r.lab.advance(20_000);
  await r.restart(cat);
  // ann's hello to the new process queues behind a full connection; refused there, the link would never bind.
  assert.ok(
    await r.lab.until(() => fullMesh(procs) && (cat.got.get(ann.room.memberId)?.length ?? 0) >= total, 60_000, 250),
    `cat: ${cat.session.core.online().length} links, ${cat.got.get(ann.room.memberId)?.length ?? 0} lines (${why})`,
  );
  await r.lab.advance(5_000);
  assert.deepEqual(
    cat.got.get(ann.room.memberId),
    Array.from({ length: total }, (_, i) => `ann ${i}`),
  );
  assert.deepEqual(facts(ann, 'missed'), []);
});
