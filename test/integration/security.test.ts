/**
 * Security of the transport (issue #5 part 5): forged, garbage, replayed and
 * reflected datagrams are dropped without a reply and the chat goes on;
 * roaming follows authenticated datagrams only; a flood cannot starve the
 * event loop; remote text reaches the bus verbatim and is made safe only at
 * display (src/text/sanitize.ts).
 *
 * Most tests run two Transports over a manual MemoryNetwork with a
 * ManualClock, so every datagram is seen (capture), forged (inject) and
 * delivered when the test says. The last one runs over real loopback UDP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { Bus } from '../../src/bus.js';
import { ManualClock } from '../../src/clock.js';
import { MAX_ACCEPTED_DATAGRAM_BYTES, DEFAULT_TOKEN_TTL_S, REPLAY_WINDOW_SIZE } from '../../src/constants.js';
import { decodeBase64Url, encodeBase64Url } from '../../src/crypto/base64url.js';
import { Fernet } from '../../src/crypto/fernet.js';
import type { DropReason } from '../../src/net/errors.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import { formatAddress, sameAddress, type Address } from '../../src/address/address.js';
import type { DatagramPort } from '../../src/net/port.js';
import { Prng } from '../../src/net/impairment.js';
import { Transport } from '../../src/net/transport.js';
import { bindUdp } from '../../src/net/udp.js';
import { escapeTags, sanitizeText } from '../../src/text/sanitize.js';

const A_ADDR: Address = { host: '10.0.0.1', port: 1000 };
const B_ADDR: Address = { host: '10.0.0.2', port: 2000 };
const ATTACKER: Address = { host: '10.6.6.6', port: 6666 };
const TURN_LIMIT = 2_000;

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Peer {
  name: string;
  bus: Bus;
  t: Transport;
  received: string[];
  addressEvents: Array<{ address: string; reason: string }>;
  restarts: number;
  alarms: string[];
}

/** A port whose underlying socket can be swapped, as a NAT rebinding does to a peer's source address. */
class NatPort implements DatagramPort {
  private offs: Array<() => void> = [];
  private readonly dh = new Set<(d: Buffer, f: Address) => void>();
  constructor(private inner: DatagramPort) {
    this.attach();
  }
  rebind(next: DatagramPort): void {
    for (const off of this.offs.splice(0)) off();
    void this.inner.close();
    this.inner = next;
    this.attach();
  }
  private attach(): void {
    this.offs.push(this.inner.onDatagram((d, f) => this.dh.forEach((h) => h(d, f))));
  }
  send(d: Buffer, to: Address): void {
    this.inner.send(d, to);
  }
  onDatagram(h: (d: Buffer, f: Address) => void): () => void {
    this.dh.add(h);
    return () => this.dh.delete(h);
  }
  onError(h: (e: Error) => void): () => void {
    return this.inner.onError(h);
  }
  address(): Address {
    return this.inner.address();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Two (or more) transports on a manual MemoryNetwork, one ManualClock, one key. */
class Lab {
  readonly net = new MemoryNetwork({ manual: true, seed: 1 });
  readonly clock = new ManualClock();
  readonly key = randomBytes(32);
  readonly peers = new Set<Peer>();
  /** Every datagram sent through a port, in order. */
  readonly wire: Array<{ from: Address; to: Address; data: Buffer }> = [];

  constructor() {
    this.net.capture((from, to, data) => this.wire.push({ from, to, data }));
  }

  open(name: string, port: DatagramPort, peer: Address | null, wire: 'reliable' | 'raw' = 'reliable'): Peer {
    const bus = new Bus();
    const t = new Transport({ bus, port, key: this.key, nick: name, wire, peer, clock: this.clock, autoTick: false });
    const p: Peer = { name, bus, t, received: [], addressEvents: [], restarts: 0, alarms: [] };
    bus.on('message:received', (m) => p.received.push(m.text));
    bus.on('peer:address', (e) => p.addressEvents.push(e));
    bus.on('peer:restarted', () => p.restarts++);
    bus.on('error', (e) => {
      if (/internal error/.test(e.message)) p.alarms.push(e.message);
    });
    t.start();
    this.peers.add(p);
    return p;
  }

  async close(p: Peer): Promise<void> {
    this.peers.delete(p);
    await p.t.close();
  }

  async closeAll(): Promise<void> {
    for (const p of [...this.peers]) await this.close(p);
    this.net.close();
  }

  /** Deliver and process until nothing moves (no clock change). */
  async pump(): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < TURN_LIMIT; i++) {
      const moved = this.net.flush();
      await turn();
      quiet = moved === 0 && this.net.inFlight === 0 ? quiet + 1 : 0;
      if (quiet >= 3) return;
    }
    throw new Error('the network did not settle');
  }

