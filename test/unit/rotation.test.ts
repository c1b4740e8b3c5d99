import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Address } from '../../src/address/address.js';
import type { PersistedKeys } from '../../src/bus.js';
import { ManualClock } from '../../src/clock.js';
import { KEY_GRACE_MS, ROTATION_RETRY_MS, ROTATION_TIMEOUT_MS, ROTATION_UNCONFIRMED_RETRY_MS } from '../../src/constants.js';
import { Fernet } from '../../src/crypto/fernet.js';
import { fingerprint } from '../../src/crypto/keys.js';
import { Connection } from '../../src/net/connection.js';
import { RotationStateError } from '../../src/net/errors.js';
import { decodeFrame, isRotationFrame, type FrameType } from '../../src/net/frame.js';
import { Keyring, pendingFromPersisted, type PendingKey } from '../../src/net/keyring.js';
import { Rotation } from '../../src/net/rotation.js';
import { transition, type RotationAction, type RotationState } from '../../src/net/rotation-state.js';

/*
 * Two real Connections (src/net/connection.ts) joined by a pipe the test
 * drives step by step: every datagram goes through the real send and receive
 * paths — keyring, trust table, session rules, replay window — into the
 * rotation machine, so "which key can read what, and what a frame may change"
 * is decided by the code under test, not by a copy of it here. The pipe
 * carries everything a connection sends (hellos, keepalives, acks too); the
 * log and the drop filters name frames by type. A restart is a new
 * Connection made from what the last key:persist saved (the profile).
 */

/** Every pipe run is bounded. */
const MAX_DRAIN_STEPS = 5000;
const T0 = 1_700_000_000_000;
const ADDR_A: Address = { host: '10.0.0.1', port: 7001 };
const ADDR_B: Address = { host: '10.0.0.2', port: 7002 };

interface Msg {
  from: Peer;
  to: Peer;
  type: FrameType | 'raw';
  token: Buffer;
}

/** A connection's key slots by fingerprint (the keys never leave it). */
interface KeyView {
  fingerprint(): string;
  currentKey: string;
  nextKey: string | null;
  previousKey: string | null;
}

class Peer {
  conn: Connection;
  /** What the profile holds: the start key, then what every key:persist said. */
  profileKey: Buffer;
  profilePending: PendingKey | null = null;
  /** The rotation's facts, as the machine names them (key:*, and 'rotation-unconfirmed' for its warnings). */
  events: RotationAction[] = [];
  other!: Peer;

  constructor(
    readonly name: string,
    readonly addr: Address,
    private readonly peerAddr: Address,
    readonly net: Net,
    key: Buffer,
    public session: string,
  ) {
    this.profileKey = key;
    this.conn = this.make();
  }

  private make(): Connection {
    return new Connection({
      key: this.profileKey,
      pendingKey: this.profilePending,
      nick: this.name,
      wire: 'reliable',
      peer: this.peerAddr,
      now: this.net.clock.now(),
      sessionId: this.session,
    });
  }

  /** A new process: fresh session, keys from the profile, no memory (one ms later: a process takes time to start). */
  restart(session: string): void {
    this.net.clock.advance(1);
    this.session = session;
    this.conn = this.make();
    this.conn.start(this.net.clock.now());
    this.net.pump(this);
  }

  get keyring(): KeyView {
    const k = this.conn.keySlots();
    return { fingerprint: () => k.current, currentKey: k.current, nextKey: k.next, previousKey: k.previous };
  }

  eventsOf(name: string): RotationAction[] {
    return this.events.filter((e) => e.kind === 'event' && e.event === name);
  }

  get state(): RotationState {
    return this.conn.rotationState;
  }
}

class Net {
  clock = new ManualClock(T0);
  queue: Msg[] = [];
  /** Loss: a sent datagram for which this returns true never enters the pipe. */
  drop: (m: Msg) => boolean = () => false;
  /** Datagrams no key of the receiver could open. */
  unreadable = 0;
  /** The rotation frames sent, in order. */
  log: Array<{ type: FrameType; from: string; dropped: boolean; token: Buffer }> = [];
  readonly key = randomBytes(32);
  a: Peer;
  b: Peer;

  constructor(opts: { aSession?: string; bSession?: string; handshake?: boolean } = {}) {
    this.a = new Peer('A', ADDR_A, ADDR_B, this, this.key, opts.aSession ?? '1111111111111111');
    this.b = new Peer('B', ADDR_B, ADDR_A, this, this.key, opts.bSession ?? '2222222222222222');
    this.a.other = this.b;
    this.b.other = this.a;
    if (opts.handshake ?? true) this.handshake();
  }

