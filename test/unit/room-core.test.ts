import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROOM_MEMBERS_MAX, ROOM_QUEUE_MAX, ROOM_REDIAL_MS } from '../../src/constants.js';
import { encodeRoomControl, parseRoomControl, type RoomControl } from '../../src/room/control.js';
import { decodeRoomLine, encodeRoomLine } from '../../src/room/line.js';
import { RoomCore } from '../../src/room/core.js';
import type { RoomAction, RoomFact } from '../../src/room/core-types.js';
import { displayName } from '../../src/room/display.js';
import { addMember, EMPTY_MEMBERS, removeMember, updateMember, type MemberId, type MemberSet } from '../../src/room/members.js';
import { nextStatus } from '../../src/room/status.js';
import { admit, listProblem, type AdmitContext } from '../../src/room/trust.js';

const id = (n: number): string => (0xa0000000 + n).toString(16).padStart(8, '0') + n.toString(16).padStart(8, '0');
const [A, B, C, D] = [id(1), id(2), id(3), id(4)] as [MemberId, MemberId, MemberId, MemberId];
const addr = (n: number): string => `192.0.2.${n}:7000`;

/** A room with `ids`, all added by the first, each at addr(i + 1). */
function room(...ids: MemberId[]): MemberSet {
  let s = EMPTY_MEMBERS;
  ids.forEach((m, i) => (s = addMember(s, { id: m, nick: `n${i + 1}`, address: addr(i + 1) }, ids[0]!)));
  return s;
}

type Hello = Extract<RoomControl, { t: 'room:hello' }>;
const hello = (from: MemberId, members: MemberSet, over: Partial<Hello> = {}): Hello => ({
  t: 'room:hello',
  room: 'ops',
  id: from,
  nick: members.get(from)?.nick ?? 'new',
  address: members.get(from)?.address ?? null,
  members,
  invite: null,
  answer: false,
  ...over,
});

function core(self: MemberId, members: MemberSet, o: Partial<ConstructorParameters<typeof RoomCore>[0]> = {}): RoomCore {
  const e = members.get(self);
  return new RoomCore({ self: { id: self, nick: e?.nick ?? 'me', address: e?.address ?? null }, room: 'ops', members, now: 0, ...o });
}

/** What a deliver's text says, past its header (line.ts); a deliver without one fails the test. */
const said = (t: string): string => {
  const l = decodeRoomLine(t);
  assert.ok(l !== null, `a deliver without the line header: ${JSON.stringify(t)}`);
  return l.text;
};
const facts = (as: RoomAction[]): RoomFact[] => as.flatMap((a) => (a.kind === 'fact' ? [a.fact] : []));
const factKinds = (as: RoomAction[]): string[] => facts(as).map((f) => f.kind);
const of = <K extends RoomAction['kind']>(as: RoomAction[], kind: K): Array<Extract<RoomAction, { kind: K }>> =>
  as.filter((a): a is Extract<RoomAction, { kind: K }> => a.kind === kind);
const controls = (as: RoomAction[]): RoomControl[] => of(as, 'control').map((a) => (parseRoomControl(a.body) as { control: RoomControl }).control);

/** Brings `link` up and binds it to `from` by its hello. */
function bind(c: RoomCore, link: string, from: MemberId, members: MemberSet, now = 0): RoomAction[] {
  c.handle({ kind: 'link-up', link, address: members.get(from)?.address ?? null }, now);
  return c.handle({ kind: 'control', link, body: encodeRoomControl(hello(from, members)) }, now);
}

const ctx = (over: Partial<AdmitContext> = {}): AdmitContext => ({
  self: A,
  room: 'ops',
  members: room(A, B),
  invites: [{ id: 'inv', expires: 1000 }],
  seated: true,
  linkAddress: addr(9),
  now: 0,
  ...over,
});

