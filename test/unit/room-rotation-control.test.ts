import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ROOM_CONTROL_MAX_CHARS, ROOM_MEMBERS_MAX } from '../../src/constants.js';
import { encodeRoomControl } from '../../src/room/control.js';
import { EMPTY_MEMBERS } from '../../src/room/members.js';
import { encodeRotationControl, isRotationId, looksLikeRotationControl, parseRotationControl, type RotationControl } from '../../src/room/rotation-control.js';

const r = randomBytes(16).toString('base64url');
const pub = randomBytes(32);
const A = '00000000000000a1';
const B = '00000000000000b2';
/** A Fernet token's shape (what rot-key carries): base64url, maybe padded. */
const wrapped = `gAAAAA${'x'.repeat(130)}==`;

const all: RotationControl[] = [
  { t: 'room:rot-offer', r, epoch: 1, kick: false, pub },
  { t: 'room:rot-offer', r, epoch: 7, kick: true, pub },
  { t: 'room:rot-accept', r, pub },
  { t: 'room:rot-key', r, wrapped },
  { t: 'room:rot-ready', r },
  { t: 'room:rot-commit', r, missed: [] },
  { t: 'room:rot-commit', r, missed: [A, B] },
  { t: 'room:rot-epoch', epoch: 0 },
  { t: 'room:rot-epoch', epoch: 42 },
  { t: 'room:rekeyed' },
];

/** The one line a body is refused with. */
function reason(body: unknown): string {
  const p = parseRotationControl(typeof body === 'string' ? body : JSON.stringify(body));
  assert.equal(p.ok, false, `accepted: ${JSON.stringify(body)}`);
  const line = (p as { reason: string }).reason;
  assert.ok(line.startsWith('room control: '), line);
  assert.ok(!/[\r\n]/.test(line), `more than one line: ${line}`);
  return line;
}

