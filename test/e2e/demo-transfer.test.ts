/**
 * The full-screen UI with the real transfer service behind it: in the demo,
 * /send offers a file to the echo bot, which declines it (a demo saves
 * nothing) and says why; the transfer's line in the chat shows the decline.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureBuilt } from '../../src/testing/build.js';
import { FernchatPty } from './_pty.js';

const h = new FernchatPty('demo-transfer');
before(() => ensureBuilt());
after(() => h.dispose());

test('demo: /send reaches the echo bot through the transfer service; it declines and says why', { timeout: 30_000 }, async () => {
  const file = path.join(h.configDir, 'hello.txt');
  fs.writeFileSync(file, 'hello\n');
  const p = h.start(['demo'], { cols: 140 });
  await p.waitFor(/<echo-bot> Hi/, 15_000);
  p.type(`/send ${file}`);
  p.press('enter');
  await p.waitFor(/a demo keeps no files: declined/, 10_000);
  await p.waitFor(/✗ hello\.txt: the peer declined it/, 10_000);
  p.press('ctrl-c');
  assert.equal((await p.exitCode).exitCode, 0);
});