describe('room trust: the admission table (one test per row)', () => {
  it('another room name → wrong-room', () => {
    assert.deepEqual(admit(ctx(), hello(B, room(A, B), { room: 'dev' })), { ok: false, why: 'wrong-room', listError: null });
  });
  it('our own id → same-id', () => {
    assert.equal((admit(ctx(), hello(A, room(A, B))) as { why: string }).why, 'same-id');
  });
  it('an id tombstoned by itself → left; by another → removed (ours or the hello’s list); the tombstone is kept to learn', () => {
    const left = removeMember(room(A, B), B, B);
    const r = admit(ctx({ members: left }), hello(B, room(A, B)));
    assert.equal((r as { why: string }).why, 'left');
    assert.ok((r as { merged?: MemberSet }).merged?.get(B)?.removed);
    assert.equal((admit(ctx(), hello(B, removeMember(room(A, B), B, A))) as { why: string }).why, 'removed');
  });
  it('an id live and seated in the merged list → admitted, no invite needed (let in by someone else)', () => {
    const theirs = addMember(room(A, B), { id: C, nick: 'c', address: addr(3) }, B);
    const r = admit(ctx(), hello(C, theirs));
    assert.ok(r.ok);
    assert.equal(r.added, false);
    assert.ok(r.members.has(C));
  });
  it(`an id live past the ${ROOM_MEMBERS_MAX}th seat → full`, () => {
    const ids = Array.from({ length: ROOM_MEMBERS_MAX + 1 }, (_, i) => id(i + 1));
    assert.equal((admit(ctx({ members: room(...ids) }), hello(ids.at(-1)!, room(...ids))) as { why: string }).why, 'full');
  });
  it('an unknown id without an invite of ours → not-invited; a joiner’s own invites admit nobody', () => {
    assert.equal((admit(ctx(), hello(C, EMPTY_MEMBERS, { invite: 'other' })) as { why: string }).why, 'not-invited');
    assert.equal((admit(ctx(), hello(C, EMPTY_MEMBERS)) as { why: string }).why, 'not-invited');
    assert.equal((admit(ctx({ seated: false }), hello(C, EMPTY_MEMBERS, { invite: 'inv' })) as { why: string }).why, 'not-invited');
  });
  it('an unknown id with our invite, expired → invite-expired', () => {
    assert.equal((admit(ctx({ now: 1000 }), hello(C, EMPTY_MEMBERS, { invite: 'inv' })) as { why: string }).why, 'invite-expired');
  });
  it(`an unknown id with our invite, ${ROOM_MEMBERS_MAX} seated → full`, () => {
    const ids = Array.from({ length: ROOM_MEMBERS_MAX }, (_, i) => id(i + 1));
    assert.equal((admit(ctx({ members: room(...ids) }), hello(id(99), EMPTY_MEMBERS, { invite: 'inv' })) as { why: string }).why, 'full');
  });
  it('an unknown id with our invite and a free seat → added by us (version 1, our seat, its address or the link’s)', () => {
    const r = admit(ctx(), hello(C, EMPTY_MEMBERS, { invite: 'inv', nick: 'carol' }));
    assert.ok(r.ok && r.added);
    assert.deepEqual(r.members.get(C), { id: C, nick: 'carol', address: addr(9), version: 1, removed: false, by: A, seat: { at: 3, by: A } });
    const withAddress = admit(ctx(), hello(C, EMPTY_MEMBERS, { invite: 'inv', address: addr(3) }));
    assert.equal(withAddress.ok && withAddress.members.get(C)!.address, addr(3));
  });
});

