/**
 * `fernchat room create NAME` (#15): a room profile with a fresh room key
 * and member id. Members are let in with `fernchat invite --profile NAME`
 * (a room code several people may use) and `fernchat join`.
 *
 * The profile operations are imported by the handler: cli.ts loads this
 * file for every command.
 */
import { parseHost, parseNick, parsePort, parseProfileName } from '../config/flags.js';
import { fingerprint, generateKey, parseKey } from '../crypto/keys.js';
import { ConfigError } from '../errors.js';
import { formatAddress } from '../address/address.js';
import { loginNick, note, openStore } from './common.js';
import { defineCommand, FLAGS, flag, requiredPositional } from './flags.js';
import { roomSaved } from './room-invite.js';

const create = defineCommand({
  command: 'create <name>',
  describe: 'make a room profile with a new room key (then: fernchat invite --profile NAME)',
  builder: (y) =>
    requiredPositional(y, 'name', 'the room and its profile name (A-Z a-z 0-9 _ . -)')
      // The new profile is named by NAME: --profile does nothing here.
      .hide('profile')
      .options({ host: FLAGS.host, port: FLAGS.port, nick: flag('nick', ' (default: your login name)') })
      .example('$0 room create club --port 7760', 'a room profile "club" listening on 0.0.0.0:7760'),
  handler: async (a) => {
    const [{ newRoom }, { newRoomProfile }, { addProfile }] = await Promise.all([
      import('../config/room.js'),
      import('../config/room-profiles.js'),
      import('../config/profiles.js'),
    ]);
    const name = parseProfileName(a.name);
    const profile = newRoomProfile({
      nick: a.nick !== undefined ? parseNick(a.nick) : loginNick(a.io.env),
      key: generateKey(),
      ...(a.host !== undefined ? { listenHost: parseHost(a.host) } : {}),
      ...(a.port !== undefined ? { listenPort: parsePort(a.port) } : {}),
      room: newRoom(name),
    });
    const { madeDefault } = (await openStore(a)).update((cfg) => {
      // Never replaced: the profile there may hold the only copy of another key.
      if (Object.hasOwn(cfg.profiles, name)) throw new ConfigError(`profile "${name}" already exists; it was left as it is: choose another name for the room`);
      return addProfile(cfg, name, profile);
    });
    note(
      a.io,
      `created room ${name}${madeDefault ? ' (now the default profile)' : ''}: you are ${profile.nick} (member ${profile.room?.memberId ?? '?'}), ` +
        `listening on ${formatAddress(profile.listen)}, room key fingerprint ${fingerprint(parseKey(profile.key))}`,
    );
    note(a.io, `next: fernchat invite --profile ${name} (a code several people may use, for 24 h unless --expires says otherwise)`);
    note(a.io, roomSaved(name));
  },
});

export const roomCommand = defineCommand({
  command: 'room',
  describe: 'rooms: several members, one room key (create; then invite and join)',
  builder: (y) =>
    y
      .command(create)
      .demandCommand(1, 'room: say which: create')
      .example('$0 room create club', 'a room profile with a new key')
      .example('$0 invite --profile club --expires 7d', 'a code your members paste into fernchat join'),
  handler: () => {},
});
