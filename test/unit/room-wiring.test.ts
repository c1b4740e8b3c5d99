/**
 * The room wiring's pure parts (#15): links ↔ connections and message ids ↔
 * delivery refs (app/room-links.ts), where a session starts from
 * (app/room-start.ts), and the members file (app/room-members-file.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeliveryRefs, HeldLines, RecentlyClosed, RoomLinks } from '../../src/app/room-links.js';
import { MembersFile, membersFile } from '../../src/app/room-members-file.js';
import { roomStart, selfAddress } from '../../src/app/room-start.js';
import type { RoomSettings } from '../../src/config/room.js';
import { addMember, EMPTY_MEMBERS, removeMember, sameMembers } from '../../src/room/members.js';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';

describe('RoomLinks', () => {
  it('numbers a new link each time a member comes online; never reuses one', () => {
    const l = new RoomLinks<string>();
    l.open('m1', '10.0.0.1:7001');
    assert.equal(l.linkOf('m1'), null);
    const first = l.up('m1');
    assert.equal(first, 'L1');
    assert.equal(l.up('m1'), null, 'up twice: no second link');
    assert.equal(l.memberOf('L1'), 'm1');
    assert.equal(l.down('m1'), 'L1');
    assert.equal(l.down('m1'), null, 'down twice: nothing');
    assert.equal(l.memberOf('L1'), undefined);
    assert.equal(l.up('m1'), 'L2');
    assert.equal(l.size, 1);
  });

  it('finds a member by address; an accepted one gets its address later; forget takes its link down', () => {
    const l = new RoomLinks<string>();
    l.open('dialed', '10.0.0.1:7001');
    l.open('accepted', null);
    assert.equal(l.atAddress('10.0.0.1:7001'), 'dialed');
    assert.equal(l.atAddress('10.0.0.2:7002'), undefined);
    l.setAddress('accepted', '10.0.0.2:7002');
    assert.equal(l.atAddress('10.0.0.2:7002'), 'accepted');
    const link = l.up('accepted');
    assert.equal(l.forget('accepted'), link);
    assert.equal(l.has('accepted'), false);
    assert.equal(l.forget('dialed'), null, 'never up: no link to take down');
    assert.deepEqual(l.members(), []);
    assert.equal(l.up('unknown'), null);
  });

  it('refuses to open a member twice', () => {
    const l = new RoomLinks<string>();
    l.open('m', null);
    assert.throws(() => l.open('m', null), TypeError);
  });
});

describe('DeliveryRefs', () => {
  it('maps a connection message id to its link and ref once; unknown ids are not ours', () => {
    const r = new DeliveryRefs();
    r.track('m-1', 'L1', 7);
    r.track('m-2', 'L2', 7);
    assert.equal(r.size, 2);
    assert.deepEqual(r.settle('m-1'), { link: 'L1', ref: 7 });
    assert.equal(r.settle('m-1'), undefined, 'settled once');
    assert.equal(r.settle('control-9'), undefined);
    assert.deepEqual(r.settle('m-2'), { link: 'L2', ref: 7 });
    assert.equal(r.size, 0);
  });
});

describe('HeldLines', () => {
  it('gives the lines of bound links back once, in order; drops a link that went down unbound', () => {
    const h = new HeldLines();
    h.hold('L1', { id: 'L1#1', text: 'a' });
    h.hold('L2', { id: 'L2#2', text: 'x' });
    h.hold('L1', { id: 'L1#3', text: 'b' });
    assert.deepEqual(
      h.take(() => false),
      [],
    );
    assert.deepEqual(
      h.take((l) => l === 'L1'),
      [
        { link: 'L1', id: 'L1#1', text: 'a' },
        { link: 'L1', id: 'L1#3', text: 'b' },
      ],
    );
    assert.deepEqual(
      h.take((l) => l === 'L1'),
      [],
      'once',
    );
    h.drop('L2');
    assert.equal(h.size, 0);
  });
});

describe('RecentlyClosed', () => {
  it('keeps an address quiet for its time, then forgets it', () => {
    const r = new RecentlyClosed(5_000);
    assert.equal(r.quiet('10.0.0.1:7001', 0), false);
    r.closed('10.0.0.1:7001', 1_000);
    assert.equal(r.quiet('10.0.0.1:7001', 5_999), true);
    assert.equal(r.quiet('10.0.0.2:7002', 5_999), false);
    assert.equal(r.quiet('10.0.0.1:7001', 6_000), false);
    assert.equal(r.quiet('10.0.0.1:7001', 1_000), false, 'forgotten');
  });
});

function room(o: Partial<RoomSettings> = {}): RoomSettings {
  return { name: 'club', memberId: A, contacts: [], invites: [{ id: '0123456789abcdef', expires: 5_000 }], joinedWith: null, ...o };
}

describe('roomStart', () => {
  it('the creator: a list of one, saved at once; its invites go to the core', () => {
    const s = roomStart({ room: room(), nick: 'ann', listen: { host: '127.0.0.1', port: 7001 }, saved: null, now: 1 });
    assert.equal(s.fresh, true);
    assert.equal(s.problem, null);
    assert.deepEqual([...s.core.members.keys()], [A]);
    assert.deepEqual(s.core.self, { id: A, nick: 'ann', address: '127.0.0.1:7001' });
    assert.deepEqual(s.core.invites, [{ id: '0123456789abcdef', expires: 5_000 }]);
    assert.equal(s.core.join, null);
    assert.equal(s.core.room, 'club');
  });

  it('a joiner: an empty list and its inviter to dial; with a saved list, that list', () => {
    const r = room({ memberId: B, invites: [], contacts: [{ host: '::1', port: 7001 }], joinedWith: { invite: 'fedcba9876543210', inviter: A, expires: 9 } });
    const first = roomStart({ room: r, nick: 'bob', listen: { host: '0.0.0.0', port: 7002 }, saved: null, now: 1 });
    assert.equal(first.fresh, false);
    assert.equal(first.core.members.size, 0);
    assert.deepEqual(first.core.join, { invite: 'fedcba9876543210', address: '[::1]:7001' });
    assert.equal(first.core.self.address, null, 'listening on every address: the others learn ours from our datagrams');
    const saved = addMember(addMember(EMPTY_MEMBERS, { id: A, nick: 'ann', address: '[::1]:7001' }, A), { id: B, nick: 'bob', address: null }, A);
    const again = roomStart({ room: r, nick: 'bob', listen: { host: '0.0.0.0', port: 7002 }, saved, now: 1 });
    assert.equal(again.core.members, saved);
    assert.equal(again.problem, null);
    // Two starts at the same clock reading still send under different incarnations (room/line.ts: else the second one's lines would look like copies).
    assert.notEqual(again.core.incarnation, first.core.incarnation);
    assert.ok(Number.isSafeInteger(again.core.incarnation) && again.core.incarnation! > 0);
  });

  it('says so when a joiner has no inviter address, or a member is missing from its own list with no invite', () => {
    const r = room({ memberId: B, joinedWith: { invite: 'fedcba9876543210', inviter: A, expires: 9 } });
    assert.match(roomStart({ room: r, nick: 'bob', listen: { host: '0.0.0.0', port: 1 }, saved: null, now: 1 }).problem ?? '', /no contact address/);
    const other = addMember(EMPTY_MEMBERS, { id: B, nick: 'bob', address: null }, B);
    assert.match(
      roomStart({ room: room(), nick: 'ann', listen: { host: '0.0.0.0', port: 1 }, saved: other, now: 1 }).problem ?? '',
      /not in its saved member list/,
    );
  });

  it('selfAddress: a named host only', () => {
    assert.equal(selfAddress({ host: '0.0.0.0', port: 1 }), null);
    assert.equal(selfAddress({ host: '::', port: 1 }), null);
    assert.equal(selfAddress({ host: '192.0.2.7', port: 7755 }), '192.0.2.7:7755');
  });
});

describe('MembersFile', () => {
  const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-members-'));

  it('saves 0600, whole, and loads the same list; none yet is null', (t) => {
    const dir = tmp();
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const warnings: string[] = [];
    const f = new MembersFile(membersFile(dir, 'club'), (l) => warnings.push(l));
    assert.equal(f.file, path.join(dir, 'club.members.json'));
    assert.equal(f.load(), null);
    const list = removeMember(
      addMember(addMember(EMPTY_MEMBERS, { id: A, nick: 'ann', address: '10.0.0.1:7001' }, A), { id: B, nick: 'bob', address: null }, A),
      B,
      A,
    );
    f.save(list);
    assert.equal(fs.statSync(f.file).mode & 0o777, 0o600);
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.includes('.tmp-')),
      [],
      'no temporary file left',
    );
    const back = f.load();
    assert.ok(back !== null && sameMembers(back, list));
    assert.equal(back.get(B)?.removed, true, 'tombstones kept');
    assert.deepEqual(warnings, []);
  });

  it('moves a file that is not a member list aside, with one line, and starts without', (t) => {
    const dir = tmp();
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const warnings: string[] = [];
    const file = membersFile(dir, 'club');
    fs.writeFileSync(file, '{"v":1,"members":[["nope"]]}');
    const f = new MembersFile(file, (l) => warnings.push(l));
    assert.equal(f.load(), null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /is not a member list .*moved aside to .*unreadable-/);
    assert.equal(fs.existsSync(file), false);
    assert.equal(fs.readdirSync(dir).filter((n) => n.includes('unreadable')).length, 1);
  });

  it('a save that cannot be written is one warning; without a file nothing is kept', (t) => {
    const dir = tmp();
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const warnings: string[] = [];
    const f = new MembersFile(path.join(dir, 'missing-dir', 'club.members.json'), (l) => warnings.push(l));
    f.save(addMember(EMPTY_MEMBERS, { id: A, nick: 'ann', address: null }, A));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /cannot save .*older member list/);
    const none = new MembersFile(null, (l) => warnings.push(l));
    none.save(EMPTY_MEMBERS);
    assert.equal(none.load(), null);
    assert.equal(warnings.length, 1);
  });
});
