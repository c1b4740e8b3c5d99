import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SendWindow, type OutFrame } from '../../src/net/reliable-send.js';
import { RecvWindow } from '../../src/net/reliable-recv.js';
import { FAST_RETRANSMIT_REORDER_FRAMES, RTO_MAX_MS, SEND_QUEUE_CONTROL_RESERVE } from '../../src/constants.js';

const RTO = 100;

function msg(w: SendWindow, id: string, frags = 1): void {
  const fragments = Array.from({ length: frags }, (_, i) => Buffer.from(`${id}/${i}`));
  const r = w.enqueue(id, id, fragments, id.length);
  assert.equal(r.ok, true);
}

const seqsOf = (fs: OutFrame[]): number[] => fs.map((f) => f.seq);

test('new fragments get consecutive seqs, message after message', () => {
  const w = new SendWindow();
  msg(w, 'a', 2);
  msg(w, 'b', 1);
  const out = w.poll(0, RTO);
  assert.deepEqual(
    out.map((f) => [f.seq, f.fragIndex, f.fragCount, f.payload.toString(), f.retransmit]),
    [
      [0, 0, 2, 'a/0', false],
      [1, 1, 2, 'a/1', false],
      [2, 0, 1, 'b/0', false],
    ],
  );
  assert.deepEqual(w.poll(0, RTO), [], 'nothing new, nothing due');
  assert.equal(w.inFlight, 3);
});

test('the window bounds the fragments in flight; acks open it again', () => {
  const w = new SendWindow({ windowFrames: 4 });
  for (let i = 0; i < 10; i++) msg(w, `m${i}`);
  assert.deepEqual(seqsOf(w.poll(0, RTO)), [0, 1, 2, 3]);
  assert.equal(w.hasUnsent, true);
  assert.deepEqual(
    w.onAck(2, []).map((m) => m.id),
    ['m0', 'm1'],
  );
  assert.deepEqual(seqsOf(w.poll(1, RTO)), [4, 5]);
  assert.equal(w.pendingMessages, 8);
});

test('a message is delivered only when the cumulative ack passes all its fragments, not by SACK', () => {
  const w = new SendWindow();
  msg(w, 'big', 3);
  msg(w, 'small');
  w.poll(0, RTO);
  assert.deepEqual(w.onAck(0, [[1, 4]]), []);
  assert.deepEqual(w.onAck(2, [[3, 4]]), []);
  assert.deepEqual(
    w.onAck(4, []).map((m) => m.id),
    ['big', 'small'],
  );
  assert.equal(w.pendingMessages, 0);
  assert.equal(w.pendingBytes, 0);
  assert.equal(w.nextDeadline(RTO), null);
});

test('a timed-out fragment is resent with its own exponential backoff, capped', () => {
  const w = new SendWindow();
  msg(w, 'a');
  msg(w, 'b');
  w.poll(0, RTO);
  w.onAck(1, []);
  assert.equal(w.nextDeadline(RTO), RTO);
  assert.deepEqual(w.poll(RTO - 1, RTO), []);
  const r1 = w.poll(RTO, RTO);
  assert.deepEqual(
    r1.map((f) => [f.seq, f.retransmit]),
    [[1, true]],
  );
  assert.equal(w.nextDeadline(RTO), RTO + 2 * RTO, 'doubled');
  let t = RTO;
  for (let i = 0; i < 20; i++) {
    t = w.nextDeadline(RTO)!;
    w.poll(t, RTO);
  }
  assert.equal(w.nextDeadline(RTO)! - t, RTO_MAX_MS, 'backoff stops at RTO_MAX_MS');
});

test('SACKed fragments are not resent at their first timeout; holes below the highest SACK are fast-retransmitted', () => {
  const w = new SendWindow();
  for (let i = 0; i < 8; i++) msg(w, `m${i}`);
  w.poll(0, RTO);
  // 0, 1 and 3 lost; 2 and 4..7 arrived.
  w.onAck(0, [
    [2, 3],
    [4, 8],
  ]);
  const fast = w.poll(1, RTO);
  // seq s went out as transmission s+1; the newest delivered is seq 7 (tx 8):
  // everything sent FAST_RETRANSMIT_REORDER_FRAMES transmissions before it counts as lost.
  const expected = [0, 1, 3].filter((s) => s + 1 + FAST_RETRANSMIT_REORDER_FRAMES <= 8);
  assert.deepEqual(seqsOf(fast), expected);
  assert.ok(fast.every((f) => f.retransmit));
  assert.equal(w.nextDeadline(RTO), 1 + RTO, 'a fast retransmission does not back off');
  const later = w.poll(1 + RTO, RTO);
  assert.deepEqual(seqsOf(later), [0, 1, 3], 'SACKed 2 and 4..7 wait one backoff step longer');
});

