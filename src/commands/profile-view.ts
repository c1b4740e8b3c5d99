/**
 * How profiles are shown: the `profile list` table and `profile show`.
 * Pure. The key is masked unless asked for; a fingerprint is shown instead,
 * which is safe to read aloud.
 */
import { fingerprint, parseKey } from '../crypto/keys.js';
import { formatAddress } from '../address/address.js';
import { formatSize } from '../config/flags.js';
import type { ConfigFile, Profile } from '../config/schema.js';

/** Nothing of the key is shown: the fingerprint beside it already tells keys apart. */
const MASKED_KEY = '(masked: --reveal shows it)';

function peerText(p: Profile): string {
  return p.peer === null ? '(none: learned from the first message)' : formatAddress(p.peer);
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
    .map(([name, p]) => [name === cfg.defaultProfile ? '*' : ' ', name, `peer ${peerText(p)}`, `listen ${formatAddress(p.listen)}`, `nick ${p.nick}`]);
  return pad(rows).map((line) => line.trimEnd());
}

function onOff(b: boolean): string {
  return b ? 'on' : 'off';
}

/** Aligned "field  value" lines. */
export function formatProfile(name: string, p: Profile, opts: { isDefault: boolean; reveal: boolean }): string[] {
  const rows: string[][] = [
    ['name', opts.isDefault ? `${name} (default)` : name],
    ['nick', p.nick],
    ['listen', formatAddress(p.listen)],
    ['peer', peerText(p)],
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
  return JSON.stringify({ name, default: opts.isDefault, ...shown, key: opts.reveal ? p.key : MASKED_KEY, fingerprint: fingerprint(parseKey(p.key)) }, null, 2);
}
