/**
 * Crash-safe rotation end to end (issue 11, parts 4 and 5): two real
 * Transports on an in-memory network with a ManualClock. A rotation starts;
 * at a random point one side is killed — its port closed, no bye, whatever it
 * had not written to its profile lost — and started again after a random
 * delay (a second, a minute, past the token TTL, a day) from what its last
 * `key:persist` wrote; sometimes the other side is killed too. Whatever the
 * schedule, both must end on one key, in memory and in the profiles, and a
 * message each way must be delivered.
 *
 * The profile file is an object here: key:persist replaces it synchronously,
 * as app/session.ts writes it (one atomic write).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Bus, type PersistedKeys } from '../../src/bus.js';
import { ManualClock } from '../../src/clock.js';
import { encodeKey, fingerprint } from '../../src/crypto/keys.js';
import { Keyring, pendingFromPersisted, type PendingKey } from '../../src/net/keyring.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import type { DatagramPort } from '../../src/net/port.js';
import { Transport } from '../../src/net/transport.js';
import { formatAddress, sameAddress, type Address } from '../../src/address/address.js';

const DAY_MS = 86_400_000;
/** Down times: short, about the retry and grace periods, past the Fernet TTL, a day. */
const DOWN_MS = [0, 1_000, 5_000, 30_000, 61_000, 11 * 60_000, DAY_MS] as const;

interface Profile {
  key: Buffer;
  pending: PendingKey | null;
}

interface Node {
  name: string;
  addr: Address;
  /** Configured peer address, or null: learned from the first authenticated datagram. */
  peer: Address | null;
  profile: Profile;
  bus: Bus;
  port: DatagramPort;
  transport: Transport;
  alive: boolean;
  received: string[];
  /** Every error message shown, to check that no key is ever in one. */
  shown: string[];
  persists: number;
}

class World {
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly net: MemoryNetwork;
  /** Every key any profile ever held (urlsafe base64), to look for in messages. */
  readonly keysSeen = new Set<string>();
  readonly a: Node;
  readonly b: Node;
  /** Datagrams sent under a key the receiver's profile did not hold at that moment (each one a split, had the receiver died then). */
  readonly unsaved: string[] = [];

  constructor(key: Buffer, bLearns: boolean, seed: number) {
    this.net = new MemoryNetwork({ seed, manual: true });
    const A = { host: '10.0.0.1', port: 7001 };
    const B = { host: '10.0.0.2', port: 7002 };
    this.keysSeen.add(encodeKey(key));
    this.a = this.boot({ name: 'alice', addr: A, peer: B, profile: { key, pending: null } });
    this.b = this.boot({ name: 'bob', addr: B, peer: bLearns ? null : A, profile: { key, pending: null } });
    this.net.capture((from, to, data) => this.checkSaved(from, to, data));
  }

  /** Persist before sending: whatever leaves must be readable with what the receiver's profile holds right now. */
  private checkSaved(from: Address, to: Address, data: Buffer): void {
    const receiver = [this.a, this.b].find((n) => sameAddress(n.addr, to));
    if (receiver === undefined) return;
    try {
      new Keyring(receiver.profile.key, this.clock, receiver.profile.pending).decrypt(data, { ttlS: DAY_MS / 1000, clockSkewS: DAY_MS / 1000 });
    } catch {
      this.unsaved.push(`${formatAddress(from)} → ${receiver.name} at ${this.clock.now()}`);
    }
  }

  /** A process starts from its profile. */
  boot(n: Pick<Node, 'name' | 'addr' | 'peer' | 'profile'> & Partial<Node>): Node {
    const bus = new Bus();
    const port = this.net.port(n.addr.host, n.addr.port);
    const transport = new Transport({
      bus,
      port,
      key: n.profile.key,
      pendingKey: n.profile.pending,
      nick: n.name,
      wire: 'reliable',
      peer: n.peer,
      clock: this.clock,
      autoTick: false,
      byeLingerMs: 0,
    });
    const node = n as Node;
    Object.assign(node, { bus, port, transport, alive: true, received: [], shown: [], persists: 0 });
    bus.on('key:persist', (e: PersistedKeys) => {
      // A killed process writes nothing more (its receive queue may still run a batch).
      if (!node.alive || node.transport !== transport) return;
      node.persists += 1;
      node.profile = {
        key: Buffer.from(e.key, 'base64url'),
        pending: pendingFromPersisted(e.pendingKey),
      };
      this.keysSeen.add(e.key);
      if (e.pendingKey) this.keysSeen.add(e.pendingKey.key);
    });
    bus.on('message:received', (m) => void node.received.push(m.text));
    bus.on('error', (e) => void node.shown.push(e.message));
    bus.on('key:rotated', (e) => void node.shown.push(`key rotated: ${e.oldFingerprint} → ${e.newFingerprint}`));
    bus.on('key:rotation-failed', (e) => void node.shown.push(e.reason));
    transport.start();
    return node;
  }