  /** Both start and learn each other's session, each proven by a frame addressed to it; then the pipe, the log and the events are clean. */
  handshake(): void {
    for (const p of [this.a, this.b]) p.conn.start(this.clock.now());
    this.pump(this.a);
    this.pump(this.b);
    this.drain();
    this.ping(this.a);
    this.drain();
    this.ping(this.b);
    this.drain();
    this.log = [];
    this.a.events = [];
    this.b.events = [];
  }

  /** Carry out what `p`'s connection asks: datagrams into the pipe (unless dropped), rotation facts into its record and profile. */
  pump(p: Peer): void {
    for (const act of p.conn.poll()) {
      if (act.kind === 'transmit') {
        const msg: Msg = { from: p, to: p.other, type: act.what, token: act.datagram };
        const dropped = this.drop(msg);
        if (act.what !== 'raw' && isRotationFrame(act.what)) this.log.push({ type: act.what, from: p.name, dropped, token: act.datagram });
        if (!dropped) this.queue.push(msg);
        continue;
      }
      const payload = act.payload as Record<string, unknown>;
      if (act.event.startsWith('key:')) p.events.push({ kind: 'event', event: act.event, ...payload } as RotationAction);
      else if (act.event === 'error' && /confirmed/.test(String(payload.message))) {
        p.events.push({ kind: 'event', event: 'rotation-unconfirmed', message: String(payload.message) });
      }
      if (act.event === 'key:persist') {
        const persisted = payload as unknown as PersistedKeys;
        p.profileKey = Buffer.from(persisted.key, 'base64url');
        p.profilePending = pendingFromPersisted(persisted.pendingKey);
      }
    }
  }

  /** Ordinary traffic (a keepalive out of schedule): a ping under the sender's current key (a hello while it knows no peer session). */
  ping(from: Peer): void {
    from.conn.probe(this.clock.now());
    this.pump(from);
  }

  deliver(m: Msg): void {
    const to = m.to;
    const before = to.conn.dropCounts().unauthenticated;
    to.conn.receive(m.token, m.from.addr, this.clock.now());
    this.unreadable += to.conn.dropCounts().unauthenticated - before;
    this.pump(to);
  }

  /** Deliver the datagram at queue index i (reordering when i > 0). */
  deliverAt(i: number): void {
    const [m] = this.queue.splice(i, 1);
    if (m) this.deliver(m);
  }

  drain(): void {
    for (let steps = 0; this.queue.length > 0; steps++) {
      assert.ok(steps < MAX_DRAIN_STEPS, 'pipe did not go quiet');
      this.deliverAt(0);
    }
  }

  tick(): void {
    for (const p of [this.a, this.b]) {
      p.conn.tick(this.clock.now());
      this.pump(p);
    }
  }

  /** Let `ms` pass in small steps, ticking both sides and draining the pipe at each. */
  run(ms: number, stepMs = 100): void {
    for (let t = 0; t < ms; t += stepMs) {
      this.clock.advance(stepMs);
      this.tick();
      this.drain();
    }
  }

  start(p: Peer): void {
    p.conn.rotate(this.clock.now());
    this.pump(p);
  }
}

/** The two can read each other: each current key is one of the other's slots. */
function assertCanTalk(net: Net): void {
  const slots = (p: Peer) => [p.keyring.currentKey, p.keyring.nextKey, p.keyring.previousKey].filter((k): k is string => k !== null);
  for (const [x, y] of [
    [net.a, net.b],
    [net.b, net.a],
  ] as const) {
    assert.ok(slots(y).includes(x.keyring.currentKey), `${y.name} cannot read ${x.name}`);
  }
  const same = net.a.keyring.currentKey === net.b.keyring.currentKey;
  const aAhead = net.b.keyring.nextKey === net.a.keyring.currentKey;
  const bAhead = net.a.keyring.nextKey === net.b.keyring.currentKey;
  assert.ok(same || aAhead || bAhead, 'currents equal, or one waits in the other side next slot');
}

function assertSameKey(net: Net, message = 'both on the same key'): void {
  assert.equal(net.a.keyring.fingerprint(), net.b.keyring.fingerprint(), message);
}

/** A perfect pipe and ordinary traffic both ways settle any pending promotion. */
function heal(net: Net): void {
  net.drop = () => false;
  for (let i = 0; i < 2; i++) {
    net.ping(net.a);
    net.drain();
    net.ping(net.b);
    net.drain();
  }
}