  /** Let `ms` of time pass in steps, ticking every transport. */
  async settle(ms = 200, stepMs = 10): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      this.clock.advance(stepMs);
      for (const p of this.peers) p.t.tick();
      await this.pump();
    }
  }

  send(p: Peer, text: string): void {
    p.bus.emit('send', { id: `${p.name}-${text.slice(0, 20)}-${this.wire.length}`, text });
  }

  /** Datagrams sent since index `since` that match. */
  sent(since: number, match: (d: { from: Address; to: Address }) => boolean): Buffer[] {
    return this.wire
      .slice(since)
      .filter(match)
      .map((d) => d.data);
  }
}

async function chatting(): Promise<{ lab: Lab; a: Peer; b: Peer }> {
  const lab = new Lab();
  const a = lab.open('alice', lab.net.port(A_ADDR.host, A_ADDR.port), B_ADDR);
  const b = lab.open('bob', lab.net.port(B_ADDR.host, B_ADDR.port), A_ADDR);
  await lab.settle();
  lab.send(a, 'hello bob');
  lab.send(b, 'hello alice');
  await lab.settle();
  assert.deepEqual(b.received, ['hello bob']);
  assert.deepEqual(a.received, ['hello alice']);
  return { lab, a, b };
}

function totalDrops(t: Transport): number {
  return Object.values(t.dropCounts()).reduce((x, y) => x + y, 0);
}

function flipBitInToken(token: Buffer, byteIndex: number, bit: number): Buffer {
  const raw = decodeBase64Url(token);
  assert.ok(raw !== null, 'a captured token decodes');
  raw[byteIndex < 0 ? raw.length + byteIndex : byteIndex]! ^= 1 << bit;
  return encodeBase64Url(raw);
}

/** The chat goes on: a fresh message each way arrives exactly once. */
async function stillChatting(lab: Lab, a: Peer, b: Peer, tag: string): Promise<void> {
  lab.send(a, `a→b ${tag}`);
  lab.send(b, `b→a ${tag}`);
  await lab.settle();
  assert.equal(b.received.filter((m) => m === `a→b ${tag}`).length, 1, `b got "a→b ${tag}" once`);
  assert.equal(a.received.filter((m) => m === `b→a ${tag}`).length, 1, `a got "b→a ${tag}" once`);
}

