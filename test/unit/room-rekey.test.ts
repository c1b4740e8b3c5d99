/**
 * RoomRekey (src/room/rekey.ts): the room rotation machine with its shares,
 * wraps and controls, each member's effects through a fake host, the members
 * wired by a router in the test (controls delivered in order; some dropped
 * or held back when a test says so). No connections: what the host is told
 * is the whole story.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ROOM_ROTATION_FOLLOWER_TIMEOUT_MS, ROOM_ROTATION_TIMEOUT_MS } from '../../src/constants.js';
import { Fernet } from '../../src/crypto/fernet.js';
import { unwrapRoomKey } from '../../src/crypto/room-wrap.js';
import { generateRotationKeyPair } from '../../src/crypto/rotation-kdf.js';
import type { RoomFact } from '../../src/room/core-types.js';
import type { MemberId } from '../../src/room/members.js';
import { RoomRekey, type RekeyHost } from '../../src/room/rekey.js';
import { encodeRotationControl, parseRotationControl, type RotationControl } from '../../src/room/rotation-control.js';

const id = (n: number): MemberId => n.toString(16).padStart(16, '0');
const T0 = 1_700_000_000_000;

type Op =
  | { op: 'send'; to: MemberId; t: RotationControl['t'] }
  | { op: 'installNext'; key: Buffer }
  | { op: 'dropNext'; key: Buffer }
  | { op: 'save'; key: Buffer }
  | { op: 'switchTo'; key: Buffer; epoch: number; missed: readonly MemberId[] }
  | { op: 'fact'; fact: RoomFact };

interface Wire {
  from: MemberId;
  to: MemberId;
  body: string;
}

class Party {
  readonly log: Op[] = [];
  readonly rekey: RoomRekey;
  key: Buffer;
  next: Buffer | null = null;
  /** Who this member has a bound link to, and who it seats (not itself). */
  online: Set<MemberId>;
  seated: MemberId[];

  constructor(
    readonly id: MemberId,
    readonly net: Router,
    key: Buffer,
  ) {
    this.key = key;
    this.online = new Set();
    this.seated = [];
    const host: RekeyHost = {
      me: id,
      now: () => net.now,
      key: () => this.key,
      online: () => [...this.online],
      seated: () => this.seated,
      display: (m) => `m${m.slice(-2)}`,
      send: (to, body) => {
        this.log.push({ op: 'send', to, t: parse(body).t });
        if (this.online.has(to)) net.post({ from: id, to, body });
      },
      installNext: (k) => {
        this.log.push({ op: 'installNext', key: Buffer.from(k) });
        this.next = Buffer.from(k);
      },
      dropNext: (k) => {
        this.log.push({ op: 'dropNext', key: Buffer.from(k) });
        if (this.next?.equals(k) === true) this.next = null;
      },
      save: (k) => void this.log.push({ op: 'save', key: Buffer.from(k) }),
      switchTo: (k, epoch, missed) => {
        this.log.push({ op: 'switchTo', key: Buffer.from(k), epoch, missed: [...missed] });
        this.key = Buffer.from(k);
        this.next = null;
      },
      fact: (fact) => void this.log.push({ op: 'fact', fact }),
    };
    this.rekey = new RoomRekey(host);
  }

  ops<K extends Op['op']>(op: K): Array<Extract<Op, { op: K }>> {
    return this.log.filter((o): o is Extract<Op, { op: K }> => o.op === op);
  }

  facts<K extends RoomFact['kind']>(kind: K): Array<Extract<RoomFact, { kind: K }>> {
    return this.ops('fact')
      .map((o) => o.fact)
      .filter((f): f is Extract<RoomFact, { kind: K }> => f.kind === kind);
  }

  sent(t: RotationControl['t']): MemberId[] {
    return this.ops('send')
      .filter((s) => s.t === t)
      .map((s) => s.to);
  }
}

function parse(body: string): RotationControl {
  const p = parseRotationControl(body);
  if (!p.ok) throw new Error(`${p.reason}: ${body}`);
  return p.control;
}

