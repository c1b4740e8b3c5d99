import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ROOM_MEMBERS_MAX, ROOM_TOMBSTONES_MAX } from '../../src/constants.js';
import {
  addMember,
  EMPTY_MEMBERS,
  isSeated,
  mergeMembers,
  removeMember,
  sameMembers,
  seating,
  updateMember,
  winner,
  type MemberEntry,
  type MemberSet,
} from '../../src/room/members.js';

const id = (n: number): string => n.toString(16).padStart(16, '0');
const A = id(1);
const B = id(2);
const C = id(3);

function room(...ids: string[]): MemberSet {
  let s = EMPTY_MEMBERS;
  for (const m of ids) s = addMember(s, { id: m, nick: `n${m.slice(-2)}`, address: null }, ids[0]!);
  return s;
}

describe('member list: operations', () => {
  it('add gives version 1 and the next seat; an id already known is an error, never a resurrection', () => {
    const s = room(A, B);
    assert.equal(s.get(B)!.version, 1);
    assert.deepEqual(s.get(B)!.seat, { at: 2, by: A });
    assert.throws(() => addMember(s, { id: B, nick: 'x', address: null }, A), /already in the list/);
    const gone = removeMember(s, B, A);
    assert.throws(() => addMember(gone, { id: B, nick: 'x', address: null }, A), /already in the list/);
    assert.throws(() => addMember(s, { id: 'nothex', nick: 'x', address: null }, A), TypeError);
  });

  it('update bumps the version; a removed member cannot be updated back to life', () => {
    let s = room(A, B);
    s = updateMember(s, B, { address: '10.0.0.2:7000' }, B);
    assert.equal(s.get(B)!.version, 2);
    assert.equal(s.get(B)!.address, '10.0.0.2:7000');
    s = removeMember(s, B, A);
    assert.equal(s.get(B)!.removed, true);
    assert.equal(updateMember(s, B, { nick: 'back' }, B), s);
  });

  it('a tombstone beats any live version, however high (a kicked member that keeps roaming stays out)', () => {
    const base = room(A, B);
    let kicked = removeMember(base, B, A);
    let roaming = base;
    for (let i = 0; i < 5; i++) roaming = updateMember(roaming, B, { address: `10.0.0.2:${7000 + i}` }, B);
    kicked = mergeMembers(kicked, roaming);
    assert.equal(kicked.get(B)!.removed, true);
    assert.equal(mergeMembers(roaming, kicked).get(B)!.removed, true);
  });

  it('equal versions by two writers: the greater writer id wins, on both sides', () => {
    const base = room(A, B, C);
    const byA = updateMember(base, C, { nick: 'fromA' }, A);
    const byB = updateMember(base, C, { nick: 'fromB' }, B);
    assert.equal(mergeMembers(byA, byB).get(C)!.nick, 'fromB');
    assert.equal(mergeMembers(byB, byA).get(C)!.nick, 'fromB');
  });

  it('merge returns the same object when the other side adds nothing', () => {
    const s = room(A, B);
    assert.equal(mergeMembers(s, s), s);
    assert.equal(mergeMembers(s, room(A)), s);
  });

  it(`seats at most ${ROOM_MEMBERS_MAX}, oldest seats first; the ones past the limit overflow the same way everywhere`, () => {
    const ids = Array.from({ length: ROOM_MEMBERS_MAX + 1 }, (_, i) => id(i + 1));
    const s = room(...ids);
    const { seated, overflow } = seating(s);
    assert.equal(seated.length, ROOM_MEMBERS_MAX);
    assert.deepEqual(
      overflow.map((e) => e.id),
      [id(ROOM_MEMBERS_MAX + 1)],
    );
    assert.equal(isSeated(s, id(ROOM_MEMBERS_MAX + 1)), false);
    // A seat frees up when someone is removed.
    assert.equal(isSeated(removeMember(s, id(3), id(1)), id(ROOM_MEMBERS_MAX + 1)), true);
  });

  it('two inviters let someone in at the same moment: both lists agree who is seated', () => {
    const full = room(...Array.from({ length: ROOM_MEMBERS_MAX - 1 }, (_, i) => id(i + 1)));
    const x = addMember(full, { id: id(100), nick: 'x', address: null }, id(1));
    const y = addMember(full, { id: id(200), nick: 'y', address: null }, id(2));
    const m1 = seating(mergeMembers(x, y));
    const m2 = seating(mergeMembers(y, x));
    assert.deepEqual(
      m1.overflow.map((e) => e.id),
      [id(200)],
    );
    assert.deepEqual(
      m1.seated.map((e) => e.id),
      m2.seated.map((e) => e.id),
    );
  });

  it(`keeps the newest ${ROOM_TOMBSTONES_MAX} tombstones`, () => {
    let s = EMPTY_MEMBERS;
    for (let i = 1; i <= ROOM_TOMBSTONES_MAX + 3; i++) s = removeMember(addMember(s, { id: id(i), nick: 'n', address: null }, A), id(i), A);
    assert.equal(s.size, ROOM_TOMBSTONES_MAX);
    assert.equal(s.has(id(1)), false);
    assert.equal(s.has(id(ROOM_TOMBSTONES_MAX + 3)), true);
  });

  it('winner is symmetric', () => {
    const e: MemberEntry = { id: A, nick: 'a', address: null, version: 2, removed: false, by: A, seat: { at: 1, by: A } };
    const f: MemberEntry = { ...e, nick: 'b' };
    assert.equal(winner(e, f), winner(f, e));
  });
});