test('datagrams that do not authenticate are dropped silently, counted, and never move the peer', async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const real = lab.sent(0, (d) => sameAddress(d.from, A_ADDR));
  const token = real[real.length - 1]!;
  const prng = new Prng(5);
  const cases: Array<[string, Buffer, DropReason]> = [
    ['random bytes', prng.bytes(300), 'unauthenticated'],
    ['empty datagram', Buffer.alloc(0), 'unauthenticated'],
    ['valid base64 garbage', encodeBase64Url(prng.bytes(120)), 'unauthenticated'],
    ['base64 garbage with the Fernet version byte', encodeBase64Url(Buffer.concat([Buffer.from([0x80]), prng.bytes(104)])), 'unauthenticated'],
    ['a token under another key (text)', new Fernet(randomBytes(32)).encrypt(Buffer.from('hi, I am bob')), 'unauthenticated'],
    [
      'a token under another key (frame-like)',
      new Fernet(randomBytes(32)).encrypt(Buffer.concat([Buffer.from([0xfc, 0x01, 0x01]), prng.bytes(60)])),
      'unauthenticated',
    ],
    ['a truncated token', token.subarray(0, token.length - 7), 'unauthenticated'],
    ['a token cut in half', token.subarray(0, token.length >> 1), 'unauthenticated'],
    ['an oversized datagram', Buffer.alloc(MAX_ACCEPTED_DATAGRAM_BYTES + 1, 0x41), 'oversized'],
    ['a token with one flipped bit in the ciphertext', flipBitInToken(token, 40, 3), 'unauthenticated'],
    ['a token with one flipped bit in the HMAC', flipBitInToken(token, -1, 0), 'unauthenticated'],
    ['a token with one flipped bit in the timestamp', flipBitInToken(token, 8, 0), 'unauthenticated'],
  ];
  for (const [name, data, reason] of cases) {
    const since = lab.wire.length;
    const before = b.t.dropCounts();
    const received = b.received.length;
    const events = b.addressEvents.length;
    lab.net.inject(ATTACKER, B_ADDR, data);
    await lab.pump();
    assert.equal(b.t.dropCounts()[reason], before[reason] + 1, `${name}: counted as ${reason}`);
    assert.equal(totalDrops(b.t), Object.values(before).reduce((x, y) => x + y, 0) + 1, `${name}: counted once`);
    assert.deepEqual(
      lab.sent(since, () => true),
      [],
      `${name}: no reply, nothing sent at all`,
    );
    assert.equal(b.received.length, received, `${name}: nothing delivered`);
    assert.equal(b.addressEvents.length, events, `${name}: the peer did not move`);
    assert.deepEqual(b.t.peerAddress(), A_ADDR, `${name}: the peer did not move`);
  }
  assert.ok(b.t.stats().dropped >= cases.length, 'link:stats counts them');
  await stillChatting(lab, a, b, 'after garbage');
  assert.deepEqual([...a.alarms, ...b.alarms], []);
});

test('a replayed datagram is never delivered twice: immediately, later, after many packets', async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const since = lab.wire.length;
  lab.send(a, 'secret');
  await lab.settle();
  const recorded = lab.sent(since, (d) => sameAddress(d.from, A_ADDR));
  assert.ok(recorded.length > 0);
  const replayAll = async (from: Address): Promise<void> => {
    const sent = lab.wire.length;
    for (const d of recorded) lab.net.inject(from, B_ADDR, d);
    await lab.pump();
    assert.deepEqual(
      lab.sent(sent, (d) => sameAddress(d.to, ATTACKER)),
      [],
      'no reply to the replayer',
    );
    assert.deepEqual(b.t.peerAddress(), A_ADDR, 'a replay from elsewhere does not move the peer');
    assert.equal(b.received.filter((m) => m === 'secret').length, 1, 'secret delivered once');
  };

  const replayed0 = b.t.dropCounts().replayed;
  await replayAll(A_ADDR);
  await replayAll(ATTACKER);
  assert.equal(b.t.dropCounts().replayed, replayed0 + 2 * recorded.length, 'immediate replays hit the replay window');

  await lab.settle(30_000, 1_000); // later, keepalives flowing
  await replayAll(ATTACKER);

  // Many more packets: the recorded packet numbers fall behind the replay window.
  for (let sent = 0; sent < REPLAY_WINDOW_SIZE + 200; sent += 250) {
    for (let i = 0; i < 250; i++) lab.send(a, `bulk ${sent + i}`);
    await lab.settle(60, 20);
  }
  await lab.settle();
  assert.equal(b.received.filter((m) => m.startsWith('bulk ')).length, Math.ceil((REPLAY_WINDOW_SIZE + 200) / 250) * 250);
  await replayAll(ATTACKER);

  // Past the Fernet TTL: the token itself is too old.
  await lab.settle((DEFAULT_TOKEN_TTL_S + 5) * 1000, 5_000);
  await replayAll(A_ADDR);
  await stillChatting(lab, a, b, 'after replays');
  assert.deepEqual([...a.alarms, ...b.alarms], []);
});