class Router {
  now = T0;
  readonly parties: Party[] = [];
  /** In flight, delivered in order by run(). */
  queue: Wire[] = [];
  /** Every control sent on a link, in order (what a listener on the wire with the old room key would read). */
  readonly tap: Wire[] = [];
  /** Held back by `hold`, for the test to deliver (or not). */
  readonly held: Wire[] = [];
  /** 'drop': lost; 'hold': kept in `held`. */
  filter: (w: Wire, c: RotationControl) => 'deliver' | 'drop' | 'hold' = () => 'deliver';
  readonly key = randomBytes(32);

  /** `n` members, all seated and online to each other. */
  constructor(n: number) {
    for (let i = 1; i <= n; i++) this.parties.push(new Party(id(i), this, this.key));
    for (const p of this.parties) {
      p.seated = this.parties.filter((q) => q !== p).map((q) => q.id);
      p.online = new Set(p.seated);
    }
  }

  post(w: Wire): void {
    this.tap.push(w);
    this.queue.push(w);
  }

  deliver(w: Wire): void {
    this.parties.find((p) => p.id === w.to)!.rekey.control(w.from, parse(w.body));
  }

  run(): void {
    for (let i = 0; this.queue.length > 0; i++) {
      if (i > 10_000) throw new Error('the router did not go quiet');
      const w = this.queue.shift()!;
      const verdict = this.filter(w, parse(w.body));
      if (verdict === 'hold') this.held.push(w);
      else if (verdict === 'deliver') this.deliver(w);
    }
  }

  advance(ms: number): void {
    this.now += ms;
    for (const p of this.parties) p.rekey.tick();
    this.run();
  }

  /** Cuts the links of `p` both ways (it went offline: it stays seated). */
  offline(p: Party): void {
    for (const q of this.parties) {
      q.online.delete(p.id);
      p.online.delete(q.id);
    }
  }
}

/** The one key each of `ps` switched to (exactly once), asserted the same for all. */
function oneKey(ps: readonly Party[]): Buffer {
  const keys = ps.map((p) => {
    const sw = p.ops('switchTo');
    assert.equal(sw.length, 1, `${p.id} switched ${sw.length} times`);
    assert.deepEqual(p.key, sw[0]!.key);
    return sw[0]!.key;
  });
  for (const k of keys) assert.deepEqual(k, keys[0]);
  return keys[0]!;
}

const indexOf = (p: Party, pred: (o: Op) => boolean): number => p.log.findIndex(pred);