// ------------------------------------------------------------ transition()

test('transition(): every step of the diagram passes; every other step is refused naming both states', () => {
  const allowed: Array<[RotationState, RotationState]> = [
    ['idle', 'offering'],
    ['idle', 'accepting'],
    ['offering', 'committed'],
    ['offering', 'idle'],
    ['offering', 'accepting'],
    ['accepting', 'idle'],
    ['accepting', 'accepting'],
    ['committed', 'idle'],
  ];
  for (const [from, to] of allowed) assert.equal(transition(from, to), to, `${from} → ${to}`);
  const states: RotationState[] = ['idle', 'offering', 'accepting', 'committed'];
  let forbidden = 0;
  for (const from of states) {
    for (const to of states) {
      if (allowed.some(([f, t]) => f === from && t === to)) continue;
      forbidden += 1;
      assert.throws(
        () => transition(from, to),
        (e: unknown) => e instanceof RotationStateError && e.name === 'RotationStateError' && e.message.includes(`'${from}'`) && e.message.includes(`'${to}'`),
        `${from} → ${to} must be refused naming both`,
      );
    }
  }
  assert.equal(
    forbidden,
    8,
    'idle→idle, idle→committed, offering→offering, accepting→offering, accepting→committed, committed→offering, committed→accepting, committed→committed',
  );
});

// ------------------------------------------------------------ scenarios

test('happy path: both switch to the same new key and both report it', () => {
  const net = new Net();
  const old = net.a.keyring.fingerprint();
  net.start(net.a);
  assert.equal(net.a.state, 'offering');
  net.drain();
  assert.equal(net.a.state, 'idle');
  assert.equal(net.b.state, 'idle');
  assertSameKey(net);
  assert.notEqual(net.a.keyring.fingerprint(), old);
  for (const p of [net.a, net.b]) {
    const [ev] = p.eventsOf('key:rotated');
    assert.ok(ev && ev.kind === 'event' && ev.event === 'key:rotated');
    assert.equal(ev.oldFingerprint, old);
    assert.equal(ev.newFingerprint, p.keyring.fingerprint());
    assert.equal(fingerprint(Buffer.from(ev.key, 'base64url')), ev.newFingerprint);
    assert.equal(p.eventsOf('key:rotation-pending').length, 1);
  }
  assert.deepEqual(
    net.log.map((l) => l.type),
    ['rot-offer', 'rot-accept', 'rot-confirm', 'rot-confirm-ack'],
  );
  assert.equal(net.unreadable, 0);
  // The old key stays readable for the grace period, then goes.
  assert.ok(net.a.keyring.previousKey && net.b.keyring.previousKey);
  net.clock.advance(KEY_GRACE_MS);
  net.tick();
  assert.equal(net.a.keyring.previousKey, null);
  assert.equal(net.b.keyring.previousKey, null);
  assert.equal(net.a.conn.rotationDeadline, null);
});

for (const lost of ['rot-offer', 'rot-accept', 'rot-confirm', 'rot-confirm-ack'] as const) {
  test(`losing the first ${lost} still converges`, () => {
    const net = new Net();
    const old = net.a.keyring.fingerprint();
    let dropped = false;
    net.drop = (m) => {
      if (dropped || m.type !== lost) return false;
      dropped = true;
      return true;
    };
    net.start(net.a);
    net.drain();
    net.run(ROTATION_TIMEOUT_MS / 2);
    assert.ok(dropped);
    assertSameKey(net);
    assert.notEqual(net.a.keyring.fingerprint(), old);
    assert.equal(net.a.state, 'idle');
    assert.equal(net.b.state, 'idle');
    assert.equal(net.a.eventsOf('key:rotated').length, 1);
    assert.equal(net.b.eventsOf('key:rotated').length, 1);
    assert.equal(net.a.eventsOf('key:rotation-failed').length, 0);
  });
}

test('the responder answers a repeated offer with the same accept', () => {
  const net = new Net();
  net.drop = (m) => m.type === 'rot-accept';
  net.start(net.a);
  net.drain();
  net.run(ROTATION_RETRY_MS * 3);
  const since = net.log.length;
  net.run(ROTATION_RETRY_MS * 3);
  const fernet = new Fernet(net.key);
  const accepts = net.log
    .slice(since)
    .filter((l) => l.type === 'rot-accept')
    .map((l) => decodeFrame(fernet.decrypt(l.token)).payload);
  assert.ok(accepts.length >= 2);
  for (const p of accepts) assert.deepEqual(p, accepts[0]);
});

