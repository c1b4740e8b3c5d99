/**
 * `fernchat send FILE` stopped half way (SIGINT) and run again: the second
 * run resumes from what the receiver holds and exits 0 with the file
 * verified. The link is a 1.5 MiB/s bottleneck (the chaos proxy), so the first
 * run is still sending when it is stopped; the receiver is a headless chat
 * auto-accepting with --json, whose events say where each run started.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CliSandbox, ensureBuilt } from '../_cli.js';
import { freeUdpPorts, headless, HeadlessProc } from '../_headless-proc.js';
import { startChaosProxy } from '../../src/testing/chaos-proxy.js';
import { waitFor } from '../../src/testing/wait.js';

const WAIT_MS = 20_000;
const KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const MiB = 1024 * 1024;
/** The bottleneck each way, in bytes per second: the 3 MiB take 2 s, so the first run is stopped well before its end. */
const RATE_BYTES_PER_S = 1.5 * MiB;
/** The first run is stopped once the receiver reports this much (its progress events come every 500 ms). */
const STOP_AT = MiB / 2;

before(() => ensureBuilt());
const box = new CliSandbox();
after(() => box.cleanup());

interface TransferEvent {
  type: string;
  event: string;
  direction: string;
  bytes: number;
  resumedFrom: number;
  size: number;
}

const events = (lines: string[]): TransferEvent[] =>
  lines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as TransferEvent)
    .filter((e) => e.type === 'transfer' && e.direction === 'in');

test('fernchat send stopped half way and run again: exit 0, the file verified, the second run resumed (resumedFrom > 0)', { timeout: 60_000 }, async (t) => {
  const [ps, pr] = await freeUdpPorts(2);
  const proxy = await startChaosProxy(
    { host: '127.0.0.1', port: ps },
    { host: '127.0.0.1', port: pr },
    { loss: 0, duplicate: 0, reorder: 0, seed: 14, rateBytesPerS: RATE_BYTES_PER_S },
  );
  t.after(() => proxy.close());
  const inbox = path.join(box.root, 'inbox');
  fs.mkdirSync(inbox);
  const data = randomBytes(3 * MiB + 3);
  const file = path.join(box.root, 'big.bin');
  fs.writeFileSync(file, data);

  const rx = headless(t, [
    '--config-dir',
    box.configDir(),
    `--key=${KEY}`,
    ...['--host', '127.0.0.1', '--port', String(pr), '--peer', `127.0.0.1:${proxy.forB.port}`],
    '--accept-files',
    inbox,
    '--json',
  ]);
  await rx.waitLine('err', /^listening on/, WAIT_MS);
  const sendArgs = ['send', file, `--key=${KEY}`, ...['--host', '127.0.0.1', '--port', String(ps), '--peer', `127.0.0.1:${proxy.forA.port}`]];

  const first = new HeadlessProc(['--config-dir', box.configDir(), ...sendArgs]);
  t.after(() => first.kill());
  const held = (): number => Math.max(0, ...events(rx.out).map((e) => e.bytes));
  await waitFor(
    () => held() >= STOP_AT,
    WAIT_MS,
    () => `${STOP_AT} bytes at the receiver (it holds ${held()})\nreceiver:\n${rx.err.join('\n')}\nsender:\n${first.err.join('\n')}`,
  );
  first.child.kill('SIGINT');
  assert.equal(await first.exitCode(WAIT_MS), 130, first.err.join('\n'));
  assert.match(first.err.at(-1)!, /^fernchat: interrupted; running the same command again resumes big\.bin/);
  assert.ok(!fs.existsSync(path.join(inbox, 'big.bin')), 'not finished by the first run');
  const before = events(rx.out).length;

  const second = await box.runAsync(sendArgs, { configDir: box.configDir() });
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(fs.readFileSync(path.join(inbox, 'big.bin')), data);
  assert.match(second.stderr, /^transfer 1: ✓ sent big\.bin \(3\.0 MiB, sha256 verified by the peer; resumed at [\d.]+ [KM]iB, /m);
  await rx.waitLine('out', /"event":"done"/, WAIT_MS);
  const run2 = events(rx.out).slice(before);
  const done = run2.find((e) => e.event === 'done')!;
  assert.equal(done.bytes, data.length);
  assert.ok(done.resumedFrom >= STOP_AT, `the second run started at ${done.resumedFrom}, not 0`);
  assert.ok(
    run2.every((e) => e.resumedFrom === done.resumedFrom || e.event === 'paused'),
    JSON.stringify(run2.map((e) => [e.event, e.resumedFrom])),
  );
  assert.deepEqual(fs.readdirSync(inbox), ['big.bin'], 'no .part left');
});
