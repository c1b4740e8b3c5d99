import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECV_QUEUE_MAX_BYTES } from '../../src/constants.js';
import { RecvQueue } from '../../src/net/recv-queue.js';

const FROM = { host: '127.0.0.1', port: 9 };

test('the flood guard is bounded by bytes as well as by count: 64 KiB garbage cannot fill 4096 places', async () => {
  const seen: number[] = [];
  const q = new RecvQueue(
    (d) => void seen.push(d.length),
    () => {},
  );
  const big = Buffer.alloc(60_000);
  let taken = 0;
  while (q.push(big, FROM)) taken++;
  assert.equal(taken, Math.floor(RECV_QUEUE_MAX_BYTES / big.length));
  assert.ok(q.waitingBytes <= RECV_QUEUE_MAX_BYTES);
  assert.equal(q.push(Buffer.alloc(1), FROM), true, 'a small datagram still fits under the byte bound');
  for (let i = 0; i < 1000 && q.waiting > 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(q.waiting, 0);
  assert.equal(q.waitingBytes, 0, 'handled datagrams leave the byte count');
  assert.equal(seen.length, taken + 1);
  assert.equal(q.push(big, FROM), true, 'room again');
  q.close();
});

test('the count bound still holds for small datagrams', () => {
  const q = new RecvQueue(
    () => {},
    () => {},
    3,
    64,
    1_000,
  );
  for (let i = 0; i < 3; i++) assert.equal(q.push(Buffer.alloc(10), FROM), true);
  assert.equal(q.push(Buffer.alloc(10), FROM), false);
  q.close();
  const b = new RecvQueue(
    () => {},
    () => {},
    100,
    64,
    25,
  );
  assert.equal(b.push(Buffer.alloc(20), FROM), true);
  assert.equal(b.push(Buffer.alloc(10), FROM), false, 'over the byte bound');
  b.close();
});