describe('RoomRekey: a plain rotation', () => {
  it('every recipient ends on one new key; each saves it before its switch, and the leader before its commit goes out', () => {
    const net = new Router(4);
    const [a, b, c, d] = net.parties as [Party, Party, Party, Party];
    assert.equal(b.rekey.start(false), null);
    assert.equal(b.rekey.state.kind, 'leading');
    net.run();
    const k = oneKey(net.parties);
    assert.notDeepEqual(k, net.key);
    for (const p of net.parties) {
      assert.equal(p.rekey.state.kind, 'idle');
      assert.equal(p.rekey.epoch, 1);
      assert.equal(p.rekey.nextDeadline(), null);
      const saves = p.ops('save');
      assert.equal(saves.length, 1, p.id);
      assert.deepEqual(saves[0]!.key, k);
      assert.ok(indexOf(p, (o) => o.op === 'save') < indexOf(p, (o) => o.op === 'switchTo'), `${p.id} saved after its switch`);
      const changed = p.facts('key-changed');
      assert.equal(changed.length, 1);
      assert.equal(changed[0]!.by, b.id, `${p.id}: key-changed names the leader`);
      assert.equal(changed[0]!.self, p === b);
      assert.deepEqual(changed[0]!.missed, []);
      assert.deepEqual(p.ops('switchTo')[0]!.missed, []);
    }
    const firstCommit = indexOf(b, (o) => o.op === 'send' && o.t === 'room:rot-commit');
    assert.ok(firstCommit > 0);
    assert.ok(indexOf(b, (o) => o.op === 'save') < firstCommit, 'the leader told a member of the key before saving it');
    assert.deepEqual(b.sent('room:rot-offer').sort(), [a.id, c.id, d.id]);
    assert.deepEqual(b.sent('room:rot-commit').sort(), [a.id, c.id, d.id]);
    for (const f of [a, c, d]) {
      assert.deepEqual(f.sent('room:rot-accept'), [b.id]);
      assert.deepEqual(f.sent('room:rot-ready'), [b.id]);
      assert.deepEqual(
        f.ops('installNext').map((o) => o.key),
        [k],
        'the follower waited with the key in next',
      );
      assert.deepEqual(f.facts('rotating'), [{ kind: 'rotating', by: b.id, display: 'm02', kick: false, self: false }]);
    }
    assert.equal(b.facts('rotating')[0]!.self, true);
    assert.equal(b.ops('installNext').length, 0, 'the leader switches, it never waits in next');
  });

  it('a second start while one runs is refused with one line; none is started', () => {
    const net = new Router(3);
    const [a, b] = net.parties as [Party, Party];
    a.rekey.start(false);
    assert.match(a.rekey.start(false)!, /a rotation is already running \(ours\)/);
    net.queue.splice(0, net.queue.length - 1); // b's offer is still out: deliver only the last one (to c)
    net.run();
    assert.equal(b.rekey.start(false), null, 'b heard nothing yet: it may start its own');
    const c = net.parties[2]!;
    assert.match(c.rekey.start(false)!, /a rotation is already running \(led by m01\)/);
  });

  it('the alone case: switches at once, every seated member missed, saved first; no control goes out', () => {
    const net = new Router(3);
    const [a, b, c] = net.parties as [Party, Party, Party];
    net.offline(b);
    net.offline(c);
    assert.equal(a.rekey.start(false), null);
    assert.equal(a.rekey.state.kind, 'idle');
    assert.equal(a.rekey.epoch, 1);
    const sw = a.ops('switchTo');
    assert.equal(sw.length, 1);
    assert.deepEqual([...sw[0]!.missed].sort(), [b.id, c.id]);
    assert.notDeepEqual(a.key, net.key);
    assert.ok(indexOf(a, (o) => o.op === 'save') < indexOf(a, (o) => o.op === 'switchTo'));
    assert.deepEqual(a.ops('send'), []);
    assert.deepEqual(
      a
        .facts('key-changed')[0]!
        .missed.map((m) => m.member)
        .sort(),
      [b.id, c.id],
    );
    assert.equal(a.facts('rotating').length, 0, 'nothing to wait for');
  });

  it('the commit names the recipients not ready and the seated members that were offline; they miss the key', () => {
    const net = new Router(5);
    const [a, b, c, d, e] = net.parties as [Party, Party, Party, Party, Party];
    net.offline(e); // seated, offline: never a recipient
    net.filter = (w, c0) => (w.from === d.id && c0.t === 'room:rot-ready' ? 'drop' : 'deliver'); // d never says ready
    a.rekey.start(false);
    net.run();
    assert.equal(a.rekey.state.kind, 'leading', 'd is not ready: the leader waits');
    net.advance(ROOM_ROTATION_TIMEOUT_MS - 1);
    assert.equal(a.rekey.state.kind, 'leading');
    net.advance(1);
    assert.equal(a.rekey.state.kind, 'idle');
    const k = oneKey([a, b, c]);
    assert.deepEqual([...a.ops('switchTo')[0]!.missed].sort(), [d.id, e.id]);
    for (const f of [b, c]) assert.deepEqual([...f.ops('switchTo')[0]!.missed].sort(), [d.id, e.id], `${f.id} heard who missed it`);
    assert.deepEqual(a.sent('room:rot-commit').sort(), [b.id, c.id], 'the commit goes only to the ready');
    // d waited with the key in next; it never heard a commit: at its own deadline it drops it.
    assert.deepEqual(d.next, k);
    net.advance(ROOM_ROTATION_FOLLOWER_TIMEOUT_MS);
    assert.equal(d.rekey.state.kind, 'idle');
    assert.equal(d.ops('switchTo').length, 0);
    assert.deepEqual(
      d.ops('dropNext').map((o) => o.key),
      [k],
    );
    assert.equal(d.next, null);
    assert.equal(d.facts('rotation-failed').length, 1);
    assert.deepEqual(e.log, []);
  });

  it('a member whose commit is lost still switches on the first frame under the new key (promoted)', () => {
    const net = new Router(3);
    const [a, b, c] = net.parties as [Party, Party, Party];
    net.filter = (w, c0) => (w.to === c.id && c0.t === 'room:rot-commit' ? 'drop' : 'deliver');
    a.rekey.start(false);
    net.run();
    assert.equal(c.rekey.state.kind, 'following');
    c.rekey.promoted();
    oneKey([a, b, c]);
  });
  it('the next rotation’s offer before this one’s commit: it waits, and both complete; each key-changed names its own leader', () => {
    const net = new Router(3);
    const [a, b, c] = net.parties as [Party, Party, Party];
    net.filter = (w, c0) => (w.to === c.id && c0.t === 'room:rot-commit' ? 'hold' : 'deliver');
    a.rekey.start(false);
    net.run();
    assert.equal(b.rekey.epoch, 1);
    assert.equal(c.rekey.state.kind === 'following' && c.rekey.state.stage, 'ready');
    b.rekey.start(false); // epoch 2, offered to c before a's commit reaches it
    net.run();
    assert.deepEqual(c.sent('room:rot-accept'), [a.id], 'deferred: no accept yet');
    net.filter = () => 'deliver';
    for (const w of net.held.splice(0)) net.deliver(w);
    net.run();
    for (const p of net.parties) assert.equal(p.rekey.epoch, 2, p.id);
    assert.equal(new Set(net.parties.map((p) => p.key.toString('hex'))).size, 1);
    const byC = c.facts('key-changed').map((f) => [f.epoch, f.by, f.self]);
    assert.deepEqual(byC, [
      [1, a.id, false],
      [2, b.id, false],
    ]);
  });
});

