/**
 * How profiles are shown: the `profile list` table and `profile show`.
 * Pure. The key is masked unless asked for; a fingerprint is shown instead,
 * which is safe to read aloud.
 */
import { fingerprint, parseKey } from '../crypto/keys.js';
import { formatAddress } from '../address/address.js';
import { formatSize } from '../config/flags.js';
import type { ConfigFile, Profile } from '../config/schema.js';
import { formatExpiry, type RoomSettings } from '../config/room.js';

/** Nothing of the key is shown: the fingerprint beside it already tells keys apart. */
const MASKED_KEY = '(masked: --reveal shows it)';

function peerText(p: Profile): string {
  return p.peer === null ? '(none: learned from the first message)' : formatAddress(p.peer);
}

/** The rows a room profile shows in place of the peer; `now` decides which invites still count. */
function roomRows(r: RoomSettings, now: number): string[][] {
  const live = r.invites.filter((i) => i.expires > now);
  const last = live.reduce((m, i) => Math.max(m, i.expires), 0);
  return [
    ['kind', 'room'],
    ['room', r.name],
    ['member id', r.memberId],
    ['members', '(in <config dir>/<profile>.members.json once the room has run)'],
    ['contacts', r.contacts.length === 0 ? '(none: the room was made here)' : r.contacts.map(formatAddress).join(', ')],
    ['invites', live.length === 0 ? '(none valid)' : `${live.length} valid, the last until ${formatExpiry(last)}`],
    ['joined with', r.joinedWith === null ? '(created here)' : `invite ${r.joinedWith.invite} from member ${r.joinedWith.inviter}`],
  ];
}

function pad(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}

/** One line per profile, sorted; the default marked with '*'. */
export function formatProfileList(cfg: ConfigFile): string[] {
  const rows = Object.entries(cfg.profiles)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => [
      name === cfg.defaultProfile ? '*' : ' ',
      name,
      p.room !== undefined ? `room ${p.room.name}` : `peer ${peerText(p)}`,
      `listen ${formatAddress(p.listen)}`,
      `nick ${p.nick}`,
    ]);
  return pad(rows).map((line) => line.trimEnd());
}

function onOff(b: boolean): string {
  return b ? 'on' : 'off';
}

/** Aligned "field  value" lines. */
export function formatProfile(name: string, p: Profile, opts: { isDefault: boolean; reveal: boolean; now?: number }): string[] {
  const rows: string[][] = [
    ['name', opts.isDefault ? `${name} (default)` : name],
    ...(p.room !== undefined ? roomRows(p.room, opts.now ?? Date.now()) : []),
    ['nick', p.nick],
    ['listen', formatAddress(p.listen)],
    ...(p.room !== undefined ? [] : [['peer', peerText(p)]]),
    ['key', opts.reveal ? p.key : MASKED_KEY],
    ['fingerprint', fingerprint(parseKey(p.key))],
    ['wire', p.wire],
    ['clock skew', `${p.clockSkewS} s`],
    ['token ttl', `${p.tokenTtlS} s`],
    ['scrollback', `${p.ui.scrollback} lines`],
    ['bell', onOff(p.ui.bell)],
    ['title', onOff(p.ui.title)],
    ['mouse', onOff(p.ui.mouse)],
    ['seconds', onOff(p.ui.seconds)],
    ['term', p.ui.term ?? '($TERM)'],
    ['history', `${onOff(p.history.enabled)} (cap ${formatSize(p.history.maxBytes)})`],
    ['download dir', p.files.downloadDir ?? '(~/Downloads, else the current directory)'],
    ['accept files', p.files.acceptDir ?? '(ask)'],
    ['max file size', formatSize(p.files.maxFileSize)],
  ];
  return pad(rows);
}

/** The profile as JSON, the key masked unless revealed, with its fingerprint added. */
export function profileJson(name: string, p: Profile, opts: { isDefault: boolean; reveal: boolean }): string {
  // An unfinished rotation's pending key is never shown, not even with --reveal: it is the rotation's, not the user's.
  const { pendingKey: _pending, ...shown } = p;
  // `kind` only for a room: a 1:1 profile's JSON stays as scripts know it.
  return JSON.stringify(
    {
      name,
      default: opts.isDefault,
      ...(p.room !== undefined ? { kind: 'room' } : {}),
      ...shown,
      key: opts.reveal ? p.key : MASKED_KEY,
      fingerprint: fingerprint(parseKey(p.key)),
    },
    null,
    2,
  );
}
