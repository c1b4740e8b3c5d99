/**
 * `fernchat profile list|show|add|set|rm|use`.
 *
 * The profile operations and views are imported by the handlers: cli.ts
 * loads this file for every command, and only these handlers need them.
 */
import type { Argv } from 'yargs';
import { parseProfileName } from '../config/flags.js';
import { fingerprint, generateKey, parseKey } from '../crypto/keys.js';
import { ConfigError, UsageError } from '../errors.js';
import { historyDir, loginNick, note, openStore, out } from './common.js';
import { defineCommand, FILE_FLAGS, FLAGS, flag, PROFILE_ONLY_FLAGS, requiredPositional } from './flags.js';

const profileOps = () => import('../config/profiles.js');
const profileView = () => import('./profile-view.js');

/** The fields of a profile as flags, for `profile add` and `profile set` (which say differently what --key does). */
function profileFlags(key: { type: 'string'; describe: string }) {
  return {
    nick: FLAGS.nick,
    host: FLAGS.host,
    port: FLAGS.port,
    peer: flag('peer', ', or none'),
    key,
    'key-file': FLAGS['key-file'],
    wire: FLAGS.wire,
    'clock-skew': FLAGS['clock-skew'],
    'token-ttl': PROFILE_ONLY_FLAGS['token-ttl'],
    scrollback: PROFILE_ONLY_FLAGS.scrollback,
    term: flag('term', ', or none'),
    mouse: FLAGS.mouse,
    bell: PROFILE_ONLY_FLAGS.bell,
    title: PROFILE_ONLY_FLAGS.title,
    seconds: PROFILE_ONLY_FLAGS.seconds,
    history: PROFILE_ONLY_FLAGS.history,
    'history-max': PROFILE_ONLY_FLAGS['history-max'],
    'download-dir': { ...FILE_FLAGS['download-dir'], describe: `${FILE_FLAGS['download-dir'].describe}, or none` },
    'accept-files': { ...FILE_FLAGS['accept-files'], describe: `${FILE_FLAGS['accept-files'].describe}, or none to ask` },
    'max-file-size': FILE_FLAGS['max-file-size'],
  };
}

/** The flags with --key-file read into `key` (never both). */
async function withKeyFile<T extends { key?: string; keyFile?: string }>(a: T): Promise<T> {
  if (a.keyFile === undefined) return a;
  if (a.key !== undefined) throw new UsageError('give --key or --key-file, not both');
  const { readKeyFile } = await import('../config/key-file.js');
  return { ...a, key: readKeyFile(a.keyFile) };
}

/** profiles.NAME.files fields → the flags that set them, for `profile set`'s note. */
const FILE_FIELD_FLAGS: Record<string, string> = { downloadDir: 'download-dir', acceptDir: 'accept-files', maxFileSize: 'max-file-size' };

const nameArg = <T>(y: Argv<T>, describe: string) => requiredPositional(y, 'name', describe);

const list = defineCommand({
  command: 'list',
  describe: 'list the profiles (* marks the default)',
  // The list is every profile: --profile does nothing here.
  builder: (y) => y.hide('profile').example('$0 profile list', 'names, peers and the default'),
  handler: async (a) => {
    const [{ profileNames }, { formatProfileList }] = await Promise.all([profileOps(), profileView()]);
    const cfg = (await openStore(a)).read();
    if (profileNames(cfg).length === 0) {
      note(a.io, 'no profiles yet: fernchat profile add NAME --peer HOST:PORT, or fernchat join CODE');
      return;
    }
    for (const line of formatProfileList(cfg)) out(a.io, line);
  },
});

const show = defineCommand({
  command: 'show [name]',
  describe: 'show a profile (the key masked unless --reveal)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'profile (default: --profile, else the default profile)' })
      .option('reveal', { type: 'boolean', describe: 'show the key itself' })
      .option('json', { type: 'boolean', describe: 'print JSON' })
      .example('$0 profile show bob', 'fields, key masked')
      .example('$0 profile show bob --reveal', 'include the key (to share it)'),
  handler: async (a) => {
    const [{ getProfile }, { formatProfile, profileJson }] = await Promise.all([profileOps(), profileView()]);
    const cfg = (await openStore(a)).read();
    const name = a.name ?? a.profile ?? cfg.defaultProfile;
    if (name === undefined || name === null) throw new ConfigError('no default profile: name one (fernchat profile list shows them)');
    const p = getProfile(cfg, name);
    const view = { isDefault: cfg.defaultProfile === name, reveal: a.reveal ?? false };
    if (a.json) out(a.io, profileJson(name, p, view));
    else for (const line of formatProfile(name, p, view)) out(a.io, line);
  },
});