describe('RoomRekey: what a follower ignores', () => {
  /** a leads (b and c follow); run until the accepts are in, the keys held back. */
  function started(): { net: Router; a: Party; b: Party; c: Party } {
    const net = new Router(3);
    const [a, b, c] = net.parties as [Party, Party, Party];
    net.filter = (_w, c0) => (c0.t === 'room:rot-key' ? 'hold' : 'deliver');
    a.rekey.start(false);
    net.run();
    assert.equal(net.held.length, 2);
    return { net, a, b, c };
  }

  it('a rot-key from a member that is not the leader: nothing (no error, nothing in next)', () => {
    const { net, a, b, c } = started();
    const toB = net.held.find((w) => w.to === b.id)!;
    // c relays a's wrap for b as its own: the key body is right, its sender is not the leader.
    b.rekey.control(c.id, parse(toB.body));
    assert.equal(b.ops('installNext').length, 0);
    assert.deepEqual(b.facts('error'), []);
    assert.equal(b.rekey.state.kind === 'following' && b.rekey.state.stage, 'accepted');
    // The leader's own still works.
    net.deliver(toB);
    assert.equal(b.ops('installNext').length, 1);
    assert.deepEqual(b.sent('room:rot-ready'), [a.id]);
  });

  it('a rot-key whose wrap does not open: one error fact, nothing in next, no ready; the leader counts it missed', () => {
    const { net, a, b, c } = started();
    const toB = net.held.find((w) => w.to === b.id)!;
    const toC = net.held.find((w) => w.to === c.id)!;
    // c's wrap sent to b (made for another share), then one with a flipped character.
    const r = (parse(toB.body) as Extract<RotationControl, { t: 'room:rot-key' }>).r;
    const forC = (parse(toC.body) as Extract<RotationControl, { t: 'room:rot-key' }>).wrapped;
    b.rekey.control(a.id, { t: 'room:rot-key', r, wrapped: forC });
    assert.equal(b.ops('installNext').length, 0);
    assert.equal(b.facts('error').length, 1);
    assert.match(b.facts('error')[0]!.line, /the new room key from m01 does not open/);
    assert.ok(!/[\r\n]/.test(b.facts('error')[0]!.line));
    assert.deepEqual(b.sent('room:rot-ready'), []);
    net.deliver(toC);
    net.run();
    net.advance(ROOM_ROTATION_TIMEOUT_MS);
    assert.deepEqual(a.ops('switchTo')[0]!.missed, [b.id]);
    oneKey([a, c]);
    assert.deepEqual(b.ops('switchTo'), []);
  });

  it('a rot-key under another room key does not open either (the wrap is salted with the key in use)', () => {
    const { net, b } = started();
    const toB = net.held.find((w) => w.to === b.id)!;
    b.key = randomBytes(32);
    net.deliver(toB);
    assert.equal(b.ops('installNext').length, 0);
    assert.equal(b.facts('error').length, 1);
  });

  it('a second offer of a lower rank: no accept for it; the first rotation completes', () => {
    const net = new Router(3);
    const [a, b, c] = net.parties as [Party, Party, Party];
    net.filter = (_w, c0) => (c0.t === 'room:rot-key' ? 'hold' : 'deliver');
    c.rekey.start(false); // c (id 3) outranks a (id 1)
    net.run();
    assert.equal(a.rekey.start(false)?.includes('led by m03'), true, 'a heard c first: no start');
    // A lower offer reaches b, which follows c (as if a had started first and told b alone).
    b.rekey.control(a.id, { t: 'room:rot-offer', r: randomBytes(16).toString('base64url'), epoch: 1, kick: false, pub: generateRotationKeyPair().publicKey });
    assert.deepEqual(b.sent('room:rot-accept'), [c.id]);
    assert.equal(b.rekey.state.kind === 'following' && b.rekey.state.rank.initiator, c.id);
    net.filter = () => 'deliver';
    for (const w of net.held.splice(0)) net.deliver(w);
    net.run();
    oneKey(net.parties);
  });

  it('an offer whose initiator is not its sender cannot be made: the initiator is the link’s member', () => {
    // The body has no initiator (an extra field is refused); RoomRekey.control takes `from` from the link binding.
    const offer = JSON.parse(
      encodeRotationControl({ t: 'room:rot-offer', r: randomBytes(16).toString('base64url'), epoch: 1, kick: true, pub: generateRotationKeyPair().publicKey }),
    ) as Record<string, unknown>;
    assert.equal(parseRotationControl(JSON.stringify({ ...offer, initiator: id(9) })).ok, false);
    assert.equal(parseRotationControl(JSON.stringify({ ...offer, from: id(9) })).ok, false);
  });
});