describe('room trust: list entries', () => {
  it('a live first version only by its adder; a later one only by the member itself; tombstones by anyone', () => {
    const s = room(A, B);
    assert.equal(listProblem(s), null);
    assert.equal(listProblem(updateMember(s, B, { nick: 'bee' }, B)), null);
    assert.match(listProblem(updateMember(s, B, { nick: 'bee' }, A))!, /changed by .*not by itself/);
    const forged = new Map(s).set(C, { id: C, nick: 'c', address: null, version: 1, removed: false, by: C, seat: { at: 3, by: A } });
    assert.match(listProblem(forged)!, /first version is not its adder/);
    assert.equal(listProblem(removeMember(s, B, B)), null);
    assert.equal(listProblem(removeMember(s, B, A)), null);
  });

  it('room:members with an entry changed by someone else is dropped whole, with one error line', () => {
    const c = core(A, room(A, B, C));
    bind(c, 'l1', B, room(A, B, C));
    const bad = updateMember(addMember(room(A, B, C), { id: D, nick: 'd', address: null }, B), C, { nick: 'evil' }, B);
    const out = c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl({ t: 'room:members', members: bad }) }, 0);
    assert.deepEqual(factKinds(out), ['error']);
    assert.equal(c.members.has(D), false);
    assert.equal(c.members.get(C)!.nick, 'n3');
  });

  it('only the member itself changes its own entry: set-self writes a new version by us and gossips it', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const out = c.handle({ kind: 'set-self', nick: 'alice', address: addr(50) }, 0);
    assert.deepEqual(
      { ...c.members.get(A)!, seat: undefined },
      { id: A, nick: 'alice', address: addr(50), version: 2, removed: false, by: A, seat: undefined },
    );
    assert.deepEqual(
      controls(out).map((x) => x.t),
      ['room:members'],
    );
    assert.deepEqual(
      facts(out)
        .map((f) => f.kind)
        .filter((k) => k !== 'members-changed'),
      ['renamed', 'address-changed'],
    );
  });
});