test('all offers lost: the initiator fails on the old key; the responder never changed', () => {
  const net = new Net();
  const old = net.a.keyring.fingerprint();
  net.drop = (m) => m.type === 'rot-offer';
  net.start(net.a);
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS);
  assert.equal(net.a.state, 'idle');
  assert.equal(net.a.eventsOf('key:rotation-failed').length, 1);
  assert.equal(net.a.keyring.fingerprint(), old);
  assert.equal(net.b.keyring.fingerprint(), old);
  assert.equal(net.b.keyring.nextKey, null);
  assert.equal(net.b.events.length, 0, 'the responder saw nothing');
  assert.ok(net.log.filter((l) => l.type === 'rot-offer').length > 2, 'offers were retried');
  assert.equal(net.log.filter((l) => l.type === 'rot-abort').length, 1);
  heal(net);
  assertSameKey(net);
});

test('accept lost forever: the initiator fails, its abort makes the responder drop next', () => {
  const net = new Net();
  const old = net.a.keyring.fingerprint();
  net.drop = (m) => m.type === 'rot-accept';
  net.start(net.a);
  net.drain();
  assert.equal(net.b.state, 'accepting');
  assert.ok(net.b.keyring.nextKey);
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS);
  assert.equal(net.a.eventsOf('key:rotation-failed').length, 1);
  assert.equal(net.b.eventsOf('key:rotation-failed').length, 1);
  assert.equal(net.b.state, 'idle');
  assert.equal(net.b.keyring.nextKey, null);
  assert.equal(net.a.keyring.fingerprint(), old);
  assert.equal(net.b.keyring.fingerprint(), old);
});

test('accept and abort lost: the responder keeps next (unconfirmed); a late accept of the dead rid is re-aborted', () => {
  const net = new Net();
  net.drop = (m) => m.type === 'rot-accept' || m.type === 'rot-abort';
  net.start(net.a);
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS);
  assert.equal(net.a.state, 'idle');
  assert.equal(net.b.state, 'accepting', 'never drops next on a timer alone');
  assert.equal(net.b.eventsOf('rotation-unconfirmed').length, 1);
  assertCanTalk(net);
  assertSameKey(net);
  // A second start on B is refused while the peer's rotation waits.
  net.start(net.b);
  assert.equal(net.b.state, 'accepting');
  const pending = net.b.eventsOf('key:rotation-pending').at(-1);
  assert.ok(pending && pending.kind === 'event' && pending.event === 'key:rotation-pending' && pending.initiator === 'peer');
  // The link heals; A starts a new rotation: B replaces the stale attempt and both switch.
  net.drop = () => false;
  net.start(net.a);
  net.drain();
  assert.equal(net.a.state, 'idle');
  assert.equal(net.b.state, 'idle');
  assertSameKey(net);
  assert.equal(net.a.eventsOf('key:rotated').length, 1);
});

test("accept and abort lost, then the link heals: the responder's slow repeat of its accept draws a new abort", () => {
  const net = new Net();
  net.drop = (m) => m.type === 'rot-accept' || m.type === 'rot-abort';
  net.start(net.a);
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS);
  assert.equal(net.b.state, 'accepting');
  assert.equal(net.b.eventsOf('rotation-unconfirmed').length, 1);
  net.drop = () => false;
  net.run(ROTATION_UNCONFIRMED_RETRY_MS + ROTATION_RETRY_MS);
  assert.equal(net.b.state, 'idle', 'the repeated accept was answered with rot-abort');
  assert.equal(net.b.keyring.nextKey, null);
  assertSameKey(net);
  // B is free to rotate on its own now.
  net.start(net.b);
  net.drain();
  assert.equal(net.b.eventsOf('key:rotated').length, 1);
  assertSameKey(net);
});

test('a late accept for an abandoned rotation is answered with rot-abort', () => {
  const net = new Net();
  const held: Msg[] = [];
  net.drop = (m) => {
    if (m.type === 'rot-accept') held.push(m); // delayed in the network, not lost
    return m.type === 'rot-accept' || m.type === 'rot-abort';
  };
  net.start(net.a);
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS); // no accept gets through; A gives up, its abort is lost
  assert.equal(net.a.state, 'idle');
  assert.equal(net.b.state, 'accepting');
  assert.ok(held.length > 0);
  // One of B's accepts turns up late, on a clean pipe: A answers it with another abort.
  net.drop = () => false;
  net.deliver(held[0]!);
  net.drain();
  assert.equal(net.b.state, 'idle');
  assert.equal(net.b.keyring.nextKey, null);
  assert.equal(net.b.eventsOf('key:rotation-failed').length, 1);
  assertSameKey(net);
});