test('a replay after the receiver restarted is not delivered to the new session', async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const since = lab.wire.length;
  lab.send(a, 'secret');
  await lab.settle();
  const recorded = lab.sent(since, (d) => sameAddress(d.from, A_ADDR));
  await lab.close(b);
  const b2 = lab.open('bob', lab.net.port(B_ADDR.host, B_ADDR.port), A_ADDR);
  await lab.settle(2_000, 50);
  assert.equal(a.restarts, 1, 'alice saw bob restart');
  for (const d of recorded) lab.net.inject(ATTACKER, B_ADDR, d);
  for (const d of recorded) lab.net.inject(A_ADDR, B_ADDR, d);
  await lab.pump();
  assert.deepEqual(b2.received, [], 'nothing recorded before the restart is delivered');
  await stillChatting(lab, a, b2, 'after bob restarted');
  assert.equal(b2.received.length, 1);
});

// Known gap, reported to the transport engineer: a new process has no memory
// of what came before it, so an authentic datagram recorded before its
// restart (a replay of the peer's, or a reflection of its own previous
// session's) passes the fresh replay window (or is taken for first contact)
// and moves the peer address to whoever replayed it, until the real peer
// speaks again. Nothing is delivered (asserted above); the chat recovers.
// Fix idea: roam only on a frame addressed to our own session id that carries
// the newest packet number of its session (mosh: newest in-order packet).
test("datagrams recorded before a restart do not move the new process's peer address", async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const since = lab.wire.length;
  lab.send(a, 'secret');
  await lab.settle(3_500, 50);
  const fromA = lab.sent(since, (d) => sameAddress(d.from, A_ADDR));
  // bob restarts; a replay of alice's recorded datagrams reaches him first
  await lab.close(b);
  await lab.pump();
  const b2 = lab.open('bob', lab.net.port(B_ADDR.host, B_ADDR.port), A_ADDR);
  for (const d of fromA) lab.net.inject(ATTACKER, B_ADDR, d);
  await lab.pump();
  assert.deepEqual(b2.t.peerAddress(), A_ADDR, "a replay moved the restarted receiver's peer");
  // alice restarts while bob is silent; her old datagrams are reflected to her
  await lab.close(b2);
  await lab.pump();
  await lab.close(a);
  await lab.pump();
  const a2 = lab.open('alice', lab.net.port(A_ADDR.host, A_ADDR.port), B_ADDR);
  for (const d of fromA) lab.net.inject(ATTACKER, A_ADDR, d);
  await lab.pump();
  assert.deepEqual(a2.t.peerAddress(), B_ADDR, "her own old datagrams moved the restarted sender's peer");
});

test("a replay of the sender's retired session is not delivered and does not fake a restart", async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const since = lab.wire.length;
  lab.send(a, 'secret');
  await lab.settle();
  const recorded = lab.sent(since, (d) => sameAddress(d.from, A_ADDR));
  await lab.close(a);
  const a2 = lab.open('alice', lab.net.port(A_ADDR.host, A_ADDR.port), B_ADDR);
  await lab.settle(2_000, 50);
  assert.equal(b.restarts, 1, 'bob saw alice restart');
  for (const from of [A_ADDR, ATTACKER]) {
    for (const d of recorded) lab.net.inject(from, B_ADDR, d);
    await lab.pump();
  }
  assert.equal(b.received.filter((m) => m === 'secret').length, 1);
  assert.equal(b.restarts, 1, 'the old session was not taken for another restart');
  assert.deepEqual(b.t.peerAddress(), A_ADDR);
  await stillChatting(lab, a2, b, 'after alice restarted');
});

