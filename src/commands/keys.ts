/**
 * `fernchat keygen` and `fernchat fingerprint`.
 */
import { parseKeyFlag } from '../config/flags.js';
import { fingerprint, generateKey, parseKey } from '../crypto/keys.js';
import { ConfigError, UsageError } from '../errors.js';
import { type GlobalArgs, loadProfile, out } from './common.js';
import { defineCommand, flag } from './flags.js';

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
  handler: () => {
    out(generateKey());
  },
});

interface FingerprintArgs extends GlobalArgs {
  key?: string;
}

export const fingerprintCommand = defineCommand({
  command: 'fingerprint',
  describe: "print the key's fingerprint, to compare with your peer's (read it aloud)",
  builder: (y) =>
    y
      .options({ key: flag('key', " (default: the profile's)") })
      .example('$0 fingerprint', "the default profile's key")
      .example('$0 fingerprint --profile bob', "profile bob's key")
      .example('$0 fingerprint --key KEY', 'a key given on the command line'),
  handler: async (a) => {
    out(await runFingerprint(a));
  },
});

export async function runFingerprint(args: FingerprintArgs): Promise<string> {
  if (args.key !== undefined) {
    if (args.profile !== undefined) throw new UsageError('give --key or --profile, not both');
    return fingerprint(parseKey(parseKeyFlag(args.key)));
  }
  const { chosen } = await loadProfile(args);
  if (chosen === null) {
    throw new ConfigError('no default profile: pass --profile NAME or --key KEY (fernchat profile list shows the profiles)');
  }
  return fingerprint(parseKey(chosen.profile.key));
}
