/**
 * The SIGKILL-during-rotation suite, shared by rotation-kill.test.ts and
 * rotation-kill-keyfile.test.ts (two files, so that they run in parallel).
 * Issue 11's "done when", with the real binary: two `fernchat chat
 * --headless` processes, a link with 80 ms one-way latency (the chaos proxy),
 * a /rotate, and one side killed with SIGKILL at a moment of the rotation
 * (before the offer arrives, after the accept, after the confirm …), started
 * again a few seconds later on what it saved. Both must end on one key, with
 * no pending key left, and a line each way must arrive.
 *
 * Twice: keys kept in profiles, and keys kept in --key-file files (issue 12,
 * part 2: the key file is the profile of such a session; it must end as one
 * line, 0600).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CliSandbox, ensureBuilt } from '../_cli.js';
import { HeadlessProc, freeUdpPorts } from '../_headless-proc.js';
import { startChaosProxy } from '../../src/testing/chaos-proxy.js';
import { sleep } from '../../src/testing/wait.js';
import { loopbackFlags } from '../../src/testing/ports.js';

const WAIT_MS = 20_000;
const ONE_WAY_MS = 80;

type Name = 'alice' | 'bob';

/** Where a side keeps its key: how it is set up, how it starts, what it holds at the end. */
export interface KeyStore {
  label: string;
  setUp(name: Name, key: string, port: number, peer: number): void;
  chatArgs(name: Name): string[];
  fingerprint(name: Name): string;
  /** Asserts the rotation left nothing pending. */
  assertSettled(name: Name): void;
}

export function profiles(box: CliSandbox): KeyStore {
  const dirs = { alice: box.configDir(), bob: box.configDir() };
  return {
    label: 'profiles',
    setUp(name, key, port, peer) {
      const args = ['profile', 'add', name, ...loopbackFlags(port, peer), '--nick', name, `--key=${key}`];
      const add = box.run(args, { configDir: dirs[name] });
      assert.equal(add.code, 0, add.stderr);
    },
    chatArgs: (name) => ['--config-dir', dirs[name], '--profile', name],
    fingerprint: (name) => box.run(['fingerprint', '--profile', name], { configDir: dirs[name] }).stdout.trim(),
    assertSettled(name) {
      const file = JSON.parse(fs.readFileSync(path.join(dirs[name], 'config.json'), 'utf8')) as { profiles: Record<string, Record<string, unknown>> };
      assert.equal(file.profiles[name]?.pendingKey, undefined, `${name}: no pending key left`);
    },
  };
}

export function keyFiles(box: CliSandbox): KeyStore {
  const files = { alice: path.join(box.root, 'alice.key'), bob: path.join(box.root, 'bob.key') };
  const flags = { alice: [] as string[], bob: [] as string[] };
  return {
    label: '--key-file sessions',
    setUp(name, key, port, peer) {
      fs.writeFileSync(files[name], `${key}\n`, { mode: 0o600 });
      flags[name] = [...loopbackFlags(port, peer), '--nick', name, '--key-file', files[name]];
    },
    chatArgs: (name) => ['--config-dir', path.join(box.root, 'none'), ...flags[name]],
    fingerprint: (name) => box.run(['fingerprint', '--key-file', files[name]]).stdout.trim(),
    assertSettled(name) {
      assert.equal(fs.readFileSync(files[name], 'utf8').split('\n').filter(Boolean).length, 1, `${name}: no pending key left`);
      assert.equal((fs.statSync(files[name]).mode & 0o777).toString(8), '600');
    },
  };
}

export interface KillRound {
  victim: Name;
  /** When the victim is killed, in ms after /rotate. */
  killAtMs: number;
  /** How long it stays down, in ms. */
  downMs: number;
}

/** Kill moments, in ms after /rotate: offer in flight, accept in flight, confirm in flight, confirm-ack in flight, done. */
export const ROUNDS: KillRound[] = [
  { victim: 'alice', killAtMs: 2 * ONE_WAY_MS + 20, downMs: 3_000 },
  { victim: 'bob', killAtMs: ONE_WAY_MS + 20, downMs: 2_000 },
  { victim: 'alice', killAtMs: 10, downMs: 2_000 },
  { victim: 'bob', killAtMs: 3 * ONE_WAY_MS + 20, downMs: 3_000 },
];

/** Kill moments past every grace period: one process down for more than a minute, then for several (test:long). */
export const LONG_ROUNDS: KillRound[] = [
  { victim: 'alice', killAtMs: 2 * ONE_WAY_MS + 20, downMs: 75_000 },
  { victim: 'bob', killAtMs: ONE_WAY_MS + 20, downMs: 4 * 60_000 },
  { victim: 'alice', killAtMs: 3 * ONE_WAY_MS + 20, downMs: 4 * 60_000 },
];

/** One test per kill moment, with keys kept as `makeStore` keeps them. */
export function rotationKillSuite(kind: string, makeStore: (box: CliSandbox) => KeyStore, rounds: KillRound[] = ROUNDS): void {
  before(() => ensureBuilt());
  for (const [i, round] of rounds.entries()) {
    test(
      `${kind}: SIGKILL ${round.victim} ${round.killAtMs} ms into a rotation (80 ms each way), back after ${round.downMs} ms: one key, chat works`,
      { timeout: 90_000 + round.downMs },
      async (t) => {
        const box = new CliSandbox();
        const store = makeStore(box);
        const [pa, pb] = await freeUdpPorts(2);
        const proxy = await startChaosProxy(
          { host: '127.0.0.1', port: pa },
          { host: '127.0.0.1', port: pb },
          { loss: 0, duplicate: 0, reorder: 0, delayMs: ONE_WAY_MS, seed: 11 + i },
        );
        t.after(() => proxy.close());
        const key = box.run(['keygen']).stdout.trim();
        store.setUp('alice', key, pa, proxy.forA.port);
        store.setUp('bob', key, pb, proxy.forB.port);
        const procs: HeadlessProc[] = [];
        const start = (name: Name): HeadlessProc => {
          const p = new HeadlessProc(['chat', '--headless', ...store.chatArgs(name), '--linger', '10']);
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
        // Let a rotation that is still settling (a pending key waiting for proof) finish before the keys are read.
        await sleep(4 * ONE_WAY_MS + 200);
        run.alice.end();
        run.bob.end();
        assert.equal(await run.alice.exitCode(WAIT_MS), 0, run.alice.err.join('\n'));
        assert.equal(await run.bob.exitCode(WAIT_MS), 0, run.bob.err.join('\n'));

        assert.equal(store.fingerprint('alice'), store.fingerprint('bob'), `both ${store.label} on one key`);
        store.assertSettled('alice');
        store.assertSettled('bob');
        for (const p of procs) for (const line of [...p.out, ...p.err]) assert.ok(!line.includes(key), 'no key on any output');
      },
    );
  }
}
