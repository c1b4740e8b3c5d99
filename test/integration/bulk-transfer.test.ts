import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Lab } from '../_transport-pair.js';
import { BulkReader, BulkWriter, sha256 } from '../_bulk-driver.js';

/*
 * Bulk streams end to end through two Transports on buses, over the
 * in-memory network with loss, duplication and reordering: two streams each
 * way at once, chat lines during the transfer. Every byte must arrive once,
 * in order (SHA-256), every chat line once.
 */

const A = { host: '10.0.0.1', port: 7001 };
const B = { host: '10.0.0.2', port: 7002 };
const STREAM_BYTES = 2 * 1024 * 1024;

test('8 MB on four streams, both ways at once, through loss, duplication and reordering; chat goes on', async () => {
  const lab = new Lab({ seed: 14, conditions: { loss: 0.03, duplicate: 0.02, reorder: 0.05 } });
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.until(() => a.events['peer:state'].some((s) => s.state === 'online') && b.events['peer:state'].some((s) => s.state === 'online'), 5_000);
  const files = [1, 2, 3, 4].map(() => randomBytes(STREAM_BYTES));
  // The receivers open first (the transfer service does it on `start`), then the writers.
  const readers = [new BulkReader(b.bus, 1), new BulkReader(b.bus, 2), new BulkReader(a.bus, 3), new BulkReader(a.bus, 4)];
  const writers = [
    new BulkWriter(a.bus, 1, files[0]!),
    new BulkWriter(a.bus, 2, files[1]!),
    new BulkWriter(b.bus, 3, files[2]!),
    new BulkWriter(b.bus, 4, files[3]!),
  ];
  const lines: string[] = [];
  for (let i = 0; i < 60 && !writers.every((w) => w.done); i++) {
    if (i % 5 === 0) lines.push(a.send(`line ${i}`));
    await lab.until(() => writers.every((w) => w.done), 500, 50);
  }
  await lab.until(() => b.texts().length === lines.length, 10_000);
  readers.forEach((r, i) => {
    assert.equal(r.received, STREAM_BYTES, `stream ${r.stream} complete`);
    assert.equal(r.digest(), sha256(files[i]!), `stream ${r.stream} byte for byte`);
  });
  assert.ok(
    writers.every((w) => w.done),
    'every writer saw bulk:acked reach the end',
  );
  assert.deepEqual(
    b.texts(),
    lines.map((_, k) => `line ${k * 5}`),
  );
  assert.ok(lab.net.stats.dropped > 0 && lab.net.stats.duplicated > 0 && lab.net.stats.reordered > 0, 'the link was impaired');
  await lab.closeAll();
});

test('a path MTU of 1300 bytes: the search settles below it, and a stream still completes', async () => {
  const lab = new Lab({ seed: 3, conditions: { mtuBytes: 1300, loss: 0.01 } });
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  await lab.advance(200);
  const file = randomBytes(1024 * 1024);
  const reader = new BulkReader(b.bus, 9);
  const writer = new BulkWriter(a.bus, 9, file);
  await lab.until(() => writer.done, 60_000, 100);
  assert.equal(reader.digest(), sha256(file));
  const pmtu = a.transport.bulkState().pmtu;
  assert.ok(pmtu >= 1200 && pmtu <= 1300, `confirmed ${pmtu}`);
  await lab.closeAll();
});

test('a control message and its stream: xfer:control arrives, the raw wire refuses it', async () => {
  const lab = new Lab();
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  const got: string[] = [];
  b.bus.on('xfer:control', (c) => void got.push(c.body));
  await lab.advance(200);
  a.bus.emit('xfer:send-control', { id: 'c1', body: '{"t":"offer"}' });
  await lab.advance(200);
  assert.deepEqual(got, ['{"t":"offer"}']);
  await lab.closeAll();
  const raw = new Lab();
  const r = raw.peer('alice', A, B, { wire: 'raw' });
  const failed: string[] = [];
  r.bus.on('xfer:control-failed', (f) => void failed.push(f.reason));
  r.bus.emit('xfer:send-control', { id: 'c1', body: '{}' });
  await raw.advance(10);
  assert.deepEqual(failed, ['file transfer needs the reliable wire (this chat uses --wire raw)']);
  await raw.closeAll();
});
