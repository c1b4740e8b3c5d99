/**
 * The mesh shell (src/net/mesh.ts) on the in-memory network: several
 * processes, one room key, one socket each, a member (Connection, Bus) per
 * peer — dialed, or seated by the accept policy when the peer dials us.
 * Deterministic: a ManualClock and a manual network (test/_transport-pair.ts).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { formatAddress, sameAddress, type Address } from '../../src/address/address.js';
import { Bus } from '../../src/bus.js';
import { ENDPOINT_CONNECTIONS_MAX } from '../../src/constants.js';
import { Mesh } from '../../src/net/mesh.js';
import type { MeshMember } from '../../src/net/mesh-member.js';
import type { DatagramPort } from '../../src/net/port.js';
import { MovingPort } from '../_moving-port.js';
import { Lab, record, type Recorded } from '../_transport-pair.js';

interface Seat {
  member: MeshMember;
  events: Recorded;
  /** Made by the accept policy (the peer dialed us). */
  accepted: boolean;
}

interface Node {
  name: string;
  addr: Address;
  mesh: Mesh;
  seats: Seat[];
  /** Addresses (host:port) the accept policy turns away. */
  refuse: Set<string>;
  /** The seat whose peer is at `a`. */
  seat(a: Address): Seat;
  dial(a: Address): Seat;
}

const MESSAGES = 50;

/** A process of the room at `addr`: a mesh that seats every stranger under `key`. */
function node(lab: Lab, key: Buffer, name: string, addr: Address, port: DatagramPort = lab.net.port(addr.host, addr.port)): Node {
  const seats: Seat[] = [];
  const refuse = new Set<string>();
  const options = { key, nick: name, wire: 'reliable' as const };
  const mesh = new Mesh({
    port,
    clock: lab.clock,
    autoTick: false,
    byeLingerMs: 0,
    accept: {
      keys: () => [key],
      decide: ({ from }) => (refuse.has(formatAddress(from)) ? null : { bus: new Bus(), options }),
      // Before the member's first fact: the pump after this datagram batch carries them out.
      accepted: (member) => void seats.push({ member, events: record(member.bus), accepted: true }),
    },
  });
  lab.drive(mesh);
  mesh.start();
  return {
    name,
    addr,
    mesh,
    seats,
    refuse,
    seat: (a) => {
      const s = seats.find((x) => sameAddress(x.member.peerAddress(), a));
      assert.ok(s, `${name} has no member at ${formatAddress(a)}`);
      return s;
    },
    dial: (a) => {
      const bus = new Bus();
      const s = { member: mesh.add(bus, { ...options, peer: a }), events: record(bus), accepted: false };
      seats.push(s);
      return s;
    },
  };
}

/** Every node (as the list holds them when the test ends) is closed, then the network. */
function closeAtEnd(t: TestContext, lab: Lab, nodes: Node[]): void {
  t.after(async () => {
    for (const n of nodes) await n.mesh.close();
    lab.net.close();
  });
}

/** Each pair dialed once: the earlier node in the list dials, the later one seats it. */
function dialOnce(nodes: Node[]): void {
  for (const [i, x] of nodes.entries()) for (const y of nodes.slice(i + 1)) x.dial(y.addr);
}

const addr = (i: number): Address => ({ host: `10.0.0.${i + 1}`, port: 7001 + i });

/** Every member of every node sends MESSAGES lines to its peer; each arrives once, in order. */
async function chatAll(lab: Lab, nodes: Node[], tag: string): Promise<void> {
  const seated = (): boolean => nodes.every((x) => nodes.every((y) => x === y || x.seats.some((s) => sameAddress(s.member.peerAddress(), y.addr))));
  assert.ok(await lab.until(seated, 10_000), 'every node has a member for every other');
  for (const x of nodes) {
    for (const y of nodes) {
      if (x === y) continue;
      const { bus } = x.seat(y.addr).member;
      for (let i = 0; i < MESSAGES; i++) bus.emit('send', { id: `${tag}-${x.name}-${y.name}-${i}`, text: `${tag} ${x.name}>${y.name} ${i}` });
    }
  }
  const expected = (x: Node, y: Node): string[] => Array.from({ length: MESSAGES }, (_, i) => `${tag} ${x.name}>${y.name} ${i}`);
  const got = (x: Node, y: Node): string[] =>
    y
      .seat(x.addr)
      .events['message:received'].map((m) => m.text)
      .filter((t) => t.startsWith(`${tag} `));
  const done = (): boolean => nodes.every((x) => nodes.every((y) => x === y || got(x, y).length >= MESSAGES));
  assert.ok(await lab.until(done, 60_000), 'every line arrives');
  for (const x of nodes) for (const y of nodes) if (x !== y) assert.deepEqual(got(x, y), expected(x, y), `${x.name} → ${y.name}: once each, in order`);
}

