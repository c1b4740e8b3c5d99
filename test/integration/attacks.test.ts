/**
 * The attacks of issue 11 ("What is broken today"), each as a black-box test
 * of the Transport: two real Transports on a manual MemoryNetwork with one
 * ManualClock, and an attacker (test/_attacker.ts) that holds a key, taps
 * every datagram and injects crafted ones from any address. Only the public
 * API is asserted — bus events, fingerprint(), peerAddress(), dropCounts() —
 * so these tests outlive any rewrite of the transport's insides.
 *
 * What must hold after every attack:
 *  - no roll-back: the fingerprint stays the new one, no key event follows
 *    the attack, nothing emitted carries the old key (so it is never saved),
 *    nothing the victim sends is readable under the old key;
 *  - no roam: peerAddress() is unchanged and the real peer still reaches us;
 *  - no forged delivery: no `message:received` with the attacker's text;
 *  - no wedge: a message each way between the real peers is delivered.
 *
 * Every test here but 2b failed on the v1 core (1dd54c0), each as its
 * comment says; they pass on the v2 core (trust.ts, PROTOCOL.md's trust
 * table).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Lab } from '../_transport-pair.js';
import {
  A,
  Attacker,
  B,
  PACKET_TOP,
  Recording,
  chatWorks,
  learnBefore,
  mark,
  nextPacketOf,
  noForgedDelivery,
  noRoam,
  noRollback,
  rotatedPair,
  since,
  type Rotated,
} from '../_attacker.js';
import { KEY_GRACE_MS } from '../../src/constants.js';
import { sameAddress, type Address } from '../../src/address/address.js';
const EVIL: Address = { host: '10.6.6.6', port: 6666 };
const EVIL2: Address = { host: '10.6.6.6', port: 6667 };
const TS_MOD = 0x1_0000_0000;

// ------------------------------------------------------------------ 1

for (const side of ['responder', 'initiator'] as const) {
  // v1: the victim announces "peer restarted", moves its peer to the attacker, reverts to the old key
  // (key:rotated back to the old fingerprint, which the profile saver writes), and answers under the old key.
  test(`1. old-key roll-back: one hello from a fresh session and a new port right after a rotation (victim: the ${side})`, async (t) => {
    const s = await rotatedPair();
    t.after(() => s.lab.closeAll());
    const victim = side === 'responder' ? s.b : s.a;
    const other = side === 'responder' ? s.a : s.b;
    const heard: Buffer[] = [];
    s.lab.net.port(EVIL.host, EVIL.port).onDatagram((d) => heard.push(Buffer.from(d)));
    const m = mark(victim);
    const from = s.tap.length;
    s.thief.freshSession();
    // A restarted process stamps later than its predecessor: claim exactly that.
    s.lab.net.inject(EVIL, victim.addr, s.thief.hello({ nick: other.name, ts: (s.lab.clock.now() + 1_000) % TS_MOD }));
    await s.lab.advance(2_000);
    noRollback(s, victim, m, 'after the hello');
    noRoam(victim, other.addr, m, 'after the hello');

    const secret = `${victim.name}'s first line after the attack`;
    victim.send(secret);
    assert.ok(await s.lab.until(() => other.texts().includes(secret), 10_000), 'the real peer got the line');
    const sentByVictim = s.tap.between(victim.addr, null, from).map((d) => d.data);
    assert.equal(s.thief.canRead([...sentByVictim, ...heard], secret), false, 'the thief cannot read the next line with the old key');
    assert.equal(s.thief.readable(sentByVictim), 0, 'nothing the victim sent after the attack is under the old key');
    noRollback(s, victim, m, 'after the next line');
    await chatWorks(s.lab, s.a, s.b, 'after the hello');
  });
}

// ------------------------------------------------------------------ 2

// v1 (during the grace period): the forged line is shown as alice's, bob's peer moves to the attacker,
// and every real frame of alice's after it falls below the replay window: the chat is dead a→b.
test('2a. old-key forged data at packet number 2^48−1 during the grace period: not delivered, no roam, no wedge', async (t) => {
  const s = await rotatedPair();
  t.after(() => s.lab.closeAll());
  const ids = learnBefore(s, A, B);
  const m = mark(s.b);
  const forged = s.thief.data({ sender: ids.sender, receiver: ids.receiver, packet: PACKET_TOP, seq: ids.nextSeq, text: 'FORGED at the top', ack: ids.ack });
  s.lab.net.inject(EVIL, B, forged);
  await s.lab.advance(1_000);
  noForgedDelivery(s.b, 'FORGED', 'top packet');
  noRoam(s.b, A, m, 'top packet');
  noRollback(s, s.b, m, 'top packet');
  await chatWorks(s.lab, s.a, s.b, 'after the forged data');
  noForgedDelivery(s.b, 'FORGED', 'top packet, later');
});

test('2b. old-key forged data at packet number 2^48−1 after the grace period: dropped, chat unaffected', async (t) => {
  const s = await rotatedPair();
  t.after(() => s.lab.closeAll());
  const ids = learnBefore(s, A, B);
  await s.lab.advance(KEY_GRACE_MS + 5_000);
  const m = mark(s.b);
  const drops = Object.values(s.b.transport.dropCounts()).reduce((x, y) => x + y, 0);
  s.lab.net.inject(
    EVIL,
    B,
    s.thief.data({ sender: ids.sender, receiver: ids.receiver, packet: PACKET_TOP, seq: ids.nextSeq, text: 'FORGED late', ack: ids.ack }),
  );
  await s.lab.advance(1_000);
  assert.equal(
    Object.values(s.b.transport.dropCounts()).reduce((x, y) => x + y, 0),
    drops + 1,
    'the forged datagram was counted as dropped',
  );
  noForgedDelivery(s.b, 'FORGED', 'after the grace period');
  noRoam(s.b, A, m, 'after the grace period');
  noRollback(s, s.b, m, 'after the grace period');
  await chatWorks(s.lab, s.a, s.b, 'after the grace period');
});

test('2c. old-key data at the next packet numbers and a message seq just ahead, to both sides: nothing delivered, nothing moved', async (t) => {
  // The subtle variant of 2a: the thief counts the datagrams on the tap, so it knows the packet numbers to come.
  const s = await rotatedPair();
  t.after(() => s.lab.closeAll());
  const ab = learnBefore(s, A, B);
  const ba = learnBefore(s, B, A);
  const ma = mark(s.a);
  const mb = mark(s.b);
  for (let i = 0; i < 3; i++) {
    s.lab.net.inject(
      EVIL,
      B,
      s.thief.data({ sender: ab.sender, receiver: ab.receiver, packet: nextPacketOf(s, A, ab) + i, seq: ab.nextSeq + i, text: `FORGED to bob ${i}` }),
    );
    s.lab.net.inject(
      EVIL2,
      A,
      s.thief.data({
        sender: ba.sender,
        receiver: ba.receiver,
        packet: nextPacketOf(s, B, ba) + i,
        seq: ba.nextSeq + i,
        text: `FORGED to alice ${i}`,
        nick: 'bob',
      }),
    );
  }
  await s.lab.advance(1_000);
  for (const [victim, where, m] of [
    [s.a, B, ma],
    [s.b, A, mb],
  ] as const) {
    noForgedDelivery(victim, 'FORGED', 'next packets');
    noRoam(victim, where, m, 'next packets');
    noRollback(s, victim, m, 'next packets');
  }
  await chatWorks(s.lab, s.a, s.b, 'after next-packet forgeries');
  noForgedDelivery(s.a, 'FORGED', 'next packets, later');
  noForgedDelivery(s.b, 'FORGED', 'next packets, later');
});

/** The rotation frames the thief can make with the old key: the real rotation's id and public keys (it read the offer and the accept), and fresh ones. */
function rotationFrames(s: Rotated): Array<{ to: Address; from: Address; make: (packet: number) => Buffer; sender: Address; name: string }> {
  const ab = learnBefore(s, A, B);
  const ba = learnBefore(s, B, A);
  const read = (from: Address, type: string): { rid: Buffer; pub: Buffer } | null => {
    for (const d of s.tap.between(from, null, s.rotationAt)) {
      const f = s.thief.read(d.data);
      if (f?.type === type) return { rid: f.payload.subarray(0, 8), pub: f.payload.subarray(8) };
    }
    return null;
  };
  const offer = read(A, 'rot-offer');
  const accept = read(B, 'rot-accept');
  assert.ok(offer && accept, 'the thief read the rotation offer and accept (they travel under the old key)');
  const fresh = Buffer.from('f00dfeedbeefcafe', 'hex');
  const out: Array<{ to: Address; from: Address; make: (packet: number) => Buffer; sender: Address; name: string }> = [];
  const types = ['rot-offer', 'rot-accept', 'rot-confirm', 'rot-confirm-ack', 'rot-abort'] as const;
  for (const [to, sender, ids] of [
    [B, A, ab],
    [A, B, ba],
  ] as const) {
    for (const type of types) {
      for (const [ridName, rid, pub] of [
        ['real', offer.rid, type === 'rot-accept' ? accept.pub : offer.pub],
        ['fresh', fresh, undefined],
      ] as const) {
        out.push({
          to,
          from: to === B ? EVIL : EVIL2,
          sender,
          name: `${type} (${ridName} rid) to ${to === B ? 'bob' : 'alice'}`,
          make: (packet) => s.thief.rotation(type, { sender: ids.sender, receiver: ids.receiver, packet, rid, ...(pub ? { pub } : {}) }),
        });
      }
    }
  }
  return out;
}

