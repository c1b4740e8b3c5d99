/**
 * Crash-safe rotation, rule by rule (src/net/PROTOCOL.md, "Key rotation"):
 * persist before sending, a pending key restored into its slot after a
 * restart, no revert, and nothing an attacker holding only the old key sends
 * — rotation frames or a "restarted" hello — rolls a key back or reaches the
 * profile.
 *
 * Two Rotation + Keyring sides; a frame's key slot at the receiver is decided
 * by which of the receiver's slots holds the sender's current key (what the
 * Fernet HMAC decides in the transport).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/clock.js';
import { KEY_GRACE_MS, ROTATION_RETRY_MS, ROTATION_TIMEOUT_MS } from '../../src/constants.js';
import { encodeKey } from '../../src/crypto/keys.js';
import { encodeRotationPayload } from '../../src/net/frame.js';
import { Keyring, pendingFromPersisted, type KeySlot, type PendingKey } from '../../src/net/keyring.js';
import { Rotation } from '../../src/net/rotation.js';
import type { RotationAction, RotationFrameType } from '../../src/net/rotation-state.js';

type Send = Extract<RotationAction, { kind: 'send' }>;
type Persist = Extract<RotationAction, { event: 'key:persist' }>;

class Side {
  keyring: Keyring;
  rot: Rotation;
  /** The profile: the start key, then whatever key:persist said. */
  profile: { key: Buffer; pending: PendingKey | null };
  actions: RotationAction[] = [];
  outbox: Send[] = [];

  constructor(
    readonly name: string,
    readonly clock: ManualClock,
    key: Buffer,
    public session: string,
    public peer: string,
  ) {
    this.profile = { key, pending: null };
    this.keyring = new Keyring(key, clock);
    this.rot = this.build();
  }

  build(): Rotation {
    return new Rotation({
      clock: this.clock,
      keyring: this.keyring,
      localSession: () => this.session,
      peerSession: () => this.peer,
      canRotate: () => null,
    });
  }

  /** Killed and started again from the profile, with a new session id. */
  restart(session: string): void {
    this.session = session;
    this.keyring = new Keyring(this.profile.key, this.clock, this.profile.pending);
    this.rot = this.build();
    this.outbox = [];
    this.actions = [];
  }

  apply(actions: RotationAction[]): RotationAction[] {
    for (const a of actions) {
      this.actions.push(a);
      if (a.kind === 'send') this.outbox.push(a);
      else if (a.event === 'key:persist') {
        this.profile = {
          key: Buffer.from(a.key, 'base64url'),
          pending: pendingFromPersisted(a.pendingKey),
        };
      }
    }
    return actions;
  }

  events(name: string): RotationAction[] {
    return this.actions.filter((a) => a.kind === 'event' && a.event === name);
  }

  persists(): Persist[] {
    return this.actions.filter((a): a is Persist => a.kind === 'event' && a.event === 'key:persist');
  }

  take(type: RotationFrameType): Send {
    const i = this.outbox.findIndex((s) => s.type === type);
    assert.ok(i >= 0, `${this.name} sent a ${type}`);
    return this.outbox.splice(i, 1)[0]!;
  }
}

/** The slot of `to`'s keyring that reads a frame sent under `key`, or null (unreadable). */
function slotOf(to: Keyring, key: Buffer): KeySlot | null {
  if (to.currentKey.equals(key)) return 'current';
  if (to.nextKey?.equals(key)) return 'next';
  if (to.previousKey?.equals(key)) return 'previous';
  return null;
}

let packet = 0;

/** `from` sends `s` (under its current key) to `to`'s session. */
function deliver(from: Side, to: Side, s: Send): RotationAction[] {
  const slot = slotOf(to.keyring, from.keyring.currentKey);
  assert.ok(slot !== null, `${to.name} can read ${from.name}`);
  return to.apply(to.rot.onFrame(s.type, s.payload, slot, ++packet));
}

/** Ordinary traffic from `from` (a ping), to `to`'s session or not. */
function ping(from: Side, to: Side, toUs = true): RotationAction[] {
  const slot = slotOf(to.keyring, from.keyring.currentKey);
  assert.ok(slot !== null, `${to.name} can read ${from.name}`);
  return to.apply(to.rot.onAuthenticated(slot, toUs));
}

function pair(): { clock: ManualClock; a: Side; b: Side; k: Buffer } {
  const clock = new ManualClock(1_700_000_000_000);
  const k = randomBytes(32);
  return { clock, k, a: new Side('A', clock, k, '1111111111111111', '2222222222222222'), b: new Side('B', clock, k, '2222222222222222', '1111111111111111') };
}