describe('room core: links', () => {
  it('link-up sends our hello with our list; a joiner’s carries its invite', () => {
    const c = core(A, room(A, B));
    const [h] = controls(c.handle({ kind: 'link-up', link: 'l1', address: addr(2) }, 0));
    assert.equal(h!.t, 'room:hello');
    assert.equal((h as Hello).invite, null);
    const j = core(C, EMPTY_MEMBERS, { join: { invite: 'inv', address: addr(1) } });
    assert.deepEqual(j.handle({ kind: 'start' }, 0), [{ kind: 'dial', address: addr(1), member: null }]);
    assert.equal((controls(j.handle({ kind: 'link-up', link: 'l1', address: addr(1) }, 0))[0] as Hello).invite, 'inv');
  });

  it('a hello binds the link: online; a message on it is the bound member’s, whatever it says', () => {
    const c = core(A, room(A, B));
    assert.ok(factKinds(bind(c, 'l1', B, room(A, B))).includes('online'));
    assert.equal(c.linkOf(B), 'l1');
    const [m] = facts(c.handle({ kind: 'message', link: 'l1', id: 'x1', text: '<n3> hi' }, 0));
    assert.deepEqual(m, { kind: 'message', from: B, nick: 'n2', display: 'n2', text: '<n3> hi', id: 'x1' });
  });

  it('each line is shown once: a copy of one already shown (a deliver given back as failed though it arrived) is dropped, on any link', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const texts = (as: RoomAction[]): string[] => facts(as).flatMap((f) => (f.kind === 'message' ? [f.text] : []));
    assert.deepEqual(texts(c.handle({ kind: 'message', link: 'l1', id: 'x1', text: encodeRoomLine(7, 1, 'one') }, 0)), ['one']);
    assert.deepEqual(texts(c.handle({ kind: 'message', link: 'l1', id: 'x2', text: encodeRoomLine(7, 1, 'one') }, 0)), [], 'the same line again');
    c.handle({ kind: 'link-down', link: 'l1' }, 0);
    bind(c, 'l2', B, room(A, B));
    assert.deepEqual(texts(c.handle({ kind: 'message', link: 'l2', id: 'y1', text: encodeRoomLine(7, 1, 'one') }, 0)), [], 'its copy on the next link');
    assert.deepEqual(texts(c.handle({ kind: 'message', link: 'l2', id: 'y2', text: encodeRoomLine(7, 2, 'two') }, 0)), ['two']);
    // B restarted: another incarnation counts from 1 again, even one that looks older (a clock set back).
    assert.deepEqual(texts(c.handle({ kind: 'message', link: 'l2', id: 'z1', text: encodeRoomLine(3, 1, 'after a restart') }, 0)), ['after a restart']);
    // A line without the header cannot be told from a copy: shown as it came, never lost.
    assert.deepEqual(texts(c.handle({ kind: 'message', link: 'l2', id: 'z2', text: 'bare' }, 0)), ['bare']);
  });

  it('/me: the line carries an action mark (a * after the seq) and the receiver shows it as an action; a plain line has none', () => {
    const a = core(A, room(A, B));
    bind(a, 'l1', B, room(A, B));
    const [d] = of(a.handle({ kind: 'send', text: 'waves', action: true }, 0), 'deliver');
    assert.match(d!.text, /^\u0001[0-9a-z]+\.1\*\u0001waves$/);
    const [plain] = of(a.handle({ kind: 'send', text: 'hi' }, 0), 'deliver');
    assert.equal(decodeRoomLine(plain!.text)!.action, false);
    const b = core(B, room(A, B));
    bind(b, 'l1', A, room(A, B));
    const got = facts(b.handle({ kind: 'message', link: 'l1', id: 'x', text: d!.text }, 0)).find((f) => f.kind === 'message');
    assert.deepEqual(got && { text: got.text, action: got.action }, { text: 'waves', action: true });
    // Only "*" is a mark: anything else after the seq is no header at all, and the line is shown as it came.
    assert.equal(decodeRoomLine('\u00011.1!\u0001x'), null);
  });

  it('a restarted core sends under another incarnation: its first line is not taken for a copy of the old first line', () => {
    const before = core(A, room(A, B), { now: 1000 });
    bind(before, 'l1', B, room(A, B));
    const [d1] = of(before.handle({ kind: 'send', text: 'hi' }, 1000), 'deliver');
    const after = core(A, room(A, B), { now: 2000 });
    bind(after, 'l1', B, room(A, B), 2000);
    const [d2] = of(after.handle({ kind: 'send', text: 'hi again' }, 2000), 'deliver');
    const l1 = decodeRoomLine(d1!.text)!;
    const l2 = decodeRoomLine(d2!.text)!;
    assert.equal(l1.seq, l2.seq);
    assert.notEqual(l1.incarnation, l2.incarnation);
  });

  it('a message or a member list before the hello is dropped with one error line', () => {
    const c = core(A, room(A, B));
    c.handle({ kind: 'link-up', link: 'l1', address: addr(2) }, 0);
    assert.deepEqual(factKinds(c.handle({ kind: 'message', link: 'l1', id: 'x', text: 'hi' }, 0)), ['error']);
    const body = encodeRoomControl({ t: 'room:members', members: room(A, B, C) });
    assert.deepEqual(factKinds(c.handle({ kind: 'control', link: 'l1', body }, 0)), ['error']);
    assert.equal(c.members.has(C), false);
  });

  it('a bad control is one error line and changes nothing', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const out = c.handle({ kind: 'control', link: 'l1', body: '{"v":1,"t":"room:members","members":7}' }, 0);
    assert.equal(out.length, 1);
    assert.match((facts(out)[0] as { line: string }).line, /^n2: room control: room:members: member list: no members array$/);
  });

  it('a second hello on a link bound to the same id merges its list and keeps the binding', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const more = addMember(room(A, B), { id: C, nick: 'c', address: addr(3) }, B);
    const out = c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl(hello(B, more)) }, 0);
    assert.equal(c.linkOf(B), 'l1');
    assert.ok(c.members.has(C));
    assert.ok(!factKinds(out).includes('online'));
    assert.equal(of(out, 'close').length, 0);
  });

  it('a second hello on a bound link is answered once with our hello (answer: the peer’s new link waits for it); an answer is never answered', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const again = controls(c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl(hello(B, room(A, B))) }, 0));
    assert.deepEqual(
      again.map((h) => [h.t, h.t === 'room:hello' && h.id, h.t === 'room:hello' && h.answer]),
      [['room:hello', A, true]],
    );
    const answered = controls(c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl(hello(B, room(A, B), { answer: true })) }, 0));
    assert.deepEqual(answered, []);
    // The peer's side: its new link is bound by the answer, which is not answered back.
    const d = core(B, room(A, B));
    d.handle({ kind: 'link-up', link: 'l2', address: addr(1) }, 0);
    const bound = d.handle({ kind: 'control', link: 'l2', body: encodeRoomControl(hello(A, room(A, B), { answer: true })) }, 0);
    assert.equal(d.linkOf(A), 'l2');
    assert.deepEqual(
      controls(bound).filter((h) => h.t === 'room:hello'),
      [],
    );
  });

  it('a hello with another id on a bound link: refused other-id, closed', () => {
    const c = core(A, room(A, B, C));
    bind(c, 'l1', B, room(A, B, C));
    const out = c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl(hello(C, room(A, B, C))) }, 0);
    assert.deepEqual(controls(out), [{ t: 'room:refused', why: 'other-id' }]);
    assert.equal(of(out, 'close').length, 1);
    assert.equal(c.linkOf(B), undefined);
    assert.equal(c.linkOf(C), undefined);
  });

  it('a hello for an id bound to another link (restarted, moved): re-bound to the newer link, the old one closed, no offline', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const out = bind(c, 'l2', B, room(A, B));
    assert.deepEqual(of(out, 'close'), [{ kind: 'close', link: 'l1', reason: 'replaced by a newer link (the member restarted or moved)' }]);
    assert.equal(c.linkOf(B), 'l2');
    assert.ok(!factKinds(out).includes('offline') && !factKinds(out).includes('online'));
    // The old link going down later changes nothing.
    assert.deepEqual(c.handle({ kind: 'link-down', link: 'l1' }, 0), []);
    assert.equal(c.linkOf(B), 'l2');
  });

  it('room:refused closes that link; while joining with no other link, the join ends with the reason', () => {
    const j = core(C, EMPTY_MEMBERS, { join: { invite: 'inv', address: addr(1) } });
    j.handle({ kind: 'link-up', link: 'l1', address: addr(1) }, 0);
    const out = j.handle({ kind: 'control', link: 'l1', body: encodeRoomControl({ t: 'room:refused', why: 'full' }) }, 0);
    assert.deepEqual(j.status, { kind: 'refused', why: 'full' });
    const r = facts(out).find((f) => f.kind === 'refused') as Extract<RoomFact, { kind: 'refused' }>;
    assert.equal(r.line, 'room full (16 members)');
    assert.equal(r.self, true);
    assert.equal(of(out, 'close').length, 1);
  });

  it('a joiner becomes a member when a list with its seat arrives; it then dials the others', () => {
    const j = core(C, EMPTY_MEMBERS, { join: { invite: 'inv', address: addr(1) } });
    bind(j, 'l1', A, room(A, B));
    assert.equal(j.status.kind, 'joining');
    const seated = addMember(room(A, B), { id: C, nick: 'c', address: addr(3) }, A);
    const out = j.handle({ kind: 'control', link: 'l1', body: encodeRoomControl({ t: 'room:members', members: seated }) }, 0);
    assert.equal(j.status.kind, 'member');
    assert.ok(facts(out).some((f) => f.kind === 'joined' && f.self));
    assert.deepEqual(of(out, 'dial'), [{ kind: 'dial', address: addr(2), member: B }]);
  });
});

