import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PACING_BURST_DATAGRAMS, PACING_GAIN } from '../../src/constants.js';
import { Pacer, pacingRate } from '../../src/net/pacer.js';

const D = 1200;

test('rate: gain × window / srtt, with no rate before an RTT sample', () => {
  assert.equal(pacingRate(120_000, 40), (PACING_GAIN * 120_000) / 40);
  assert.equal(pacingRate(120_000, null), null);
  // A loopback RTT read as 0 ms divides by the 1 ms floor, not by zero.
  assert.equal(pacingRate(1000, 0), PACING_GAIN * 1000);
});

test('no RTT yet: every datagram may leave now', () => {
  const p = new Pacer();
  for (let i = 0; i < 100; i++) {
    assert.equal(p.nextSendTime(0, D, 12_000, null), 0);
    p.onSent(0, D, 12_000, null);
  }
});

test('a burst leaves at once, then datagrams are spaced at the rate', () => {
  // window 120 kB over 40 ms: 3750 B/ms, burst max(10 × 1200, 3750 × 2) = 12000 B.
  const p = new Pacer();
  const cwnd = 120_000;
  const srtt = 40;
  let sent = 0;
  while (p.nextSendTime(0, D, cwnd, srtt) <= 0) {
    p.onSent(0, D, cwnd, srtt);
    sent += 1;
    assert.ok(sent <= 100, 'bounded');
  }
  assert.equal(sent, PACING_BURST_DATAGRAMS);
  const rate = pacingRate(cwnd, srtt)!;
  const next = p.nextSendTime(0, D, cwnd, srtt);
  assert.ok(Math.abs(next - D / rate) < 1e-9, `next ${next}`);
  // Over one RTT the pacer lets out about gain × window (plus the first burst).
  let t = 0;
  let bytes = 0;
  for (let i = 0; i < 10_000 && t < srtt; i++) {
    t = Math.max(t, p.nextSendTime(t, D, cwnd, srtt));
    if (t >= srtt) break;
    p.onSent(t, D, cwnd, srtt);
    bytes += D;
  }
  assert.ok(Math.abs(bytes - PACING_GAIN * cwnd) <= 2 * D, `${bytes} bytes in one RTT`);
});

test('the burst is never smaller than what the rate carries in the timer slack', () => {
  // 10 MB window on a 1 ms RTT: 12.5 MB/ms; 10 datagrams would be far too few for a 1 ms timer.
  const p = new Pacer();
  let sent = 0;
  while (p.nextSendTime(0, D, 10_000_000, 1) <= 0 && sent < 100_000) {
    p.onSent(0, D, 10_000_000, 1);
    sent += 1;
  }
  assert.ok(sent > 10_000, `${sent} datagrams in the first burst`);
});

test('after an idle stretch the bucket is full again, never fuller', () => {
  const p = new Pacer();
  for (let i = 0; i < 10; i++) p.onSent(0, D, 120_000, 40);
  let sent = 0;
  while (p.nextSendTime(10_000, D, 120_000, 40) <= 10_000 && sent < 100) {
    p.onSent(10_000, D, 120_000, 40);
    sent += 1;
  }
  assert.equal(sent, PACING_BURST_DATAGRAMS);
});