/** A runs a rotation to the point where it committed; B accepted. */
function toCommitted(): ReturnType<typeof pair> & { rid: Buffer } {
  const p = pair();
  p.a.apply(p.a.rot.start());
  deliver(p.a, p.b, p.a.take('rot-offer'));
  deliver(p.b, p.a, p.b.take('rot-accept'));
  assert.equal(p.a.rot.state, 'committed');
  assert.equal(p.b.rot.state, 'accepting');
  const confirm = p.a.outbox.find((s) => s.type === 'rot-confirm')!;
  return { ...p, rid: confirm.payload.subarray(0, 8) };
}

/** The state of a side an attacker must not change. */
function snapshot(s: Side): string {
  const kr = s.keyring;
  return JSON.stringify([s.rot.state, kr.currentKey, kr.nextKey, kr.previousKey, kr.pending, s.profile]);
}

// ------------------------------------------------------------ persist before send

test('the responder persists {K, K′ as next} before its accept; the initiator {K′, K as previous} before its confirm; both {K′} once settled', () => {
  const { a, b, k } = pair();
  a.apply(a.rot.start());
  assert.equal(a.persists().length, 0, 'an offer commits nobody to anything');
  const acc = deliver(a, b, a.take('rot-offer'));
  const pi = acc.findIndex((x) => x.kind === 'event' && x.event === 'key:persist');
  const si = acc.findIndex((x) => x.kind === 'send' && x.type === 'rot-accept');
  assert.ok(pi >= 0 && pi < si, 'persist precedes the accept');
  const accept = acc.find((x): x is Send => x.kind === 'send' && x.type === 'rot-accept')!;
  assert.deepEqual(b.profile, { key: k, pending: { key: b.keyring.nextKey, slot: 'next', accept: accept.payload } }, 'with the accept it answered');
  const conf = deliver(b, a, b.take('rot-accept'));
  assert.equal(conf[0]?.kind === 'event' && conf[0].event, 'key:persist', 'persist precedes the confirm');
  assert.deepEqual(a.profile, { key: a.keyring.currentKey, pending: { key: k, slot: 'previous' } });
  assert.ok(a.keyring.currentKey.equals(b.keyring.nextKey!));
  deliver(a, b, a.take('rot-confirm'));
  assert.deepEqual(b.profile, { key: a.keyring.currentKey, pending: null });
  deliver(b, a, b.take('rot-confirm-ack'));
  assert.deepEqual(a.profile, { key: a.keyring.currentKey, pending: null });
  assert.equal(a.persists().length, 2);
  assert.equal(b.persists().length, 2);
  // The key:persist payload carries keys in urlsafe base64, as the profile does.
  assert.equal(a.persists().at(-1)?.key, encodeKey(a.keyring.currentKey));
});

// ------------------------------------------------------------ restored pending keys

test('restored next (the responder restarted while accepting): promoted by the first frame under it; a confirm under it is acknowledged', () => {
  const { a, b } = toCommitted();
  b.restart('3333333333333333');
  assert.ok(b.keyring.nextKey?.equals(a.keyring.currentKey));
  deliver(a, b, a.take('rot-confirm')); // the rid is unknown to the new process
  assert.ok(b.keyring.currentKey.equals(a.keyring.currentKey));
  assert.equal(b.events('key:rotated').length, 1);
  assert.deepEqual(b.profile.pending, null);
  deliver(b, a, b.take('rot-confirm-ack'));
  assert.equal(a.rot.state, 'idle');
  assert.equal(a.events('key:rotated').length, 1);
});

