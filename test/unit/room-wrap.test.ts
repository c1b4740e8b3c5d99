import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RotationKeyError } from '../../src/crypto/errors.js';
import { unwrapRoomKey, wrapRoomKey, RoomKeyWrapError } from '../../src/crypto/room-wrap.js';
import { Fernet } from '../../src/crypto/fernet.js';
import { derivePairKey, deriveRotatedKey, generateRotationKeyPair } from '../../src/crypto/rotation-kdf.js';

const current = randomBytes(32);
const r = randomBytes(8);

test('the member opens what the leader wrapped for its share', () => {
  const leader = generateRotationKeyPair();
  const member = generateRotationKeyPair();
  const next = randomBytes(32);
  const wrapped = wrapRoomKey(leader, member.publicKey, current, r, next);
  assert.deepEqual(unwrapRoomKey(member, leader.publicKey, current, r, wrapped), next);
});

test('it does not open for anyone else: another share, another room key, another rotation id, a flipped byte', () => {
  const leader = generateRotationKeyPair();
  const member = generateRotationKeyPair();
  const listener = generateRotationKeyPair();
  const wrapped = wrapRoomKey(leader, member.publicKey, current, r, randomBytes(32));
  // A listener with the room key and its own share, or pretending to be the leader.
  assert.throws(() => unwrapRoomKey(listener, leader.publicKey, current, r, wrapped), RoomKeyWrapError);
  assert.throws(() => unwrapRoomKey(member, listener.publicKey, current, r, wrapped), RoomKeyWrapError);
  assert.throws(() => unwrapRoomKey(member, leader.publicKey, randomBytes(32), r, wrapped), RoomKeyWrapError);
  assert.throws(() => unwrapRoomKey(member, leader.publicKey, current, randomBytes(8), wrapped), RoomKeyWrapError);
  const bad = Buffer.from(wrapped);
  bad[bad.length - 5] = bad[bad.length - 5] === 0x41 ? 0x42 : 0x41;
  assert.throws(() => unwrapRoomKey(member, leader.publicKey, current, r, bad), RoomKeyWrapError);
});

test('a wrap key is never the 1:1 rotation key of the same shares (domain separation)', () => {
  const leader = generateRotationKeyPair();
  const member = generateRotationKeyPair();
  const oneToOne = deriveRotatedKey(leader, member.publicKey, current);
  // If the wrap key were the rotation key, a Fernet made from it would open the wrap.
  const wrapped = wrapRoomKey(leader, member.publicKey, current, r, randomBytes(32));
  assert.throws(() => new Fernet(oneToOne).decrypt(wrapped));
});

test('bad shares and keys: the same refusals as a 1:1 rotation', () => {
  const leader = generateRotationKeyPair();
  assert.throws(() => wrapRoomKey(leader, leader.publicKey, current, r, randomBytes(32)), RotationKeyError);
  assert.throws(() => wrapRoomKey(leader, Buffer.alloc(32), current, r, randomBytes(32)), RotationKeyError);
  assert.throws(() => wrapRoomKey(leader, randomBytes(31), current, r, randomBytes(32)), RotationKeyError);
  assert.throws(() => wrapRoomKey(leader, generateRotationKeyPair().publicKey, current, r, randomBytes(16)), TypeError);
  assert.throws(() => wrapRoomKey(leader, generateRotationKeyPair().publicKey, current, Buffer.alloc(0), randomBytes(32)), TypeError);
});

test('a wrap that opens but holds no 32-byte key is refused, not taken as a key', () => {
  const leader = generateRotationKeyPair();
  const member = generateRotationKeyPair();
  const w = derivePairKey(leader, member.publicKey, current, Buffer.from('fernchat room key wrap v1'), r);
  const short = new Fernet(w).encrypt(randomBytes(16));
  assert.throws(() => unwrapRoomKey(member, leader.publicKey, current, r, short), /16 bytes, not 32/);
});