describe('room core: gossip and dials', () => {
  it('a list that changes nothing sends nothing; a change goes once to each bound link, never back to a link that holds it', () => {
    const c = core(A, room(A, B, C));
    bind(c, 'l1', B, room(A, B, C));
    bind(c, 'l2', C, room(A, B, C));
    assert.deepEqual(c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl({ t: 'room:members', members: room(A, B, C) }) }, 0), []);
    const more = addMember(room(A, B, C), { id: D, nick: 'd', address: addr(4) }, B);
    const out = c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl({ t: 'room:members', members: more }) }, 0);
    assert.deepEqual(
      of(out, 'control').map((a) => a.link),
      ['l2'],
    );
    assert.deepEqual(of(out, 'dial'), [{ kind: 'dial', address: addr(4), member: D }]);
    assert.equal(of(out, 'save').length, 1);
    // Hearing it again: nothing.
    assert.deepEqual(c.handle({ kind: 'control', link: 'l2', body: encodeRoomControl({ t: 'room:members', members: more }) }, 0), []);
  });

  it(`a member without a link is dialled at once, then again only every ${ROOM_REDIAL_MS} ms`, () => {
    const c = core(A, room(A, B));
    assert.deepEqual(of(c.handle({ kind: 'start' }, 0), 'dial'), [{ kind: 'dial', address: addr(2), member: B }]);
    assert.deepEqual(of(c.handle({ kind: 'tick' }, ROOM_REDIAL_MS - 1), 'dial'), []);
    assert.equal(of(c.handle({ kind: 'tick' }, ROOM_REDIAL_MS), 'dial').length, 1);
    bind(c, 'l1', B, room(A, B), ROOM_REDIAL_MS);
    assert.deepEqual(of(c.handle({ kind: 'tick' }, 10 * ROOM_REDIAL_MS), 'dial'), []);
  });

  it('nextDeadline: the next redial while a member has no link, none once every member is bound', () => {
    const c = core(A, room(A, B));
    assert.equal(c.nextDeadline(), 0); // never dialled: at once
    c.handle({ kind: 'start' }, 100);
    assert.equal(c.nextDeadline(), 100 + ROOM_REDIAL_MS);
    bind(c, 'l1', B, room(A, B), 200);
    assert.equal(c.nextDeadline(), null);
    const j = core(C, EMPTY_MEMBERS, { join: { invite: 'inv', address: addr(1) } });
    j.handle({ kind: 'start' }, 50);
    assert.equal(j.nextDeadline(), 50 + ROOM_REDIAL_MS);
  });

  it('a joiner whose inviter does not answer dials it again every ROOM_REDIAL_MS until a link binds', () => {
    const j = core(C, EMPTY_MEMBERS, { join: { invite: 'inv', address: addr(1) } });
    assert.equal(of(j.handle({ kind: 'start' }, 0), 'dial').length, 1);
    assert.equal(of(j.handle({ kind: 'tick' }, ROOM_REDIAL_MS - 1), 'dial').length, 0);
    assert.deepEqual(of(j.handle({ kind: 'tick' }, ROOM_REDIAL_MS), 'dial'), [{ kind: 'dial', address: addr(1), member: null }]);
    bind(j, 'l1', A, room(A, B), ROOM_REDIAL_MS);
    assert.equal(of(j.handle({ kind: 'tick' }, 10 * ROOM_REDIAL_MS), 'dial').length, 0);
  });

  it('two seated members with look-alike nicks are shown with an id suffix each', () => {
    let s = room(A, B);
    s = updateMember(s, B, { nick: 'Bob' }, B);
    s = addMember(s, { id: C, nick: 'b0b', address: null }, A);
    assert.equal(displayName(s, B), `Bob~${B.slice(0, 4)}`);
    assert.equal(displayName(s, C), `b0b~${C.slice(0, 4)}`);
    assert.equal(displayName(s, A), 'n1');
  });
});

