/**
 * `fernchat keygen` and `fernchat fingerprint`.
 */
import { parseKeyFlag } from '../config/flags.js';
import { fingerprint, generateKey, parseKey } from '../crypto/keys.js';
import { ConfigError, UsageError } from '../errors.js';
import { type GlobalArgs, loadProfile, out } from './common.js';
import { defineCommand, FLAGS, flag } from './flags.js';

export const keygenCommand = defineCommand({
  command: 'keygen',
  describe: 'print a new random key (share it with your peer over a safe channel)',
  builder: (y) =>
    // A new key reads no profile: the profile flags do nothing here.
    y
      .hide('profile')
      .hide('config-dir')
      .example('$0 keygen', 'print a new key')
      .example('$0 profile add bob --peer 10.0.0.2:7755 --key "$($0 keygen)"', 'make a profile with a fresh key'),
  handler: (a) => {
    out(a.io, generateKey());
  },
});

interface FingerprintArgs extends GlobalArgs {
  key?: string;
  keyFile?: string;
}

export const fingerprintCommand = defineCommand({
  command: 'fingerprint',
  describe: "print the key's fingerprint, to compare with your peer's (read it aloud)",
  builder: (y) =>
    y
      .options({ key: flag('key', " (default: the profile's)"), 'key-file': FLAGS['key-file'] })
      .example('$0 fingerprint', "the default profile's key")
      .example('$0 fingerprint --profile bob', "profile bob's key")
      .example('$0 fingerprint --key-file ~/.fernchat-key', 'the key in a file (FERNCHAT_KEY works too)'),
  handler: async (a) => {
    out(a.io, await runFingerprint(a));
  },
});

export async function runFingerprint(args: FingerprintArgs): Promise<string> {
  if (args.profile !== undefined && (args.key !== undefined || args.keyFile !== undefined)) {
    throw new UsageError(`give ${args.key !== undefined ? '--key' : '--key-file'} or --profile, not both`);
  }
  const { explicitKey } = await import('../config/key-file.js');
  const given = explicitKey(args, args.io.env);
  if (given !== null) return fingerprint(parseKey(parseKeyFlag(given.text, given.label)));
  const { chosen } = await loadProfile(args);
  if (chosen === null) {
    throw new ConfigError('no default profile: pass --profile NAME, --key-file FILE or set FERNCHAT_KEY (fernchat profile list shows the profiles)');
  }
  return fingerprint(parseKey(chosen.profile.key));
}
