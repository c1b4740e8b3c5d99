/**
 * The shape of config.json, and the one validator for it.
 *
 *   { "defaultProfile": "name" | null,
 *     "profiles": { "<name>": Profile } }
 *
 * Hand-written rather than ajv so every problem comes out as one sentence
 * naming the field ("profiles.alice.listen.port must be an integer
 * 1-65535"). In a profile only `nick` and `key` are required; the rest fall
 * back to the defaults below, so a later version can add a field without
 * breaking older files. Unknown fields are rejected: in a hand-edited file
 * they are almost always typos ("prot"), silently ignored.
 *
 * The field checkers are exported for resolve.ts, so flags and the file
 * agree on what a valid port, host or key is.
 *
 * A profile with a `room` block is a room profile (#15, config/room.ts):
 * the block is checked here with the rest (checkRoom), its lists bounded,
 * and a profile without it reads back exactly as before rooms.
 */
import type { PendingKeySlot, WireMode } from '../bus.js';
import type { UiPreferences } from './chat-options.js';
import {
  DEFAULT_CLOCK_SKEW_S,
  DEFAULT_HISTORY_MAX_BYTES,
  DEFAULT_LISTEN_HOST,
  DEFAULT_PORT,
  DEFAULT_SCROLLBACK_LINES,
  DEFAULT_TOKEN_TTL_S,
  DEFAULT_TRANSFER_MAX_FILE_BYTES,
  MAX_CLOCK_SKEW_S,
  MAX_HISTORY_MAX_BYTES,
  MAX_NICK_CHARS,
  MAX_PROFILE_NAME_CHARS,
  MAX_ROOM_NAME_CHARS,
  MAX_SCROLLBACK_LINES,
  MAX_TOKEN_TTL_S,
  MIN_HISTORY_MAX_BYTES,
  MIN_SCROLLBACK_LINES,
  ROOM_CONTACTS_MAX,
  ROOM_INVITES_MAX,
} from '../constants.js';
import { encodeKey, parseKey } from '../crypto/keys.js';
import { hostProblem } from '../address/parse.js';
import type { Address } from '../address/address.js';
import { nickProblem } from './nick.js';
import { type IssuedInvite, isInviteId, isMemberId, type JoinedWith, type RoomSettings, roomNameProblem } from './room.js';

export interface Profile {
  nick: string;
  listen: Address;
  peer: Address | null;
  /** Fernet key, urlsafe base64 (canonical padded form once fernchat wrote it). */
  key: string;
  /**
   * Only while a key rotation is unfinished (written by fernchat, atomically
   * with `key`; see the key:persist event): the other key, and the keyring
   * slot it goes back into after a restart (with a `next` key, the accept it
   * answered: rotation id and public key, not secret). Key material: never
   * shown.
   */
  pendingKey?: { key: string; slot: PendingKeySlot; accept?: string };
  wire: WireMode;
  clockSkewS: number;
  tokenTtlS: number;
  ui: UiPreferences;
  history: HistorySettings;
  files: FileSettings;
  /** Only in a room profile (config/room.ts): the room, this member's id, contacts and invites. Absent: a 1:1 profile. */
  room?: RoomSettings;
}

/**
 * File transfer (README, "File transfer"). Directories as written (`~` is
 * expanded when a chat starts, config/files.ts), checked then.
 */
export interface FileSettings {
  /** Where /accept saves; null: ~/Downloads if it exists, else the directory fernchat was started in. */
  downloadDir: string | null;
  /** Accept every offer into this directory without asking; null: ask. */
  acceptDir: string | null;
  /** Offers larger than this are declined at once, in bytes. */
  maxFileSize: number;
}

/** Whether the conversation is kept on disk (src/history), and the file's cap. */
export interface HistorySettings {
  /** Off by default: a stolen disk would show past messages, which the key rotation otherwise keeps safe. */
  enabled: boolean;
  /** Past this size the file keeps only its newest part, in bytes. */
  maxBytes: number;
}

export interface ConfigFile {
  defaultProfile: string | null;
  profiles: Record<string, Profile>;
}

export const WIRE_MODES: readonly WireMode[] = ['reliable', 'raw'];