describe('RoomRekey: epoch and gone', () => {
  it('rot-epoch moves the epoch forward only, and only while idle', () => {
    const net = new Router(3);
    const [a, b] = net.parties as [Party, Party];
    a.rekey.control(b.id, { t: 'room:rot-epoch', epoch: 5 });
    assert.equal(a.rekey.epoch, 5);
    a.rekey.control(b.id, { t: 'room:rot-epoch', epoch: 3 });
    assert.equal(a.rekey.epoch, 5, 'not backwards');
    a.rekey.control(b.id, { t: 'room:rot-epoch', epoch: 0 });
    assert.equal(a.rekey.epoch, 5);
    a.rekey.start(false);
    const r = a.rekey.state;
    assert.equal(r.kind === 'leading' && r.rank.epoch, 6);
    a.rekey.control(b.id, { t: 'room:rot-epoch', epoch: 9 });
    assert.equal(a.rekey.epoch, 5, 'not while leading');
    assert.equal(a.rekey.state, r);
    net.run();
    // b (still at epoch 0: it never heard 5) ignores an offer for 6; the leader gives up at its deadline.
    assert.deepEqual(b.sent('room:rot-accept'), []);
    net.advance(ROOM_ROTATION_TIMEOUT_MS);
    assert.match(a.facts('rotation-failed')[0]!.line, /no member answered/);
    // The epoch told while it led is not lost: it is taken once the rotation ends (its next offer names 10).
    assert.equal(a.rekey.epoch, 9);
    a.rekey.start(false);
    const again = a.rekey.state;
    assert.equal(again.kind === 'leading' && again.rank.epoch, 10);
  });

  it('gone of the leader after the key came: the follower abandons and drops the key from next', () => {
    const net = new Router(3);
    const [a, b, c] = net.parties as [Party, Party, Party];
    net.filter = (_w, c0) => (c0.t === 'room:rot-ready' ? 'drop' : 'deliver');
    a.rekey.start(false);
    net.run();
    const k = b.next!;
    assert.ok(k !== null);
    b.rekey.gone(c.id);
    assert.equal(b.rekey.state.kind, 'following', 'another member gone changes nothing');
    b.rekey.gone(a.id);
    assert.equal(b.rekey.state.kind, 'idle');
    assert.equal(b.rekey.epoch, 0);
    assert.deepEqual(
      b.ops('dropNext').map((o) => o.key),
      [k],
    );
    assert.equal(b.next, null);
    assert.match(b.facts('rotation-failed')[0]!.line, /0000000000000001, who led it, is no longer in the room/);
    assert.deepEqual(b.ops('switchTo'), []);
  });

  it('gone of the leader before the key came: abandons, nothing to drop', () => {
    const net = new Router(2);
    const [a, b] = net.parties as [Party, Party];
    net.filter = (_w, c0) => (c0.t === 'room:rot-key' ? 'drop' : 'deliver');
    a.rekey.start(false);
    net.run();
    b.rekey.gone(a.id);
    assert.equal(b.rekey.state.kind, 'idle');
    assert.deepEqual(b.ops('dropNext'), []);
    assert.equal(b.facts('rotation-failed').length, 1);
  });
});

