import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ROOM_ROTATION_FOLLOWER_TIMEOUT_MS, ROOM_ROTATION_TIMEOUT_MS } from '../../src/constants.js';
import { outranks, step, type Rank, type RoomRotation, type RotationAction, type RotationInput } from '../../src/room/rotation.js';

const id = (n: number): string => n.toString(16).padStart(16, '0');
const [A, B, C, D] = [id(1), id(2), id(3), id(4)] as [string, string, string, string];
const idle = (epoch = 0): RoomRotation => ({ kind: 'idle', epoch, rank: null });

/** Runs inputs from `s` as member `me`; returns the last state and every action. */
function run(me: string, inputs: RotationInput[], s: RoomRotation = idle()): { s: RoomRotation; actions: RotationAction[] } {
  const actions: RotationAction[] = [];
  for (const i of inputs) {
    const r = step(s, i, me);
    s = r.state;
    actions.push(...r.actions);
  }
  return { s, actions };
}
const kinds = (as: RotationAction[]): string[] => as.map((a) => a.kind);

describe('room rotation: one member at a time', () => {
  it('the leader: offer to every recipient but itself, a key per accept, commit and switch when all are ready', () => {
    const { s, actions } = run(A, [
      { kind: 'start', r: 'r1', kick: false, recipients: [A, B, C], now: 0 },
      { kind: 'accept', from: B, r: 'r1' },
      { kind: 'accept', from: B, r: 'r1' }, // a duplicate changes nothing
      { kind: 'accept', from: D, r: 'r1' }, // not a recipient
      { kind: 'accept', from: C, r: 'r1' },
      { kind: 'ready', from: B, r: 'r1' },
      { kind: 'ready', from: C, r: 'r1' },
    ]);
    assert.deepEqual(kinds(actions), ['send-offer', 'send-key', 'send-key', 'send-commit', 'switch']);
    assert.deepEqual((actions[0] as Extract<RotationAction, { kind: 'send-offer' }>).to, [B, C]);
    assert.deepEqual(s, { kind: 'idle', epoch: 1, rank: { epoch: 1, kick: false, initiator: A } });
  });

  it('the leader at its deadline: commits to whoever is ready, names the others as missed; with nobody ready it abandons', () => {
    const partial = run(A, [
      { kind: 'start', r: 'r1', kick: false, recipients: [B, C], now: 0 },
      { kind: 'accept', from: B, r: 'r1' },
      { kind: 'ready', from: B, r: 'r1' },
      { kind: 'tick', now: ROOM_ROTATION_TIMEOUT_MS - 1 },
      { kind: 'tick', now: ROOM_ROTATION_TIMEOUT_MS },
    ]);
    assert.deepEqual(partial.actions.at(-1), { kind: 'switch', r: 'r1', epoch: 1, missed: [C] });
    assert.deepEqual(partial.actions.at(-2), { kind: 'send-commit', to: [B], r: 'r1', missed: [C] });
    const none = run(A, [
      { kind: 'start', r: 'r1', kick: false, recipients: [B], now: 0 },
      { kind: 'tick', now: ROOM_ROTATION_TIMEOUT_MS },
    ]);
    assert.equal(none.actions.at(-1)?.kind, 'abandon');
    assert.deepEqual(none.s, idle());
  });

  it('alone online: the new key at once', () => {
    const { s, actions } = run(A, [{ kind: 'start', r: 'r1', kick: false, recipients: [A], now: 0 }]);
    assert.deepEqual(kinds(actions), ['switch']);
    assert.equal(s.kind === 'idle' && s.epoch, 1);
  });

  it('a follower: accept, install the key and say ready, switch on the commit (or on a frame under the new key)', () => {
    const offer: RotationInput = { kind: 'offer', from: A, r: 'r1', rank: { epoch: 1, kick: false, initiator: A }, now: 0 };
    const viaCommit = run(B, [offer, { kind: 'key', from: A, r: 'r1' }, { kind: 'commit', from: A, r: 'r1', missed: [C] }]);
    assert.deepEqual(kinds(viaCommit.actions), ['send-accept', 'install-next', 'send-ready', 'switch']);
    assert.deepEqual(viaCommit.actions.at(-1), { kind: 'switch', r: 'r1', epoch: 1, missed: [C] });
    const viaFrame = run(B, [offer, { kind: 'key', from: A, r: 'r1' }, { kind: 'promoted', r: 'r1' }]);
    assert.deepEqual(kinds(viaFrame.actions), ['send-accept', 'install-next', 'send-ready', 'switch']);
  });

  it('a follower ignores what does not fit: a key or commit from someone else, an offer that names another initiator, a stale or future epoch', () => {
    const offer: RotationInput = { kind: 'offer', from: A, r: 'r1', rank: { epoch: 1, kick: false, initiator: A }, now: 0 };
    const r = run(B, [
      { kind: 'offer', from: C, r: 'rx', rank: { epoch: 1, kick: false, initiator: D }, now: 0 },
      { kind: 'offer', from: A, r: 'ry', rank: { epoch: 3, kick: false, initiator: A }, now: 0 },
      offer,
      { kind: 'key', from: C, r: 'r1' },
      { kind: 'commit', from: C, r: 'r1', missed: [] },
      { kind: 'ready', from: A, r: 'r1' },
    ]);
    assert.deepEqual(kinds(r.actions), ['send-accept']);
    // A commit before our key arrived: we missed it, and say so.
    const early = run(B, [offer, { kind: 'commit', from: A, r: 'r1', missed: [] }]);
    assert.equal(early.actions.at(-1)?.kind, 'abandon');
    // A follower that hears nothing more gives up and keeps its key.
    const waiting = run(B, [offer, { kind: 'tick', now: ROOM_ROTATION_TIMEOUT_MS }]);
    assert.equal(waiting.s.kind, 'following', 'still waiting at the leader’s deadline: its commit may be on the way');
    const quiet = run(B, [offer, { kind: 'tick', now: ROOM_ROTATION_FOLLOWER_TIMEOUT_MS }]);
    assert.deepEqual(quiet.s, idle());
  });

  it('rank: a higher epoch, then a kick, then the greater initiator id', () => {
    const r = (epoch: number, kick: boolean, initiator: string): Rank => ({ epoch, kick, initiator });
    assert.ok(outranks(r(2, false, A), r(1, true, D)));
    assert.ok(outranks(r(1, true, A), r(1, false, D)));
    assert.ok(outranks(r(1, false, D), r(1, false, A)));
    assert.ok(!outranks(r(1, false, A), r(1, false, A)));
  });

  it('two leaders at once: the lower one abandons for the higher and follows it; the higher ignores the lower', () => {
    const low = run(A, [
      { kind: 'start', r: 'rA', kick: false, recipients: [B, C], now: 0 },
      { kind: 'offer', from: B, r: 'rB', rank: { epoch: 1, kick: false, initiator: B }, now: 5 },
    ]);
    assert.deepEqual(kinds(low.actions), ['send-offer', 'abandon', 'send-accept']);
    assert.equal(low.s.kind === 'following' && low.s.r, 'rB');
    const high = run(B, [
      { kind: 'start', r: 'rB', kick: false, recipients: [A, C], now: 0 },
      { kind: 'offer', from: A, r: 'rA', rank: { epoch: 1, kick: false, initiator: A }, now: 5 },
    ]);
    assert.deepEqual(kinds(high.actions), ['send-offer']);
  });

  it('a kick outranks a plain rotation by a greater id: the kick is not undone', () => {
    const r = run(C, [
      { kind: 'offer', from: D, r: 'rD', rank: { epoch: 1, kick: false, initiator: D }, now: 0 },
      { kind: 'offer', from: A, r: 'rA', rank: { epoch: 1, kick: true, initiator: A }, now: 1 },
      { kind: 'offer', from: D, r: 'rD', rank: { epoch: 1, kick: false, initiator: D }, now: 2 },
    ]);
    assert.equal(r.s.kind === 'following' && r.s.r, 'rA');
  });

  it('the next rotation’s offer before this one’s commit: kept, and answered once we switch', () => {
    const r = run(C, [
      { kind: 'offer', from: A, r: 'r1', rank: { epoch: 1, kick: false, initiator: A }, now: 0 },
      { kind: 'key', from: A, r: 'r1' },
      { kind: 'offer', from: B, r: 'r2', rank: { epoch: 2, kick: false, initiator: B }, now: 10 },
      { kind: 'offer', from: A, r: 'r9', rank: { epoch: 3, kick: false, initiator: A }, now: 11 }, // two ahead: ignored
      { kind: 'commit', from: A, r: 'r1', missed: [] },
    ]);
    assert.deepEqual(kinds(r.actions), ['send-accept', 'install-next', 'send-ready', 'switch', 'send-accept']);
    assert.deepEqual(r.actions.at(-1), { kind: 'send-accept', to: B, r: 'r2' });
    assert.equal(r.s.kind === 'following' && r.s.r, 'r2');
  });

  it('a leader that committed a loser at its deadline follows the winner when its offer comes after all', () => {
    const late = run(A, [
      { kind: 'start', r: 'rA', kick: false, recipients: [B, C], now: 0 },
      { kind: 'accept', from: C, r: 'rA' },
      { kind: 'ready', from: C, r: 'rA' },
      { kind: 'tick', now: ROOM_ROTATION_TIMEOUT_MS },
      { kind: 'offer', from: B, r: 'rB', rank: { epoch: 1, kick: false, initiator: B }, now: ROOM_ROTATION_TIMEOUT_MS + 1 },
    ]);
    assert.deepEqual(kinds(late.actions), ['send-offer', 'send-key', 'send-commit', 'switch', 'send-accept']);
    // …but not a lower one, nor its own epoch again from a lower rank.
    const s1: RoomRotation = { kind: 'idle', epoch: 1, rank: { epoch: 1, kick: false, initiator: C } };
    assert.deepEqual(step(s1, { kind: 'offer', from: A, r: 'rX', rank: { epoch: 1, kick: false, initiator: A }, now: 0 }, D).actions, []);
  });
});

