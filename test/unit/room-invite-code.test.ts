import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { checksum, decodeInvite, encodeInvite, InviteCodeError } from '../../src/config/invite.js';
import { checkRoomInviteTime, decodeAnyInvite, decodeRoomInvite, encodeRoomInvite, ROOM_INVITE_PREFIX, type RoomInvite } from '../../src/config/room-invite.js';
import { MAX_ROOM_INVITE_S, ROOM_INVITE_CLOCK_SLACK_MS } from '../../src/constants.js';
import { UsageError } from '../../src/errors.js';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const DAY_MS = 86_400_000;

/** Deterministic: the mangling tests rely on a 32-bit checksum, so a fixed code makes them pass or fail for good. */
function roomInvite(over: Partial<RoomInvite> = {}): RoomInvite {
  return {
    room: 'book club',
    key: createHash('sha256').update('room key').digest(),
    address: { host: '192.168.1.20', port: 7760 },
    inviteId: '0123456789abcdef',
    inviter: 'fedcba9876543210',
    nick: 'alice',
    expires: NOW + DAY_MS,
    ...over,
  };
}

/** A code around a hand-made payload, with a valid checksum: what a buggy or hostile encoder could send. */
function codeOf(payload: Buffer): string {
  const head = ROOM_INVITE_PREFIX + payload.toString('base64url');
  return `${head}.${checksum(head)}`;
}

/** The payload of roomInvite(), field by field, for the forged-code cases. */
function payload(f: { host?: Buffer; room?: Buffer; nick?: Buffer; expires?: bigint; tail?: Buffer } = {}): Buffer {
  const inv = roomInvite();
  const fixed = Buffer.alloc(26);
  Buffer.from(inv.inviteId, 'hex').copy(fixed, 0);
  Buffer.from(inv.inviter, 'hex').copy(fixed, 8);
  fixed.writeBigUInt64BE(f.expires ?? BigInt(inv.expires), 16);
  fixed.writeUInt16BE(inv.address.port, 24);
  const field = (b: Buffer) => Buffer.concat([Buffer.of(b.length), b]);
  return Buffer.concat([
    inv.key,
    fixed,
    field(f.host ?? Buffer.from(inv.address.host)),
    field(f.room ?? Buffer.from(inv.room)),
    field(f.nick ?? Buffer.from(inv.nick)),
    f.tail ?? Buffer.alloc(0),
  ]);
}

function assertRefused(code: string, re: RegExp): void {
  assert.throws(
    () => decodeAnyInvite(code),
    (e: unknown) => {
      assert.ok(e instanceof InviteCodeError, String(e));
      assert.ok(e instanceof UsageError, 'exit 2 like any usage error');
      assert.ok(!e.message.includes('\n'), 'one line');
      assert.match(e.message, re);
      return true;
    },
  );
}