test("a delayed retransmission of an aborted rotation's offer does not start it again", () => {
  const net = new Net();
  const retries: Msg[] = [];
  let offers = 0;
  net.drop = (m) => {
    if (m.type === 'rot-offer' && ++offers > 1) retries.push(m); // retransmissions are delayed, not lost
    return m.type === 'rot-accept' || (m.type === 'rot-offer' && offers > 1);
  };
  net.start(net.a);
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS); // A gives up; its abort reaches B
  assert.equal(net.b.state, 'idle');
  assert.equal(net.b.eventsOf('key:rotation-failed').length, 1);
  assert.ok(retries.length > 0);
  net.deliver(retries.at(-1)!); // a new packet number: the replay window lets it through
  assert.equal(net.b.state, 'idle');
  assert.equal(net.b.keyring.nextKey, null);
});

test('a delayed offer of an older attempt cannot replace the attempt being accepted', () => {
  const net = new Net();
  net.start(net.a);
  const oldOffer = net.queue.shift()!; // attempt 1's first offer, delayed in the network
  net.drop = (m) => m.type === 'rot-offer' || m.type === 'rot-abort';
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS); // attempt 1 fails; B never heard of it
  assert.equal(net.a.eventsOf('key:rotation-failed').length, 1);
  assert.equal(net.b.state, 'idle');
  // Attempt 2 runs until A commits; its confirm is lost, so B still waits with K2′ in next.
  net.drop = (m) => m.type === 'rot-confirm';
  net.start(net.a);
  net.drain();
  assert.equal(net.a.state, 'committed');
  assert.equal(net.b.state, 'accepting');
  // Now attempt 1's offer arrives. It is older than attempt 2's (lower packet number): B keeps K2′.
  net.deliver(oldOffer);
  net.drain();
  assertCanTalk(net);
  heal(net);
  assertSameKey(net);
  assert.equal(net.a.state, 'idle');
  assert.equal(net.b.state, 'idle');
});

test('confirm lost forever, later data under K′ promotes the responder', () => {
  const net = new Net();
  // The confirm, and with it everything the committed initiator sends under K′ (its keepalives would promote B too), is lost.
  net.drop = (m) => m.type === 'rot-confirm' || (m.from === net.a && net.a.state === 'committed');
  net.start(net.a);
  net.run(ROTATION_TIMEOUT_MS + ROTATION_RETRY_MS);
  assert.equal(net.a.state, 'committed', 'the initiator never goes back once committed');
  assert.equal(net.a.eventsOf('rotation-unconfirmed').length, 1);
  assert.equal(net.b.state, 'accepting');
  assert.equal(net.b.eventsOf('rotation-unconfirmed').length, 1);
  assertCanTalk(net);
  // B's traffic under K is still read by A (previous is kept while unconfirmed).
  net.ping(net.b);
  net.drain();
  assert.equal(net.unreadable, 0);
  assert.equal(net.a.state, 'committed');
  // A's first ordinary frame under K′ promotes B; B's answer completes A.
  net.drop = () => false;
  net.ping(net.a);
  net.drain();
  assert.equal(net.b.state, 'idle');
  assert.equal(net.b.eventsOf('key:rotated').length, 1);
  net.ping(net.b);
  net.drain();
  assert.equal(net.a.state, 'idle');
  assert.equal(net.a.eventsOf('key:rotated').length, 1);
  assertSameKey(net);
});

test('both start at once: the lower session id wins and one key is agreed', () => {
  const pairs: Array<[string, string]> = [
    ['1111111111111111', '2222222222222222'],
    ['ffffffffffffff00', '00000000000000ff'],
  ];
  for (const [aSession, bSession] of pairs) {
    const net = new Net({ aSession, bSession });
    const old = net.a.keyring.fingerprint();
    net.start(net.a);
    net.start(net.b);
    net.drain();
    net.run(ROTATION_RETRY_MS * 4);
    assertSameKey(net);
    assert.notEqual(net.a.keyring.fingerprint(), old);
    assert.equal(net.a.state, 'idle');
    assert.equal(net.b.state, 'idle');
    const winner = aSession < bSession ? net.a : net.b;
    const loser = winner.other;
    const last = (p: Peer) => p.eventsOf('key:rotation-pending').at(-1);
    const lp = last(loser);
    assert.ok(lp && lp.kind === 'event' && lp.event === 'key:rotation-pending' && lp.initiator === 'peer', 'the loser answers as responder');
    assert.equal(winner.eventsOf('key:rotated').length, 1);
    assert.equal(loser.eventsOf('key:rotated').length, 1);
    assert.equal(net.a.eventsOf('key:rotation-failed').length + net.b.eventsOf('key:rotation-failed').length, 0);
  }
});

