import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROOM_CONTROL_MAX_CHARS } from '../../src/constants.js';
import { encodeRoomControl, looksLikeRoomControl, parseRoomControl, refusalText, type RoomControl } from '../../src/room/control.js';
import { addMember, EMPTY_MEMBERS, sameMembers } from '../../src/room/members.js';
import { memberEntries } from '../../src/room/members-codec.js';

const A = '00000000000000a1';
const B = '00000000000000b2';
const members = addMember(addMember(EMPTY_MEMBERS, { id: A, nick: 'alice', address: '192.0.2.1:7000' }, A), { id: B, nick: 'bob', address: null }, A);
const hello: RoomControl = { t: 'room:hello', room: 'ops', id: A, nick: 'alice', address: '192.0.2.1:7000', members, invite: null, answer: false };

function reason(body: unknown): string {
  const p = parseRoomControl(typeof body === 'string' ? body : JSON.stringify(body));
  assert.equal(p.ok, false, `accepted: ${JSON.stringify(body)}`);
  return (p as { reason: string }).reason;
}

describe('room controls: the codec', () => {
  it('round-trips every type; absent address and invite are null', () => {
    const all: RoomControl[] = [
      hello,
      { ...hello, address: null, invite: 'inv_01-x' },
      { ...hello, answer: true },
      { t: 'room:members', members },
      { t: 'room:refused', why: 'full' },
    ];
    for (const c of all) {
      const body = encodeRoomControl(c);
      assert.ok(looksLikeRoomControl(body), body);
      const p = parseRoomControl(body);
      assert.ok(p.ok, body);
      const { members: got, ...rest } = p.control as RoomControl & { members?: typeof members };
      const { members: want, ...wantRest } = c as RoomControl & { members?: typeof members };
      assert.deepEqual(rest, wantRest);
      if (want !== undefined) assert.ok(sameMembers(got!, want));
    }
    assert.ok(!encodeRoomControl({ ...hello, address: null }).includes('address'));
    assert.ok(!encodeRoomControl(hello).includes('answer'), 'a first hello carries no answer field');
  });

  it('a transfer control or a chat line does not look like a room control', () => {
    assert.equal(looksLikeRoomControl('{"v":1,"t":"offer","id":"x"}'), false);
    assert.equal(looksLikeRoomControl('hello room:hello'), false);
  });

  it('refuses the version, the type, missing and unexpected fields, with one line each', () => {
    const ok = JSON.parse(encodeRoomControl(hello)) as Record<string, unknown>;
    assert.match(reason({ ...ok, v: 2 }), /version 2/);
    assert.match(reason({ ...ok, t: 'room:nope' }), /unknown type "room:nope"/);
    assert.match(reason({ ...ok, t: 'hello' }), /unknown type/);
    assert.match(reason({ ...ok, extra: 1 }), /unexpected field "extra"/);
    const { nick: _n, ...noNick } = ok;
    assert.match(reason(noNick), /missing nick/);
    assert.match(reason('not json'), /not JSON/);
    assert.match(reason('[1]'), /not an object/);
    assert.match(reason(' '.repeat(ROOM_CONTROL_MAX_CHARS + 1)), /longer than/);
    for (const r of ['not JSON', 'version', 'unexpected']) assert.ok(!/\n/.test(r));
  });

  it('refuses bad values field by field', () => {
    const ok = JSON.parse(encodeRoomControl(hello)) as Record<string, unknown>;
    assert.match(reason({ ...ok, id: 'A1' }), /id must be 16 hex/);
    assert.match(reason({ ...ok, id: A.toUpperCase() }), /id must be 16 hex/);
    assert.match(reason({ ...ok, room: '' }), /room name/);
    assert.match(reason({ ...ok, room: 'a\u202eb' }), /room name/);
    assert.match(reason({ ...ok, room: 'x'.repeat(65) }), /room name/);
    assert.match(reason({ ...ok, nick: 'two words' }), /spaces/);
    assert.match(reason({ ...ok, nick: 7 }), /not text/);
    assert.match(reason({ ...ok, address: 'nowhere' }), /address must be host:port/);
    assert.match(reason({ ...ok, address: null }), /address must be host:port/); // absent, never null on the wire
    assert.match(reason({ ...ok, invite: 'has space' }), /invite must be/);
    assert.match(reason({ ...ok, invite: 'x'.repeat(65) }), /invite must be/);
    assert.match(reason({ ...ok, answer: false }), /answer must be true/); // absent, never false on the wire
    assert.match(reason({ ...ok, answer: 1 }), /answer must be true/);
    assert.match(reason({ ...ok, members: {} }), /no members array/);
    const entries = memberEntries(members);
    assert.match(reason({ ...ok, members: [...entries, entries[0]] }), /twice/);
    assert.match(reason({ v: 1, t: 'room:members', members: [[A]] }), /8-field/);
    assert.match(reason({ v: 1, t: 'room:refused', why: 'because I say so' }), /unknown reason/);
    assert.match(reason({ v: 1, t: 'room:refused' }), /missing why/);
  });

  it('every refusal has its own one-line text; the full one names the limit', () => {
    assert.equal(refusalText('full'), 'room full (16 members)');
    assert.equal(refusalText('invite-expired'), 'invite expired');
  });
});