test('restored next: the responder is accepting again — a repeated offer gets the very same accept, frames under current change nothing; promoted, or dropped by the abort', () => {
  // The race a frame under K cannot settle: B is killed after its accept left; A, still offering, writes to B's new
  // process under K and repeats its offer, and only then does the old accept arrive and A commit K′.
  const { a, b } = pair();
  a.apply(a.rot.start());
  deliver(a, b, a.take('rot-offer'));
  const oldAccept = b.take('rot-accept');
  b.restart('3333333333333333');
  const k2 = b.keyring.nextKey!;
  assert.equal(b.rot.state, 'accepting');
  ping(a, b, true); // under K, addressed to the new process: A is still offering
  b.apply(b.rot.onAuthenticated('previous', true));
  a.clock.advance(ROTATION_RETRY_MS);
  a.apply(a.rot.tick());
  deliver(a, b, a.take('rot-offer'));
  assert.deepEqual(b.take('rot-accept').payload, oldAccept.payload, 'the same accept: whichever A commits, it is K′');
  assert.ok(b.keyring.nextKey?.equals(k2), 'kept');
  assert.equal(b.persists().length, 0, 'nothing rewritten');
  deliver(b, a, oldAccept); // the accept of B's previous process: A commits K′
  assert.equal(a.rot.state, 'committed');
  ping(a, b, true); // under K′: B promotes
  assert.ok(b.keyring.currentKey.equals(k2));
  assert.deepEqual(b.profile, { key: k2, pending: null });
  // Without a commit: A gives up, its abort drops the restored next, and the next offer is answered.
  const q = pair();
  q.a.apply(q.a.rot.start());
  deliver(q.a, q.b, q.a.take('rot-offer'));
  q.b.restart('3333333333333333');
  q.a.clock.advance(ROTATION_TIMEOUT_MS);
  q.a.apply(q.a.rot.tick());
  deliver(q.a, q.b, q.a.take('rot-abort'));
  assert.equal(q.b.keyring.nextKey, null);
  assert.deepEqual(q.b.profile, { key: q.k, pending: null });
  assert.equal(q.b.events('key:rotation-failed').length, 1);
  q.a.apply(q.a.rot.start());
  deliver(q.a, q.b, q.a.outbox.filter((x) => x.type === 'rot-offer').at(-1)!);
  assert.equal(q.b.rot.state, 'accepting');
});

test('restored next without its accept (an older profile): no offer is answered until an abort or the promotion settles it', () => {
  const { a, b, k } = pair();
  a.apply(a.rot.start());
  deliver(a, b, a.take('rot-offer'));
  const k2 = b.keyring.nextKey!;
  b.profile = { key: k, pending: { key: k2, slot: 'next' } };
  b.restart('3333333333333333');
  assert.equal(b.rot.state, 'idle');
  a.clock.advance(ROTATION_RETRY_MS);
  a.apply(a.rot.tick());
  deliver(a, b, a.take('rot-offer'));
  assert.equal(b.outbox.length, 0, 'a second, different accept could be the one A commits: none is sent');
  a.clock.advance(ROTATION_TIMEOUT_MS);
  a.apply(a.rot.tick());
  deliver(a, b, a.take('rot-abort'));
  assert.equal(b.keyring.nextKey, null);
  assert.deepEqual(b.profile, { key: k, pending: null });
});

test('restored previous (the initiator restarted after committing): sends under K′, reads K, settles on the first frame under K′', () => {
  const { a, b, k } = toCommitted();
  const k2 = a.keyring.currentKey;
  a.restart('3333333333333333');
  assert.ok(a.keyring.currentKey.equals(k2));
  assert.ok(a.keyring.previousKey?.equals(k));
  ping(b, a, true); // B still on K (it never saw the confirm): read, nothing changes
  assert.equal(a.persists().length, 0);
  assert.ok(a.keyring.previousKey?.equals(k));
  ping(a, b, false); // A's hello under K′ promotes B
  assert.ok(b.keyring.currentKey.equals(k2));
  ping(b, a, true);
  assert.deepEqual(a.profile, { key: k2, pending: null });
  assert.equal(a.events('key:rotated').length, 1);
  // The old key then lasts the grace period only.
  a.clock.advance(KEY_GRACE_MS);
  a.apply(a.rot.tick());
  assert.equal(a.keyring.previousKey, null);
});

test('a restarted initiator that never committed (speaks K) makes the accepting responder drop K′; one that committed (speaks K′) promotes it', () => {
  for (const committed of [false, true]) {
    const p = committed ? toCommitted() : pair();
    if (!committed) {
      p.a.apply(p.a.rot.start());
      deliver(p.a, p.b, p.a.take('rot-offer'));
    }
    const k2 = p.b.keyring.nextKey!;
    p.a.restart('3333333333333333');
    p.b.apply(p.b.rot.onPeerRestarted());
    ping(p.a, p.b, false); // the restarted peer's hello does not know B's session
    assert.equal(p.b.rot.state, 'idle');
    assert.equal(p.b.keyring.nextKey, null);
    if (committed) assert.ok(p.b.keyring.currentKey.equals(k2), 'promoted');
    else assert.ok(p.b.keyring.currentKey.equals(p.k), 'dropped');
    assert.deepEqual(p.b.profile.pending, null);
  }
});

// ------------------------------------------------------------ an attacker with only the old key

