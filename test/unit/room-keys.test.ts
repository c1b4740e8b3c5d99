import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RoomKeys } from '../../src/app/room-keys.js';
import type { PersistedKeys } from '../../src/bus.js';
import { ROOM_RETIRED_KEY_MS, ROOM_RETIRED_KEYS_MAX, ROOM_STALE_SEATS_MAX } from '../../src/constants.js';
import { fingerprint, parseKey } from '../../src/crypto/keys.js';

const T0 = 1_700_000_000_000;

function keys(profile: ConstructorParameters<typeof RoomKeys>[1] = {}): { k: RoomKeys; first: Buffer; warnings: string[] } {
  const first = randomBytes(32);
  const warnings: string[] = [];
  return { k: new RoomKeys(first, profile, (l) => warnings.push(l)), first, warnings };
}

describe('RoomKeys: the accept policy’s keys and seats', () => {
  it('current seats a member; a retired key a stale seat while one is free; an unknown key nothing', () => {
    const { k, first } = keys();
    assert.equal(k.seatFor(first), 'member');
    assert.equal(k.seatFor(randomBytes(32)), null);
    const second = randomBytes(32);
    k.switchTo(second, T0);
    assert.equal(k.seatFor(second), 'member');
    assert.equal(k.seatFor(first), 'stale');
    for (let i = 0; i < ROOM_STALE_SEATS_MAX; i++) {
      assert.equal(k.seatFor(first), 'stale', `seat ${i + 1}`);
      k.staleOpened();
    }
    assert.equal(k.seatFor(first), null, `past ${ROOM_STALE_SEATS_MAX} stale seats`);
    assert.equal(k.seatFor(second), 'member', 'members are not limited by the stale seats');
    k.staleClosed();
    assert.equal(k.seatFor(first), 'stale', 'a seat given back is free again');
    k.staleClosed();
    k.staleClosed();
    k.staleClosed();
    for (let i = 0; i < ROOM_STALE_SEATS_MAX; i++) k.staleOpened();
    assert.equal(k.seatFor(first), null, 'closing more than were opened does not make extra seats');
  });

  it('the constructor and current copy nothing the caller may change under it', () => {
    const { k, first } = keys();
    const copy = Buffer.from(first);
    first.fill(0);
    assert.deepEqual(k.current, copy);
    assert.equal(k.fingerprint(), fingerprint(copy));
  });

  it('acceptKeys: current first, then the retired ones newest first; each for ROOM_RETIRED_KEY_MS', () => {
    const { k, first } = keys();
    assert.deepEqual(k.acceptKeys(T0), [first]);
    const second = randomBytes(32);
    const third = randomBytes(32);
    k.switchTo(second, T0);
    k.switchTo(third, T0 + 1_000);
    assert.deepEqual(k.acceptKeys(T0 + 1_000), [third, second, first]);
    assert.deepEqual(k.acceptKeys(T0 + ROOM_RETIRED_KEY_MS - 1), [third, second, first]);
    assert.deepEqual(k.acceptKeys(T0 + ROOM_RETIRED_KEY_MS), [third, second], 'the first retired key expired');
    assert.equal(k.seatFor(first), null, 'an expired key seats no one');
    assert.equal(k.seatFor(second), 'stale');
    assert.deepEqual(k.acceptKeys(T0 + 1_000 + ROOM_RETIRED_KEY_MS), [third]);
  });

  it(`keeps at most ${ROOM_RETIRED_KEYS_MAX} retired keys, the newest`, () => {
    const { k, first } = keys();
    const all = [first];
    for (let i = 0; i < ROOM_RETIRED_KEYS_MAX + 2; i++) {
      const next = randomBytes(32);
      k.switchTo(next, T0 + i);
      all.unshift(next);
    }
    const got = k.acceptKeys(T0 + 10);
    assert.equal(got.length, 1 + ROOM_RETIRED_KEYS_MAX);
    assert.deepEqual(got, all.slice(0, 1 + ROOM_RETIRED_KEYS_MAX));
    assert.equal(k.seatFor(first), null, 'the oldest is gone');
  });

  it('a switch to the key in use changes nothing', () => {
    const { k, first } = keys();
    k.switchTo(Buffer.from(first), T0);
    assert.deepEqual(k.acceptKeys(T0), [first]);
  });
});

describe('RoomKeys: saving the new key', () => {
  it('uses saveKeys when the profile has it (the key, no pending key), and not saveKey', () => {
    const saved: PersistedKeys[] = [];
    const legacy: string[] = [];
    const { k, warnings } = keys({ saveKeys: (x) => saved.push(x), saveKey: (x) => legacy.push(x) });
    const next = randomBytes(32);
    k.save(next);
    assert.equal(saved.length, 1);
    assert.deepEqual(parseKey(saved[0]!.key), next);
    assert.equal(saved[0]!.pendingKey, null);
    assert.deepEqual(legacy, []);
    assert.deepEqual(warnings, []);
  });

  it('falls back to saveKey', () => {
    const legacy: string[] = [];
    const { k, warnings } = keys({ saveKey: (x) => legacy.push(x) });
    const next = randomBytes(32);
    k.save(next);
    assert.equal(legacy.length, 1);
    assert.deepEqual(parseKey(legacy[0]!), next);
    assert.deepEqual(warnings, []);
  });

  it('a save that throws is exactly one warning line naming the key, and the key still switches', () => {
    for (const profile of [
      {
        saveKeys: () => {
          throw new Error('EACCES: permission denied');
        },
      },
      {
        saveKey: () => {
          throw new Error('EACCES: permission denied');
        },
      },
    ]) {
      const { k, warnings } = keys(profile);
      const next = randomBytes(32);
      assert.doesNotThrow(() => k.save(next));
      assert.equal(warnings.length, 1);
      assert.ok(!/[\r\n]/.test(warnings[0]!), warnings[0]);
      assert.ok(warnings[0]!.includes(fingerprint(next)), warnings[0]);
      assert.match(warnings[0]!, /could not be saved: EACCES: permission denied/);
      k.switchTo(next, T0);
      assert.deepEqual(k.current, next);
    }
  });
});