describe('RoomRekey: concurrent rotations', () => {
  it('a kick outranks a concurrent plain rotation of a higher id: everyone but the kicked ends on the kick’s key', () => {
    const net = new Router(4);
    const [a, b, c, d] = net.parties as [Party, Party, Party, Party];
    // d (the highest id) presses Ctrl-K while a kicks c; both start before hearing the other.
    d.rekey.start(false);
    a.rekey.start(true, c.id);
    net.offline(c); // the kick closes c's links (the core's doing)
    net.run();
    net.advance(ROOM_ROTATION_FOLLOWER_TIMEOUT_MS);
    const k = oneKey([a, b, d]);
    for (const p of [a, b, d]) {
      const f = p.facts('key-changed');
      assert.equal(f.length, 1);
      assert.equal(f[0]!.by, a.id);
      assert.equal(f[0]!.kick, true);
    }
    assert.deepEqual(c.ops('switchTo'), []);
    assert.ok(!c.ops('installNext').some((o) => o.key.equals(k)), 'the kicked member never saw the key');
    assert.equal(d.facts('rotation-failed').length, 1, 'the losing leader says so');
  });

  it('a kick still wins when the kicked member hears the plain offer', () => {
    const net = new Router(4);
    const [a, b, c, d] = net.parties as [Party, Party, Party, Party];
    d.rekey.start(false);
    a.rekey.start(true, c.id);
    net.run(); // c stays linked to d and b (they have not heard of the kick)
    net.advance(ROOM_ROTATION_FOLLOWER_TIMEOUT_MS);
    const k = oneKey([a, b, d]);
    assert.deepEqual(c.ops('switchTo'), []);
    assert.ok(!c.ops('installNext').some((o) => o.key.equals(k)));
    assert.ok(!c.key.equals(k));
  });

  it('two concurrent plain rotations end on one key (the higher initiator’s)', () => {
    const net = new Router(4);
    const [a, , c] = net.parties as [Party, Party, Party, Party];
    a.rekey.start(false);
    c.rekey.start(false);
    net.run();
    net.advance(ROOM_ROTATION_FOLLOWER_TIMEOUT_MS);
    oneKey(net.parties);
    for (const p of net.parties) assert.equal(p.facts('key-changed')[0]!.by, c.id);
    assert.equal(a.facts('rotation-failed').length, 1);
    assert.deepEqual(a.ops('save').length, 1, 'the loser never saved its own key');
  });

  it('two concurrent plain rotations, controls interleaved at random: one key', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const net = new Router(5);
      let x = seed;
      const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2147483648), x / 2147483648);
      const [p, q] = [net.parties[Math.floor(rnd() * 5)]!, net.parties[Math.floor(rnd() * 5)]!];
      p.rekey.start(false);
      q.rekey.start(rnd() < 0.3);
      // Deliver in a random order across links (in order on each link).
      for (let i = 0; net.queue.length > 0 && i < 10_000; i++) {
        const links = [...new Set(net.queue.map((w) => `${w.from}>${w.to}`))];
        const link = links[Math.floor(rnd() * links.length)]!;
        const at = net.queue.findIndex((w) => `${w.from}>${w.to}` === link);
        net.deliver(net.queue.splice(at, 1)[0]!);
      }
      net.advance(ROOM_ROTATION_FOLLOWER_TIMEOUT_MS);
      const keys = new Set(net.parties.map((pp) => pp.key.toString('hex')));
      assert.equal(keys.size, 1, `seed ${seed}: ${net.parties.map((pp) => `${pp.id.slice(-1)}:${pp.key.toString('hex').slice(0, 6)}`).join(' ')}`);
      assert.ok(!net.parties[0]!.key.equals(net.key), `seed ${seed}: nobody rotated`);
    }
  });
});

