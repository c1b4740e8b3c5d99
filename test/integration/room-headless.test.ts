/**
 * The headless room mode in-process (app/room-headless.ts), on the
 * in-memory network with real timers: a joiner's first `echo hi | fernchat
 * chat --headless --profile club` sends its line once the room lets it in;
 * a member with history on keeps what it sends and what it is shown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runRoomHeadless } from '../../src/app/room-headless.js';
import { randomId, type RoomSettings } from '../../src/config/room.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import { testChatOptions } from '../../src/testing/chat-options.js';
import { waitFor } from '../../src/testing/wait.js';

function io(): { stdin: PassThrough; stdout: PassThrough; stderr: PassThrough; out: () => string; err: () => string } {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin, stdout, stderr, out: () => out, err: () => err };
}

test('a joiner types a line before it is in: the line waits, goes out once the room seats it, and the process exits 0', { timeout: 30_000 }, async (t) => {
  const net = new MemoryNetwork();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-roomhl-'));
  t.after(() => {
    net.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const key = randomBytes(32);
  const invite = randomId();
  const annAddr = { host: '10.1.0.1', port: 7001 };
  const bobAddr = { host: '10.1.0.2', port: 7002 };
  const annRoom: RoomSettings = {
    name: 'club',
    memberId: randomId(),
    contacts: [],
    invites: [{ id: invite, expires: Date.now() + 3_600_000 }],
    joinedWith: null,
  };
  const bobRoom: RoomSettings = {
    name: 'club',
    memberId: randomId(),
    contacts: [annAddr],
    invites: [],
    joinedWith: { invite, inviter: annRoom.memberId, expires: Date.now() + 3_600_000 },
  };
  const opts = (nick: string, listen: typeof annAddr, room: RoomSettings): ReturnType<typeof testChatOptions> =>
    testChatOptions({ listen, key, nick, room, profileName: 'club', configDir: path.join(root, nick), lingerS: 10 });
  for (const nick of ['ann', 'bob']) fs.mkdirSync(path.join(root, nick), { mode: 0o700 });
  const a = io();
  const b = io();
  // Ann keeps the room's history: what she sends and what she is shown.
  const history = { dir: path.join(root, 'history'), profile: 'club', maxBytes: 1 << 20 };
  const annDone = runRoomHeadless({ ...opts('ann', annAddr, annRoom), history }, a, { port: net.port(annAddr.host, annAddr.port), byeLingerMs: 0 });
  await waitFor(() => /listening on 10\.1\.0\.1:7001 \(room club/.test(a.err()), 5_000, 'ann listening');
  a.stdin.write('anyone?\n');
  await waitFor(
    () => /^nobody else is in the room yet: the line goes nowhere \(fernchat invite --profile club makes a code\)$/m.test(a.err()),
    5_000,
    () => `ann alone\n${a.err()}`,
  );
  a.stdin.write('/me waves\n');
  await waitFor(() => fs.existsSync(path.join(history.dir, 'club.history.jsonl')), 5_000, 'the history file');
  const bobDone = runRoomHeadless({ ...opts('bob', bobAddr, bobRoom), wire: 'raw' }, b, { port: net.port(bobAddr.host, bobAddr.port), byeLingerMs: 0 });
  b.stdin.end('hi from bob\n');
  assert.equal(await bobDone, 0, b.err());
  assert.match(b.err(), /you are in the room/);
  assert.match(b.err(), /^note: a room always uses the reliable wire; --wire raw is ignored$/m);
  assert.match(b.err(), /^not in the room yet: lines wait until the room lets us in$/m);
  await waitFor(
    () => /<bob> hi from bob\n/.test(a.out()),
    5_000,
    () => `ann's line\n${a.err()}`,
  );
  a.stdin.write('/who\n');
  await waitFor(
    () => /^bob {2}[0-9a-f]{16} {2}10\.1\.0\.2:7002 {2}(online|offline)$/m.test(a.out()),
    5_000,
    () => `ann's /who\n${a.out()}`,
  );
  a.stdin.end('/quit\n');
  assert.equal(await annDone, 0, a.err());
  const records = fs
    .readFileSync(path.join(history.dir, 'club.history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { dir: string; from: string; text: string; kind: string });
  assert.deepEqual(
    records.map((r) => [r.dir, r.from, r.text, r.kind]),
    [
      ['out', 'ann', 'anyone?', 'message'],
      ['out', 'ann', 'waves', 'action'],
      ['in', 'bob', 'hi from bob', 'message'],
    ],
  );
  assert.ok(fs.existsSync(path.join(root, 'bob', 'club.members.json')), 'bob saved the member list');
});