test('SACK is advisory: a SACKed fragment never cumulatively acked is resent after one more backoff step', () => {
  const w = new SendWindow();
  msg(w, 'a');
  msg(w, 'b');
  w.poll(0, RTO);
  // A false SACK of seq 1 (the receiver restarted, or lies): without the timer it would never go again.
  w.onAck(0, [[1, 2]]);
  assert.deepEqual(seqsOf(w.poll(RTO, RTO)), [0], 'seq 0 times out first');
  assert.equal(w.nextDeadline(RTO), 2 * RTO, 'the SACKed seq 1 expires one backoff step later');
  assert.deepEqual(seqsOf(w.poll(2 * RTO, RTO)), [1], 'resent: the SACK did not end its timer');
  const acked = w.onAck(2, []);
  assert.deepEqual(
    acked.map((m) => m.id),
    ['a', 'b'],
  );
});

test('a fragment is not declared lost when the reordering is within tolerance', () => {
  const w = new SendWindow();
  for (let i = 0; i < 3; i++) msg(w, `m${i}`);
  w.poll(0, RTO);
  w.onAck(0, [[1, 3]]); // seq 0 overtaken by the next two only
  assert.deepEqual(w.poll(1, RTO), []);
});

test('fragments packed into one datagram share a transmission: fast retransmit counts datagrams that overtook, not fragments', () => {
  // Datagrams of four fragments each: [0..3] [4..7] [8..11] [12..15].
  const packer = (): { joins(): boolean } => {
    let n = 0;
    return { joins: () => n++ % 4 !== 0 };
  };
  const w = new SendWindow();
  for (let i = 0; i < 16; i++) msg(w, `m${i}`);
  const out = w.poll(0, RTO, packer());
  assert.deepEqual(
    out.map((f) => f.joins),
    Array.from({ length: 16 }, (_, i) => i % 4 !== 0),
  );
  // The first datagram arrives after the next two: reordering within tolerance, nothing is resent.
  w.onAck(0, [[4, 12]]);
  assert.deepEqual(w.poll(1, RTO, packer()), []);
  // Overtaken by FAST_RETRANSMIT_REORDER_FRAMES datagrams: lost, all four resent, in one datagram again.
  w.onAck(0, [[4, 16]]);
  const fast = w.poll(2, RTO, packer());
  assert.equal(FAST_RETRANSMIT_REORDER_FRAMES, 3);
  assert.deepEqual(seqsOf(fast), [0, 1, 2, 3]);
  assert.deepEqual(
    fast.map((f) => f.joins),
    [false, true, true, true],
  );
});

test('an ack for seqs never sent is ignored', () => {
  const w = new SendWindow();
  msg(w, 'a');
  w.poll(0, RTO);
  assert.deepEqual(w.onAck(5, []), []);
  assert.equal(w.pendingMessages, 1);
  assert.deepEqual(w.onAck(0, [[0, 9]]), []);
  assert.deepEqual(seqsOf(w.poll(RTO, RTO)), [0], 'the bogus SACK did not mark it received');
});

test('a full queue refuses with a reason naming the count; bytes are bounded too', () => {
  const w = new SendWindow({ maxMessages: 2, maxBytes: 10 });
  msg(w, 'a');
  msg(w, 'b');
  const r = w.enqueue('c', 'c', [Buffer.from('c')], 1);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /send queue full \(2 messages waiting\)/);
  const w2 = new SendWindow({ maxBytes: 10 });
  assert.equal(w2.enqueue('x', 'x', [Buffer.alloc(1)], 8).ok, true);
  const r2 = w2.enqueue('y', 'y', [Buffer.alloc(1)], 3);
  assert.equal(r2.ok, false);
  assert.match(r2.ok ? '' : r2.reason, /send queue full \(1 messages, 8 bytes waiting\)/);
});

test(`a queue full of chat lines still takes ${SEND_QUEUE_CONTROL_RESERVE} control messages (a room's hello must not be lost), then refuses them too`, () => {
  const w = new SendWindow({ maxMessages: 2, maxBytes: 10 });
  msg(w, 'a');
  msg(w, 'b');
  assert.equal(w.enqueue('line', 'line', [Buffer.from('x')], 1).ok, false);
  for (let i = 0; i < SEND_QUEUE_CONTROL_RESERVE; i++) assert.equal(w.enqueue(`c${i}`, '{}', [Buffer.from('{}')], 2, true).ok, true, `control ${i}`);
  const r = w.enqueue('one more', '{}', [Buffer.from('{}')], 2, true);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /send queue full/);
});

test('restart renumbers every unacknowledged message from seq 0 and resends it whole', () => {
  const w = new SendWindow();
  msg(w, 'done');
  msg(w, 'half', 3);
  msg(w, 'later');
  w.poll(0, RTO);
  w.onAck(3, []); // 'done' delivered; 'half' fragments 0,1 acked
  w.restart();
  const out = w.poll(5, RTO);
  assert.deepEqual(
    out.map((f) => [f.seq, f.payload.toString(), f.retransmit]),
    [
      [0, 'half/0', false],
      [1, 'half/1', false],
      [2, 'half/2', false],
      [3, 'later/0', false],
    ],
  );
  assert.deepEqual(
    w.onAck(4, []).map((m) => m.id),
    ['half', 'later'],
  );
});

