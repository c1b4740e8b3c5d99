/**
 * File transfer between two `fernchat chat --headless` processes on
 * loopback: one types /send, the other receives with --accept-files and
 * holds the file byte for byte; --json reports the transfer on both sides.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { ensureBuilt } from '../_cli.js';
import { freeUdpPorts, headless } from '../_headless-proc.js';
import { loopbackFlags } from '../../src/testing/ports.js';

const WAIT_MS = 20_000;
const KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

before(() => ensureBuilt());

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-hx-'));
}

test('headless /send → headless --accept-files: the file arrives byte for byte; both sides say so', { timeout: 60_000 }, async (t) => {
  const [pa, pb] = await freeUdpPorts(2);
  const src = tmp();
  const inbox = tmp();
  const data = randomBytes(300 * 1024 + 17);
  const file = path.join(src, 'data.bin');
  fs.writeFileSync(file, data);
  const common = ['--config-dir', tmp(), `--key=${KEY}`, '--linger', '15'];
  const a = headless(t, [...common, ...loopbackFlags(pa, pb), '--nick', 'alice', '--json']);
  const b = headless(t, [...common, ...loopbackFlags(pb, pa), '--nick', 'bob', '--json', '--accept-files', inbox]);
  await a.waitLine('err', /^peer online$/, WAIT_MS);
  a.write(`/send ${file}`);
  await b.waitLine('err', new RegExp(`^transfer \\d+: ✓ saved to ${inbox.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/data\\.bin`), WAIT_MS);
  await a.waitLine('err', /^transfer 1: ✓ sent data\.bin/, WAIT_MS);
  // stdout is written once per event-loop turn, stderr at once: wait for the JSON line too.
  await a.waitLine('out', /"type":"transfer","event":"done"/, WAIT_MS);
  await b.waitLine('out', /"type":"transfer","event":"done"/, WAIT_MS);
  assert.deepEqual(fs.readFileSync(path.join(inbox, 'data.bin')), data);
  assert.deepEqual(fs.readdirSync(inbox), ['data.bin'], 'no .part left');
  const events = (lines: string[]) =>
    lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; event?: string; size?: number })
      .filter((e) => e.type === 'transfer');
  const got = events(b.out);
  assert.equal(got[0]?.event, 'offer');
  assert.equal(got.at(-1)?.event, 'done');
  assert.equal(got.at(-1)?.size, data.length);
  assert.equal(events(a.out).at(-1)?.event, 'done');
  // End of input with nothing running: both exit 0.
  a.end();
  b.end();
  assert.equal(await a.exitCode(WAIT_MS), 0, a.err.join('\n'));
  assert.equal(await b.exitCode(WAIT_MS), 0, b.err.join('\n'));
});

test('headless: a bad /send is one line; --accept-files into a missing directory exits 2', { timeout: 30_000 }, async (t) => {
  const [pa, pb] = await freeUdpPorts(2);
  const dir = tmp();
  const missing = headless(t, ['--config-dir', dir, `--key=${KEY}`, ...loopbackFlags(pa, pb), '--accept-files', path.join(dir, 'nope')]);
  assert.equal(await missing.exitCode(WAIT_MS), 2);
  assert.deepEqual(missing.err, [`fernchat: --accept-files: ${path.join(dir, 'nope')} does not exist`]);
  const a = headless(t, ['--config-dir', dir, `--key=${KEY}`, ...loopbackFlags(pa, pb), '--linger', '0']);
  await a.waitLine('err', /^listening on/, WAIT_MS);
  a.write(`/send ${path.join(dir, 'absent.txt')}`);
  await a.waitLine('err', /cannot send .*absent\.txt: no such file$/, WAIT_MS);
  a.write('/cancel x');
  await a.waitLine('err', /^\/cancel: N must be a transfer number/, WAIT_MS);
  a.end();
  assert.equal(await a.exitCode(WAIT_MS), 0, a.err.join('\n'));
});