test('a datagram reflected back to its sender is rejected (reliable and raw wire)', async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const since = lab.wire.length;
  lab.send(a, 'mine');
  await lab.settle(3_500, 50); // a keepalive ping too
  const mine = lab.sent(since, (d) => sameAddress(d.from, A_ADDR));
  assert.ok(mine.length >= 2);
  const reflected0 = a.t.dropCounts().reflected;
  const sent = lab.wire.length;
  for (const d of mine) lab.net.inject(B_ADDR, A_ADDR, d);
  await lab.pump();
  assert.equal(a.t.dropCounts().reflected, reflected0 + mine.length);
  assert.deepEqual(a.received, ['hello alice'], 'alice does not receive her own message');
  assert.deepEqual(
    lab.sent(sent, () => true),
    [],
    'no reply to a reflection',
  );
  await stillChatting(lab, a, b, 'after reflections');

  const raw = new Lab();
  t.after(() => raw.closeAll());
  const ra = raw.open('alice', raw.net.port(A_ADDR.host, A_ADDR.port), B_ADDR, 'raw');
  const rb = raw.open('bob', raw.net.port(B_ADDR.host, B_ADDR.port), A_ADDR, 'raw');
  raw.send(ra, 'raw mine');
  await raw.settle(50);
  assert.deepEqual(rb.received, ['raw mine']);
  for (const d of raw.sent(0, (x) => sameAddress(x.from, A_ADDR))) raw.net.inject(B_ADDR, A_ADDR, d);
  await raw.pump();
  assert.deepEqual(ra.received, []);
  assert.equal(ra.t.dropCounts().reflected, 1);
});

test('an authenticated datagram from a new source address moves the peer (roaming)', async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const NEW: Address = { host: '10.0.0.77', port: 3000 };
  const nat = new NatPort(lab.net.port(A_ADDR.host, A_ADDR.port));
  const a = lab.open('alice', nat, B_ADDR);
  const b = lab.open('bob', lab.net.port(B_ADDR.host, B_ADDR.port), A_ADDR);
  await lab.settle();
  nat.rebind(lab.net.port(NEW.host, NEW.port)); // alice's NAT mapping changed
  const delivered: string[] = [];
  a.bus.on('message:delivered', (m) => delivered.push(m.id));
  const since = lab.wire.length;
  lab.send(a, 'from my new address');
  await lab.settle();
  assert.deepEqual(b.received, ['from my new address']);
  assert.deepEqual(b.t.peerAddress(), NEW);
  assert.deepEqual(b.addressEvents.at(-1), { address: formatAddress(NEW), previous: formatAddress(A_ADDR), reason: 'roamed' });
  assert.ok(lab.sent(since, (d) => sameAddress(d.from, B_ADDR) && sameAddress(d.to, NEW)).length > 0, 'bob answers at the new address');
  assert.equal(delivered.length, 1, 'the ack reached alice at her new address');
  await stillChatting(lab, a, b, 'after roaming');
});

test('remote text arrives on the bus verbatim; sanitize() neutralizes it at display', async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const evil = 'x\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07\u009b31m\u0085\u009d8;;http://e\u009c{bold}{red-fg}y{/}\r\b\x7f\u202ez';
  lab.send(a, evil);
  await lab.settle();
  assert.equal(b.received.at(-1), evil, 'the transport does not alter text');
  const shown = escapeTags(sanitizeText(evil));
  assert.doesNotMatch(shown, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/, 'no ESC, C0, C1 or bidi control left');
  assert.doesNotMatch(shown, /\{(?!open\}|close\})/, 'every brace escaped: no blessed tag survives');
  assert.ok(shown.includes('x') && shown.includes('y') && shown.includes('z'), 'the text itself survives');
});