test('rearm makes everything in flight due now, with the backoff forgotten', () => {
  const w = new SendWindow();
  msg(w, 'a');
  w.poll(0, RTO);
  for (let t = RTO; t < 5000; t = w.nextDeadline(RTO)!) w.poll(t, RTO);
  w.rearm();
  const now = 6000;
  assert.ok(w.nextDeadline(RTO)! <= now);
  assert.deepEqual(seqsOf(w.poll(now, RTO)), [0]);
  assert.equal(w.nextDeadline(RTO), now + RTO);
});

test('takeAll hands back every undelivered message', () => {
  const w = new SendWindow();
  msg(w, 'a');
  msg(w, 'b');
  w.poll(0, RTO);
  w.onAck(1, []);
  assert.deepEqual(
    w.takeAll().map((m) => m.text),
    ['b'],
  );
  assert.equal(w.pendingMessages, 0);
  assert.equal(w.inFlight, 0);
});

test('misuse throws TypeError', () => {
  assert.throws(() => new SendWindow({ windowFrames: 0 }), TypeError);
  assert.throws(() => new SendWindow().enqueue('x', 'x', [], 0), TypeError);
});

test('property: over a lossy, duplicating, reordering pipe every message arrives once, in order, and is acknowledged', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1 << 30 }), (n, seed) => {
      let s = seed;
      const rnd = (): number => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      const w = new SendWindow({ windowFrames: 8 });
      const r = new RecvWindow();
      for (let i = 0; i < n; i++) msg(w, `m${i}`, 1 + (i % 3));
      const got: string[] = [];
      const delivered: string[] = [];
      let now = 0;
      let inflight: OutFrame[] = [];
      for (let step = 0; step < 5000 && delivered.length < n; step++) {
        now += 10;
        for (const f of w.poll(now, RTO)) {
          if (rnd() < 0.3) continue;
          inflight.push(f);
          if (rnd() < 0.1) inflight.push(f);
        }
        if (rnd() < 0.3) inflight.reverse();
        for (const f of inflight) {
          r.push({ seq: f.seq, fragIndex: f.fragIndex, fragCount: f.fragCount, payload: f.payload });
          for (const d of r.drain()) got.push(d.payload.toString());
        }
        inflight = [];
        if (rnd() >= 0.3) delivered.push(...w.onAck(r.ack, r.sack()).map((m) => m.id));
      }
      const expected = Array.from({ length: n }, (_, i) => Array.from({ length: 1 + (i % 3) }, (_, j) => `m${i}/${j}`)).flat();
      assert.deepEqual(got, expected);
      assert.deepEqual(
        delivered,
        Array.from({ length: n }, (_, i) => `m${i}`),
      );
    }),
    { numRuns: 100 },
  );
});

test('property: nextDeadline is exact — nothing is resent before it, something is resent at it — whatever acks, rearms and rto changes came between', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1 << 30 }), (seed) => {
      let s = seed;
      const rnd = (): number => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      const w = new SendWindow({ windowFrames: 16 });
      const r = new RecvWindow();
      const rtos = [50, 100, 250, 1000];
      let now = 0;
      let n = 0;
      const resent = (fs: OutFrame[]): number => fs.filter((f) => f.retransmit).length;
      const deliver = (fs: OutFrame[]): void => {
        for (const f of fs) if (rnd() < 0.6) r.push({ seq: f.seq, fragIndex: f.fragIndex, fragCount: f.fragCount, payload: f.payload });
        r.drain();
      };
      for (let step = 0; step < 60; step++) {
        const rto = rtos[Math.floor(rnd() * rtos.length)]!;
        const op = rnd();
        if (op < 0.3) msg(w, `m${n++}`, 1 + Math.floor(rnd() * 3));
        else if (op < 0.55) deliver(w.poll((now += Math.floor(rnd() * 40)), rto));
        else if (op < 0.85) w.onAck(r.ack, r.sack());
        else if (op < 0.93) w.rearm();
        else now += Math.floor(rnd() * 300);
        const d = w.nextDeadline(rto);
        if (d === null) {
          now += RTO_MAX_MS + 1;
          assert.equal(resent(w.poll(now, rto)), 0, `no deadline, yet something was resent at step ${step}`);
        } else {
          if (d > now) {
            assert.equal(resent(w.poll(d - 1, rto)), 0, `resent before the deadline ${d} at step ${step}`);
            now = d;
          }
          assert.ok(resent(w.poll(now, rto)) >= 1, `nothing resent at the deadline ${d} (now ${now}) at step ${step}`);
        }
      }
    }),
    { numRuns: 200 },
  );
});
