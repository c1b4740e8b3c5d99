/**
 * rotation-kill.test.ts with the key in a --key-file instead of a profile
 * (issue 12, part 2): the key file is the profile of such a session, so a
 * process SIGKILLed at a moment of a rotation and started again on its file
 * must end on the peer's key, with the file back to one line, 0600.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CliSandbox, ensureBuilt } from '../_cli.js';
import { HeadlessProc, freeUdpPorts } from '../_headless-proc.js';
import { startChaosProxy } from '../../src/testing/chaos-proxy.js';
import { sleep } from '../../src/testing/wait.js';

const WAIT_MS = 20_000;
const ONE_WAY_MS = 80;

before(() => ensureBuilt());

/** Kill moments, in ms after /rotate: offer in flight, accept in flight, confirm in flight, confirm-ack in flight, done. */
const ROUNDS: Array<{ victim: 'alice' | 'bob'; killAtMs: number; downMs: number }> = [
  { victim: 'alice', killAtMs: 2 * ONE_WAY_MS + 20, downMs: 3_000 },
  { victim: 'bob', killAtMs: ONE_WAY_MS + 20, downMs: 2_000 },
  { victim: 'alice', killAtMs: 10, downMs: 2_000 },
  { victim: 'bob', killAtMs: 3 * ONE_WAY_MS + 20, downMs: 3_000 },
];

for (const [i, round] of ROUNDS.entries()) {
  test(
    `--key-file sessions: SIGKILL ${round.victim} ${round.killAtMs} ms into a rotation (80 ms each way), back after ${round.downMs} ms: one key in both files, chat works`,
    { timeout: 90_000 },
    async (t) => {
      const box = new CliSandbox();
      const [pa, pb] = await freeUdpPorts(2);
      const proxy = await startChaosProxy(
        { host: '127.0.0.1', port: pa },
        { host: '127.0.0.1', port: pb },
        { loss: 0, duplicate: 0, reorder: 0, delayMs: ONE_WAY_MS, seed: 11 + i },
      );
      t.after(() => proxy.close());
      const key = box.run(['keygen']).stdout.trim();
      const files = { alice: path.join(box.root, 'alice.key'), bob: path.join(box.root, 'bob.key') };
      const ports = { alice: [pa, proxy.forA.port], bob: [pb, proxy.forB.port] } as const;
      for (const name of ['alice', 'bob'] as const) fs.writeFileSync(files[name], `${key}\n`, { mode: 0o600 });
      const procs: HeadlessProc[] = [];
      const start = (name: 'alice' | 'bob'): HeadlessProc => {
        const [port, peer] = ports[name];
        const args = ['--host', '127.0.0.1', '--port', String(port), '--peer', `127.0.0.1:${peer}`, '--nick', name, '--key-file', files[name]];
        const p = new HeadlessProc(['chat', '--headless', '--config-dir', path.join(box.root, 'none'), ...args, '--linger', '10']);
        procs.push(p);
        return p;
      };
      t.after(() => procs.forEach((p) => p.kill()));
      const run = { alice: start('alice'), bob: start('bob') };
      await run.alice.waitLine('err', /^peer online$/, WAIT_MS);
      await run.bob.waitLine('err', /^peer online$/, WAIT_MS);

      const initiator = round.victim === 'alice' ? (i % 2 === 0 ? 'alice' : 'bob') : i % 2 === 0 ? 'bob' : 'alice';
      run[initiator].write('/rotate');
      await sleep(round.killAtMs);
      run[round.victim].kill();
      await run[round.victim].exited;
      await sleep(round.downMs);
      run[round.victim] = start(round.victim);

      run.alice.write(`alice after ${i}`);
      run.bob.write(`bob after ${i}`);
      await run.bob.waitLine('out', new RegExp(`<alice> alice after ${i}$`), WAIT_MS);
      await run.alice.waitLine('out', new RegExp(`<bob> bob after ${i}$`), WAIT_MS);
      // Let a rotation that is still settling (a pending key waiting for proof) finish before the profiles are read.
      await sleep(4 * ONE_WAY_MS + 200);
      run.alice.end();
      run.bob.end();
      assert.equal(await run.alice.exitCode(WAIT_MS), 0, run.alice.err.join('\n'));
      assert.equal(await run.bob.exitCode(WAIT_MS), 0, run.bob.err.join('\n'));

      const fp = (name: 'alice' | 'bob'): string => box.run(['fingerprint', '--key-file', files[name]]).stdout.trim();
      assert.equal(fp('alice'), fp('bob'), 'both key files on one key');
      for (const name of ['alice', 'bob'] as const) {
        assert.equal(fs.readFileSync(files[name], 'utf8').split('\n').filter(Boolean).length, 1, `${name}: no pending key left`);
        assert.equal((fs.statSync(files[name]).mode & 0o777).toString(8), '600');
      }
      for (const p of procs) for (const line of [...p.out, ...p.err]) assert.ok(!line.includes(key), 'no key on any output');
    },
  );
}