test(
  'four meshes, one key, one dialing the others and each seating who dials it: a full mesh, 50 lines each way on every pair',
  { timeout: 60_000 },
  async (t) => {
    const lab = new Lab({ seed: 3, conditions: { loss: 0.1, duplicate: 0.05, reorder: 0.1 } });
    const key = randomBytes(32);
    const nodes = [0, 1, 2, 3].map((i) => node(lab, key, `n${i}`, addr(i)));
    closeAtEnd(t, lab, nodes);
    // n0 dials everyone, n1 dials n2 and n3, n2 dials n3: each pair has one dialer, the other side seats it.
    dialOnce(nodes);
    await chatAll(lab, nodes, 'hi');
    for (const [i, n] of nodes.entries()) {
      assert.equal(n.mesh.members.length, 3, `${n.name}: one member per peer, no duplicates`);
      assert.equal(n.seats.filter((s) => s.accepted).length, i, `${n.name} seated everyone who dialed it`);
      for (const s of n.seats) assert.equal(s.events['peer:state'].at(-1)?.state, 'online');
    }
  },
);

test('every mesh dials every other: the answers find the dialed members, nobody is seated twice', { timeout: 60_000 }, async (t) => {
  const lab = new Lab({ seed: 4 });
  const key = randomBytes(32);
  const nodes = [0, 1, 2].map((i) => node(lab, key, `n${i}`, addr(i)));
  closeAtEnd(t, lab, nodes);
  for (const x of nodes) for (const y of nodes) if (x !== y) x.dial(y.addr);
  await chatAll(lab, nodes, 'hey');
  for (const n of nodes) {
    assert.equal(n.mesh.members.length, 2);
    assert.equal(n.seats.filter((s) => s.accepted).length, 0);
  }
});

test('a member restarts on its address (a new session): re-bound to its members elsewhere; a member that roams keeps them', { timeout: 60_000 }, async (t) => {
  const lab = new Lab({ seed: 5 });
  const key = randomBytes(32);
  const moving = new MovingPort(lab.net.port(addr(2).host, addr(2).port));
  const nodes = [node(lab, key, 'n0', addr(0)), node(lab, key, 'n1', addr(1)), node(lab, key, 'n2', addr(2), moving), node(lab, key, 'n3', addr(3))];
  closeAtEnd(t, lab, nodes);
  dialOnce(nodes);
  await chatAll(lab, nodes, 'one');
  const before = nodes.slice(0, 3).map((n) => n.seat(addr(3)));

  // n3 restarts: the same address, a new mesh, a new session; it dials everyone again.
  await nodes[3]!.mesh.close();
  const n3 = node(lab, key, 'n3', addr(3));
  nodes[3] = n3;
  for (const y of nodes.slice(0, 3)) n3.dial(y.addr);
  await chatAll(lab, nodes, 'two');
  for (const [i, n] of nodes.slice(0, 3).entries()) {
    assert.equal(n.seat(addr(3)), before[i], `${n.name}: the same member`);
    assert.equal(n.mesh.members.length, 3, `${n.name}: no new member`);
    assert.equal(n.seat(addr(3)).events['peer:restarted'].length, 1);
  }

  // n2 moves to another network: its members elsewhere follow it.
  const kept = [0, 1, 3].map((i) => nodes[i]!.seat(addr(2)));
  const roamed: Address = { host: '10.9.9.9', port: 4444 };
  moving.move(lab.net.port(roamed.host, roamed.port));
  nodes[2] = { ...nodes[2]!, addr: roamed };
  await chatAll(lab, nodes, 'three');
  for (const [j, i] of [0, 1, 3].entries()) {
    const n = nodes[i]!;
    assert.equal(n.seat(roamed), kept[j], `${n.name}: the same member, at the new address`);
    assert.equal(n.mesh.members.length, 3);
  }
});

