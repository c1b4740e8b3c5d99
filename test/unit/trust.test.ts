import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameType } from '../../src/net/frame.js';
import type { KeySlot } from '../../src/net/keyring.js';
import {
  frameKind,
  judge,
  judgeStranger,
  LEARN_ONLY,
  mayLearn,
  mayRoam,
  mayRoamRaw,
  rawAllowed,
  TRUST_TABLE,
  type RawRoamInput,
  type Rights,
  type RoamInput,
  type StrangerInput,
} from '../../src/net/trust.js';

/*
 * The trust table of PROTOCOL.md, row by row, as wireguard-go's
 * replay_test.go tests its window: a numbered table of inputs and the one
 * answer each must get.
 */

const ALL_TYPES: FrameType[] = [
  'hello',
  'data',
  'pack',
  'ack',
  'ping',
  'pong',
  'rot-offer',
  'rot-accept',
  'rot-confirm',
  'rot-confirm-ack',
  'rot-abort',
  'bye',
  'bulk',
  'bulk-ack',
  'probe',
  'probe-ack',
];
const POWERS = ['deliver', 'ack', 'adopt', 'roam', 'advance', 'rotate', 'learn'] as const;
type Power = (typeof POWERS)[number];

/** The powers a verdict grants, as a sorted list ('drop' for none). */
function powers(r: Rights | null): string {
  if (r === null) return 'drop';
  return POWERS.filter((p: Power) => r[p]).join(' ');
}

test('frame kinds: data (data, pack, bulk), the five rot-* frames, and control for the rest', () => {
  const want: Record<FrameType, string> = {
    hello: 'control',
    data: 'data',
    pack: 'data',
    ack: 'control',
    ping: 'control',
    pong: 'control',
    'rot-offer': 'rotation',
    'rot-accept': 'rotation',
    'rot-confirm': 'rotation',
    'rot-confirm-ack': 'rotation',
    'rot-abort': 'rotation',
    bye: 'control',
    bulk: 'data',
    'bulk-ack': 'control',
    probe: 'control',
    'probe-ack': 'control',
  };
  for (const t of ALL_TYPES) assert.equal(frameKind(t), want[t], t);
});

test('trust table, row by row: what each key slot and frame kind may change', () => {
  const FULL = 'deliver ack adopt roam advance rotate';
  const CONTROL = 'ack adopt roam advance rotate';
  const rows: Array<[number, KeySlot, FrameType, boolean, string]> = [
    // n, slot, type, committed and unproven, powers
    [1, 'current', 'data', false, FULL],
    [2, 'current', 'hello', false, CONTROL],
    [3, 'current', 'ack', false, CONTROL],
    [4, 'current', 'bye', false, CONTROL],
    [5, 'current', 'rot-offer', false, CONTROL],
    [6, 'current', 'data', true, FULL],
    [7, 'next', 'data', false, FULL],
    [8, 'next', 'rot-confirm', false, CONTROL],
    [9, 'next', 'ping', true, CONTROL],
    // The thief's key: nothing at all once the peer proved the new key (attack 1: hello, attack 2: data at 2^48-1).
    [10, 'previous', 'hello', false, 'drop'],
    [11, 'previous', 'data', false, 'drop'],
    [12, 'previous', 'ack', false, 'drop'],
    [13, 'previous', 'bye', false, 'drop'],
    [14, 'previous', 'rot-offer', false, 'drop'],
    [15, 'previous', 'rot-confirm-ack', false, 'drop'],
    // While our rotation is committed and unproven the peer may not have switched: its address may be learned, nothing else.
    [16, 'previous', 'hello', true, 'learn'],
    [17, 'previous', 'data', true, 'learn'],
    [18, 'previous', 'ping', true, 'learn'],
    // ... and never a rotation frame: the machine never sees the old key.
    [19, 'previous', 'rot-accept', true, 'drop'],
    [20, 'previous', 'rot-abort', true, 'drop'],
    // A pack is data: the same rights as a data frame in every slot.
    [21, 'current', 'pack', false, FULL],
    [22, 'next', 'pack', false, FULL],
    [23, 'previous', 'pack', false, 'drop'],
    [24, 'previous', 'pack', true, 'learn'],
    // Wire v3: a bulk chunk is data; its ack and the PMTU probes are control.
    [25, 'current', 'bulk', false, FULL],
    [26, 'next', 'bulk', false, FULL],
    [27, 'previous', 'bulk', false, 'drop'],
    [28, 'previous', 'bulk', true, 'learn'],
    [29, 'current', 'bulk-ack', false, CONTROL],
    [30, 'next', 'bulk-ack', false, CONTROL],
    [31, 'previous', 'bulk-ack', false, 'drop'],
    [32, 'previous', 'bulk-ack', true, 'learn'],
    [33, 'current', 'probe', false, CONTROL],
    [34, 'current', 'probe-ack', false, CONTROL],
    [35, 'previous', 'probe', false, 'drop'],
    [36, 'previous', 'probe-ack', false, 'drop'],
  ];
  for (const [n, slot, type, committedUnproven, want] of rows) {
    assert.equal(powers(judge({ slot, type, committedUnproven })), want, `row ${n}: ${slot} ${type}${committedUnproven ? ' (committed, unproven)' : ''}`);
  }
});

