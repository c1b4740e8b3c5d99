/**
 * Headless /me between two real processes over loopback UDP: `/me waves` on
 * stdin is an action; a text-mode reader prints `HH:MM:SS * alice waves`, a
 * `--json` reader gets `"kind":"action"` (and `"message"` for a plain line).
 * `/me` alone is one usage line on stderr, nothing sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliSandbox, ensureBuilt } from '../_cli.js';
import { HeadlessProc, freeUdpPorts } from '../_headless-proc.js';

const WAIT_MS = 15_000;

test('headless /me: an action in, "* nick action" out in text mode, kind "action" in --json', async (t) => {
  ensureBuilt();
  const box = new CliSandbox();
  t.after(() => box.cleanup());
  const key = (await box.runFast(['keygen'])).stdout.trim();
  const [pa, pb] = await freeUdpPorts(2);
  const common = ['chat', '--headless', '--host', '127.0.0.1', '--linger', '5', '--config-dir', box.configDir()];
  const env = { FERNCHAT_KEY: key };
  const alice = new HeadlessProc([...common, '--port', String(pa), '--peer', `127.0.0.1:${pb}`, '--nick', 'alice'], env);
  const bob = new HeadlessProc([...common, '--json', '--port', String(pb), '--peer', `127.0.0.1:${pa}`, '--nick', 'bob'], env);
  t.after(() => (alice.kill(), bob.kill()));
  await alice.waitLine('err', /^peer online$/, WAIT_MS);
  await bob.waitLine('err', /^peer online$/, WAIT_MS);

  alice.write('/me');
  await alice.waitLine('err', /^usage: \/me ACTION \(e\.g\. \/me waves\)$/, WAIT_MS);
  alice.write('/me waves');
  alice.write('plain');
  await bob.waitLine('out', /"text":"plain"/, WAIT_MS);
  const messages = bob.out.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.type === 'message');
  assert.deepEqual(
    messages.map((m) => [m.kind, m.from, m.text]),
    [
      ['action', 'alice', 'waves'],
      ['message', 'alice', 'plain'],
    ],
    'the usage line sent nothing',
  );

  bob.write('/me nods');
  bob.write('hi');
  await alice.waitLine('out', /<bob> hi$/, WAIT_MS);
  assert.deepEqual(
    alice.out.map((l) => l.replace(/^\d\d:\d\d:\d\d /, '')),
    ['* bob nods', '<bob> hi'],
  );
  alice.end();
  bob.end();
  assert.equal(await alice.exitCode(WAIT_MS), 0);
  assert.equal(await bob.exitCode(WAIT_MS), 0);
});