test('remove(): the member says bye, its peer sees it leave, what it did not deliver fails; the rest go on', { timeout: 60_000 }, async (t) => {
  const lab = new Lab({ seed: 6 });
  const key = randomBytes(32);
  const nodes = [0, 1, 2].map((i) => node(lab, key, `n${i}`, addr(i)));
  closeAtEnd(t, lab, nodes);
  dialOnce(nodes);
  await chatAll(lab, nodes, 'a');
  const [n0, n1, n2] = nodes as [Node, Node, Node];
  const gone = n0.seat(n1.addr);
  // Removal is no ban: n1 still talks to n0 and would be seated again; the policy's owner refuses it.
  n0.refuse.add(formatAddress(n1.addr));
  gone.member.bus.emit('send', { id: 'last', text: 'never acknowledged' });
  const removal = n0.mesh.remove(gone.member);
  await removal;
  assert.deepEqual(
    gone.events['message:failed'].map((m) => m.id),
    ['last'],
    'the bye went once (no linger here), the line was not acknowledged',
  );
  await lab.advance(6_000);
  assert.equal(n0.mesh.members.length, 1);
  assert.ok(n0.mesh.orphanDrops().refused > 0, "n1's frames are refused");
  assert.equal(n1.seat(n0.addr).events['peer:state'].at(-1)?.state, 'left');
  assert.equal(await gone.member.flush(10), true, 'nothing pending');
  gone.member.bus.emit('send', { id: 'late', text: 'after removal' });
  assert.equal(gone.member.pendingCount(), 0, 'a removed member takes no request');
  n0.seat(n2.addr).member.bus.emit('send', { id: 'still', text: 'still here' });
  assert.ok(await lab.until(() => n2.seat(n0.addr).events['message:received'].some((m) => m.text === 'still here'), 5_000));
});

test('the accept policy refuses: nothing is seated, the drop is counted on the mesh', { timeout: 30_000 }, async (t) => {
  const lab = new Lab({ seed: 7 });
  const key = randomBytes(32);
  const port = lab.net.port(addr(0).host, addr(0).port);
  const asked: string[] = [];
  const closed = new Mesh({
    port,
    clock: lab.clock,
    autoTick: false,
    byeLingerMs: 0,
    accept: { keys: () => [key], decide: (i) => (asked.push(i.sender), null) },
  });
  lab.drive(closed);
  closed.start();
  const caller = node(lab, key, 'n1', addr(1));
  t.after(async () => {
    await closed.close();
    await caller.mesh.close();
    lab.net.close();
  });
  caller.dial(addr(0));
  await lab.advance(2_000);
  assert.equal(closed.members.length, 0);
  assert.ok(asked.length >= 1);
  assert.equal(closed.orphanDrops().refused, asked.length);
});

test(
  'add() and remove(): at most ENDPOINT_CONNECTIONS_MAX members, a member added to a started mesh starts, remove is idempotent, nothing after close',
  { timeout: 30_000 },
  async () => {
    const lab = new Lab({ seed: 8 });
    const key = randomBytes(32);
    const mesh = new Mesh({ port: lab.net.port(addr(0).host, addr(0).port), clock: lab.clock, autoTick: false, byeLingerMs: 0 });
    const options = { key, nick: 'me', wire: 'reliable' as const };
    const members = Array.from({ length: ENDPOINT_CONNECTIONS_MAX }, (_, i) => mesh.add(new Bus(), { ...options, peer: addr(i + 1) }));
    assert.throws(() => mesh.add(new Bus(), { ...options, peer: null }), TypeError);
    const seen: Address[] = [];
    lab.net.capture((_from, to) => void seen.push(to));
    mesh.start();
    assert.equal(seen.length, ENDPOINT_CONNECTIONS_MAX, 'each started member says hello');
    const first = members[0]!;
    const a = mesh.remove(first);
    assert.equal(mesh.remove(first), a, 'the same removal');
    await a;
    await mesh.remove(first);
    assert.equal(mesh.members.length, ENDPOINT_CONNECTIONS_MAX - 1);
    const late = mesh.add(new Bus(), { ...options, peer: addr(40) });
    assert.ok(
      seen.some((to) => sameAddress(to, addr(40))),
      'a member added to a started mesh starts at once',
    );
    assert.equal(mesh.members.at(-1), late);
    await mesh.close();
    assert.throws(() => mesh.add(new Bus(), { ...options, peer: null }), TypeError);
    assert.equal(await late.flush(10), true);
    lab.net.close();
  },
);