/*
 * The room as a whole: members start rotations at random moments, messages
 * arrive in random order with random delays (each well inside the deadline,
 * none lost: the connections are reliable), ticks come at random. When it
 * is quiet, every member holds the same epoch and the same key (the same
 * last switched rotation), unless it was named as missed.
 */
interface Msg {
  at: number;
  /** Send order, so that two messages due at the same moment keep it. */
  seq: number;
  from: string;
  to: string;
  input: RotationInput;
}

function simulate(
  members: string[],
  starts: Array<{ who: number; at: number; kick: boolean }>,
  seed: number,
): Map<string, { s: RoomRotation; key: string | null; missedBy: Set<string> }> {
  let x = seed >>> 0 || 1;
  const rand = (): number => ((x = (x * 1103515245 + 12345) >>> 0) % 10_000) / 10_000;
  const state = new Map(members.map((m) => [m, { s: idle(), key: 'k0', next: null as string | null, missedBy: new Set<string>() }]));
  const queue: Msg[] = [];
  const delay = (): number => 1 + Math.floor(rand() * (ROOM_ROTATION_TIMEOUT_MS / 4));
  let rotations = 0;
  let seq = 0;
  // Each pair's connection is reliable and in order: a message never overtakes an earlier one between the same two members.
  const lastAt = new Map<string, number>();
  const send = (from: string, to: string, at: number, input: RotationInput): void => {
    const when = Math.max(at + delay(), lastAt.get(`${from}>${to}`) ?? 0);
    lastAt.set(`${from}>${to}`, when);
    queue.push({ at: when, from, to, input, seq: seq++ });
  };
  const apply = (me: string, input: RotationInput, now: number): void => {
    const m = state.get(me)!;
    const r = step(m.s, input, me);
    m.s = r.state;
    for (const a of r.actions) {
      switch (a.kind) {
        case 'send-offer':
          for (const to of a.to) send(me, to, now, { kind: 'offer', from: me, r: a.r, rank: a.rank, now: 0 });
          break;
        case 'send-accept':
          send(me, a.to, now, { kind: 'accept', from: me, r: a.r });
          break;
        case 'send-key':
          send(me, a.to, now, { kind: 'key', from: me, r: a.r });
          break;
        case 'send-ready':
          send(me, a.to, now, { kind: 'ready', from: me, r: a.r });
          break;
        case 'send-commit':
          for (const to of a.to) send(me, to, now, { kind: 'commit', from: me, r: a.r, missed: a.missed });
          break;
        case 'install-next':
          m.next = a.r;
          break;
        case 'switch':
          m.key = a.r;
          m.next = null;
          for (const missed of a.missed) state.get(missed)!.missedBy.add(a.r);
          break;
        case 'abandon':
          if (m.next === a.r) m.next = null;
          break;
      }
    }
  };
  const pending = [...starts].sort((a, b) => a.at - b.at);
  let now: number;
  for (let guard = 0; guard < 100_000; guard++) {
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const nextMsg = queue[0]?.at ?? Infinity;
    const nextStart = pending[0]?.at ?? Infinity;
    const deadlines = [...state.values()].map((m) => (m.s.kind === 'idle' ? Infinity : m.s.deadline));
    const nextTick = Math.min(...deadlines);
    now = Math.min(nextMsg, nextStart, nextTick);
    if (now === Infinity) break;
    if (now === nextStart) {
      const st = pending.shift()!;
      const me = members[st.who % members.length]!;
      // Recipients in the order the member list has them (every seated member).
      apply(me, { kind: 'start', r: `r${++rotations}-${me.slice(-1)}`, kick: st.kick, recipients: members, now }, now);
    } else if (now === nextMsg) {
      const msg = queue.shift()!;
      const input = msg.input.kind === 'offer' ? { ...msg.input, now } : msg.input;
      apply(msg.to, input, now);
      // A frame under a key this member holds in next promotes it (the keyring's rule): a switched sender's traffic.
      const to = state.get(msg.to)!;
      const sender = state.get(msg.from)!;
      if (to.next !== null && sender.key === to.next) apply(msg.to, { kind: 'promoted', r: to.next }, now);
    } else {
      for (const m of members) apply(m, { kind: 'tick', now }, now);
    }
  }
  return new Map([...state].map(([k, v]) => [k, { s: v.s, key: v.key, missedBy: v.missedBy }]));
}

describe('room rotation: the room converges', () => {
  it('concurrent rotations and kicks, random delays: every member not named as missed ends on one key, idle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.record({ who: fc.nat(7), at: fc.nat(3 * ROOM_ROTATION_TIMEOUT_MS), kick: fc.boolean() }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (n, starts, seed) => {
          const members = Array.from({ length: n }, (_, i) => id(i + 1));
          const end = simulate(members, starts, seed);
          const shown = JSON.stringify([...end].map(([m, v]) => [m.slice(-1), v.key, [...v.missedBy]]));
          for (const [m, v] of end) assert.equal(v.s.kind, 'idle', `${m} is quiet`);
          // Every member that was never told it missed a rotation holds the same key as every other such member…
          const keys = new Set([...end.values()].filter((v) => v.missedBy.size === 0).map((v) => v.key));
          assert.ok(keys.size <= 1, `one key for the members that missed nothing: ${shown}`);
          // …and with delays well inside the deadlines, nobody misses anything.
          assert.equal([...end.values()].filter((v) => v.missedBy.size > 0).length, 0, `nobody missed a rotation: ${shown}`);
        },
      ),
      { numRuns: Number(process.env.ROOM_RUNS ?? 200) },
    );
  });
});