test('a flood of 20,000 invalid datagrams is processed in bounded batches and the chat goes on', async (t) => {
  const { lab, a, b } = await chatting();
  t.after(() => lab.closeAll());
  const prng = new Prng(9);
  const stranger = new Fernet(randomBytes(32));
  const forged = Array.from({ length: 50 }, (_, i) => stranger.encrypt(Buffer.from(`forged ${i}`)));
  const N = 20_000;
  for (let i = 0; i < N; i++) {
    const kind = i % 3;
    const data = kind === 0 ? prng.bytes(1 + prng.int(200)) : kind === 1 ? forged[i % forged.length]! : encodeBase64Url(prng.bytes(100));
    lab.net.inject(ATTACKER, B_ADDR, data);
  }
  const before = totalDrops(b.t);
  const since = lab.wire.length;
  lab.net.flush(); // the whole flood reaches bob's socket in one turn
  let seenByUi = -1;
  setImmediate(() => {
    seenByUi = totalDrops(b.t) - before;
  });
  for (let i = 0; i < TURN_LIMIT && totalDrops(b.t) - before < N; i++) await turn();
  assert.equal(totalDrops(b.t) - before, N, 'every invalid datagram counted once');
  assert.ok(seenByUi >= 0 && seenByUi < N, `a callback scheduled during the flood ran after ${seenByUi} of ${N} were handled`);
  const c = b.t.dropCounts();
  assert.equal(c.unauthenticated + c.flood, N);
  assert.deepEqual(
    lab.sent(since, (d) => sameAddress(d.to, ATTACKER)),
    [],
  );
  assert.deepEqual(b.t.peerAddress(), A_ADDR);
  await stillChatting(lab, a, b, 'after the flood');
  assert.deepEqual([...a.alarms, ...b.alarms], []);
});

test('over real UDP: garbage, forgeries and replays are dropped without a reply', async (t) => {
  const portA = await bindUdp('127.0.0.1', 0);
  const portB = await bindUdp('127.0.0.1', 0);
  const key = randomBytes(32);
  const recorded: Buffer[] = [];
  const recordingA: DatagramPort = {
    send: (d, to) => {
      recorded.push(Buffer.from(d));
      portA.send(d, to);
    },
    onDatagram: (h) => portA.onDatagram(h),
    onError: (h) => portA.onError(h),
    address: () => portA.address(),
    close: () => portA.close(),
  };
  const busA = new Bus();
  const busB = new Bus();
  const ta = new Transport({ bus: busA, port: recordingA, key, nick: 'alice', wire: 'reliable', peer: portB.address() });
  const tb = new Transport({ bus: busB, port: portB, key, nick: 'bob', wire: 'reliable', peer: portA.address() });
  const attacker = dgram.createSocket('udp4');
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', () => r()));
  const replies: Buffer[] = [];
  attacker.on('message', (m) => replies.push(m));
  t.after(async () => {
    await ta.close();
    await tb.close();
    await new Promise<void>((r) => attacker.close(() => r()));
  });
  const received: string[] = [];
  busB.on('message:received', (m) => received.push(m.text));
  const waitUntil = async (what: string, cond: () => boolean): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  ta.start();
  tb.start();
  busA.emit('send', { id: 'u1', text: 'over udp' });
  await waitUntil('first message', () => received.length === 1 && ta.pendingCount() === 0);

  const prng = new Prng(3);
  const token = recorded.at(-1)!;
  const attack = [
    prng.bytes(200),
    encodeBase64Url(prng.bytes(90)),
    new Fernet(randomBytes(32)).encrypt(Buffer.from('forged')),
    token.subarray(0, token.length - 9),
    flipBitInToken(token, 30, 5),
    ...recorded, // replays
  ];
  const before = totalDrops(tb);
  const bAddr = portB.address();
  for (const d of attack) attacker.send(d, bAddr.port, bAddr.host);
  await waitUntil('every attack datagram counted', () => totalDrops(tb) - before === attack.length);
  busA.emit('send', { id: 'u2', text: 'after the attack' });
  await waitUntil('second message', () => received.length === 2 && ta.pendingCount() === 0);
  assert.deepEqual(received, ['over udp', 'after the attack']);
  assert.deepEqual(tb.peerAddress(), portA.address());
  assert.deepEqual(replies, [], 'the attacker heard nothing back');
});