test('peer restart while committed and unconfirmed: the responder comes back with K′ pending and is promoted; nothing goes back', () => {
  const net = new Net();
  const old = net.a.keyring.fingerprint();
  net.drop = (m) => m.type === 'rot-confirm';
  net.start(net.a);
  net.run(ROTATION_RETRY_MS * 2);
  assert.equal(net.a.state, 'committed');
  net.b.restart('3333333333333333'); // B never promoted, but saved K′ as pending before it accepted
  assert.equal(net.b.keyring.nextKey, net.a.keyring.currentKey);
  net.drop = () => false;
  net.ping(net.b); // under K: A reads it (previous) and changes nothing
  net.drain();
  assert.equal(net.a.state, 'committed');
  assert.notEqual(net.a.keyring.fingerprint(), old);
  assert.equal(net.a.eventsOf('key:rotation-failed').length, 0);
  heal(net);
  assertSameKey(net);
  assert.notEqual(net.a.keyring.fingerprint(), old);
  assert.equal(net.a.state, 'idle');
  assert.equal(net.unreadable, 0);
});

test('peer restart after it saved the new key: the committed side completes', () => {
  const net = new Net();
  net.drop = (m) => m.type === 'rot-confirm-ack';
  net.start(net.a);
  net.drain();
  assert.equal(net.a.state, 'committed');
  assert.equal(net.b.eventsOf('key:rotated').length, 1);
  net.b.restart('3333333333333333'); // comes back with K′ from its profile
  net.drop = () => false;
  net.ping(net.b);
  net.drain();
  assert.equal(net.a.state, 'idle');
  assert.equal(net.a.eventsOf('key:rotated').length, 1);
  assertSameKey(net);
});

test('initiator restart after the responder promoted: it comes back with {K′, K} and completes; the responder never goes back', () => {
  const net = new Net();
  const old = net.a.keyring.fingerprint();
  net.drop = (m) => m.type === 'rot-confirm-ack';
  net.start(net.a);
  net.drain();
  assert.equal(net.b.keyring.fingerprint() !== old, true);
  net.a.restart('3333333333333333'); // A saved {K′, K} before it sent the confirm
  assert.notEqual(net.a.keyring.fingerprint(), old);
  net.drop = () => false;
  net.ping(net.a);
  net.drain();
  assertSameKey(net);
  assert.notEqual(net.b.keyring.fingerprint(), old);
  assert.equal(net.b.eventsOf('key:rotated').length, 1, 'no second key change on the responder');
  net.ping(net.b);
  net.drain();
  assert.equal(net.a.eventsOf('key:rotated').length, 1, 'the restarted initiator reports the rotation done');
  assert.equal(net.a.profilePending, null, 'and erases the old key from its profile');
  heal(net);
  assert.equal(net.unreadable, 0);
});

test('peer restart while accepting: next is dropped and the rotation fails', () => {
  const net = new Net();
  net.drop = (m) => m.type === 'rot-accept';
  net.start(net.a);
  net.drain();
  assert.equal(net.b.state, 'accepting');
  net.a.restart('3333333333333333');
  net.drop = () => false;
  net.ping(net.a);
  net.drain();
  assert.equal(net.b.state, 'idle');
  assert.equal(net.b.keyring.nextKey, null);
  assert.equal(net.b.eventsOf('key:rotation-failed').length, 1);
});

test('peer restart while offering: the offer is sent again and the rotation completes', () => {
  const net = new Net();
  net.drop = (m) => m.type === 'rot-accept';
  net.start(net.a);
  net.drain();
  net.b.restart('3333333333333333');
  net.drop = () => false;
  net.ping(net.b);
  net.drain();
  assert.equal(net.a.state, 'idle');
  assertSameKey(net);
  assert.equal(net.a.eventsOf('key:rotated').length, 1);
});