const ORDERS: Array<[string, (n: number) => number[]]> = [
  ['in protocol order', (n) => Array.from({ length: n }, (_, i) => i)],
  ['reversed', (n) => Array.from({ length: n }, (_, i) => n - 1 - i)],
  [
    'interleaved odd/even',
    (n) => [...Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1), ...Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0)],
  ],
];

for (const [orderName, order] of ORDERS) {
  // v1: a rotation frame under the old key, addressed to the victim's session with the newest packet number, moves its peer to the thief.
  test(`2d. rotation frames under the old key, ${orderName}, at the next packet numbers: no effect`, async (t) => {
    const s = await rotatedPair();
    t.after(() => s.lab.closeAll());
    const frames = rotationFrames(s);
    const ab = learnBefore(s, A, B);
    const ba = learnBefore(s, B, A);
    const ma = mark(s.a);
    const mb = mark(s.b);
    const offset = { a: 0, b: 0 };
    for (const i of order(frames.length)) {
      const f = frames[i]!;
      const packet = sameAddress(f.sender, A) ? nextPacketOf(s, A, ab) + offset.a++ : nextPacketOf(s, B, ba) + offset.b++;
      s.lab.net.inject(f.from, f.to, f.make(packet));
      await s.lab.settle();
    }
    await s.lab.advance(2_000);
    noRoam(s.a, B, ma, orderName);
    noRoam(s.b, A, mb, orderName);
    noRollback(s, s.a, ma, orderName);
    noRollback(s, s.b, mb, orderName);
    await chatWorks(s.lab, s.a, s.b, `after rotation frames ${orderName}`);
    // and a real rotation still works afterwards
    s.b.bus.emit('rotate', {});
    await s.lab.advance(2_000);
    assert.equal(s.a.events['key:rotated'].length, 2, 'the next real rotation completed on alice');
    assert.equal(s.b.events['key:rotated'].length, 2, 'the next real rotation completed on bob');
    assert.equal(s.a.transport.fingerprint(), s.b.transport.fingerprint());
    assert.notEqual(s.a.transport.fingerprint(), s.newFp);
  });
}