describe('room core: messages', () => {
  it('send fans out: a deliver per bound member, a queue for the others, flushed in order when their link binds', () => {
    const c = core(A, room(A, B, C));
    bind(c, 'l1', B, room(A, B, C));
    const out = c.handle({ kind: 'send', text: 'one' }, 0);
    assert.deepEqual(
      of(out, 'deliver').map((d) => [d.link, said(d.text)]),
      [['l1', 'one']],
    );
    c.handle({ kind: 'send', text: 'two' }, 0);
    assert.equal(c.queued(C), 2);
    const flushed = bind(c, 'l2', C, room(A, B, C));
    assert.deepEqual(
      of(flushed, 'deliver').map((d) => [d.link, said(d.text)]),
      [
        ['l2', 'one'],
        ['l2', 'two'],
      ],
    );
  });

  it(`past ${ROOM_QUEUE_MAX} queued for one member the oldest go, and the count is told when it comes back`, () => {
    const c = core(A, room(A, B));
    for (let i = 0; i < ROOM_QUEUE_MAX + 5; i++) c.handle({ kind: 'send', text: `m${i}` }, 0);
    assert.equal(c.queued(B), ROOM_QUEUE_MAX);
    const out = bind(c, 'l1', B, room(A, B));
    assert.deepEqual(
      facts(out).find((f) => f.kind === 'missed'),
      { kind: 'missed', member: B, display: 'n2', count: 5 },
    );
    assert.equal(said(of(out, 'deliver')[0]!.text), 'm5');
  });

  it('a failed deliver is queued again before the newer ones and goes on the member’s next link', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const [d1] = of(c.handle({ kind: 'send', text: 'one' }, 0), 'deliver');
    c.handle({ kind: 'link-down', link: 'l1' }, 0);
    c.handle({ kind: 'send', text: 'two' }, 0);
    c.handle({ kind: 'failed', link: 'l1', ref: d1!.ref }, 0);
    assert.deepEqual(
      of(bind(c, 'l2', B, room(A, B)), 'deliver').map((d) => said(d.text)),
      ['one', 'two'],
    );
  });

  it('lines wait while an old link has not answered for its copies: a copy it gives back still goes first (seed 40379)', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const [d1] = of(c.handle({ kind: 'send', text: 'one' }, 0), 'deliver');
    c.handle({ kind: 'link-down', link: 'l1' }, 0);
    bind(c, 'l2', B, room(A, B));
    assert.deepEqual(of(c.handle({ kind: 'send', text: 'two' }, 0), 'deliver'), []);
    assert.deepEqual(
      of(c.handle({ kind: 'failed', link: 'l1', ref: d1!.ref }, 0), 'deliver').map((d) => [d.link, said(d.text)]),
      [
        ['l2', 'one'],
        ['l2', 'two'],
      ],
    );
    // Answered as delivered instead: the waiting line goes on.
    const c2 = core(A, room(A, B));
    bind(c2, 'l1', B, room(A, B));
    const [e1] = of(c2.handle({ kind: 'send', text: 'one' }, 0), 'deliver');
    bind(c2, 'l2', B, room(A, B)); // re-bound while l1 still holds 'one'
    c2.handle({ kind: 'send', text: 'two' }, 0);
    assert.deepEqual(
      of(c2.handle({ kind: 'delivered', link: 'l1', ref: e1!.ref }, 0), 'deliver').map((d) => [d.link, said(d.text)]),
      [['l2', 'two']],
    );
  });

  it('queue-full: kept, and nothing more on that link until a delivered there', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const [d1] = of(c.handle({ kind: 'send', text: 'one' }, 0), 'deliver');
    const [d2] = of(c.handle({ kind: 'send', text: 'two' }, 0), 'deliver');
    assert.deepEqual(of(c.handle({ kind: 'queue-full', link: 'l1', ref: d2!.ref }, 0), 'deliver'), []);
    assert.deepEqual(of(c.handle({ kind: 'send', text: 'three' }, 0), 'deliver'), []);
    assert.deepEqual(
      of(c.handle({ kind: 'delivered', link: 'l1', ref: d1!.ref }, 0), 'deliver').map((d) => said(d.text)),
      ['two', 'three'],
    );
  });

  it('nothing is sent before the join or after leaving: one error line', () => {
    const j = core(C, EMPTY_MEMBERS);
    assert.deepEqual(facts(j.handle({ kind: 'send', text: 'x' }, 0)), [{ kind: 'error', line: 'not in the room yet: nothing sent' }]);
  });
});