/** UI preferences of a profile that does not set them. */
export const DEFAULT_UI: Readonly<UiPreferences> = Object.freeze({
  scrollback: DEFAULT_SCROLLBACK_LINES,
  bell: false,
  title: false,
  mouse: false,
  term: null,
  seconds: false,
});

/** History settings of a profile that does not set them. */
export const DEFAULT_HISTORY: Readonly<HistorySettings> = Object.freeze({ enabled: false, maxBytes: DEFAULT_HISTORY_MAX_BYTES });

/** File settings of a profile that does not set them. */
export const DEFAULT_FILES: Readonly<FileSettings> = Object.freeze({ downloadDir: null, acceptDir: null, maxFileSize: DEFAULT_TRANSFER_MAX_FILE_BYTES });

/** Largest --max-file-size / files.maxFileSize: 2^53 − 1 bytes (a number stays exact up to there). */
export const MAX_FILE_SIZE_LIMIT = Number.MAX_SAFE_INTEGER;

/** A field of the file (or a flag) is wrong. `path` is "profiles.alice.listen.port" or "--port". */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'SchemaError';
  }
}

export function emptyConfig(): ConfigFile {
  return { defaultProfile: null, profiles: {} };
}

// ------------------------------------------------------------ field checks

const PROFILE_NAME = new RegExp(`^[A-Za-z0-9_.-]{1,${MAX_PROFILE_NAME_CHARS}}$`);
// JSON.parse makes "__proto__" an own key; as a profile name it would be a trap for every object spread.
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Why `name` cannot be a profile name, or null when it can. */
export function profileNameProblem(name: string): string | null {
  if (!PROFILE_NAME.test(name)) return `must be 1-${MAX_PROFILE_NAME_CHARS} characters of A-Z a-z 0-9 _ . -`;
  if (RESERVED_NAMES.has(name)) return 'is reserved';
  return null;
}

export function checkProfileName(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new SchemaError(path, 'must be a string');
  const problem = profileNameProblem(v);
  if (problem !== null) throw new SchemaError(path, problem);
  return v;
}

export function checkPort(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65_535) {
    throw new SchemaError(path, 'must be an integer 1-65535');
  }
  return v;
}

export function checkHost(v: unknown, path: string): string {
  if (typeof v !== 'string' || hostProblem(v) !== null) {
    throw new SchemaError(path, 'must be an IP address or a host name');
  }
  return v;
}

export function checkAddress(v: unknown, path: string, defaults?: Address): Address {
  const o = checkObject(v, path, ['host', 'port']);
  if (defaults) {
    return {
      host: o.host === undefined ? defaults.host : checkHost(o.host, `${path}.host`),
      port: o.port === undefined ? defaults.port : checkPort(o.port, `${path}.port`),
    };
  }
  return { host: checkHost(required(o, 'host', path), `${path}.host`), port: checkPort(required(o, 'port', path), `${path}.port`) };
}

/** Returns the key in canonical form. The message never repeats the key. */
export function checkKey(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new SchemaError(path, 'must be a string (a Fernet key)');
  try {
    return encodeKey(parseKey(v));
  } catch (err) {
    const why = err instanceof Error ? err.message : 'not a Fernet key';
    throw new SchemaError(path, `is not a valid Fernet key: ${why}`);
  }
}

export function checkNick(v: unknown, path: string): string {
  if (typeof v !== 'string' || nickProblem(v) !== null) {
    throw new SchemaError(path, `must be 1-${MAX_NICK_CHARS} printable characters without spaces`);
  }
  return v;
}

export function checkWire(v: unknown, path: string): WireMode {
  if (typeof v !== 'string' || !(WIRE_MODES as readonly string[]).includes(v)) {
    throw new SchemaError(path, `must be one of: ${WIRE_MODES.join(', ')}`);
  }
  return v as WireMode;
}

/** An integer number of seconds in [min, max]. */
export function checkSeconds(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new SchemaError(path, `must be a whole number of seconds ${min}-${max}`);
  }
  return v;
}

const TERM = /^[A-Za-z0-9._+-]{1,64}$/;

export function checkTerm(v: unknown, path: string): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !TERM.test(v)) throw new SchemaError(path, 'must be a terminal type such as xterm-256color, or null');
  return v;
}