// v1: the top packet number pushes the replay window past every real frame to come (the chat dies).
test('2e. rotation frames under the old key at packet number 2^48−1, to both sides: no effect, no wedge', async (t) => {
  const s = await rotatedPair();
  t.after(() => s.lab.closeAll());
  const ma = mark(s.a);
  const mb = mark(s.b);
  for (const f of rotationFrames(s)) s.lab.net.inject(f.from, f.to, f.make(PACKET_TOP));
  await s.lab.advance(2_000);
  noRoam(s.a, B, ma, 'top');
  noRoam(s.b, A, mb, 'top');
  noRollback(s, s.a, ma, 'top');
  noRollback(s, s.b, mb, 'top');
  await chatWorks(s.lab, s.a, s.b, 'after top-packet rotation frames');
});

// ------------------------------------------------------------------ 3

// v1: alice2's guessed peer moves to the replayer; bob's frames (to alice's old session) may never
// correct it (mayRoam), alice2 answers them with hellos to the replayer: the chat is dead for good.
test('3. replay wedge: a restarted side with a learned peer, one replayed datagram from a third address; the real peer corrects it', async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const tap = new Recording();
  lab.net.capture((from, to, data) => tap.add(from, to, data));
  const a = lab.peer('alice', A, null); // no --peer: learns bob's address
  const b = lab.peer('bob', B, A);
  await lab.advance(500);
  assert.deepEqual(a.transport.peerAddress(), B, 'alice learned bob');
  a.send('before the restart a→b');
  b.send('before the restart b→a');
  await lab.advance(4_000); // keepalives too
  assert.deepEqual(a.texts(), ['before the restart b→a']);
  const fromBob = tap.between(B, A).map((d) => d.data);
  assert.ok(fromBob.length >= 3);

  // alice crashes (nothing goes out) and comes back on the same port, again without --peer.
  lab.net.setConditions({ loss: 1 });
  await lab.close(a);
  lab.net.setConditions({});
  const a2 = lab.peer('alice', A, null);
  const m = mark(a2);
  // The replay reaches her first.
  lab.net.inject(EVIL, A, fromBob.at(-1)!);
  await lab.settle();
  // Whatever she guessed from it, the real bob (still writing to her old session) must win.
  a2.send('after the restart a→b');
  b.send('after the restart b→a');
  const ok = await lab.until(() => b.texts().includes('after the restart a→b') && a2.texts().includes('after the restart b→a'), 60_000, 200);
  assert.ok(ok, `chat resumed (peer of alice2: ${JSON.stringify(a2.transport.peerAddress())})`);
  assert.deepEqual(a2.transport.peerAddress(), B, "alice2's peer is bob");
  assert.deepEqual(b.transport.peerAddress(), A, "bob's peer is alice");
  assert.ok(!a2.texts().includes('before the restart b→a'), 'the replay was not delivered to the new session');
  assert.ok(since(a2, m, 'peer:address').length <= 2, 'at most a guess and its correction');
  await chatWorks(lab, a2, b, 'after the correction');
});

