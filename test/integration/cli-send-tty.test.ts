/**
 * `fernchat send`'s runner in this process, its stderr a fake terminal:
 * the progress line is redrawn in place (\r, line cleared), at most every
 * SEND_PROGRESS_INTERVAL_MS, and cleared before each state line; exit 0 at
 * done. The receiver is a session with auto-accept.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openSession } from '../../src/app/session.js';
import { runSendFile, SEND_PROGRESS_INTERVAL_MS } from '../../src/app/send-file.js';
import { generateKey, parseKey } from '../../src/crypto/keys.js';
import { testChatOptions } from '../../src/testing/chat-options.js';

const LOOPBACK = { host: '127.0.0.1', port: 0 };

test(
  'send on a terminal: a progress line redrawn in place, at most 4 a second, cleared before the state lines; exit 0 at done',
  { timeout: 30_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-send-tty-'));
    const inbox = path.join(dir, 'in');
    fs.mkdirSync(inbox);
    const data = randomBytes(8 * 1024 * 1024);
    const file = path.join(dir, 'big.bin');
    fs.writeFileSync(file, data);
    const key = parseKey(generateKey());
    const files = { downloadDir: inbox, acceptDir: inbox, maxFileBytes: 1024 ** 3 };
    const rx = await openSession(testChatOptions({ listen: LOOPBACK, key, nick: 'rx', files }));
    const writes: Array<{ at: number; text: string }> = [];
    const stderr = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          writes.push({ at: Date.now(), text: chunk.toString() });
          cb();
        },
      }),
      { isTTY: true },
    );
    try {
      const code = await runSendFile(testChatOptions({ listen: LOOPBACK, key, nick: 'tx', peer: rx.listen, files }), { file, timeoutS: null }, { stderr });
      assert.equal(code, 0, writes.map((w) => w.text).join(''));
    } finally {
      await rx.close();
    }
    assert.deepEqual(fs.readFileSync(path.join(inbox, 'big.bin')), data);
    const bars = writes.filter((w) => w.text.startsWith('\r\x1b[K→ big.bin'));
    assert.ok(bars.length >= 1, 'at least one progress line');
    for (let i = 1; i < bars.length; i += 1) assert.ok(bars[i]!.at - bars[i - 1]!.at >= SEND_PROGRESS_INTERVAL_MS - 5, 'at most 4 redraws a second');
    assert.ok(!bars.some((b) => b.text.includes('\n')), 'the bar never ends a line');
    // A state line written while a bar is shown first clears it.
    let shown = false;
    writes.forEach((w, i) => {
      if (w.text.startsWith('\r\x1b[K→')) shown = true;
      else if (w.text === '\r\x1b[K') shown = false;
      else if (w.text.endsWith('\n')) assert.ok(!shown, `a state line over the bar: ${JSON.stringify(writes[i - 1]?.text)} then ${JSON.stringify(w.text)}`);
    });
    assert.ok(writes.some((w) => /^transfer 1: ✓ sent big\.bin/.test(w.text)));
  },
);