function checkBool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new SchemaError(path, 'must be true or false');
  return v;
}

// ------------------------------------------------------------ structure

/** `known` null: any keys. At the top level `path` is '' and fields are named bare. */
function checkObject(v: unknown, path: string, known: readonly string[] | null): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(path || 'the top level', 'must be a JSON object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (known !== null && !known.includes(k)) {
      throw new SchemaError(path ? `${path}.${k}` : k, `is not a known field (known: ${known.join(', ')})`);
    }
  }
  return o;
}

function required(o: Record<string, unknown>, field: string, path: string): unknown {
  if (o[field] === undefined) throw new SchemaError(`${path}.${field}`, 'is missing');
  return o[field];
}

function opt<T>(o: Record<string, unknown>, field: string, fallback: T, check: (v: unknown) => T): T {
  return o[field] === undefined ? fallback : check(o[field]);
}

export function checkUi(v: unknown, path: string): UiPreferences {
  const o = checkObject(v, path, Object.keys(DEFAULT_UI));
  const d = DEFAULT_UI;
  return {
    scrollback: opt(o, 'scrollback', d.scrollback, (x) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < MIN_SCROLLBACK_LINES || x > MAX_SCROLLBACK_LINES) {
        throw new SchemaError(`${path}.scrollback`, `must be an integer ${MIN_SCROLLBACK_LINES}-${MAX_SCROLLBACK_LINES}`);
      }
      return x;
    }),
    bell: opt(o, 'bell', d.bell, (x) => checkBool(x, `${path}.bell`)),
    title: opt(o, 'title', d.title, (x) => checkBool(x, `${path}.title`)),
    mouse: opt(o, 'mouse', d.mouse, (x) => checkBool(x, `${path}.mouse`)),
    term: opt(o, 'term', d.term, (x) => checkTerm(x, `${path}.term`)),
    seconds: opt(o, 'seconds', d.seconds, (x) => checkBool(x, `${path}.seconds`)),
  };
}

/** A history cap in bytes, in [MIN_HISTORY_MAX_BYTES, MAX_HISTORY_MAX_BYTES]. */
export function checkHistoryMaxBytes(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_HISTORY_MAX_BYTES || v > MAX_HISTORY_MAX_BYTES) {
    throw new SchemaError(path, `must be a whole number of bytes ${MIN_HISTORY_MAX_BYTES}-${MAX_HISTORY_MAX_BYTES} (64 KiB to 1 GiB)`);
  }
  return v;
}

export function checkHistory(v: unknown, path: string): HistorySettings {
  const o = checkObject(v, path, Object.keys(DEFAULT_HISTORY));
  return {
    enabled: opt(o, 'enabled', DEFAULT_HISTORY.enabled, (x) => checkBool(x, `${path}.enabled`)),
    maxBytes: opt(o, 'maxBytes', DEFAULT_HISTORY.maxBytes, (x) => checkHistoryMaxBytes(x, `${path}.maxBytes`)),
  };
}

/** Longest directory setting, in characters. */
const DIR_MAX_CHARS = 4096;

/** A directory as written (absolute, relative or ~/…), or null. Existence is checked when a chat starts. */
export function checkDir(v: unknown, path: string): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || v.trim() === '' || v.length > DIR_MAX_CHARS || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new SchemaError(path, `must be a directory path (at most ${DIR_MAX_CHARS} characters, no control characters), or null`);
  }
  return v;
}

/** A file size limit in whole bytes, at least 1. */
export function checkMaxFileSize(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new SchemaError(path, 'must be a whole number of bytes, at least 1');
  return v;
}

export function checkFiles(v: unknown, path: string): FileSettings {
  const o = checkObject(v, path, Object.keys(DEFAULT_FILES));
  return {
    downloadDir: opt(o, 'downloadDir', DEFAULT_FILES.downloadDir, (x) => checkDir(x, `${path}.downloadDir`)),
    acceptDir: opt(o, 'acceptDir', DEFAULT_FILES.acceptDir, (x) => checkDir(x, `${path}.acceptDir`)),
    maxFileSize: opt(o, 'maxFileSize', DEFAULT_FILES.maxFileSize, (x) => checkMaxFileSize(x, `${path}.maxFileSize`)),
  };
}