describe('room invite codes (fc2)', () => {
  for (const inv of [
    roomInvite(),
    roomInvite({ address: { host: '::1', port: 1 }, room: 'x', nick: 'zoë_☃' }),
    roomInvite({ address: { host: 'vm2.example.org', port: 65535 }, room: 'Ünïcode ☃ room', expires: 0 }),
    roomInvite({ room: 'r'.repeat(64), expires: Number.MAX_SAFE_INTEGER }),
  ]) {
    it(`roundtrips room ${inv.room.slice(0, 20)} at ${inv.address.host}:${inv.address.port}`, () => {
      const code = encodeRoomInvite(inv);
      assert.match(code, /^fc2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{6}$/, 'one line, no padding, URL-safe');
      assert.deepEqual(decodeRoomInvite(code), inv);
      assert.deepEqual(decodeAnyInvite(code), { kind: 'room', invite: inv });
    });
  }

  it('is told apart from a 1:1 code both ways', () => {
    const one = { address: { host: '10.0.0.1', port: 7755 }, key: Buffer.alloc(32, 7), nick: 'bob' };
    assert.deepEqual(decodeAnyInvite(encodeInvite(one)), { kind: 'chat', invite: one });
    // A 1:1-only reader (an older fernchat) answers a room code with "update fernchat".
    assert.throws(() => decodeInvite(encodeRoomInvite(roomInvite())), /version fc2 is not supported .*update fernchat/);
    assert.throws(() => decodeRoomInvite(encodeInvite(one)), /an invite to a 1:1 chat, not to a room/);
  });

  it('takes a code wrapped by a terminal or pasted with spaces', () => {
    const code = encodeRoomInvite(roomInvite());
    const wrapped = `  ${code.slice(0, 30)}\n${code.slice(30, 70)}\r\n ${code.slice(70)}\n`;
    assert.deepEqual(decodeRoomInvite(wrapped), roomInvite());
  });

  it('refuses a version it does not know, naming the two it reads', () => {
    assertRefused('fc3.abc.def', /version fc3 is not supported by this fernchat \(it reads fc1 and fc2\) — update fernchat/);
  });

  it('refuses a code cut short, mangled or without its checksum', () => {
    const code = encodeRoomInvite(roomInvite());
    assertRefused(code.slice(0, -1), /room invite code is truncated or damaged \(checksum mismatch\)/);
    assertRefused(code.slice(0, code.lastIndexOf('.')), /checksum part is missing/);
    for (const i of [4, 10, 40, code.lastIndexOf('.') - 1]) {
      const c = code[i] === 'A' ? 'B' : 'A';
      assertRefused(code.slice(0, i) + c + code.slice(i + 1), /truncated or damaged/);
    }
    assertRefused(`${code}.x`, /truncated or damaged/);
  });

  const forged: Array<[string, Buffer, RegExp]> = [
    ['a payload cut inside the key', payload().subarray(0, 20), /key is cut short/],
    ['a payload cut inside the nick', payload().subarray(0, -2), /nick is cut short/],
    ['extra bytes', payload({ tail: Buffer.of(0) }), /extra bytes after the nick/],
    ['an expiry past 2^53', payload({ expires: 2n ** 60n }), /expiry is not a date/],
    ['a room name with a control character', payload({ room: Buffer.from('club\u001b[2J') }), /room name must hold printable characters only/],
    ['an empty room name', payload({ room: Buffer.alloc(0) }), /room name must be 1-64 printable characters/],
    ['a room name of 65 characters', payload({ room: Buffer.from('r'.repeat(65)) }), /room name must be 1-64/],
    ['a room name that is not UTF-8', payload({ room: Buffer.of(0x63, 0xff) }), /room name is not UTF-8/],
    ['a bad host', payload({ host: Buffer.from('not a host!') }), /its host must be an IP address or a host name/],
    ['a nick with a space', payload({ nick: Buffer.from('a b') }), /its nick must be/],
  ];
  for (const [what, bytes, re] of forged) {
    it(`refuses a checksummed code with ${what}`, () => assertRefused(codeOf(bytes), re));
  }

  it('encodes only what it could decode (TypeError for a caller mistake)', () => {
    assert.throws(() => encodeRoomInvite(roomInvite({ key: Buffer.alloc(31) })), TypeError);
    assert.throws(() => encodeRoomInvite(roomInvite({ inviteId: 'XYZ' })), TypeError);
    assert.throws(() => encodeRoomInvite(roomInvite({ inviter: '0123456789ABCDEF' })), TypeError);
    assert.throws(() => encodeRoomInvite(roomInvite({ expires: 1.5 })), TypeError);
    assert.throws(() => encodeRoomInvite(roomInvite({ room: ' lead' })), TypeError);
  });
});

describe('room invite expiry (the joiner’s clock)', () => {
  it('accepts a code valid now, up to the longest lifetime plus the clock slack', () => {
    checkRoomInviteTime(roomInvite({ expires: NOW + 1 }), NOW);
    checkRoomInviteTime(roomInvite({ expires: NOW + MAX_ROOM_INVITE_S * 1000 + ROOM_INVITE_CLOCK_SLACK_MS }), NOW);
  });

  it('refuses an expired code with one line naming the room, the time and whom to ask', () => {
    for (const expires of [NOW, NOW - 1, 0]) {
      assert.throws(
        () => checkRoomInviteTime(roomInvite({ expires }), NOW),
        (e: unknown) =>
          e instanceof InviteCodeError && /^this invite to room "book club" expired at \d{4}-\d\d-\d\d \d\d:\d\d UTC: ask alice for a new one/.test(e.message),
      );
    }
  });

  it('refuses an expiry further ahead than fernchat issues', () => {
    assert.throws(
      () => checkRoomInviteTime(roomInvite({ expires: NOW + MAX_ROOM_INVITE_S * 1000 + ROOM_INVITE_CLOCK_SLACK_MS + 1 }), NOW),
      /longer than fernchat issues: check this machine's clock/,
    );
  });
});