// ------------------------------------------------------------------ 4

// Failed on 1dd54c0 (a SACKed fragment was never sent again, so one false SACK wedged the stream); passes since 9c34534.
test('4a. a false SACK over a fragment the receiver never got does not wedge the stream: retransmitted on timeout, delivered', async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const tap = new Recording();
  lab.net.capture((from, to, data) => tap.add(from, to, data));
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(100);
  a.send('first');
  b.send('first back');
  await lab.advance(500);
  // "The peer" here is bob's session: only a holder of the current key can make this ack.
  const peer = new Attacker(lab.key, lab.clock);
  const bob = peer.learn(tap.between(B, A).map((d) => d.data));
  assert.ok(bob);
  const delivered: string[] = [];
  a.bus.on('message:delivered', (e) => delivered.push(e.id));
  const before = tap.length;
  lab.net.setConditions({ loss: 1 }); // the one data frame of this message is lost
  const id = a.send('the message whose fragment was lost');
  await Promise.resolve(); // the transport pumps the messages of one event in a microtask at its end
  lab.net.setConditions({});
  const lost = tap
    .between(A, B, before)
    .map((d) => peer.read(d.data))
    .find((f) => f?.type === 'data');
  assert.ok(lost, 'the lost data frame is on the tap');
  // One ack that claims (SACK) the lost fragment arrived.
  lab.net.inject(
    B,
    A,
    peer.frame({ type: 'ack', sender: bob.sender, receiver: bob.receiver, packet: bob.lastPacket + 1, ack: lost.seq, sack: [[lost.seq, lost.seq + 1]] }),
  );
  await lab.settle();
  const ok = await lab.until(() => b.texts().includes('the message whose fragment was lost') && delivered.includes(id), 30_000, 100);
  assert.ok(
    ok,
    `delivered despite the false SACK (bob got it: ${b.texts().includes('the message whose fragment was lost')}, alice saw the receipt: ${delivered.includes(id)})`,
  );
  assert.equal(b.texts().filter((x) => x === 'the message whose fragment was lost').length, 1);
  await chatWorks(lab, a, b, 'after the false SACK');
});