/** A completed rotation from K to K′, with A's old-key traffic recorded before it. */
function rotated(): ReturnType<typeof pair> & { oldOffer: Send } {
  const p = pair();
  p.a.apply(p.a.rot.start());
  const oldOffer = p.a.take('rot-offer');
  deliver(p.a, p.b, oldOffer);
  deliver(p.b, p.a, p.b.take('rot-accept'));
  deliver(p.a, p.b, p.a.take('rot-confirm'));
  deliver(p.b, p.a, p.b.take('rot-confirm-ack'));
  assert.ok(p.a.keyring.currentKey.equals(p.b.keyring.currentKey));
  assert.ok(!p.a.keyring.currentKey.equals(p.k));
  return { ...p, oldOffer };
}

/** What an attacker holding only K can send, as rotation frames under K (slot previous at a rotated side). */
function oldKeyFrames(rid: Buffer): Array<[RotationFrameType, Buffer]> {
  const pub = randomBytes(32);
  return [
    ['rot-offer', encodeRotationPayload({ rid: randomBytes(8), pub })],
    ['rot-accept', encodeRotationPayload({ rid, pub })],
    ['rot-confirm', encodeRotationPayload({ rid })],
    ['rot-confirm-ack', encodeRotationPayload({ rid })],
    ['rot-abort', encodeRotationPayload({ rid })],
  ];
}

test('attacker with the old key, after a rotation: rotation frames and a "restarted" hello under K change nothing and persist nothing', () => {
  for (const victim of ['a', 'b'] as const) {
    const p = rotated();
    const v = p[victim];
    const before = snapshot(v);
    const persisted = v.persists().length;
    // A "restarted peer" speaking the old key: the old roll-back trigger.
    v.apply(v.rot.onPeerRestarted());
    v.apply(v.rot.onAuthenticated('previous', true));
    for (const [type, payload] of oldKeyFrames(p.oldOffer.payload.subarray(0, 8))) v.apply(v.rot.onFrame(type, payload, 'previous', ++packet));
    v.apply(v.rot.onFrame(p.oldOffer.type, p.oldOffer.payload, 'previous', ++packet)); // a recorded offer
    assert.equal(snapshot(v), before, `${victim}: no roll-back, no new rotation`);
    assert.equal(v.persists().length, persisted, `${victim}: nothing persisted`);
    assert.equal(v.outbox.length, 0, `${victim}: nothing answered`);
    assert.equal(v.events('key:rotated').length, 1);
  }
});

test('attacker with the old key while the initiator is committed and unproven: no revert, the profile keeps {K′, K}', () => {
  const { a, rid, k } = toCommitted();
  const before = snapshot(a);
  const persisted = a.persists().length;
  a.apply(a.rot.onPeerRestarted());
  a.apply(a.rot.onAuthenticated('previous', true));
  for (const [type, payload] of oldKeyFrames(rid)) a.apply(a.rot.onFrame(type, payload, 'previous', ++packet));
  assert.equal(snapshot(a), before);
  assert.equal(a.rot.state, 'committed');
  assert.equal(a.persists().length, persisted);
  assert.ok(a.profile.pending?.key.equals(k) && a.profile.pending.slot === 'previous');
  assert.equal(a.events('key:rotation-failed').length, 0);
});

test('attacker with the old key against a restored initiator: frames under K change nothing; only K′ settles it', () => {
  const { a, rid } = toCommitted();
  a.restart('3333333333333333');
  const before = snapshot(a);
  a.apply(a.rot.onAuthenticated('previous', true));
  for (const [type, payload] of oldKeyFrames(rid)) a.apply(a.rot.onFrame(type, payload, 'previous', ++packet));
  assert.equal(snapshot(a), before);
  assert.equal(a.persists().length, 0);
});

test('a pending key is never shown: key:rotated and key:rotation-failed carry fingerprints and reasons only', () => {
  const { a, b } = toCommitted();
  const keys = [a.keyring.currentKey, a.keyring.previousKey!].map((x) => [encodeKey(x), x.toString('hex'), x.toString('base64')]).flat();
  deliver(a, b, a.take('rot-confirm'));
  deliver(b, a, b.take('rot-confirm-ack'));
  for (const s of [a, b]) {
    for (const ev of [...s.events('key:rotated'), ...s.events('key:rotation-failed'), ...s.events('rotation-unconfirmed')]) {
      const shown = JSON.stringify({ ...ev, key: undefined });
      for (const x of keys) assert.ok(!shown.includes(x), 'no key in a user-facing event');
    }
  }
});