describe('room core: kick and leave', () => {
  it('kick: a tombstone by us, gossiped (to the kicked one too, then its link closes), and rotate-excluding', () => {
    const c = core(A, room(A, B, C));
    bind(c, 'l1', B, room(A, B, C));
    bind(c, 'l2', C, room(A, B, C));
    const out = c.handle({ kind: 'kick', member: B }, 0);
    assert.deepEqual({ removed: c.members.get(B)!.removed, by: c.members.get(B)!.by }, { removed: true, by: A });
    assert.deepEqual(
      of(out, 'control').map((a) => a.link),
      ['l1', 'l2'],
    );
    const closeAt = out.findIndex((a) => a.kind === 'close');
    assert.ok(closeAt > out.findIndex((a) => a.kind === 'control' && a.link === 'l1'));
    assert.deepEqual(of(out, 'rotate-excluding'), [{ kind: 'rotate-excluding', member: B }]);
    assert.ok(facts(out).some((f) => f.kind === 'left' && f.member === B && f.how === 'kicked'));
    assert.equal(facts(c.handle({ kind: 'kick', member: A }, 0))[0]!.kind, 'error');
  });

  it('a tombstone for us by another: removed, every link closed, what we still owed counted', () => {
    const c = core(B, room(A, B, C));
    bind(c, 'l1', A, room(A, B, C));
    c.handle({ kind: 'send', text: 'to c' }, 0);
    const out = c.handle({ kind: 'control', link: 'l1', body: encodeRoomControl({ t: 'room:members', members: removeMember(room(A, B, C), B, A) }) }, 0);
    assert.deepEqual(c.status, { kind: 'removed', by: A });
    assert.ok(facts(out).some((f) => f.kind === 'missed' && f.member === C && f.count === 1));
    assert.equal(of(out, 'close').length, 1);
  });

  it('leave: our tombstone goes to every link before it closes; status left', () => {
    const c = core(A, room(A, B));
    bind(c, 'l1', B, room(A, B));
    const out = c.handle({ kind: 'leave' }, 0);
    assert.deepEqual(
      out.filter((a) => a.kind === 'control' || a.kind === 'close').map((a) => a.kind),
      ['control', 'close'],
    );
    assert.deepEqual(c.status, { kind: 'left' });
  });

  it('out of the room, a member still answers a link with its hello (its tombstone), closes it, and dials each seated member once', () => {
    const gone = removeMember(room(A, B, C), A, B);
    const c = core(A, gone);
    const start = c.handle({ kind: 'start' }, 0);
    assert.deepEqual(
      of(start, 'dial').map((d) => d.member),
      [B, C],
    );
    const up = c.handle({ kind: 'link-up', link: 'l1', address: addr(2) }, 0);
    assert.deepEqual(
      up.map((a) => a.kind),
      ['control', 'close'],
    );
    assert.ok((controls(up)[0] as Hello).members.get(A)!.removed);
    assert.deepEqual(
      of(c.handle({ kind: 'tick' }, ROOM_REDIAL_MS), 'dial').map((d) => d.member),
      [C],
    );
  });

  it('the lifecycle rejects a step it does not expect, naming both', () => {
    assert.throws(() => nextStatus({ kind: 'left' }, { kind: 'admitted' }), /no 'admitted' from 'left'/);
  });
});
