import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROOM_QUEUE_MAX } from '../../src/constants.js';
import { listFacts } from '../../src/room/facts.js';
import { addMember, EMPTY_MEMBERS, removeMember, updateMember } from '../../src/room/members.js';
import { Outbox } from '../../src/room/outbox.js';

const A = 'a000000000000001';
const B = 'b000000000000002';
const C = 'c000000000000003';

describe('room outbox', () => {
  it('keeps each queue in sequence order: a copy that comes back goes before the newer ones', () => {
    const o = new Outbox();
    const [s1, s2, s3] = [o.newSeq(), o.newSeq(), o.newSeq()];
    o.enqueue(B, { seq: s1, text: 'one' });
    const [f1] = o.takeAll(B, 'l1');
    o.enqueue(B, { seq: s2, text: 'two' });
    o.enqueue(B, { seq: s3, text: 'three' });
    o.enqueue(B, o.settle(f1!.ref)!);
    assert.deepEqual(
      o.takeAll(B, 'l2').map((f) => f.text),
      ['one', 'two', 'three'],
    );
    assert.equal(o.settle(f1!.ref), undefined); // settled once
  });

  it(`past ${ROOM_QUEUE_MAX} the oldest go and are counted, once`, () => {
    const o = new Outbox();
    for (let i = 0; i < ROOM_QUEUE_MAX + 3; i++) o.enqueue(B, { seq: o.newSeq(), text: `m${i}` });
    assert.equal(o.queued(B), ROOM_QUEUE_MAX);
    assert.equal(o.takeMissed(B), 3);
    assert.equal(o.takeMissed(B), 0);
    assert.equal(o.takeAll(B, 'l')[0]!.text, 'm3');
  });

  it('drop counts what was queued, in flight and missed; owed lists every member still owed', () => {
    const o = new Outbox();
    o.enqueue(B, { seq: o.newSeq(), text: 'x' });
    o.takeAll(B, 'l');
    o.enqueue(B, { seq: o.newSeq(), text: 'y' });
    o.enqueue(C, { seq: o.newSeq(), text: 'z' });
    assert.deepEqual(o.owed().sort(), [B, C]);
    assert.equal(o.drop(B), 2);
    assert.deepEqual(o.owed(), [C]);
  });
});

describe('room list facts', () => {
  const base = addMember(addMember(EMPTY_MEMBERS, { id: A, nick: 'alice', address: null }, A), { id: B, nick: 'bob', address: null }, A);
  it('joined, renamed, address-changed, left (by itself) and kicked (by another)', () => {
    const withC = addMember(base, { id: C, nick: 'carol', address: null }, A);
    assert.deepEqual(listFacts(base, withC, A), [{ kind: 'joined', member: C, display: 'carol', self: false }]);
    const moved = updateMember(updateMember(withC, B, { nick: 'bobby' }, B), B, { address: '192.0.2.2:7000' }, B);
    assert.deepEqual(
      listFacts(withC, moved, A).map((f) => f.kind),
      ['renamed', 'address-changed'],
    );
    assert.deepEqual(listFacts(withC, removeMember(withC, C, C), A)[0], { kind: 'left', member: C, display: 'carol', how: 'left', by: C, self: false });
    assert.deepEqual(listFacts(withC, removeMember(withC, B, A), B)[0], { kind: 'left', member: B, display: 'bob', how: 'kicked', by: A, self: true });
  });
});
