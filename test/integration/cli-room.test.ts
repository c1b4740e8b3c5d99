/**
 * Rooms on the command line (#15), with the built binary: `room create`,
 * `invite` of a room profile (--expires), `join` of a room code, and the
 * refusals, each in its own temp config directory.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeRoomInvite } from '../../src/config/room-invite.js';
import { assertUsageFailure, CliSandbox, ensureBuilt, ok, readConfig } from '../_cli.js';

const box = new CliSandbox();
before(() => ensureBuilt());
after(() => box.cleanup());

const KEY_B = 'ERERERERERERERERERERERERERERERERERERERERERE=';
const HOUR_MS = 3_600_000;

interface RoomJson {
  name: string;
  memberId: string;
  contacts: Array<{ host: string; port: number }>;
  invites: Array<{ id: string; expires: number }>;
  joinedWith: { invite: string; inviter: string; expires: number } | null;
}

async function profileJson(dir: string, name: string): Promise<Record<string, unknown> & { room: RoomJson; key: string }> {
  return JSON.parse(ok(await box.runFast(['profile', 'show', name, '--json', '--reveal'], { configDir: dir })).stdout) as Record<string, unknown> & {
    room: RoomJson;
    key: string;
  };
}

/** A room "club" at 127.0.0.1:7760 in a new config dir. */
async function makeRoom(): Promise<string> {
  const dir = box.configDir();
  ok(await box.runFast(['room', 'create', 'club', '--host', '127.0.0.1', '--port', '7760', '--nick', 'alice'], { configDir: dir }));
  return dir;
}

describe('fernchat room create', { concurrency: 4 }, () => {
  it('makes a room profile with a new key and member id, and says what comes next', async () => {
    const dir = box.configDir();
    const r = ok(await box.runAsync(['room', 'create', 'club', '--port', '7760', '--nick', 'alice'], { configDir: dir }));
    assert.equal(r.stdout, '');
    assert.match(
      r.errLines[0]!,
      /^fernchat: created room club \(now the default profile\): you are alice \(member [0-9a-f]{16}\), listening on 0\.0\.0\.0:7760/,
    );
    assert.match(r.stderr, /next: fernchat invite --profile club/);
    const p = await profileJson(dir, 'club');
    assert.equal(p.kind, 'room');
    assert.equal(p.peer, null);
    assert.deepEqual({ ...p.room, memberId: 'x' }, { name: 'club', memberId: 'x', contacts: [], invites: [], joinedWith: null });
    assert.match(p.room.memberId, /^[0-9a-f]{16}$/);
    assert.equal(fs.statSync(path.join(dir, 'config.json')).mode & 0o777, 0o600);
    // Another room has another key and member id.
    ok(await box.runFast(['room', 'create', 'club2'], { configDir: dir }));
    const q = await profileJson(dir, 'club2');
    assert.notEqual(q.key, p.key);
    assert.notEqual(q.room.memberId, p.room.memberId);
    const list = ok(await box.runFast(['profile', 'list'], { configDir: dir })).stdout;
    assert.match(list, /^\*\s+club\s+room club\s+listen 0\.0\.0\.0:7760/m);
  });

  it('never overwrites a profile of that name, a room or a 1:1 one', async () => {
    const dir = await makeRoom();
    ok(await box.runFast(['profile', 'add', 'bob', '--key', KEY_B], { configDir: dir }));
    const before = readConfig(dir);
    for (const name of ['club', 'bob']) {
      assertUsageFailure(await box.runFast(['room', 'create', name], { configDir: dir }), new RegExp(`profile "${name}" already exists; it was left as it is`));
    }
    assert.equal(readConfig(dir), before);
  });

  it('refuses a bad name, port or nick with one line, writing nothing', async () => {
    const dir = box.configDir();
    assertUsageFailure(await box.runFast(['room', 'create', 'book club'], { configDir: dir }), /profile name "book club" must be 1-32 characters/);
    assertUsageFailure(await box.runFast(['room', 'create', 'club', '--port', '0'], { configDir: dir }), /--port must be an integer 1-65535/);
    assertUsageFailure(await box.runFast(['room', 'create', 'club', '--nick', 'a b'], { configDir: dir }), /--nick must be/);
    assertUsageFailure(await box.runFast(['room'], { configDir: dir }), /room: say which: create/);
    assert.equal(fs.existsSync(path.join(dir, 'config.json')), false);
  });
});

