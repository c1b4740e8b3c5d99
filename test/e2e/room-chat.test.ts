/**
 * A room with the built binary (#15): `room create`, `invite`, three
 * `join`s, then four `fernchat chat --headless --json --profile club`
 * processes on 127.0.0.1 that make a full mesh; each sends lines and gets
 * every other member's lines exactly once, in order; /rotate on one gives
 * all four one new key, and the chat goes on. Every process started
 * is killed when the test ends.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { CliSandbox, ensureBuilt, ok } from '../_cli.js';
import { HeadlessProc, freeUdpPorts } from '../_headless-proc.js';
import { waitFor } from '../../src/testing/wait.js';

const box = new CliSandbox();
before(() => ensureBuilt());

const LINES = 20;
const NICKS = ['ann', 'bob', 'cat', 'dan'];

interface JsonLine {
  type: string;
  event?: string;
  member?: string;
  from?: string;
  nick?: string;
  text?: string;
  room?: string;
  time?: string;
}

function parsed(p: HeadlessProc): JsonLine[] {
  return p.out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JsonLine);
}

/** Members `p` has heard come online (and not go offline since). */
function onlineCount(p: HeadlessProc): number {
  const on = new Set<string>();
  for (const e of parsed(p)) {
    if (e.type !== 'room' || e.member === undefined) continue;
    if (e.event === 'online') on.add(e.member);
    if (e.event === 'offline') on.delete(e.member);
  }
  return on.size;
}

function messages(p: HeadlessProc): JsonLine[] {
  return parsed(p).filter((e) => e.type === 'message');
}

test(
  'four members: create, invite, three joins, four headless processes — every line reaches every other member once, in order',
  { timeout: 120_000 },
  async (t) => {
    const ports = await freeUdpPorts(4);
    const dirs = NICKS.map(() => box.configDir());
    const home = { HOME: path.join(box.root, 'home') };
    ok(await box.runFast(['room', 'create', 'club', '--host', '127.0.0.1', '--port', String(ports[0]), '--nick', 'ann'], { configDir: dirs[0]! }));
    const code = ok(await box.runFast(['invite', '--profile', 'club'], { configDir: dirs[0]! })).stdout.trim();
    for (let i = 1; i < NICKS.length; i++) {
      ok(
        await box.runFast(['join', '-', '--name', 'club', '--host', '127.0.0.1', '--port', String(ports[i]), '--nick', NICKS[i]!], {
          configDir: dirs[i]!,
          input: `${code}\n`,
        }),
      );
    }
    const procs = dirs.map((dir) => new HeadlessProc(['--config-dir', dir, 'chat', '--headless', '--json', '--profile', 'club'], home));
    t.after(() => {
      for (const p of procs) p.kill();
    });
    const dump = (): string => procs.map((p, i) => `--- ${NICKS[i]}\n${p.err.join('\n')}`).join('\n');
    await waitFor(
      () => procs.every((p) => onlineCount(p) === NICKS.length - 1),
      60_000,
      () => `a full mesh\n${dump()}`,
    );

    procs.forEach((p, i) => {
      for (let k = 0; k < LINES; k++) p.write(`${NICKS[i]} line ${k}`);
    });
    await waitFor(
      () => procs.every((p) => messages(p).length >= (NICKS.length - 1) * LINES),
      60_000,
      () => `every line\n${dump()}`,
    );
    // Anything doubled would come within the next moments.
    await new Promise((r) => setTimeout(r, 500));

    procs.forEach((p, i) => {
      const got = messages(p);
      assert.equal(got.length, (NICKS.length - 1) * LINES, `${NICKS[i]}: ${got.length} messages`);
      for (const [j, nick] of NICKS.entries()) {
        if (j === i) continue;
        const texts = got.filter((m) => m.nick === nick).map((m) => m.text);
        assert.deepEqual(
          texts,
          Array.from({ length: LINES }, (_, k) => `${nick} line ${k}`),
          `${NICKS[i]} from ${nick}`,
        );
        const m = got.find((e) => e.nick === nick)!;
        assert.equal(m.room, 'club');
        assert.match(m.from ?? '', /^[0-9a-f]{16}$/);
        assert.ok(!Number.isNaN(Date.parse(m.time ?? '')));
      }
    });

    procs[0]!.write('/who');
    await waitFor(() => parsed(procs[0]!).some((e) => e.type === 'room' && e.event === 'roster'), 10_000, 'the roster');
    const roster = parsed(procs[0]!).find((e) => e.event === 'roster') as unknown as { members: Array<{ nick: string; online: boolean; self: boolean }> };
    assert.deepEqual(
      roster.members.map((m) => [m.nick, m.self || m.online]).sort(),
      NICKS.map((n) => [n, true]),
    );

    // /rotate on one: all four end on one new key, named in a key-changed event on each, and the chat goes on.
    const oldKey = /key ([0-9A-F]{4}(?:-[0-9A-F]{4}){3})\)/.exec(procs[0]!.err.join('\n'))?.[1];
    assert.ok(oldKey !== undefined, 'the key fingerprint in the first line');
    procs[1]!.write('/rotate');
    const changed = (p: HeadlessProc): string | undefined =>
      (parsed(p).find((e) => e.type === 'room' && e.event === 'key-changed') as { fingerprint?: string } | undefined)?.fingerprint;
    await waitFor(
      () => procs.every((p) => changed(p) !== undefined),
      30_000,
      () => `key-changed everywhere\n${dump()}`,
    );
    const fps = new Set(procs.map(changed));
    assert.equal(fps.size, 1, `one key: ${[...fps].join(' ')}`);
    assert.notEqual([...fps][0], oldKey);
    procs[3]!.write('after the rotation');
    await waitFor(
      () => procs.slice(0, 3).every((p) => messages(p).some((m) => m.text === 'after the rotation')),
      30_000,
      () => `after the rotation\n${dump()}`,
    );

    // /kick dan: it is out (exit 1, "removed"), the other three rotate without it.
    procs[0]!.write('/kick dan');
    assert.equal(await procs[3]!.exitCode(30_000), 1, `dan is removed\n${dump()}`);
    const kicks = (p: HeadlessProc): Array<{ fingerprint?: string; kick?: boolean }> =>
      parsed(p).filter((e) => e.type === 'room' && e.event === 'key-changed') as Array<{ fingerprint?: string; kick?: boolean }>;
    await waitFor(
      () => procs.slice(0, 3).every((p) => kicks(p).length === 2),
      30_000,
      () => `the kick's rotation\n${dump()}`,
    );
    const third = new Set(procs.slice(0, 3).map((p) => kicks(p)[1]!.fingerprint));
    assert.equal(third.size, 1);
    assert.ok(procs.slice(0, 3).every((p) => kicks(p)[1]!.kick === true));
    assert.ok(!fps.has([...third][0]), 'a key dan never had');

    for (const p of procs.slice(0, 3)) p.write('/quit');
    for (const [i, p] of procs.slice(0, 3).entries()) assert.equal(await p.exitCode(15_000), 0, `${NICKS[i]} exit\n${p.err.join('\n')}`);
  },
);