const add = defineCommand({
  command: 'add <name>',
  describe: 'add a profile (a key is generated when --key is not given)',
  builder: (y) =>
    nameArg(y, 'new profile name (A-Z a-z 0-9 _ . -)')
      .options(profileFlags(flag('key', ' (default: a new one is generated)')))
      .example('$0 profile add bob --peer 192.168.1.20:7755 --key-file bob.key', 'talk to bob with the key he gave you')
      .example('$0 profile add alice --port 7001', 'new key; share it with: fernchat invite --profile alice'),
  handler: async (a) => {
    const { addProfile, newProfile, parseProfilePatch } = await profileOps();
    const name = parseProfileName(a.name);
    const patch = parseProfilePatch(await withKeyFile(a));
    const generated = patch.key === undefined;
    const profile = newProfile({ ...patch, nick: patch.nick ?? loginNick(a.io.env), key: patch.key ?? generateKey() });
    const { madeDefault } = (await openStore(a)).update((cfg) => addProfile(cfg, name, profile));
    note(a.io, `added profile ${name}${madeDefault ? ' (now the default)' : ''}; key fingerprint ${fingerprint(parseKey(profile.key))}`);
    if (generated) note(a.io, `generated a new key; give it to your peer with: fernchat invite --profile ${name} (or profile show ${name} --reveal)`);
  },
});

const set = defineCommand({
  command: 'set <name>',
  describe: 'change some fields of a profile (the others stay)',
  builder: (y) =>
    nameArg(y, 'profile name')
      .options(profileFlags(FLAGS.key))
      .example('$0 profile set bob --peer 10.0.0.7:7755', "bob's new address")
      .example('$0 profile set bob --nick al --no-mouse', 'two fields at once'),
  handler: async (a) => {
    const { parseProfilePatch, setProfile } = await profileOps();
    const patch = parseProfilePatch(await withKeyFile(a));
    const changed = Object.keys(patch).flatMap((k) =>
      k === 'ui'
        ? Object.keys(patch.ui ?? {})
        : k === 'history'
          ? Object.keys(patch.history ?? {}).map((h) => (h === 'enabled' ? 'history' : 'history-max'))
          : k === 'files'
            ? Object.keys(patch.files ?? {}).map((f) => FILE_FIELD_FLAGS[f] ?? f)
            : [k],
    );
    if (changed.length === 0) throw new UsageError('nothing to change: give at least one field flag (see fernchat profile set --help)');
    (await openStore(a)).update((cfg) => setProfile(cfg, a.name, patch));
    note(a.io, `updated profile ${a.name}: ${changed.join(', ')}`);
  },
});

const rm = defineCommand({
  command: 'rm <name>',
  describe: 'remove a profile',
  builder: (y) => nameArg(y, 'profile name').example('$0 profile rm bob', 'forget bob (and the key)'),
  handler: async (a) => {
    const { removeProfile } = await profileOps();
    const { wasDefault } = (await openStore(a)).update((cfg) => removeProfile(cfg, a.name));
    note(a.io, `removed profile ${a.name}${wasDefault ? '; it was the default, so there is none now (fernchat profile use NAME)' : ''}`);
    // Its kept conversation is not the profile's to take along: say where it stays.
    const { HistoryFile } = await import('../history/file.js');
    const history = new HistoryFile(historyDir(a), a.name);
    if (history.exists()) note(a.io, `its history stays in ${history.path} (fernchat history ${a.name} --clear erases it)`);
  },
});

const use = defineCommand({
  command: 'use <name>',
  describe: 'make a profile the default',
  builder: (y) => nameArg(y, 'profile name').example('$0 profile use bob', 'commands without --profile use bob'),
  handler: async (a) => {
    const { useProfile } = await profileOps();
    (await openStore(a)).update((cfg) => useProfile(cfg, a.name));
    note(a.io, `default profile is now ${a.name}`);
  },
});

export const profileCommand = defineCommand({
  command: 'profile',
  describe: 'manage profiles (peer, key, nick, ports, UI settings)',
  builder: (y) =>
    y
      .command(list)
      .command(show)
      .command(add)
      .command(set)
      .command(rm)
      .command(use)
      .demandCommand(1, 'profile: say which: list, show, add, set, rm or use')
      .example('$0 profile add bob --peer 192.168.1.20:7755', 'add a profile (new key: fernchat invite --profile bob)')
      .example('$0 profile list', 'list profiles'),
  handler: () => {},
});