/*
 * The replication property: replicas that apply random local operations and
 * merge with random others, in any order, end with the same list once each
 * has heard (transitively) from all — and merge is commutative,
 * associative and idempotent on any lists they produce.
 */
type Op = { kind: 'add' | 'update' | 'remove' | 'merge'; replica: number; target: number; other: number };
const op = fc.record({
  kind: fc.constantFrom<Op['kind']>('add', 'update', 'remove', 'merge', 'merge'),
  replica: fc.nat(3),
  target: fc.nat(9),
  other: fc.nat(3),
});

function run(ops: Op[]): MemberSet[] {
  const founders = [id(1), id(2), id(3), id(4)];
  const seed = room(...founders);
  const replicas: MemberSet[] = founders.map(() => seed);
  let fresh = 100;
  for (const o of ops) {
    const me = founders[o.replica]!;
    const s = replicas[o.replica]!;
    const live = [...s.values()].filter((e) => !e.removed);
    const target = live.length > 0 ? live[o.target % live.length]!.id : me;
    switch (o.kind) {
      case 'add':
        replicas[o.replica] = addMember(s, { id: id(fresh++), nick: 'new', address: null }, me);
        break;
      case 'update':
        replicas[o.replica] = updateMember(s, target, { address: `10.0.0.${o.target}:7000` }, me);
        break;
      case 'remove':
        replicas[o.replica] = removeMember(s, target, me);
        break;
      case 'merge':
        replicas[o.replica] = mergeMembers(s, replicas[o.other]!);
        break;
    }
  }
  return replicas;
}

describe('member list: replication properties', () => {
  it('after everyone gossips with everyone, all replicas hold the same list and the same seats', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const rs = run(ops);
        // Two rounds of all-pairs gossip: everyone has heard from everyone.
        for (let round = 0; round < 2; round++) for (let i = 0; i < rs.length; i++) for (let j = 0; j < rs.length; j++) rs[i] = mergeMembers(rs[i]!, rs[j]!);
        for (const r of rs) {
          assert.ok(sameMembers(r, rs[0]!));
          assert.deepEqual(
            seating(r).seated.map((e) => e.id),
            seating(rs[0]!).seated.map((e) => e.id),
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('merge is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const [a, b, c] = run(ops) as [MemberSet, MemberSet, MemberSet];
        assert.ok(sameMembers(mergeMembers(a, b), mergeMembers(b, a)), 'commutative');
        assert.ok(sameMembers(mergeMembers(mergeMembers(a, b), c), mergeMembers(a, mergeMembers(b, c))), 'associative');
        assert.ok(sameMembers(mergeMembers(a, a), a), 'idempotent');
      }),
      { numRuns: 150 },
    );
  });

  it('a removed id stays removed in every merge', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const rs = run(ops);
        const removed = new Set(rs.flatMap((r) => [...r.values()].filter((e) => e.removed).map((e) => e.id)));
        let all = EMPTY_MEMBERS;
        for (const r of rs) all = mergeMembers(all, r);
        for (const rid of removed) assert.equal(all.get(rid)?.removed ?? true, true);
      }),
      { numRuns: 100 },
    );
  });
});