test('start(): refused with the reason when rotation is impossible; a second start reports the running one', () => {
  const net = new Net({ handshake: false });
  // Before any frame, raw text from the peer's address: a raw peer, which cannot rotate.
  net.a.conn.receive(new Fernet(net.key).encrypt(Buffer.from('hi from python'), Math.floor(net.clock.now() / 1000)), ADDR_B, net.clock.now());
  net.pump(net.a);
  net.start(net.a);
  assert.equal(net.a.state, 'idle');
  assert.equal(net.queue.length, 0);
  const [failed] = net.a.eventsOf('key:rotation-failed');
  assert.ok(failed && failed.kind === 'event' && failed.event === 'key:rotation-failed' && failed.reason.includes('raw'));
  net.handshake();
  net.start(net.a);
  net.start(net.a);
  assert.equal(net.a.state, 'offering');
  assert.equal(net.queue.length, 1, 'no second offer');
  assert.equal(net.a.eventsOf('key:rotation-pending').length, 2);
});

/** Two bare rotation machines on one key, for the tests of onFrame's own checks (no pipe: the frames are handed in with a slot). */
function machines(): { a: { keyring: Keyring; rot: Rotation }; b: { keyring: Keyring; rot: Rotation } } {
  const clock = new ManualClock(T0);
  const key = randomBytes(32);
  const make = (own: string, peer: string) => {
    const keyring = new Keyring(key, clock);
    const rot = new Rotation({ clock, keyring, localSession: () => own, peerSession: () => peer, canRotate: () => null });
    return { keyring, rot };
  };
  return { a: make('1111111111111111', '2222222222222222'), b: make('2222222222222222', '1111111111111111') };
}

test('offers under a key other than current, unknown rids and garbage payloads are ignored', () => {
  const net = machines();
  const offer = net.a.rot.start().find((x) => x.kind === 'send');
  assert.ok(offer && offer.kind === 'send' && offer.type === 'rot-offer');
  const f = { payload: offer.payload };
  assert.deepEqual(net.b.rot.onFrame('rot-offer', f.payload, 'previous', 1), []);
  assert.deepEqual(net.b.rot.onFrame('rot-offer', Buffer.alloc(3), 'current', 2), []);
  assert.deepEqual(net.b.rot.onFrame('rot-confirm', randomBytes(8), 'current', 3), []);
  assert.deepEqual(net.b.rot.onFrame('rot-abort', randomBytes(8), 'current', 4), []);
  assert.deepEqual(net.a.rot.onFrame('rot-accept', Buffer.concat([randomBytes(8), randomBytes(32)]), 'current', 5), []);
  assert.equal(net.b.rot.state, 'idle');
  assert.equal(net.a.rot.state, 'offering');
  // A genuine accept is taken only under the initiator's current key (the HKDF salt must match).
  const accept = net.b.rot.onFrame('rot-offer', f.payload, 'current', 6).find((x) => x.kind === 'send');
  assert.ok(accept && accept.kind === 'send' && accept.type === 'rot-accept');
  assert.deepEqual(net.a.rot.onFrame('rot-accept', accept.payload, 'previous', 7), []);
  assert.equal(net.a.rot.state, 'offering');
  const confirm = net.a.rot.onFrame('rot-accept', accept.payload, 'current', 8).find((x) => x.kind === 'send');
  assert.ok(confirm && confirm.kind === 'send' && confirm.type === 'rot-confirm');
  assert.equal(net.a.rot.state, 'committed');
  assert.deepEqual(net.a.keyring.currentKey, net.b.keyring.nextKey);
});

test('nextDeadline: retry while offering, nothing when idle', () => {
  const net = new Net();
  assert.equal(net.a.conn.rotationDeadline, null);
  net.start(net.a);
  assert.equal(net.a.conn.rotationDeadline, net.clock.now() + ROTATION_RETRY_MS);
  net.queue = [];
  net.clock.advance(ROTATION_RETRY_MS);
  net.tick();
  assert.equal(net.queue.length, 1, 'one retry');
  assert.equal(net.a.conn.rotationDeadline, net.clock.now() + ROTATION_RETRY_MS);
});

// ------------------------------------------------------------ property

type Op =
  | { k: 'start'; who: 0 | 1 }
  | { k: 'deliver'; i: number }
  | { k: 'drop'; i: number }
  | { k: 'dup'; i: number }
  | { k: 'time'; ms: number }
  | { k: 'ping'; who: 0 | 1 }
  | { k: 'restart'; who: 0 | 1 };