function gcNow(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

// Failed on 1dd54c0 (the reassembler counted payload bytes, 0 here, and kept each fragment as a view of
// its whole decrypted plaintext: all 65,534 held, ~16 MiB of heap, none refused); passes since 9c34534.
test('4b. reassembly is bounded by memory: 65,534 empty non-final fragments of a message that never completes are refused', { timeout: 60_000 }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const PEER: Address = { host: '10.0.0.9', port: 7009 };
  // The victim's peer is a key holder that misbehaves: it speaks for itself (its own session) with the current key.
  const evil = new Attacker(lab.key, lab.clock);
  const replies: Buffer[] = [];
  lab.net.port(PEER.host, PEER.port).onDatagram((d) => {
    if (replies.length < 4) replies.push(Buffer.from(d));
  });
  const b = lab.peer('bob', B, PEER);
  await lab.advance(50);
  lab.net.inject(PEER, B, evil.hello({ nick: 'mallory', packet: 1 }));
  await lab.advance(50);
  const bob = evil.learn(replies);
  assert.ok(bob, "the peer read bob's session id from his replies");
  const N = 65_534;
  const gc = gcNow();
  gc();
  const mem0 = process.memoryUsage();
  const drops0 = Object.values(b.transport.dropCounts()).reduce((x, y) => x + y, 0);
  let packet = 2;
  const BATCH = 1_000;
  for (let sent = 0; sent < N; sent += BATCH) {
    for (let i = sent; i < Math.min(N, sent + BATCH); i++) {
      lab.net.inject(
        PEER,
        B,
        evil.frame({
          type: 'data',
          sender: evil.session,
          receiver: bob.sender,
          packet: packet++,
          seq: i,
          fragIndex: i,
          fragCount: 0xffff,
          payload: Buffer.alloc(0),
        }),
      );
    }
    // Let bob take them in (the receive queue is bounded; feeding slower than it drains keeps 'flood' out of it).
    for (let turn = 0; turn < 200 && lab.net.inFlight > 0; turn++) {
      lab.net.flush();
      await new Promise<void>((r) => setImmediate(r));
    }
    for (let turn = 0; turn < 40; turn++) await new Promise<void>((r) => setImmediate(r));
  }
  await lab.settle();
  gc();
  const mem1 = process.memoryUsage();
  const grew = mem1.arrayBuffers - mem0.arrayBuffers + (mem1.heapUsed - mem0.heapUsed);
  const counts = b.transport.dropCounts();
  const dropped = Object.values(counts).reduce((x, y) => x + y, 0) - drops0;
  console.log(`# 4b: ${N} empty fragments: memory grew ${(grew / 2 ** 20).toFixed(1)} MiB, ${dropped} dropped (${JSON.stringify(counts)})`);
  assert.equal(counts.flood, 0, 'the test fed bob slowly enough (no flood drops)');
  assert.ok(grew < 6 * 2 ** 20, `memory held for a message that never completes stays small: grew ${(grew / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(dropped >= N - 1, `the empty non-final fragments are refused and counted as dropped: ${dropped} of ${N}`);
  assert.deepEqual(b.texts(), []);
});

// v1 (raw wire): a new process remembers no token HMACs, and raw text moves the peer in raw mode.
test('4c. raw wire: a token replayed after the receiver restarted does not move its peer address', async (t) => {
  const lab = new Lab();
  t.after(() => lab.closeAll());
  const tap = new Recording();
  lab.net.capture((from, to, data) => tap.add(from, to, data));
  const a = lab.peer('alice', A, B, { wire: 'raw' });
  const b = lab.peer('bob', B, A, { wire: 'raw' });
  a.send('raw line before the restart');
  await lab.advance(100);
  assert.deepEqual(b.texts(), ['raw line before the restart']);
  const token = tap.between(A, B).at(-1)!.data;
  await lab.close(b);
  const b2 = lab.peer('bob', B, A, { wire: 'raw' });
  await lab.advance(100);
  const m = mark(b2);
  lab.net.inject(EVIL, B, token);
  await lab.advance(100);
  assert.deepEqual(b2.transport.peerAddress(), A, 'the replay did not move the peer');
  assert.deepEqual(
    since(b2, m, 'peer:address').filter((e) => e.reason === 'roamed'),
    [],
    'no roam',
  );
  b2.send('raw reply after the replay');
  await lab.advance(100);
  assert.ok(a.texts().includes('raw reply after the replay'), "bob's reply reached alice");
});
