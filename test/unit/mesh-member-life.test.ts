import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextLife, type MemberLife } from '../../src/net/mesh-member.js';

test("a mesh member's life: live → ended (the mesh closes) or removing (Mesh.remove); removing keeps its first removal whatever comes", () => {
  const first = Promise.resolve();
  const second = Promise.resolve();
  const live: MemberLife = { kind: 'live' };
  assert.deepEqual(nextLife(live, { kind: 'end' }), { kind: 'ended' });
  const removing = nextLife(live, { kind: 'remove', done: first });
  assert.equal(removing.kind === 'removing' && removing.done, first);
  // Mesh.remove ends the member before it records the removal: ended → removing.
  const later = nextLife({ kind: 'ended' }, { kind: 'remove', done: first });
  assert.equal(later.kind === 'removing' && later.done, first);
  assert.equal(nextLife(removing, { kind: 'end' }), removing);
  assert.equal(nextLife(removing, { kind: 'remove', done: second }), removing);
});
