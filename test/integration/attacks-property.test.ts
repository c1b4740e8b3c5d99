/**
 * Issue 11, part 5: a property test over the trust rules, black box. Two real
 * Transports chat and rotate (test/_attacker.ts rotatedPair); then a thief
 * holding only the OLD key, with a tap on the wire, runs a random sequence of
 *   - fresh hellos from new ports (claiming the peer restarted),
 *   - forged data claiming the real peer's session, at the top, the next or a
 *     random packet number,
 *   - replays of recorded datagrams (from before and after the rotation), to
 *     their destination or reflected to their sender, from its own address,
 *   - rotation frames of every type, the real rotation's id or a fresh one,
 * interleaved with real lines and the passing of time (also past the grace
 * period). After each run: both real sides on one key, the new one; peer
 * addresses unchanged; no forged delivery; every real line delivered once;
 * and chat works both ways.
 *
 * Bounded: at most RUNS runs and TIME_LIMIT_MS of wall time (fast-check stops
 * early and passes when the limit is hit before a counterexample).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { A, B, PACKET_TOP, chatWorks, learnBefore, mark, nextPacketOf, noRollback, rotatedPair, type Rotated } from '../_attacker.js';
import { KEY_GRACE_MS } from '../../src/constants.js';
import { sameAddress, type Address } from '../../src/address/address.js';
import type { Peer } from '../_transport-pair.js';

const RUNS = 200;
const TIME_LIMIT_MS = 8_000;
const MARKER = 'FORGED';
const TS_MOD = 0x1_0000_0000;
const ROTATION_TYPES = ['rot-offer', 'rot-accept', 'rot-confirm', 'rot-confirm-ack', 'rot-abort'] as const;

type Side = 'a' | 'b';
type PacketChoice = { at: 'top' } | { at: 'next'; plus: number } | { at: 'random'; n: number };

type Action =
  | { kind: 'hello'; to: Side; port: number; tsAheadMs: number }
  | { kind: 'forge'; to: Side; packet: PacketChoice; seqAhead: number; port: number }
  | { kind: 'replay'; era: 'before' | 'after'; pick: number; reflect: boolean; port: number }
  | { kind: 'rotation'; to: Side; type: (typeof ROTATION_TYPES)[number]; realRid: boolean; packet: PacketChoice; port: number }
  | { kind: 'say'; who: Side }
  | { kind: 'wait'; ms: number };

const side = fc.constantFrom<Side>('a', 'b');
const port = fc.integer({ min: 20_000, max: 60_000 });
const packet: fc.Arbitrary<PacketChoice> = fc.oneof(
  fc.constant<PacketChoice>({ at: 'top' }),
  fc.integer({ min: 0, max: 40 }).map((plus): PacketChoice => ({ at: 'next', plus })),
  fc.integer({ min: 1, max: PACKET_TOP }).map((n): PacketChoice => ({ at: 'random', n })),
);
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('hello' as const), to: side, port, tsAheadMs: fc.integer({ min: 0, max: 600_000 }) }),
  fc.record({ kind: fc.constant('forge' as const), to: side, packet, seqAhead: fc.integer({ min: 0, max: 3 }), port }),
  fc.record({ kind: fc.constant('replay' as const), era: fc.constantFrom<'before' | 'after'>('before', 'after'), pick: fc.nat(), reflect: fc.boolean(), port }),
  fc.record({ kind: fc.constant('rotation' as const), to: side, type: fc.constantFrom(...ROTATION_TYPES), realRid: fc.boolean(), packet, port }),
  fc.record({ kind: fc.constant('say' as const), who: side }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 50, 500, 3_000, KEY_GRACE_MS + 1_000) }),
);

/** The real rotation's id and public keys, read by the thief from the offer and accept (they travel under the old key). */
function realRotation(s: Rotated): { rid: Buffer; offerPub: Buffer; acceptPub: Buffer } {
  let offer: Buffer | null = null;
  let accept: Buffer | null = null;
  for (const d of s.tap.all.slice(s.rotationAt)) {
    const f = s.thief.read(d.data);
    if (f?.type === 'rot-offer') offer ??= f.payload;
    if (f?.type === 'rot-accept') accept ??= f.payload;
  }
  assert.ok(offer && accept, 'the thief read the rotation offer and accept');
  return { rid: offer.subarray(0, 8), offerPub: offer.subarray(8), acceptPub: accept.subarray(8) };
}