const PENDING_SLOTS: readonly PendingKeySlot[] = ['next', 'previous'];

/** Bytes of a rot-accept payload (rotation id 8 ‖ X25519 public key 32), kept with a pending next key. */
const ACCEPT_BYTES = 40;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A profile's pendingKey: { key, slot, accept? }; the key checked as `key` is, never repeated in a message. */
export function checkPendingKey(v: unknown, path: string): { key: string; slot: PendingKeySlot; accept?: string } {
  const o = checkObject(v, path, ['key', 'slot', 'accept']);
  const key = checkKey(required(o, 'key', path), `${path}.key`);
  const slot = required(o, 'slot', path);
  if (typeof slot !== 'string' || !(PENDING_SLOTS as readonly string[]).includes(slot)) {
    throw new SchemaError(`${path}.slot`, `must be one of: ${PENDING_SLOTS.join(', ')}`);
  }
  if (o.accept === undefined) return { key, slot: slot as PendingKeySlot };
  const accept = o.accept;
  if (slot !== 'next') throw new SchemaError(`${path}.accept`, 'is only kept with a pending key in slot next');
  if (typeof accept !== 'string' || !BASE64URL.test(accept) || Buffer.from(accept, 'base64url').length !== ACCEPT_BYTES) {
    throw new SchemaError(`${path}.accept`, `must be ${ACCEPT_BYTES} bytes in urlsafe base64`);
  }
  return { key, slot, accept };
}

// ------------------------------------------------------------ rooms

/** Latest expiry a file may hold: the year 9999, in ms (a bigger number is a typo, not a date). */
const MAX_EXPIRY_MS = 253_402_300_799_999;

export function checkRoomName(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new SchemaError(path, `must be a string of 1-${MAX_ROOM_NAME_CHARS} printable characters`);
  const problem = roomNameProblem(v);
  if (problem !== null) throw new SchemaError(path, problem);
  return v;
}

function checkHexId(v: unknown, path: string, ok: (x: unknown) => boolean): string {
  if (!ok(v)) throw new SchemaError(path, 'must be 16 lower-case hex digits');
  return v as string;
}

function checkExpiry(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_EXPIRY_MS) {
    throw new SchemaError(path, 'must be a time in ms since 1970 (a whole number)');
  }
  return v;
}

function checkList<T>(v: unknown, path: string, max: number, check: (x: unknown, path: string) => T): T[] {
  if (!Array.isArray(v)) throw new SchemaError(path, 'must be a JSON array');
  if (v.length > max) throw new SchemaError(path, `must hold at most ${max} entries (it holds ${v.length})`);
  return v.map((x, i) => check(x, `${path}[${i}]`));
}

function checkIssuedInvite(v: unknown, path: string): IssuedInvite {
  const o = checkObject(v, path, ['id', 'expires']);
  return { id: checkHexId(required(o, 'id', path), `${path}.id`, isInviteId), expires: checkExpiry(required(o, 'expires', path), `${path}.expires`) };
}

function checkJoinedWith(v: unknown, path: string): JoinedWith | null {
  if (v === null) return null;
  const o = checkObject(v, path, ['invite', 'inviter', 'expires']);
  return {
    invite: checkHexId(required(o, 'invite', path), `${path}.invite`, isInviteId),
    inviter: checkHexId(required(o, 'inviter', path), `${path}.inviter`, isMemberId),
    expires: checkExpiry(required(o, 'expires', path), `${path}.expires`),
  };
}

