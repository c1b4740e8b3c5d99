/**
 * The room rotation's control messages (#15; PROTOCOL.md "Room key
 * rotation"): JSON text on the chat stream between two members, like the
 * other room controls (control.ts), told apart by their `t`. Pure.
 *
 *   room:rot-offer   leader → each online member  {r, epoch, kick, pub}
 *   room:rot-accept  member → leader              {r, pub}
 *   room:rot-key     leader → member              {r, wrapped}
 *   room:rot-ready   member → leader              {r}
 *   room:rot-commit  leader → members ready       {r, missed}
 *   room:rot-epoch   both, on every new link      {epoch}   (the epoch of the key both hold)
 *   room:rekeyed     a member → a stranger under a retired key  {}   (then the link closes)
 *
 * `r` names the rotation (16 random bytes, base64url); `pub` is a fresh
 * X25519 public share (32 bytes, base64url); `wrapped` is the new room key
 * wrapped for that member (crypto/room-wrap.ts: a Fernet token). The
 * initiator is never in a body: it is the member the link is bound to.
 * parseRotationControl checks every field and bound and returns one line
 * for the first problem, never a throw.
 */
import { ROOM_CONTROL_MAX_CHARS, ROOM_MEMBERS_MAX } from '../constants.js';
import { ROTATION_PUBLIC_KEY_BYTES } from '../crypto/rotation-kdf.js';
import { parseEnvelope } from '../text/json-envelope.js';
import { ROOM_CONTROL_VERSION } from './control.js';
import { isMemberId, type MemberId } from './members.js';

/** Bytes of a rotation id. */
export const ROTATION_ID_BYTES = 16;
/** Longest wrapped key carried (a Fernet token of 32 bytes is 140 characters). */
const WRAPPED_MAX_CHARS = 256;

export type RotationControl =
  | { t: 'room:rot-offer'; r: string; epoch: number; kick: boolean; pub: Buffer }
  | { t: 'room:rot-accept'; r: string; pub: Buffer }
  | { t: 'room:rot-key'; r: string; wrapped: string }
  | { t: 'room:rot-ready'; r: string }
  | { t: 'room:rot-commit'; r: string; missed: MemberId[] }
  | { t: 'room:rot-epoch'; epoch: number }
  | { t: 'room:rekeyed' };

export type RotationControlType = RotationControl['t'];

const REQUIRED: Record<RotationControlType, readonly string[]> = {
  'room:rot-offer': ['r', 'epoch', 'kick', 'pub'],
  'room:rot-accept': ['r', 'pub'],
  'room:rot-key': ['r', 'wrapped'],
  'room:rot-ready': ['r'],
  'room:rot-commit': ['r', 'missed'],
  'room:rot-epoch': ['epoch'],
  'room:rekeyed': [],
};

const B64URL = /^[A-Za-z0-9_-]+$/;
const FERNET_TOKEN = /^[A-Za-z0-9_-]+=*$/;

/** Whether `body` is one of these (its `t` is room:rot-… or room:rekeyed), cheaply, before parsing it strictly. */
export function looksLikeRotationControl(body: string): boolean {
  return typeof body === 'string' && /^\{[^}]{0,64}"t"\s*:\s*"room:(rot-|rekeyed")/.test(body);
}

export function encodeRotationControl(c: RotationControl): string {
  const v = ROOM_CONTROL_VERSION;
  switch (c.t) {
    case 'room:rot-offer':
      return JSON.stringify({ v, t: c.t, r: c.r, epoch: c.epoch, kick: c.kick, pub: c.pub.toString('base64url') });
    case 'room:rot-accept':
      return JSON.stringify({ v, t: c.t, r: c.r, pub: c.pub.toString('base64url') });
    case 'room:rot-key':
      return JSON.stringify({ v, t: c.t, r: c.r, wrapped: c.wrapped });
    case 'room:rot-ready':
      return JSON.stringify({ v, t: c.t, r: c.r });
    case 'room:rot-commit':
      return JSON.stringify({ v, t: c.t, r: c.r, missed: c.missed });
    case 'room:rot-epoch':
      return JSON.stringify({ v, t: c.t, epoch: c.epoch });
    case 'room:rekeyed':
      return JSON.stringify({ v, t: c.t });
  }
}

export type ParsedRotationControl = { ok: true; control: RotationControl } | { ok: false; reason: string };

export function parseRotationControl(body: string): ParsedRotationControl {
  const e = parseEnvelope(body, { version: ROOM_CONTROL_VERSION, maxChars: ROOM_CONTROL_MAX_CHARS, required: REQUIRED });
  if (!e.ok) return bad(e.reason);
  const { type, fields: f } = e;
  const r = f['r'];
  if (Object.hasOwn(f, 'r') && !isRotationId(r)) return bad(`${type}: r must be a rotation id (${ROTATION_ID_BYTES} bytes, base64url)`);
  switch (type) {
    case 'room:rot-offer': {
      const { epoch, kick } = f;
      if (!isEpoch(epoch)) return bad(`${type}: epoch must be a whole number ≥ 1`);
      if (typeof kick !== 'boolean') return bad(`${type}: kick must be true or false`);
      const pub = share(f['pub']);
      if (pub === null) return bad(`${type}: pub must be ${ROTATION_PUBLIC_KEY_BYTES} bytes, base64url`);
      return { ok: true, control: { t: type, r: r as string, epoch, kick, pub } };
    }
    case 'room:rot-accept': {
      const pub = share(f['pub']);
      if (pub === null) return bad(`${type}: pub must be ${ROTATION_PUBLIC_KEY_BYTES} bytes, base64url`);
      return { ok: true, control: { t: type, r: r as string, pub } };
    }
    case 'room:rot-key': {
      const w = f['wrapped'];
      if (typeof w !== 'string' || w.length === 0 || w.length > WRAPPED_MAX_CHARS || !FERNET_TOKEN.test(w))
        return bad(`${type}: wrapped must be a Fernet token of at most ${WRAPPED_MAX_CHARS} characters`);
      return { ok: true, control: { t: type, r: r as string, wrapped: w } };
    }
    case 'room:rot-ready':
      return { ok: true, control: { t: type, r: r as string } };
    case 'room:rot-commit': {
      const m = f['missed'];
      if (!Array.isArray(m) || m.length > ROOM_MEMBERS_MAX || !m.every(isMemberId) || new Set(m).size !== m.length)
        return bad(`${type}: missed must be at most ${ROOM_MEMBERS_MAX} distinct member ids`);
      return { ok: true, control: { t: type, r: r as string, missed: m } };
    }
    case 'room:rot-epoch': {
      const epoch = f['epoch'];
      if (!isEpoch(epoch) && epoch !== 0) return bad(`${type}: epoch must be a whole number ≥ 0`);
      return { ok: true, control: { t: type, epoch: epoch } };
    }
    case 'room:rekeyed':
      return { ok: true, control: { t: type } };
  }
}

export function isRotationId(r: unknown): r is string {
  return (
    typeof r === 'string' &&
    B64URL.test(r) &&
    Buffer.from(r, 'base64url').length === ROTATION_ID_BYTES &&
    Buffer.from(r, 'base64url').toString('base64url') === r
  );
}

function isEpoch(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}

function share(p: unknown): Buffer | null {
  if (typeof p !== 'string' || !B64URL.test(p)) return null;
  const b = Buffer.from(p, 'base64url');
  return b.length === ROTATION_PUBLIC_KEY_BYTES && b.toString('base64url') === p ? b : null;
}

function bad(reason: string): ParsedRotationControl {
  return { ok: false, reason: `room control: ${reason}` };
}
