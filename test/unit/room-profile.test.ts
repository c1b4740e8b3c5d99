import assert from 'node:assert/strict';
import fs, { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { roomRefusal } from '../../src/commands/chat.js';
import { formatProfile, formatProfileList, profileJson } from '../../src/commands/profile-view.js';
import { applyPatch, newProfile, setProfile } from '../../src/config/profiles.js';
import { resolveChatOptions } from '../../src/config/resolve.js';
import { formatLifetime, newRoom, parseLifetime, randomId, roomNameProblem, type RoomSettings, withInvite } from '../../src/config/room.js';
import { getRoomProfile, newRoomProfile, recordRoomInvite } from '../../src/config/room-profiles.js';
import { type ConfigFile, SchemaError, validateConfig } from '../../src/config/schema.js';
import { ProfileStore } from '../../src/config/store.js';
import { MAX_ROOM_INVITE_S, ROOM_CONTACTS_MAX, ROOM_INVITES_MAX } from '../../src/constants.js';
import { ConfigError, UsageError } from '../../src/errors.js';

const KEY = 'ERERERERERERERERERERERERERERERERERERERERERE=';
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const MEMBER = '0123456789abcdef';
const example = JSON.parse(readFileSync(new URL('../../config.example.json', import.meta.url), 'utf8')) as { profiles: Record<string, unknown> };

/** A room block as JSON would give it. */
function goodRoom(): Record<string, unknown> {
  return {
    name: 'book club',
    memberId: MEMBER,
    contacts: [{ host: '192.168.1.20', port: 7760 }],
    invites: [{ id: 'aaaaaaaaaaaaaaaa', expires: NOW + 1000 }],
    joinedWith: { invite: 'bbbbbbbbbbbbbbbb', inviter: 'cccccccccccccccc', expires: NOW + 5000 },
  };
}

function config(room: unknown, extra: Record<string, unknown> = {}): unknown {
  return { defaultProfile: null, profiles: { club: { nick: 'bob', key: KEY, room, ...extra } } };
}

function roomOf(cfg: ConfigFile): RoomSettings {
  const r = cfg.profiles.club?.room;
  assert.ok(r !== undefined);
  return r;
}

describe('room profiles in config.json', () => {
  it('keeps a full room block as given; a room profile is a profile with every default', () => {
    const cfg = validateConfig(config(goodRoom()));
    assert.deepEqual(roomOf(cfg), goodRoom());
    assert.equal(cfg.profiles.club?.peer, null);
    assert.equal(cfg.profiles.club?.key, KEY);
  });

  it('fills the optional lists: no contacts, no invites, not joined (the creator)', () => {
    assert.deepEqual(roomOf(validateConfig(config({ name: 'r', memberId: MEMBER }))), {
      name: 'r',
      memberId: MEMBER,
      contacts: [],
      invites: [],
      joinedWith: null,
    });
  });

  it('reads a 1:1 profile exactly as before: no room field appears', () => {
    const cfg = validateConfig({ profiles: { a: { nick: 'a', key: KEY } } });
    assert.ok(!('room' in cfg.profiles.a!));
  });

  it('config.example.json shows a room profile that validates', () => {
    const rooms = Object.entries(validateConfig(example).profiles).filter(([, p]) => p.room !== undefined);
    assert.equal(rooms.length, 1);
    assert.equal(rooms[0]?.[1].key, 'A'.repeat(43) + '=', 'a visibly fake key, as the 1:1 examples have');
  });

  const bad: Array<[string, unknown, string]> = [
    ['room', 'club', 'profiles.club.room must be a JSON object'],
    ['room.name', { ...goodRoom(), name: '' }, 'profiles.club.room.name must be 1-64 printable characters'],
    ['room.name', { ...goodRoom(), name: 'x'.repeat(65) }, 'profiles.club.room.name must be 1-64 printable characters'],
    ['room.name', { ...goodRoom(), name: 'a\u0007b' }, 'profiles.club.room.name must hold printable characters only (no control or invisible characters)'],
    ['room.name', { ...goodRoom(), name: ' club' }, 'profiles.club.room.name must not start or end with a space, nor hold tabs, line breaks or runs of spaces'],
    ['room.name', { ...goodRoom(), name: 7 }, 'profiles.club.room.name must be a string of 1-64 printable characters'],
    ['room.memberId', { ...goodRoom(), memberId: '0123456789ABCDEF' }, 'profiles.club.room.memberId must be 16 lower-case hex digits'],
    ['room.memberId', { ...goodRoom(), memberId: undefined }, 'profiles.club.room.memberId is missing'],
    ['room.contacts', { ...goodRoom(), contacts: {} }, 'profiles.club.room.contacts must be a JSON array'],
    ['room.contacts[0].port', { ...goodRoom(), contacts: [{ host: '::1', port: 0 }] }, 'profiles.club.room.contacts[0].port must be an integer 1-65535'],
    [
      'room.contacts',
      { ...goodRoom(), contacts: Array.from({ length: ROOM_CONTACTS_MAX + 1 }, (_, i) => ({ host: '10.0.0.1', port: i + 1 })) },
      `profiles.club.room.contacts must hold at most ${ROOM_CONTACTS_MAX} entries (it holds ${ROOM_CONTACTS_MAX + 1})`,
    ],
    [
      'room.invites',
      { ...goodRoom(), invites: Array.from({ length: ROOM_INVITES_MAX + 1 }, (_, i) => ({ id: i.toString(16).padStart(16, '0'), expires: NOW })) },
      `profiles.club.room.invites must hold at most ${ROOM_INVITES_MAX} entries (it holds ${ROOM_INVITES_MAX + 1})`,
    ],
    ['room.invites[0].id', { ...goodRoom(), invites: [{ id: 'short', expires: NOW }] }, 'profiles.club.room.invites[0].id must be 16 lower-case hex digits'],
    [
      'room.invites[0].expires',
      { ...goodRoom(), invites: [{ id: MEMBER, expires: -1 }] },
      'profiles.club.room.invites[0].expires must be a time in ms since 1970 (a whole number)',
    ],
    [
      'room.invites[0].expires',
      { ...goodRoom(), invites: [{ id: MEMBER, expires: '2026' }] },
      'profiles.club.room.invites[0].expires must be a time in ms since 1970 (a whole number)',
    ],
    [
      'room.invites[1].id',
      {
        ...goodRoom(),
        invites: [
          { id: MEMBER, expires: NOW },
          { id: MEMBER, expires: NOW + 1 },
        ],
      },
      'profiles.club.room.invites[1].id is listed twice',
    ],
    [
      'room.joinedWith.inviter',
      { ...goodRoom(), joinedWith: { invite: MEMBER, inviter: 'nope', expires: NOW } },
      'profiles.club.room.joinedWith.inviter must be 16 lower-case hex digits',
    ],
    ['room.members', { ...goodRoom(), members: [] }, 'profiles.club.room.members is not a known field (known: name, memberId, contacts, invites, joinedWith)'],
  ];
  for (const [field, room, message] of bad) {
    it(`refuses a bad ${field} with one line naming it: ${message.slice(message.indexOf(' ') + 1)}`, () => {
      assert.throws(
        () => validateConfig(config(room)),
        (e: unknown) => e instanceof SchemaError && e.message === message,
      );
    });
  }

  it('refuses a peer in a room profile', () => {
    assert.throws(
      () => validateConfig(config(goodRoom(), { peer: { host: '::1', port: 1 } })),
      /^SchemaError: profiles\.club\.peer must be null in a room profile/,
    );
  });
});

describe('room names, ids and invite lifetimes', () => {
  it('room names: printable, inner single spaces, at most 64 characters', () => {
    for (const ok of ['club', 'Book club', 'Ünïcode ☃', 'x'.repeat(64), 'a-b_c.d']) assert.equal(roomNameProblem(ok), null, ok);
    for (const no of ['', 'x'.repeat(65), 'tab\there', 'line\nbreak', 'two  spaces', 'end ', '\u202eevil', 'zero\u200bwidth']) {
      assert.notEqual(roomNameProblem(no), null, JSON.stringify(no));
    }
  });

  it('ids are 16 lower-case hex digits from the random source', () => {
    assert.equal(
      randomId(() => Buffer.from('0123456789abcdef', 'hex')),
      '0123456789abcdef',
    );
    assert.match(randomId(), /^[0-9a-f]{16}$/);
    assert.notEqual(randomId(), randomId());
    assert.throws(() => randomId(() => Buffer.alloc(4)), TypeError);
  });

  it('--expires: s, m, h, d from a minute to 30 days; anything else is null', () => {
    const table: Array<[string, number | null]> = [
      ['30m', 1_800],
      ['24h', 86_400],
      ['7d', 604_800],
      ['60s', 60],
      ['30d', MAX_ROOM_INVITE_S],
      [' 2H ', 7_200],
      ['59s', null],
      ['31d', null],
      ['721h', null],
      ['0m', null],
      ['10', null],
      ['1.5h', null],
      ['-1h', null],
      ['1w', null],
      ['', null],
      ['9999999d', null],
    ];
    for (const [text, want] of table) assert.equal(parseLifetime(text), want, text);
    assert.deepEqual([86_400, 3_600, 1_800, 90, MAX_ROOM_INVITE_S].map(formatLifetime), ['1 d', '1 h', '30 min', '90 s', '30 d']);
  });
});

describe('issued invites: bounded, expired ones dropped on write', () => {
  const room = (invites: RoomSettings['invites']): RoomSettings => ({ ...newRoom('club'), invites });

  it('drops the expired invites when one is added', () => {
    const r = withInvite(
      room([
        { id: '1'.repeat(16), expires: NOW - 1 },
        { id: '2'.repeat(16), expires: NOW },
        { id: '3'.repeat(16), expires: NOW + 1 },
      ]),
      { id: '4'.repeat(16), expires: NOW + 10 },
      NOW,
    );
    assert.deepEqual(
      r?.invites.map((i) => i.id[0]),
      ['3', '4'],
    );
  });

  it('refuses the invite past ROOM_INVITES_MAX valid ones (a valid code is never voided), and the profile says when the first expires', () => {
    const full = Array.from({ length: ROOM_INVITES_MAX }, (_, i) => ({ id: i.toString(16).padStart(16, '0'), expires: NOW + 60_000 + i }));
    assert.equal(withInvite(room(full), { id: 'f'.repeat(16), expires: NOW + 1 }, NOW), null);
    const cfg: ConfigFile = { defaultProfile: null, profiles: { club: newRoomProfile({ nick: 'a', key: KEY, room: room(full) }) } };
    assert.throws(
      () => recordRoomInvite(cfg, 'club', { id: 'f'.repeat(16), expires: NOW + 1 }, NOW),
      (e: unknown) =>
        e instanceof ConfigError && /^profile club has 64 invites still valid, the most it keeps: the first expires at 2026-12-04 12:01 UTC$/.test(e.message),
    );
    // Once one has expired there is room again.
    recordRoomInvite(cfg, 'club', { id: 'f'.repeat(16), expires: NOW + 1e6 }, NOW + 60_000);
    assert.equal(getRoomProfile(cfg, 'club').room.invites.length, ROOM_INVITES_MAX);
    validateConfig(cfg);
  });

  it('every write of the file drops the expired invites of every room profile, and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-room-store-'));
    try {
      let now = NOW;
      const store = new ProfileStore({ dir, env: {}, warn: () => {}, now: () => now });
      const invites = [
        { id: '1'.repeat(16), expires: NOW + 10 },
        { id: '2'.repeat(16), expires: NOW + 20 },
      ];
      store.update((cfg) => {
        cfg.profiles.club = newRoomProfile({ nick: 'a', key: KEY, room: room(invites) });
        cfg.profiles.bob = newProfile({ nick: 'b', key: KEY });
      });
      assert.deepEqual(store.read().profiles.club?.room?.invites, invites);
      now = NOW + 10;
      store.update((cfg) => setProfile(cfg, 'bob', { nick: 'bobby' }));
      const cfg = store.read();
      assert.deepEqual(cfg.profiles.club?.room?.invites, [invites[1]]);
      assert.equal(cfg.profiles.bob?.nick, 'bobby');
      assert.equal(cfg.profiles.club?.room?.name, 'club');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('invites only into a room profile', () => {
    const cfg: ConfigFile = { defaultProfile: null, profiles: { bob: newProfile({ nick: 'a', key: KEY }) } };
    assert.throws(() => recordRoomInvite(cfg, 'bob', { id: 'f'.repeat(16), expires: NOW }, NOW), /profile bob is a 1:1 chat, not a room/);
  });
});

describe('a room profile elsewhere: profile set, resolve, chat, profile show', () => {
  const club = () => newRoomProfile({ nick: 'bob', key: KEY, listenPort: 7761, room: { ...newRoom('book club'), ...(goodRoom() as Partial<RoomSettings>) } });

  it('profile set keeps the room block and refuses a peer', () => {
    const p = applyPatch(club(), { nick: 'bobby', listenPort: 7000 });
    assert.deepEqual(p.room, club().room);
    assert.equal(p.nick, 'bobby');
    const cfg: ConfigFile = { defaultProfile: null, profiles: { club: club() } };
    assert.throws(() => setProfile(cfg, 'club', { peer: { host: '::1', port: 1 } }), /a room profile has no peer/);
    setProfile(cfg, 'club', { peer: null });
  });

  it('resolveChatOptions exposes the room as a typed field (a copy); a 1:1 profile has none', () => {
    const p = club();
    const o = resolveChatOptions({ profileName: 'club', profile: p, flags: {}, defaultNick: 'login' });
    assert.deepEqual(o.room, p.room);
    o.room?.contacts.push({ host: '10.0.0.9', port: 9 });
    assert.equal(p.room?.contacts.length, 1, 'the profile read is not changed by the runner');
    const one = resolveChatOptions({ profileName: 'b', profile: newProfile({ nick: 'b', key: KEY }), flags: {}, defaultNick: 'login' });
    assert.ok(!('room' in one));
  });

  it('send refuses a room session with one line', () => {
    roomRefusal({ profileName: 'bob' });
    assert.throws(
      () => roomRefusal({ profileName: 'club', room: club().room! }),
      (e: unknown) =>
        e instanceof UsageError &&
        !e.message.includes('\n') &&
        /^profile club is the room "book club", and fernchat send cannot send to a room yet: pipe the lines into fernchat chat --headless --profile club$/.test(
          e.message,
        ),
    );
  });

  it('profile list and show name the room, its member id, contacts and valid invites; the key stays masked', () => {
    const cfg: ConfigFile = { defaultProfile: 'club', profiles: { club: club(), bob: newProfile({ nick: 'b', key: KEY }) } };
    const list = formatProfileList(cfg);
    assert.match(list[1] ?? '', /^\*\s+club\s+room book club\s+listen 0\.0\.0\.0:7761\s+nick bob$/);
    assert.match(list[0] ?? '', /^\s+bob\s+peer /);
    const text = formatProfile('club', club(), { isDefault: true, reveal: false, now: NOW }).join('\n');
    assert.match(text, /^kind +room$/m);
    assert.match(text, /^room +book club$/m);
    assert.match(text, new RegExp(`^member id +${MEMBER}$`, 'm'));
    assert.match(text, /^contacts +192\.168\.1\.20:7760$/m);
    assert.match(text, /^invites +1 valid, the last until 2026-12-04 12:00 UTC$/m);
    assert.match(text, /^joined with +invite b{16} from member c{16}$/m);
    assert.doesNotMatch(text, /^peer/m);
    assert.ok(!text.includes(KEY));
    assert.match(formatProfile('club', club(), { isDefault: true, reveal: false, now: NOW + 2000 }).join('\n'), /^invites +\(none valid\)$/m);
    const json = JSON.parse(profileJson('club', club(), { isDefault: true, reveal: false })) as Record<string, unknown>;
    assert.equal(json.kind, 'room');
    assert.deepEqual(json.room, club().room);
    assert.ok(!JSON.stringify(json).includes(KEY));
  });
});
