import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BULK_LOSS_PACKET_THRESHOLD } from '../../src/constants.js';
import type { BulkGate } from '../../src/net/bulk-gate.js';
import { LossDetector, lossDelay, type RttView } from '../../src/net/bulk-loss.js';
import { BulkSender } from '../../src/net/bulk-send.js';
import { SendStream } from '../../src/net/bulk-stream.js';

const RTT: RttView = { srtt: 100, rttvar: 10, latest: 100 };
const chunk = (pn: number, sentAt = 0) => ({ pn, stream: 1, offset: pn * 10, length: 10, bytes: 100, sentAt });

test('LossDetector: the packet threshold and the time threshold of RFC 9002 §6.1', () => {
  const d = new LossDetector();
  for (let pn = 0; pn < 6; pn++) d.onSent(chunk(pn, pn));
  const r = d.onAck([[4, 5]], 10, RTT);
  assert.deepEqual(
    r.acked.map((c) => c.pn),
    [4],
  );
  assert.deepEqual(
    r.lost.map((c) => c.pn),
    [0, 1],
    `${BULK_LOSS_PACKET_THRESHOLD} or more below the largest acked`,
  );
  assert.equal(d.lossTime(RTT), 2 + lossDelay(RTT), 'pn 2 waits for the time threshold');
  assert.deepEqual(
    d.detect(2 + lossDelay(RTT), RTT).map((c) => c.pn),
    [2],
  );
  assert.equal(d.lossTime(RTT), 3 + lossDelay(RTT));
  assert.equal(d.inFlight, 2, 'pn 3 and 5 are still in flight');
  assert.equal(lossDelay(RTT), 112.5);
});

test('LossDetector: PTO from the last send, doubling; an ack resets it; acks of unknown numbers do nothing', () => {
  const d = new LossDetector();
  assert.equal(d.ptoAt(RTT), null, 'nothing in flight');
  d.onSent(chunk(0, 1000));
  const first = d.ptoAt(RTT)!;
  assert.equal(first, 1000 + 100 + 40 + 10);
  assert.equal(d.onPto(first)?.pn, 0, 'the oldest in flight is the probe');
  assert.equal(d.ptoAt(RTT), first + 2 * 150);
  assert.deepEqual(d.onAck([[5, 2 ** 40]], first, RTT).acked, []);
  d.onAck([[0, 1]], first, RTT);
  assert.equal(d.ptoCount, 0);
  assert.equal(d.inFlight, 0);
});

test('SendStream: chunks cut at send time across writes, lost ranges first, never past the credit, the acked prefix only grows', () => {
  const s = new SendStream(1, 100, 120);
  s.write(Buffer.from('abcdefgh'));
  s.write(Buffer.from('ijklmnop'));
  s.write(Buffer.from('qrstuvwx'));
  const c1 = s.take(6)!;
  assert.deepEqual([c1.offset, Buffer.concat(c1.parts).toString()], [100, 'abcdef']);
  const c2 = s.take(6)!;
  assert.deepEqual([c2.offset, Buffer.concat(c2.parts).toString()], [106, 'ghijkl'], 'across two writes');
  const c3 = s.take(100)!;
  assert.deepEqual([c3.offset, c3.length], [112, 8], 'stops at the credit (120)');
  assert.equal(s.take(100), null);
  s.onLost(100, 6);
  const r = s.take(4)!;
  assert.deepEqual([r.offset, Buffer.concat(r.parts).toString()], [100, 'abcd'], 'the lost range first, at the size of now');
  assert.equal(s.onAcked(106, 6), false, 'a hole below: the prefix did not grow');
  assert.equal(s.onAcked(100, 6), true);
  assert.equal(s.acked, 112);
  assert.equal(s.take(4), null, "the lost range's rest was acknowledged meanwhile");
  s.credit = 200;
  assert.equal(s.take(100)!.offset, 120);
});

/** A gate that lets `room` datagrams out. */
function gate(room: number): BulkGate & { sent: number } {
  return {
    sent: 0,
    canSend() {
      return this.sent < room;
    },
    nextSendAt(now) {
      return this.sent < room ? now : null;
    },
    onSent() {
      this.sent += 1;
    },
    onAcked() {},
    onLost() {},
    onDiscarded() {},
    setDatagramBytes() {},
    onPersistentCongestion() {},
  };
}

test('BulkSender: round robin between streams, per datagram; nothing before credit; bulk:acked when a prefix grows', () => {
  const g = gate(100);
  const acked: Array<[number, number]> = [];
  const s = new BulkSender(g, (stream, offset) => acked.push([stream, offset]));
  s.onAck({ ranges: [], credits: [{ stream: 2, max: 1000 }] }, 0, RTT);
  s.open(1, 0);
  s.open(2, 0);
  s.write(1, Buffer.alloc(100));
  s.write(2, Buffer.alloc(100));
  for (let i = 0; i < 2; i++) {
    const n = s.next(0, 1200, 10)!;
    assert.equal(n.stream, 2, 'stream 1 has no credit yet; 2 got it before it opened');
    s.sent(n, 100, 0);
  }
  s.onAck({ ranges: [], credits: [{ stream: 1, max: 1000 }] }, 0, RTT);
  const order: number[] = [];
  for (let i = 0; i < 6; i++) {
    const n = s.next(0, 1200, 10)!;
    s.sent(n, 100, 0);
    order.push(n.stream);
  }
  assert.deepEqual(order, [1, 2, 1, 2, 1, 2]);
  s.onAck({ ranges: [[0, 8]], credits: [] }, 1, RTT);
  assert.deepEqual(acked, [
    [2, 50],
    [1, 30],
  ]);
  const unsent = s.next(1, 1200, 10)!;
  s.unsent(unsent);
  assert.equal(s.next(1, 1200, 10)!.offset, unsent.offset, 'a chunk that could not leave is not lost: it goes next');
  assert.equal(s.write(9, Buffer.alloc(1)), false, 'not open');
  s.close(1);
  assert.equal(s.write(1, Buffer.alloc(1)), false);
  s.reset();
  assert.equal(s.openStreams, 0);
});

test('BulkSender: a full gate stops it; a PTO lets two probes out anyway, the oldest chunk first', () => {
  const g = gate(1);
  const s = new BulkSender(g, () => {});
  s.open(1, 0);
  s.onAck({ ranges: [], credits: [{ stream: 1, max: 1000 }] }, 0, RTT);
  s.write(1, Buffer.alloc(100));
  s.sent(s.next(0, 1200, 10)!, 100, 0);
  assert.equal(s.next(1, 1200, 10), null, 'the gate is shut');
  const pto = s.nextDeadline(1, RTT)!;
  assert.equal(s.tick(pto, RTT), true);
  const probe = s.next(pto, 1200, 10)!;
  assert.equal(probe.offset, 0, 'the oldest chunk again, under a new number');
  assert.equal(probe.pn, 1);
  s.sent(probe, 100, pto);
  assert.notEqual(s.next(pto, 1200, 10), null, 'a second probe');
});