  /** SIGKILL: the port goes, nothing is said, nothing more is written. */
  kill(n: Node): void {
    n.alive = false;
    void n.port.close();
  }

  restart(n: Node): void {
    this.boot(n);
  }

  live(): Node[] {
    return [this.a, this.b].filter((n) => n.alive);
  }

  /** Deliver one datagram (if any), let receive queues run, tick what is due. */
  async step(): Promise<boolean> {
    const moved = this.net.step();
    await new Promise<void>((r) => setImmediate(r));
    let ticked = false;
    for (const n of this.live()) {
      const d = n.transport.nextDeadline();
      if (d !== null && d <= this.clock.now()) {
        n.transport.tick();
        ticked = true;
      }
    }
    return moved || ticked;
  }

  async settle(): Promise<void> {
    for (let i = 0, quiet = 0; quiet < 2; i++) {
      assert.ok(i < 5_000, 'the network goes quiet');
      quiet = (await this.step()) ? 0 : quiet + 1;
    }
  }

  /** Move time forward by `ms`, stopping at every deadline on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    await this.settle();
    for (let i = 0; this.clock.now() < end; i++) {
      assert.ok(i < 5_000, 'bounded');
      let next = end;
      for (const n of this.live()) {
        const d = n.transport.nextDeadline();
        if (d !== null && d < next) next = d;
      }
      this.clock.set(Math.max(this.clock.now() + 1, Math.min(next, end)));
      await this.settle();
    }
  }

  /** Time passes without anyone looking closely (a long outage): one jump, then what is due runs. */
  async jump(ms: number): Promise<void> {
    const steps = Math.min(ms, 20_000);
    await this.advance(steps);
    this.clock.advance(ms - steps);
    await this.settle();
  }

  async until(cond: () => boolean, ms: number): Promise<boolean> {
    for (let t = 0; t < ms && !cond(); t += 250) await this.advance(250);
    return cond();
  }
}

interface Schedule {
  initiator: 'a' | 'b';
  victim: 'a' | 'b';
  /** Datagrams delivered after the rotate request before the kill. */
  killAfter: number;
  /** Time that passes (with everything running) right before the kill, ms. */
  beforeKillMs: number;
  downMs: number;
  /** The other side is killed too, this many datagrams after the victim restarted, for this long; or null. */
  second: { after: number; downMs: number } | null;
  bLearns: boolean;
  /** Loss, duplication and reordering while the rotation runs and the sides restart (lifted for the final check). */
  impaired: boolean;
}

const arbSchedule: fc.Arbitrary<Schedule> = fc.record({
  initiator: fc.constantFrom<'a' | 'b'>('a', 'b'),
  victim: fc.constantFrom<'a' | 'b'>('a', 'b'),
  killAfter: fc.nat({ max: 12 }),
  beforeKillMs: fc.constantFrom(0, 0, 0, 300, 600, 11_000),
  downMs: fc.constantFrom(...DOWN_MS),
  second: fc.option(fc.record({ after: fc.nat({ max: 6 }), downMs: fc.constantFrom(...DOWN_MS) }), { freq: 3 }),
  bLearns: fc.boolean(),
  impaired: fc.boolean(),
});

const stats = { runs: 0, rotated: 0, stayed: 0, pendingLeft: 0 };