describe('room invite and join', { concurrency: 4 }, () => {
  it('create → invite --expires 7d → two people join with the same code', async () => {
    const inviter = await makeRoom();
    const t0 = Date.now();
    const inv = ok(await box.runAsync(['invite', '--profile', 'club', '--expires', '7d'], { configDir: inviter }));
    // stdout: the code and nothing else; stderr: the join command, never the code or the key.
    assert.match(inv.stdout, /^fc2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{6}\n$/);
    const code = inv.stdout.trim();
    const room = await profileJson(inviter, 'club');
    assert.ok(!inv.stderr.includes(code.slice(4, 30)) && !inv.stderr.includes(room.key.slice(0, 20)));
    assert.match(inv.stderr, /anyone who has it can join "club" until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(7 d\).*fernchat join - --name club/);
    assert.equal(room.room.invites.length, 1);
    const issued = room.room.invites[0]!;
    assert.match(issued.id, /^[0-9a-f]{16}$/);
    assert.ok(Math.abs(issued.expires - (t0 + 7 * 24 * HOUR_MS)) < 60_000, `expires ${issued.expires}`);

    const members = [box.configDir(), box.configDir()];
    await Promise.all(
      members.map(async (dir, i) => {
        const r = ok(
          // One member through the binary (the code on a stdin pipe), one in this process.
          await (i === 0 ? box.runAsync : box.runFast).call(box, ['join', '-', '--name', 'club', '--port', String(7761 + i), '--nick', `m${i}`], {
            configDir: dir,
            input: `${code}\n`,
          }),
        );
        assert.equal(r.stdout, '');
        assert.match(r.errLines[0]!, /^fernchat: created room profile club \(now the default\): room "club", invited by alice at 127\.0\.0\.1:7760/);
      }),
    );
    const [a, b] = await Promise.all(members.map((dir) => profileJson(dir, 'club')));
    for (const m of [a!, b!]) {
      assert.equal(m.key, room.key, 'the room key, stored as a profile key');
      assert.equal(m.kind, 'room');
      assert.equal(m.peer, null);
      assert.equal(m.room.name, 'club');
      assert.deepEqual(m.room.contacts, [{ host: '127.0.0.1', port: 7760 }]);
      assert.deepEqual(m.room.joinedWith, { invite: issued.id, inviter: room.room.memberId, expires: issued.expires });
      assert.deepEqual(m.room.invites, []);
      assert.notEqual(m.room.memberId, room.room.memberId);
    }
    assert.notEqual(a!.room.memberId, b!.room.memberId, 'every member its own id');
    assert.equal(
      ok(await box.runFast(['fingerprint'], { configDir: members[0] })).stdout,
      ok(await box.runFast(['fingerprint'], { configDir: inviter })).stdout,
    );
  });

  it('a code is valid for 24 h by default; each invite is recorded', async () => {
    const dir = await makeRoom();
    const t0 = Date.now();
    const codes = [ok(await box.runFast(['invite'], { configDir: dir })).stdout.trim(), ok(await box.runFast(['invite'], { configDir: dir })).stdout.trim()];
    assert.notEqual(codes[0], codes[1]);
    const { invites } = (await profileJson(dir, 'club')).room;
    assert.equal(invites.length, 2);
    for (const i of invites) assert.ok(Math.abs(i.expires - (t0 + 24 * HOUR_MS)) < 60_000);
  });

  it('refuses a bad --expires with one line, recording nothing', async () => {
    const dir = await makeRoom();
    const before = readConfig(dir);
    for (const bad of ['0m', '59s', '31d', '721h', 'soon', '10', '1.5h']) {
      const r = await box.runFast(['invite', '--expires', bad], { configDir: dir });
      assertUsageFailure(r, /--expires must be a duration from 1m to 30d, such as 30m, 24h or 7d, got "/);
      assert.equal(r.stdout, '');
    }
    assert.equal(readConfig(dir), before);
    ok(await box.runFast(['invite', '--expires', '30d'], { configDir: dir }));
    // Listening on 0.0.0.0, the address is guessed with a note: a bad --expires is refused first, alone.
    const wild = box.configDir();
    ok(await box.runFast(['room', 'create', 'open'], { configDir: wild }));
    assertUsageFailure(await box.runFast(['invite', '--expires', 'soon'], { configDir: wild }), /--expires must be a duration/);
  });

  it('--expires on a 1:1 profile is refused', async () => {
    const dir = box.configDir();
    ok(await box.runFast(['profile', 'add', 'bob', '--key', KEY_B, '--host', '127.0.0.1'], { configDir: dir }));
    assertUsageFailure(await box.runFast(['invite', '--expires', '1h'], { configDir: dir }), /--expires is for room invites: profile bob is a 1:1 chat/);
  });

  it('join refuses an expired code, a damaged one, and an existing name (unless --force), writing nothing', async () => {
    const joiner = box.configDir();
    const fields = {
      room: 'club',
      key: Buffer.alloc(32, 9),
      address: { host: '127.0.0.1', port: 7760 },
      inviteId: '0123456789abcdef',
      inviter: 'fedcba9876543210',
      nick: 'alice',
    };
    const expired = encodeRoomInvite({ ...fields, expires: Date.now() - HOUR_MS });
    assertUsageFailure(
      await box.runFast(['join', '-', '--name', 'club'], { configDir: joiner, input: expired }),
      /^fernchat: this invite to room "club" expired at .* UTC: ask alice for a new one/,
    );
    const code = encodeRoomInvite({ ...fields, expires: Date.now() + HOUR_MS });
    assertUsageFailure(await box.runFast(['join', code.slice(0, -1), '--name', 'club'], { configDir: joiner }), /room invite code is truncated or damaged/);
    assert.equal(fs.existsSync(path.join(joiner, 'config.json')), false);

    ok(await box.runFast(['profile', 'add', 'club', '--key', KEY_B], { configDir: joiner }));
    const before = readConfig(joiner);
    assertUsageFailure(
      await box.runFast(['join', code, '--name', 'club'], { configDir: joiner }),
      /profile "club" already exists: pass --force to replace it, or --name OTHER/,
    );
    assert.equal(readConfig(joiner), before);
    ok(await box.runFast(['join', code, '--name', 'club', '--force'], { configDir: joiner }));
    assert.equal((await profileJson(joiner, 'club')).kind, 'room');
    // Without --name the profile is named after the room.
    const other = box.configDir();
    assert.match(ok(await box.runFast(['join', code], { configDir: other })).stderr, /created room profile club /);
  });
});

describe('a room profile in chat and send', { concurrency: 4 }, () => {
  it('send, and the room screen without a terminal, exit 2 with one line saying what works, before opening a socket', async () => {
    const dir = await makeRoom();
    const file = path.join(box.root, 'hello.txt');
    fs.writeFileSync(file, 'hello\n');
    assertUsageFailure(
      await box.runAsync(['send', file], { configDir: dir }),
      /^fernchat: profile club is the room "club", and fernchat send cannot send to a room yet/,
    );
    assertUsageFailure(
      await box.runAsync(['chat'], { configDir: dir }),
      /^fernchat: the full-screen UI needs a terminal \(stdin \/ stdout is not a TTY\) — use --headless/,
    );
  });
});