/** A profile's room block; a list past its bound is refused, never cut (the file says what it holds). */
export function checkRoom(v: unknown, path: string): RoomSettings {
  const o = checkObject(v, path, ['name', 'memberId', 'contacts', 'invites', 'joinedWith']);
  const name = checkRoomName(required(o, 'name', path), `${path}.name`);
  const memberId = checkHexId(required(o, 'memberId', path), `${path}.memberId`, isMemberId);
  const contacts = opt(o, 'contacts', [], (x) => checkList(x, `${path}.contacts`, ROOM_CONTACTS_MAX, (c, p) => checkAddress(c, p)));
  const invites = opt(o, 'invites', [], (x) => checkList(x, `${path}.invites`, ROOM_INVITES_MAX, checkIssuedInvite));
  const ids = new Set<string>();
  invites.forEach((inv, i) => {
    if (ids.has(inv.id)) throw new SchemaError(`${path}.invites[${i}].id`, 'is listed twice');
    ids.add(inv.id);
  });
  const joinedWith = opt(o, 'joinedWith', null, (x) => checkJoinedWith(x, `${path}.joinedWith`));
  return { name, memberId, contacts, invites, joinedWith };
}

const PROFILE_FIELDS = ['nick', 'listen', 'peer', 'key', 'pendingKey', 'wire', 'clockSkewS', 'tokenTtlS', 'ui', 'history', 'files', 'room'] as const;

/** A validated profile with every default filled in. */
export function checkProfile(v: unknown, path: string): Profile {
  const o = checkObject(v, path, PROFILE_FIELDS);
  const profile: Profile = {
    nick: checkNick(required(o, 'nick', path), `${path}.nick`),
    listen: opt(o, 'listen', { host: DEFAULT_LISTEN_HOST, port: DEFAULT_PORT }, (x) =>
      checkAddress(x, `${path}.listen`, { host: DEFAULT_LISTEN_HOST, port: DEFAULT_PORT }),
    ),
    peer: opt(o, 'peer', null, (x) => (x === null ? null : checkAddress(x, `${path}.peer`))),
    key: checkKey(required(o, 'key', path), `${path}.key`),
    wire: opt(o, 'wire', 'reliable', (x) => checkWire(x, `${path}.wire`)),
    clockSkewS: opt(o, 'clockSkewS', DEFAULT_CLOCK_SKEW_S, (x) => checkSeconds(x, `${path}.clockSkewS`, 0, MAX_CLOCK_SKEW_S)),
    tokenTtlS: opt(o, 'tokenTtlS', DEFAULT_TOKEN_TTL_S, (x) => checkSeconds(x, `${path}.tokenTtlS`, 1, MAX_TOKEN_TTL_S)),
    ui: opt(o, 'ui', { ...DEFAULT_UI }, (x) => checkUi(x, `${path}.ui`)),
    history: opt(o, 'history', { ...DEFAULT_HISTORY }, (x) => checkHistory(x, `${path}.history`)),
    files: opt(o, 'files', { ...DEFAULT_FILES }, (x) => checkFiles(x, `${path}.files`)),
  };
  // Absent unless a rotation is unfinished: a profile without one reads back exactly as before.
  if (o.pendingKey !== undefined) profile.pendingKey = checkPendingKey(o.pendingKey, `${path}.pendingKey`);
  // Absent in a 1:1 profile, so every file written before rooms reads back unchanged.
  if (o.room !== undefined) {
    profile.room = checkRoom(o.room, `${path}.room`);
    if (profile.peer !== null) throw new SchemaError(`${path}.peer`, 'must be null in a room profile (a room reaches its members through room.contacts)');
  }
  return profile;
}

/**
 * Validate a parsed config.json; returns it with defaults filled in. Throws
 * SchemaError naming the first bad field. `__internal__` belongs to conf.
 */
export function validateConfig(data: unknown): ConfigFile {
  const o = checkObject(data, '', ['defaultProfile', 'profiles', '__internal__']);
  const profiles: Record<string, Profile> = {};
  if (o.profiles !== undefined) {
    const raw = checkObject(o.profiles, 'profiles', null);
    for (const [name, p] of Object.entries(raw)) {
      checkProfileName(name, `profile name "${name}"`);
      profiles[name] = checkProfile(p, `profiles.${name}`);
    }
  }
  let defaultProfile: string | null = null;
  if (o.defaultProfile !== undefined && o.defaultProfile !== null) {
    if (typeof o.defaultProfile !== 'string' || !Object.hasOwn(profiles, o.defaultProfile)) {
      throw new SchemaError('defaultProfile', 'must be null or the name of a profile in "profiles"');
    }
    defaultProfile = o.defaultProfile;
  }
  return { defaultProfile, profiles };
}
