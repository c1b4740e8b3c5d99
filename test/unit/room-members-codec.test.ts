import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMember, EMPTY_MEMBERS, removeMember, sameMembers, updateMember, type MemberSet } from '../../src/room/members.js';
import { decodeMembers, encodeMembers, MEMBERS_WIRE_MAX } from '../../src/room/members-codec.js';

const id = (n: number): string => n.toString(16).padStart(16, '0');

function sample(): MemberSet {
  let s = addMember(EMPTY_MEMBERS, { id: id(1), nick: 'alice', address: '10.0.0.1:7000' }, id(1));
  s = addMember(s, { id: id(2), nick: 'bob', address: '[::1]:7001' }, id(1));
  s = addMember(s, { id: id(3), nick: 'carol', address: null }, id(2));
  s = updateMember(s, id(2), { nick: 'bobby' }, id(2));
  return removeMember(s, id(3), id(1));
}

const entry = (over: Partial<Record<number, unknown>> = {}): unknown[] => {
  const e: unknown[] = [id(1), 'alice', '10.0.0.1:7000', 1, 0, id(1), 1, id(1)];
  for (const [k, v] of Object.entries(over)) e[Number(k)] = v;
  return e;
};
const doc = (members: unknown): string => JSON.stringify({ v: 1, members });
const reason = (text: string): string => {
  const r = decodeMembers(text);
  assert.equal(r.ok, false, `expected a refusal of ${text.slice(0, 80)}`);
  return r.ok ? '' : r.reason;
};

test('round trip: every field of every entry, tombstones included', () => {
  const s = sample();
  const r = decodeMembers(encodeMembers(s));
  assert.ok(r.ok);
  assert.ok(sameMembers(r.members, s));
});

test('round trip of random lists', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('add', 'update', 'remove'), fc.nat(20)), { maxLength: 40 }), (ops) => {
      let s = EMPTY_MEMBERS;
      let n = 1;
      for (const [kind, k] of ops) {
        const ids = [...s.keys()];
        if (kind === 'add' || ids.length === 0)
          s = addMember(s, { id: id(n++), nick: `n${k}`, address: k % 2 === 0 ? null : `10.0.0.${k}:${7000 + k}` }, id(1));
        else if (kind === 'update') s = updateMember(s, ids[k % ids.length]!, { address: `10.1.0.${k}:9000` }, id(2));
        else s = removeMember(s, ids[k % ids.length]!, id(3));
      }
      const r = decodeMembers(encodeMembers(s));
      assert.ok(r.ok && sameMembers(r.members, s));
    }),
    { numRuns: 100 },
  );
});

test('hostile or broken lists are refused whole, with one line saying why', () => {
  assert.match(reason('{'), /^member list: not JSON$/);
  assert.match(reason('null'), /not an object/);
  assert.match(reason(JSON.stringify({ v: 2, members: [] })), /version 2, expected 1/);
  assert.match(reason(JSON.stringify({ v: 1 })), /no members array/);
  assert.match(reason(doc(new Array(MEMBERS_WIRE_MAX + 1).fill(entry()))), /entries, at most/);
  assert.match(reason(doc([entry(), entry()])), /entry 1: member 0000000000000001 twice/);
  assert.match(reason(doc([entry({ 0: '../etc' })])), /member id is not 16 hex digits/);
  assert.match(reason(doc([entry({ 5: 'ABCDEF0123456789' })])), /member id/);
  assert.match(reason(doc([entry({ 1: 'two words' })])), /spaces/);
  assert.match(reason(doc([entry({ 1: 'evil\u202e' })])), /printable/);
  assert.match(reason(doc([entry({ 1: 7 })])), /nick is not text/);
  assert.match(reason(doc([entry({ 2: 'nowhere' })])), /address is not host:port/);
  assert.match(reason(doc([entry({ 2: `${'a'.repeat(70)}:1` })])), /address is not host:port/);
  assert.match(reason(doc([entry({ 3: 0 })])), /version/);
  assert.match(reason(doc([entry({ 3: 1.5 })])), /version/);
  assert.match(reason(doc([entry({ 3: 2 ** 60 })])), /version/);
  assert.match(reason(doc([entry({ 4: true })])), /removed is not 0 or 1/);
  assert.match(reason(doc([entry({ 6: -1 })])), /seat/);
  assert.match(reason(doc([[id(1)]])), /not an 8-field array/);
});
