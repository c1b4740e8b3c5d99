/**
 * --no-pmtu-probe (ChatOptions.pmtuProbe false) reaches the transport: a
 * file sent between two sessions on an in-memory network never uses a
 * datagram over 1200 bytes; with probing on, larger ones are tried.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openSession } from '../../src/app/session.js';
import { MAX_DATAGRAM_BYTES } from '../../src/constants.js';
import { generateKey, parseKey } from '../../src/crypto/keys.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import type { DatagramPort } from '../../src/net/port.js';
import { testChatOptions } from '../../src/testing/chat-options.js';
import { waitFor } from '../../src/testing/wait.js';

async function largestDatagram(pmtuProbe: boolean): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-pmtu-'));
  const file = path.join(dir, 'f.bin');
  fs.writeFileSync(file, randomBytes(1024 * 1024));
  const inbox = path.join(dir, 'in');
  fs.mkdirSync(inbox);
  const net = new MemoryNetwork();
  const rxPort = net.port('10.0.0.2', 7002);
  const txInner = net.port('10.0.0.1', 7001);
  let largest = 0;
  const txPort: DatagramPort = {
    send: (data, to) => {
      largest = Math.max(largest, data.length);
      txInner.send(data, to);
    },
    onDatagram: (h) => txInner.onDatagram(h),
    onError: (h) => txInner.onError(h),
    address: () => txInner.address(),
    close: () => txInner.close(),
  };
  const key = parseKey(generateKey());
  const files = { downloadDir: inbox, acceptDir: inbox, maxFileBytes: 1024 ** 3 };
  const rx = await openSession(testChatOptions({ listen: rxPort.address(), key, files }), { port: rxPort });
  const tx = await openSession(testChatOptions({ listen: txPort.address(), key, peer: rxPort.address(), files, pmtuProbe }), { port: txPort });
  try {
    let state = '';
    tx.bus.on('transfer:update', (v) => (state = v.state));
    tx.bus.emit('transfer:send', { path: file });
    await waitFor(
      () => state === 'done',
      20_000,
      () => `the transfer to end, state ${state}`,
    );
    return largest;
  } finally {
    await tx.close();
    await rx.close();
  }
}

test('--no-pmtu-probe keeps every datagram of a file transfer at 1200 bytes; probing tries larger ones', { timeout: 60_000 }, async () => {
  const [off, on] = await Promise.all([largestDatagram(false), largestDatagram(true)]);
  assert.ok(off <= MAX_DATAGRAM_BYTES, `largest with --no-pmtu-probe: ${off}`);
  assert.ok(on > MAX_DATAGRAM_BYTES, `largest with probing: ${on}`);
});