/** A valid body of type `t` with `patch` over it (undefined values removed). */
function body(t: RotationControl['t'], patch: Record<string, unknown> = {}): Record<string, unknown> {
  const c = all.find((x) => x.t === t)!;
  const o = { ...(JSON.parse(encodeRotationControl(c)) as Record<string, unknown>), ...patch };
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** Base64url text that decodes to `n` bytes but is not what those bytes encode to (a set low bit in the last character). */
function nonCanonical(n: number): string {
  const s = Buffer.alloc(n).toString('base64url');
  const out = `${s.slice(0, -1)}B`;
  assert.equal(Buffer.from(out, 'base64url').length, n);
  assert.notEqual(Buffer.from(out, 'base64url').toString('base64url'), out);
  return out;
}

describe('room rotation controls: the codec', () => {
  it('round-trips every type', () => {
    for (const c of all) {
      const text = encodeRotationControl(c);
      assert.ok(looksLikeRotationControl(text), text);
      const p = parseRotationControl(text);
      assert.ok(p.ok, `${text}: ${(p as { reason?: string }).reason}`);
      assert.deepEqual(p.control, c);
    }
  });

  it('the share travels as 43 characters of base64url; the initiator is never in a body', () => {
    const text = encodeRotationControl(all[0]!);
    const o = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(o).sort(), ['epoch', 'kick', 'pub', 'r', 't', 'v']);
    assert.equal(o['pub'], pub.toString('base64url'));
    assert.equal(String(o['pub']).length, 43);
  });

  it('refuses r that is not a rotation id', () => {
    for (const t of ['room:rot-offer', 'room:rot-accept', 'room:rot-key', 'room:rot-ready', 'room:rot-commit'] as const) {
      assert.match(reason(body(t, { r: randomBytes(15).toString('base64url') })), /r must be a rotation id/, `${t} short`);
      assert.match(reason(body(t, { r: randomBytes(17).toString('base64url') })), /r must be a rotation id/, `${t} long`);
      assert.match(reason(body(t, { r: randomBytes(16).toString('base64') })), /r must be a rotation id/, `${t} padded base64`);
      assert.match(reason(body(t, { r: `${r.slice(0, -1)}*` })), /r must be a rotation id/, `${t} alphabet`);
      assert.match(reason(body(t, { r: nonCanonical(16) })), /r must be a rotation id/, `${t} non-canonical`);
      assert.match(reason(body(t, { r: 16 })), /r must be a rotation id/, `${t} a number`);
      assert.match(reason(body(t, { r: '' })), /r must be a rotation id/, `${t} empty`);
    }
    assert.equal(isRotationId(r), true);
    assert.equal(isRotationId(nonCanonical(16)), false);
  });

  it('refuses a share that is not 32 bytes of canonical base64url', () => {
    for (const t of ['room:rot-offer', 'room:rot-accept'] as const) {
      for (const p of [
        randomBytes(31).toString('base64url'),
        randomBytes(33).toString('base64url'),
        pub.toString('base64'),
        pub.toString('hex'),
        nonCanonical(32),
        `${pub.toString('base64url').slice(0, -1)}.`,
        32,
        null,
      ])
        assert.match(reason(body(t, { pub: p })), /pub must be 32 bytes, base64url/, `${t} ${String(p)}`);
    }
  });

  it('refuses an epoch that is not a whole number ≥ 1 (rot-epoch: ≥ 0)', () => {
    for (const e of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, 1e300, '1', null, true])
      assert.match(reason(body('room:rot-offer', { epoch: e })), /epoch must be a whole number ≥ 1/, String(e));
    for (const e of [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, '0', null])
      assert.match(reason(body('room:rot-epoch', { epoch: e })), /epoch must be a whole number ≥ 0/, String(e));
    assert.ok(parseRotationControl(JSON.stringify(body('room:rot-offer', { epoch: Number.MAX_SAFE_INTEGER }))).ok);
  });

  it('refuses kick that is not a boolean', () => {
    for (const k of [0, 1, 'true', null, []]) assert.match(reason(body('room:rot-offer', { kick: k })), /kick must be true or false/, String(k));
  });

  it('refuses a wrapped key that is empty, too long or not a Fernet token', () => {
    for (const w of ['', 'x'.repeat(257), 'gAAA+AA/', 'gAAA AA', 'gA=A', 12, null])
      assert.match(reason(body('room:rot-key', { wrapped: w })), /wrapped must be a Fernet token of at most 256 characters/, String(w));
    assert.ok(parseRotationControl(JSON.stringify(body('room:rot-key', { wrapped: 'x'.repeat(256) }))).ok, '256 is the limit');
  });

  it(`refuses missed that is not at most ${ROOM_MEMBERS_MAX} distinct member ids`, () => {
    const ids = Array.from({ length: ROOM_MEMBERS_MAX + 1 }, (_, i) => i.toString(16).padStart(16, '0'));
    for (const m of [[A, A], ids, ['alice'], [A.toUpperCase()], [`${A}0`], [1], 'x', null, { A }])
      assert.match(reason(body('room:rot-commit', { missed: m })), /missed must be at most 16 distinct member ids/, JSON.stringify(m));
    assert.ok(parseRotationControl(JSON.stringify(body('room:rot-commit', { missed: ids.slice(0, ROOM_MEMBERS_MAX) }))).ok);
  });

  it('refuses an extra field, a missing field, another version, an unknown type, not JSON, too long', () => {
    for (const c of all) {
      assert.match(reason(body(c.t, { by: A })), /unexpected field "by"/, c.t);
      assert.match(reason(body(c.t, { v: 2 })), /version 2/, c.t);
      assert.match(reason(body(c.t, { v: undefined })), /version undefined/, c.t);
      for (const k of Object.keys(body(c.t)).filter((k) => k !== 'v' && k !== 't'))
        assert.match(reason(body(c.t, { [k]: undefined })), new RegExp(`${c.t}: missing ${k}$`), `${c.t} without ${k}`);
    }
    assert.match(reason({ v: 1, t: 'room:rot-nope', r }), /unknown type/);
    assert.match(reason('{"v":1,"t":"room:rot-ready",'), /not JSON/);
    assert.match(reason('[1]'), /not an object/);
    assert.match(reason(JSON.stringify(body('room:rot-ready')).padEnd(ROOM_CONTROL_MAX_CHARS + 1, ' ')), /longer than/);
  });

  it('looksLikeRotationControl: room:rot-* and room:rekeyed, not the other room controls or chat', () => {
    for (const c of all) assert.equal(looksLikeRotationControl(encodeRotationControl(c)), true, c.t);
    assert.equal(looksLikeRotationControl(encodeRoomControl({ t: 'room:members', members: EMPTY_MEMBERS })), false);
    assert.equal(looksLikeRotationControl(encodeRoomControl({ t: 'room:refused', why: 'full' })), false);
    assert.equal(looksLikeRotationControl('{"v":1,"t":"room:rekeyedX"}'), false);
    assert.equal(looksLikeRotationControl('hello {"t":"room:rot-offer"}'), false, 'chat that quotes one');
    assert.equal(looksLikeRotationControl(`{"x":"${'a'.repeat(80)}","t":"room:rot-offer"}`), false, '"t" far from the start');
    assert.equal(looksLikeRotationControl('{"t" : "room:rot-ready","v":1}'), true, 'whitespace around the colon');
    assert.equal(looksLikeRotationControl(5 as unknown as string), false);
  });
});