async function run(s: Schedule, seed = 1): Promise<void> {
  const start = randomBytes(32);
  const w = new World(start, s.bLearns, seed);
  try {
    await w.advance(1_000); // connected
    assert.ok(w.a.transport.peerAddress() !== null && w.b.transport.peerAddress() !== null, 'connected');
    if (s.impaired) w.net.setConditions({ loss: 0.2, duplicate: 0.05, reorder: 0.1 });
    const init = w[s.initiator];
    init.bus.emit('rotate', {});
    for (let i = 0; i < s.killAfter; i++) await w.step();
    if (s.beforeKillMs > 0) await w.advance(s.beforeKillMs);
    const victim = w[s.victim];
    const other = s.victim === 'a' ? w.b : w.a;
    w.kill(victim);
    await w.jump(s.downMs);
    w.restart(victim);
    if (s.second !== null) {
      for (let i = 0; i < s.second.after; i++) await w.step();
      w.kill(other);
      await w.jump(s.second.downMs);
      w.restart(other);
    }
    // Everything that runs on a timer settles (retries, timeouts, promotions on the next keepalive).
    await w.advance(30_000);
    w.net.setConditions({});
    const tag = `${w.clock.now()}`;
    w.a.bus.emit('send', { id: 'a1', text: `a→b ${tag}` });
    w.b.bus.emit('send', { id: 'b1', text: `b→a ${tag}` });
    const chat = await w.until(() => w.b.received.includes(`a→b ${tag}`) && w.a.received.includes(`b→a ${tag}`), 60_000);
    const why = JSON.stringify({ ...s, a: w.a.shown, b: w.b.shown });
    assert.ok(chat, `a message each way is delivered: ${why}`);
    assert.deepEqual(w.unsaved, [], `every datagram was readable with the receiver's saved keys: ${why}`);
    assert.equal(w.a.transport.fingerprint(), w.b.transport.fingerprint(), `one key in memory: ${why}`);
    assert.ok(w.a.profile.key.equals(w.b.profile.key), `one key in the profiles: ${why}`);
    assert.equal(fingerprint(w.a.profile.key), w.a.transport.fingerprint(), 'the profile holds the key in use');
    for (const n of [w.a, w.b]) {
      for (const line of n.shown) for (const k of w.keysSeen) assert.ok(!line.includes(k), `no key in a message: ${line}`);
    }
    stats.runs += 1;
    if (w.a.profile.key.equals(start)) stats.stayed += 1;
    else stats.rotated += 1;
    for (const n of [w.a, w.b]) {
      // Left over only as a responder's next its initiator never committed (so nothing was ever sent under it).
      if (n.profile.pending !== null) assert.equal(n.profile.pending.slot, 'next', `${n.name}: a committed rotation is settled: ${why}`);
    }
    if (w.a.profile.pending !== null || w.b.profile.pending !== null) stats.pendingLeft += 1;
  } finally {
    w.net.close();
  }
}

test(
  'property: a side killed at any point of a rotation and restarted after any delay ends on its peer key, and the chat works',
  { timeout: 120_000 },
  async () => {
    await fc.assert(fc.asyncProperty(arbSchedule, fc.nat(), run), { numRuns: Number(process.env.CRASH_RUNS ?? 100) });
    console.log(`crash schedules: ${JSON.stringify(stats)}`);
    // Both outcomes must occur, or the property proves little.
    assert.ok(stats.rotated > 0 && stats.stayed > 0, JSON.stringify(stats));
  },
);

test('the crash split of issue 11: the initiator killed after committing, back after 70 s (or a day), ends on the peer key', { timeout: 60_000 }, async () => {
  // Fixed schedule: offer, accept, the initiator commits and its confirm is in flight when it dies.
  const committed = { initiator: 'a', victim: 'a', killAfter: 2, beforeKillMs: 0, second: null, impaired: false } as const;
  await run({ ...committed, downMs: 70_000, bLearns: false });
  await run({ ...committed, downMs: DAY_MS, bLearns: true });
});

test(
  "a peer on another key (a crash split, a hand-edited profile): each side says so once a minute, naming the peer's address, never the key",
  { timeout: 60_000 },
  async () => {
    const w = new World(randomBytes(32), false, 3);
    try {
      // Bob comes back on a key alice never had.
      w.kill(w.b);
      w.b.profile = { key: randomBytes(32), pending: null };
      w.restart(w.b);
      await w.advance(3 * 60_000);
      const hint = (n: Node, from: string): string[] =>
        n.shown.filter((l) => l === `datagrams from ${from} fail authentication — different key? compare /fingerprint`);
      for (const [n, from] of [
        [w.a, '10.0.0.2:7002'],
        [w.b, '10.0.0.1:7001'],
      ] as const) {
        const lines = hint(n, from);
        assert.ok(lines.length >= 2 && lines.length <= 4, `${n.name}: about one a minute over three minutes, got ${lines.length}: ${n.shown.join(' | ')}`);
      }
      assert.equal(w.a.transport.fingerprint() === w.b.transport.fingerprint(), false);
    } finally {
      w.net.close();
    }
  },
);
