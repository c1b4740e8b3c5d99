/**
 * Who can reach whom in a room (#15): an invite issued while the room runs,
 * and a creator listening on every address (0.0.0.0), which has no address
 * in the member list.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Address } from '../../src/address/address.js';
import { openRoomSession, type RoomSession } from '../../src/app/room-session.js';
import { randomId, type RoomSettings } from '../../src/config/room.js';
import type { RoomFact } from '../../src/room/core-types.js';
import { testChatOptions } from '../../src/testing/chat-options.js';
import { fullMesh, RoomLab } from '../_room-lab.js';

const DAY_MS = 86_400_000;

test('an invite issued while the room runs counts from its next start: the running creator refuses it (not-invited), the restarted one admits it', async (t) => {
  const r = new RoomLab();
  t.after(() => r.closeAll());
  const ann = await r.found('ann');
  const bob = await r.join('bob');
  assert.ok(await r.lab.until(() => fullMesh([ann, bob]), 30_000));
  // `fernchat invite --profile club` while ann's chat runs: the profile on disk gains the invite; the running session read its profile at start.
  const late = randomId();
  ann.room.invites.push({ id: late, expires: r.clock.now() + DAY_MS });
  const cat = await r.join('cat', late);
  assert.ok(await r.lab.until(() => cat.session.core.status.kind === 'refused', 30_000), `cat: ${JSON.stringify(cat.session.core.status)}`);
  assert.deepEqual(cat.session.core.status, { kind: 'refused', why: 'not-invited' });
  assert.ok(ann.facts.some((f) => f.kind === 'refused' && !f.self && f.why === 'not-invited' && f.member === cat.room.memberId));
  assert.ok(!ann.session.core.members.has(cat.room.memberId) && !bob.session.core.members.has(cat.room.memberId));

  // ann's next start reads the profile with the invite; cat runs its join again.
  await r.restart(ann);
  await r.lab.advance(1_000);
  await r.restart(cat);
  assert.ok(await r.lab.until(() => fullMesh([ann, bob, cat]), 30_000), `no mesh: ${[ann, bob, cat].map((p) => p.session.core.online().length)}`);
  assert.equal(cat.session.core.status.kind, 'member');
  assert.ok(cat.facts.some((f) => f.kind === 'joined' && f.self));
  assert.equal(bob.session.core.members.get(cat.room.memberId)?.by, ann.room.memberId, 'ann let cat in');
});

// ------------------------------------------------------------ real sockets: a creator on 0.0.0.0

interface Member {
  nick: string;
  room: RoomSettings;
  configDir: string;
  session: RoomSession;
  facts: RoomFact[];
}

async function open(key: Buffer, root: string, nick: string, room: RoomSettings, listen: Address): Promise<Member> {
  const configDir = path.join(root, nick);
  fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const session = await openRoomSession(testChatOptions({ listen, key, nick, room, profileName: 'club', configDir }), { byeLingerMs: 0, start: false });
  const m: Member = { nick, room, configDir, session, facts: [] };
  session.bus.on('room:fact', (f) => void m.facts.push(f));
  session.start();
  return m;
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return cond();
}

function linked(a: Member, b: Member): boolean {
  return a.session.core.linkOf(b.room.memberId) !== undefined && b.session.core.linkOf(a.room.memberId) !== undefined;
}

function setUp(t: TestContext): { key: Buffer; root: string; members: Member[] } {
  const key = randomBytes(32);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-room-reach-'));
  const members: Member[] = [];
  t.after(async () => {
    for (const m of members) await m.session.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  return { key, root, members };
}

test('a creator on 0.0.0.0 has no address in the list: joiners reach it through the invite’s contact address, and a member back at a new port, with no one else running, through its contacts dial at start', async (t) => {
  const { key, root, members } = setUp(t);
  const invite = randomId();
  const annRoom: RoomSettings = { name: 'club', memberId: randomId(), contacts: [], invites: [{ id: invite, expires: Date.now() + DAY_MS }], joinedWith: null };
  const ann = await open(key, root, 'ann', annRoom, { host: '0.0.0.0', port: 0 });
  members.push(ann);
  const contact = { host: '127.0.0.1', port: ann.session.listen.port };
  const joiner = (): RoomSettings => ({
    name: 'club',
    memberId: randomId(),
    contacts: [contact],
    invites: [],
    joinedWith: { invite, inviter: annRoom.memberId, expires: Date.now() + DAY_MS },
  });
  const bob = await open(key, root, 'bob', joiner(), { host: '127.0.0.1', port: 0 });
  members.push(bob);
  assert.ok(await waitFor(() => linked(ann, bob), 10_000), 'bob reached ann at the invite’s address');
  const cat = await open(key, root, 'cat', joiner(), { host: '127.0.0.1', port: 0 });
  members.push(cat);
  assert.ok(await waitFor(() => linked(ann, cat) && linked(bob, cat), 10_000), 'cat reached ann, and bob and cat each other');
  for (const m of members) assert.equal(m.session.core.members.get(annRoom.memberId)?.address, null, `${m.nick}: ann has no address in the list`);
  assert.equal(ann.session.core.members.get(cat.room.memberId)?.address, `127.0.0.1:${cat.session.listen.port}`);

  // bob and cat quit; cat comes back at another port. ann cannot dial it (its old address is dead) and no one else is
  // running to tell ann the new one: only cat's own start can reach ann — the profile's contacts, dialled at start.
  const oldPort = cat.session.listen.port;
  for (const m of [bob, cat]) {
    await m.session.close();
    members.splice(members.indexOf(m), 1);
  }
  const back = await open(key, root, 'cat', cat.room, { host: '127.0.0.1', port: 0 });
  members.push(back);
  assert.notEqual(back.session.listen.port, oldPort);
  assert.equal(back.session.core.status.kind, 'member', 'its saved list seats it');
  assert.ok(await waitFor(() => linked(ann, back), 10_000), 'cat is back with ann: its contacts dial');
  assert.ok(
    await waitFor(() => ann.session.core.members.get(cat.room.memberId)?.address === `127.0.0.1:${back.session.listen.port}`, 5_000),
    'its new address is in ann’s list',
  );
  back.session.input({ kind: 'send', text: 'back' });
  assert.ok(await waitFor(() => ann.facts.some((f) => f.kind === 'message' && f.text === 'back'), 5_000));
});