const who = fc.constantFrom<0 | 1>(0, 1);
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: who.map((w) => ({ k: 'start' as const, who: w })) },
  { weight: 10, arbitrary: fc.oneof(fc.constant(0), fc.nat({ max: 7 })).map((i) => ({ k: 'deliver' as const, i })) },
  { weight: 3, arbitrary: fc.nat({ max: 7 }).map((i) => ({ k: 'drop' as const, i })) },
  { weight: 2, arbitrary: fc.nat({ max: 7 }).map((i) => ({ k: 'dup' as const, i })) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 2 * ROTATION_RETRY_MS }).map((ms) => ({ k: 'time' as const, ms })) },
  { weight: 1, arbitrary: fc.constantFrom(KEY_GRACE_MS + 1, 86_400_000).map((ms) => ({ k: 'time' as const, ms })) },
  { weight: 2, arbitrary: who.map((w) => ({ k: 'ping' as const, who: w })) },
  { weight: 2, arbitrary: who.map((w) => ({ k: 'restart' as const, who: w })) },
);

let sessionCounter = 0x10;

/**
 * One random schedule, then quiet, then healing; throws on a broken invariant.
 *
 * Restarts: any number, of either side, at any time (also after a long
 * pause: a day). A restarted side comes back from what its last key:persist
 * saved, so no schedule may end with two keys.
 */
function runSchedule(ops: Op[], aLower: boolean): Net {
  const net = new Net({
    aSession: aLower ? '1111111111111111' : '9999999999999999',
    bSession: '5555555555555555',
  });
  const peers = [net.a, net.b] as const;
  let restarted = false;
  for (const op of ops) {
    const n = net.queue.length;
    switch (op.k) {
      case 'start':
        net.start(peers[op.who]);
        break;
      case 'deliver':
        if (n > 0) net.deliverAt(op.i % n);
        break;
      case 'drop':
        if (n > 0) net.queue.splice(op.i % n, 1);
        break;
      case 'dup':
        if (n > 0) net.queue.push(net.queue[op.i % n]!);
        break;
      case 'time':
        net.clock.advance(op.ms);
        net.tick();
        break;
      case 'ping':
        net.ping(peers[op.who]);
        break;
      case 'restart':
        sessionCounter += 1;
        peers[op.who].restart(sessionCounter.toString(16).padStart(16, 'a'));
        restarted = true;
        break;
    }
    // Without restarts the two must be able to read each other at every step.
    if (!restarted) assertCanTalk(net);
  }
  // The pipe goes quiet (everything in flight and everything sent from now on is lost) and every timer runs out.
  net.queue = [];
  net.drop = () => true;
  for (let t = 0; t < ROTATION_TIMEOUT_MS * 2; t += ROTATION_RETRY_MS) {
    net.clock.advance(ROTATION_RETRY_MS);
    net.tick();
  }
  assert.ok(net.a.state !== 'offering' && net.b.state !== 'offering', 'offers time out');
  if (!restarted) assertCanTalk(net);
  // Then ordinary traffic on a clean pipe settles every pending promotion.
  heal(net);
  assertSameKey(net, 'after healing both hold the same current key');
  assert.ok(net.a.state !== 'committed' && net.b.state !== 'committed', 'commits resolve');
  assertCanTalk(net);
  net.unreadable = 0;
  heal(net);
  assert.equal(net.unreadable, 0, 'every frame readable');
  return net;
}

test('property: under any loss/dup/reorder/restart schedule the peers never end unable to read each other', () => {
  const stats = { runs: 0, rotated: 0, failed: 0, restarted: 0, unconfirmed: 0 };
  fc.assert(
    fc.property(fc.array(arbOp, { minLength: 5, maxLength: 80, size: 'max' }), fc.boolean(), fc.boolean(), (ops, aLower, restarts) => {
      const net = runSchedule(restarts ? ops : ops.filter((o) => o.k !== 'restart'), aLower);
      const count = (name: string) => net.a.eventsOf(name).length + net.b.eventsOf(name).length;
      stats.runs += 1;
      if (count('key:rotated') > 0) stats.rotated += 1;
      if (count('key:rotation-failed') > 0) stats.failed += 1;
      if (count('rotation-unconfirmed') > 0) stats.unconfirmed += 1;
      if (ops.some((o) => o.k === 'restart')) stats.restarted += 1;
    }),
    // ROT_RUNS=5000 for a deeper search; fast-check prints the seed and the shrunk schedule of a failure.
    { numRuns: Number(process.env.ROT_RUNS ?? 200) },
  );
  console.log(`rotation schedules: ${JSON.stringify(stats)}`);
  // The schedules must exercise both outcomes, or the property proves little.
  assert.ok(stats.rotated > stats.runs / 10 && stats.failed > stats.runs / 10, JSON.stringify(stats));
});
