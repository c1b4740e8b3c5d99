/**
 * A bulk stream over real loopback UDP: two Transports on buses, real
 * timers, the kernel's socket buffers, the real path MTU search. ~32 MB each
 * way is moved and compared by SHA-256; a chat line sent mid-transfer
 * arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Bus } from '../../src/bus.js';
import { bindUdp } from '../../src/net/udp.js';
import { Transport } from '../../src/net/transport.js';
import { waitFor } from '../../src/testing/wait.js';
import { BulkReader, BulkWriter, sha256 } from '../_bulk-driver.js';

const BYTES = 32 * 1024 * 1024;

test('32 MiB over loopback UDP, one stream each way at once, byte for byte; chat during it', async (t) => {
  const key = randomBytes(32);
  const pa = await bindUdp('127.0.0.1', 0);
  const pb = await bindUdp('127.0.0.1', 0);
  const busA = new Bus();
  const busB = new Bus();
  const a = new Transport({ bus: busA, port: pa, key, nick: 'alice', wire: 'reliable', peer: pb.address() });
  const b = new Transport({ bus: busB, port: pb, key, nick: 'bob', wire: 'reliable', peer: pa.address() });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  const lines: string[] = [];
  busB.on('message:received', (m) => void lines.push(m.text));
  a.start();
  b.start();
  await waitFor(() => a.peerAddress() !== null && b.pendingCount() === 0 && a.stats().rttMs !== null, 5_000, 'the link to come up');
  const fileAB = randomBytes(BYTES);
  const fileBA = randomBytes(BYTES);
  const readB = new BulkReader(busB, 1);
  const readA = new BulkReader(busA, 2);
  const writeA = new BulkWriter(busA, 1, fileAB);
  const writeB = new BulkWriter(busB, 2, fileBA);
  await waitFor(
    () => readB.received > BYTES / 4,
    60_000,
    () => `a quarter of the bytes (have ${readB.received})`,
  );
  busA.emit('send', { id: 'mid', text: 'still chatting' });
  await waitFor(
    () => writeA.done && writeB.done,
    120_000,
    () => `the transfer (a→b ${readB.received}, b→a ${readA.received} of ${BYTES})`,
  );
  assert.equal(readB.digest(), sha256(fileAB));
  assert.equal(readA.digest(), sha256(fileBA));
  await waitFor(() => lines.includes('still chatting'), 5_000, 'the chat line');
  console.log(`pmtu ${a.bulkState().pmtu} bytes; drops ${JSON.stringify(b.dropCounts())}`);
});