test('no previous-key frame ever adopts, roams, advances, rotates, delivers or acks, in any state', () => {
  for (const type of ALL_TYPES) {
    for (const committedUnproven of [false, true]) {
      const r = judge({ slot: 'previous', type, committedUnproven });
      if (r === null) continue;
      assert.equal(r, LEARN_ONLY, `${type}: only the learn right`);
      for (const p of ['deliver', 'ack', 'adopt', 'roam', 'advance', 'rotate'] as const) assert.equal(r[p], false, `${type} ${p}`);
    }
  }
  assert.deepEqual(TRUST_TABLE.previous, { data: null, control: null, rotation: null });
  assert.ok(Object.isFrozen(TRUST_TABLE.current.data), 'the rights are constants nobody can change at run time');
});

test('raw text is read under current and next only', () => {
  assert.equal(rawAllowed('current'), true);
  assert.equal(rawAllowed('next'), true);
  assert.equal(rawAllowed('previous'), false);
});

test('learn: sets an unknown address, corrects a guessed one, never moves a configured or confirmed one', () => {
  assert.equal(mayLearn(false, false), true);
  assert.equal(mayLearn(true, true), true);
  assert.equal(mayLearn(true, false), false);
});

test('mayRoam: only fresh frames; never one addressed to a session of ours that is gone, unless the address is a guess', () => {
  const base: RoamInput = { hasPeer: true, addressLearned: false, toUs: false, receiverUnknown: false, newest: true, vetted: false };
  const cases: Array<[number, string, Partial<RoamInput>, boolean]> = [
    [1, 'no address yet: first contact sets it', { hasPeer: false, newest: false }, true],
    [2, 'to us, newest packet', { toUs: true }, true],
    [3, 'to us, but an older packet (a delayed copy or a replay of a lost one)', { toUs: true, newest: false }, false],
    [4, 'to another session of ours: recorded before we started', {}, false],
    [5, 'a hello from a vetted restart (a peer back on a new address)', { receiverUnknown: true, vetted: true }, true],
    [6, 'a hello of an unvetted session to a configured address', { receiverUnknown: true }, false],
    [7, 'a hello correcting a guessed address', { receiverUnknown: true, addressLearned: true }, true],
    // The replay wedge: the real peer still writes to our old session; its fresh frames must win a guessed address back.
    [8, 'to an old session of ours, newest packet, address only a guess', { addressLearned: true }, true],
    [9, 'to an old session of ours, an older packet, address only a guess', { addressLearned: true, newest: false }, false],
  ];
  for (const [n, name, patch, want] of cases) assert.equal(mayRoam({ ...base, ...patch }), want, `${n} ${name}`);
});

test('mayRoamRaw: first contact; then only raw-speaking peers, tokens made after our start and no older than the newest', () => {
  const S = 1_700_000_000;
  const base: RawRoamInput = { hasPeer: true, rawPeer: true, tokenTs: S + 5, startedS: S, newestTs: S + 3 };
  const cases: Array<[number, string, Partial<RawRoamInput>, boolean]> = [
    [1, 'no address yet: first contact', { hasPeer: false, tokenTs: S - 100 }, true],
    [2, 'fresh token of a raw peer', {}, true],
    [3, 'a frame-speaking peer: raw text never moves it', { rawPeer: false }, false],
    [4, 'made before we started: a recording replayed after our restart', { tokenTs: S - 1, newestTs: 0 }, false],
    [5, 'made in the second we started: cannot tell, so no', { tokenTs: S, newestTs: 0 }, false],
    [6, 'older than the newest raw token accepted', { tokenTs: S + 2 }, false],
    [7, 'as new as the newest', { tokenTs: S + 3 }, true],
  ];
  for (const [n, name, patch, want] of cases) assert.equal(mayRoamRaw({ ...base, ...patch }), want, `${n} ${name}`);
});

test('judgeStranger (rooms): only a frame of an unknown session from an unknown address under a live key reaches the accept policy', () => {
  const base: StrangerInput = { policy: true, slot: 'current', frame: true, sessionKnown: false, addressKnown: false, seatFree: true };
  const cases: Array<[number, string, Partial<StrangerInput>, string]> = [
    [1, 'a stranger under the room key: the policy is asked', {}, 'ask'],
    [2, 'under next (a room rotation under way)', { slot: 'next' }, 'ask'],
    [3, 'every seat taken: dropped unasked', { seatFree: false }, 'no-seat'],
    [4, 'no policy (the 1:1 chat): routed as ever', { policy: false }, 'route'],
    [5, 'a known session from a new address: its connection (roaming)', { sessionKnown: true }, 'route'],
    [6, 'a new session at a known address: that connection (a restart, or a dialed peer answering)', { addressKnown: true }, 'route'],
    [7, "under the previous key: a thief's key seats no one", { slot: 'previous' }, 'route'],
    [8, 'raw text from a stranger: no session to seat', { frame: false }, 'refuse'],
    [9, 'raw text with no policy: routed as ever', { frame: false, policy: false }, 'route'],
    [10, 'a known session with every seat taken: still its connection', { sessionKnown: true, seatFree: false }, 'route'],
  ];
  for (const [n, name, patch, want] of cases) assert.equal(judgeStranger({ ...base, ...patch }), want, `${n} ${name}`);
});