async function run(actions: Action[]): Promise<void> {
  const s = await rotatedPair();
  try {
    const { lab, tap, thief, a, b } = s;
    const marks = { a: mark(a), b: mark(b) };
    const peers: Record<Side, { p: Peer; addr: Address; other: Address; otherPeer: Peer }> = {
      a: { p: a, addr: A, other: B, otherPeer: b },
      b: { p: b, addr: B, other: A, otherPeer: a },
    };
    const ids = { a: learnBefore(s, B, A), b: learnBefore(s, A, B) }; // what the thief knows of frames *to* a and *to* b
    const rot = realRotation(s);
    const fresh = Buffer.from('0123456789abcdef', 'hex');
    const lines: Record<Side, string[]> = { a: [], b: [] };
    let n = 0;
    const packetFor = (to: Side, c: PacketChoice): number => {
      if (c.at === 'top') return PACKET_TOP;
      if (c.at === 'random') return c.n;
      return Math.min(PACKET_TOP, nextPacketOf(s, peers[to].other, ids[to]) + c.plus);
    };
    const evil = (p: number): Address => ({ host: '10.6.6.6', port: p });

    for (const act of actions) {
      switch (act.kind) {
        case 'hello': {
          thief.freshSession();
          const ts = (lab.clock.now() + act.tsAheadMs) % TS_MOD;
          lab.net.inject(evil(act.port), peers[act.to].addr, thief.hello({ nick: peers[act.to].otherPeer.name, ts }));
          break;
        }
        case 'forge': {
          const l = ids[act.to];
          const text = `${MARKER} ${++n}`;
          const nick = peers[act.to].otherPeer.name;
          lab.net.inject(
            evil(act.port),
            peers[act.to].addr,
            thief.data({
              sender: l.sender,
              receiver: l.receiver,
              packet: packetFor(act.to, act.packet),
              seq: l.nextSeq + act.seqAhead,
              text,
              nick,
              ack: l.ack,
            }),
          );
          break;
        }
        case 'replay': {
          const pool = act.era === 'before' ? tap.all.slice(0, s.rotationAt) : tap.all.slice(s.rotationAt);
          const d = pool[act.pick % pool.length];
          if (d) lab.net.inject(evil(act.port), act.reflect ? d.from : d.to, d.data);
          break;
        }
        case 'rotation': {
          const l = ids[act.to];
          const rid = act.realRid ? rot.rid : fresh;
          const pub = act.type === 'rot-accept' ? rot.acceptPub : rot.offerPub;
          lab.net.inject(
            evil(act.port),
            peers[act.to].addr,
            thief.rotation(act.type, { sender: l.sender, receiver: l.receiver, packet: packetFor(act.to, act.packet), rid, ...(act.realRid ? { pub } : {}) }),
          );
          break;
        }
        case 'say': {
          const text = `real ${act.who} ${++n}`;
          lines[act.who].push(text);
          peers[act.who].p.send(text);
          break;
        }
        case 'wait':
          await lab.advance(act.ms);
          break;
      }
      await lab.settle();
    }

    // Every real line arrives once; then the state is checked; then a fresh line each way.
    const allIn = (): boolean => lines.a.every((x) => b.texts().includes(x)) && lines.b.every((x) => a.texts().includes(x));
    assert.ok(await lab.until(allIn, 30_000, 200), 'every real line sent during the attack was delivered');
    for (const x of lines.a) assert.equal(b.texts().filter((y) => y === x).length, 1, `"${x}" delivered once`);
    for (const x of lines.b) assert.equal(a.texts().filter((y) => y === x).length, 1, `"${x}" delivered once`);
    // One key on both sides, the new one; no key event after the rotation; nothing emitted would save the old key.
    noRollback(s, a, marks.a, 'alice');
    noRollback(s, b, marks.b, 'bob');
    for (const p of [a, b]) {
      assert.deepEqual(
        p.texts().filter((x) => x.includes(MARKER)),
        [],
        `${p.name}: no forged line delivered`,
      );
      assert.equal(p.events['peer:restarted'].length, 0, `${p.name}: no fake restart`);
    }
    assert.ok(sameAddress(a.transport.peerAddress(), B), `alice's peer is bob (${JSON.stringify(a.transport.peerAddress())})`);
    assert.ok(sameAddress(b.transport.peerAddress(), A), `bob's peer is alice (${JSON.stringify(b.transport.peerAddress())})`);
    await chatWorks(lab, a, b, 'after the attack');
  } finally {
    await s.lab.closeAll();
  }
}

/** fc.check, failing with the check's own message, the counterexample and the seed (node:test shows only the message). */
async function holds(prop: fc.IAsyncProperty<[Action[]]>, params: fc.Parameters<[Action[]]>): Promise<void> {
  const r = await fc.check(prop, params);
  if (!r.failed) return;
  const why = r.errorInstance instanceof Error ? r.errorInstance.message : String(r.errorInstance);
  assert.fail(
    `${why}\ncounterexample (after ${r.numShrinks} shrinks): ${JSON.stringify(r.counterexample)}\nreplay with { seed: ${r.seed}, path: "${r.counterexamplePath}" }`,
  );
}

test(
  'an old-key thief with a tap, random attacks interleaved with real traffic: one new key, no roam, no forged delivery, no wedge',
  { timeout: 60_000 },
  async () => {
    await holds(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), (actions) => run(actions)),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
    );
  },
);

test('the same harness with no attack at all passes (the checks themselves hold on an honest run)', { timeout: 30_000 }, async () => {
  const honest = fc.oneof(
    fc.record({ kind: fc.constant('say' as const), who: side }),
    fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 50, 500, 3_000, KEY_GRACE_MS + 1_000) }),
  ) as fc.Arbitrary<Action>;
  await holds(
    fc.asyncProperty(fc.array(honest, { maxLength: 8 }), (actions) => run(actions)),
    { numRuns: 10, interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false },
  );
});