describe('RoomRekey: an attacker with the old room key who records every control', () => {
  it('cannot obtain the new key from the offers, accepts and wrapped keys', () => {
    const net = new Router(4);
    net.parties[1]!.rekey.start(false);
    net.run();
    const newKey = oneKey(net.parties);
    const old = net.key;
    const bodies = net.tap.map((w) => w.body);
    const controls = bodies.map(parse);
    const shares = controls.flatMap((c) => (c.t === 'room:rot-offer' || c.t === 'room:rot-accept' ? [c.pub] : []));
    const wraps = controls.filter((c): c is Extract<RotationControl, { t: 'room:rot-key' }> => c.t === 'room:rot-key');
    assert.equal(shares.length, 6, 'three offers, three accepts');
    assert.equal(wraps.length, 3);
    // Its own fresh pairs against every share it heard, with the old key and each rotation id: nothing opens.
    const mine = [generateRotationKeyPair(), generateRotationKeyPair()];
    for (const w of wraps)
      for (const own of mine)
        for (const pub of shares)
          assert.throws(() => unwrapRoomKey(own, pub, old, Buffer.from(w.r, 'base64url'), Buffer.from(w.wrapped, 'ascii')), /does not open/);
    // The old room key itself opens no wrap.
    for (const w of wraps) assert.throws(() => new Fernet(old).decrypt(Buffer.from(w.wrapped, 'ascii')));
    // And no body carries the new key in any encoding.
    const encodings = (['base64url', 'base64', 'hex', 'latin1'] as const).map((e) => newKey.toString(e));
    for (const b of bodies) for (const e of encodings) assert.ok(!b.includes(e), `a control carries the new key: ${b}`);
    for (const b of bodies) assert.ok(!Buffer.from(b, 'latin1').includes(newKey));
  });

  it('it can send controls only as a bound member: RoomRekey follows whoever the host names as `from`', () => {
    // The host contract: control(from, c) is called with the member the link is bound to (room-session: boundTo);
    // an unbound link's controls never get here. A member that is bound is in the room: a rot-offer of its own
    // is a rotation like anyone's, answered to it alone, and the key it hands out is its own choice.
    const net = new Router(2);
    const [a, b] = net.parties as [Party, Party];
    const intruder = id(0xff);
    const pub = generateRotationKeyPair().publicKey;
    a.rekey.control(intruder, { t: 'room:rot-offer', r: randomBytes(16).toString('base64url'), epoch: 1, kick: true, pub });
    const s = a.rekey.state;
    assert.equal(s.kind === 'following' && s.rank.initiator, intruder, 'the initiator is `from`, never a field of the body');
    assert.deepEqual(
      a.ops('send').map((o) => o.to),
      [intruder],
      'the accept goes to `from` alone',
    );
    assert.deepEqual(b.log, []);
  });
});
