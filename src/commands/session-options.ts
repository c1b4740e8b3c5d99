/**
 * The options of a session opened by `chat` or `send`: the profile (or a
 * key given alone) and the flags, resolved (config/resolve.ts), with the
 * savers that keep rotated keys where the key came from — a profile or a
 * key file — and the config directory for the transfers' state file.
 */
import type { ChatOptions } from '../config/chat-options.js';
import type { ChatFlags, ResolveInput } from '../config/resolve.js';
import type { SessionKeys } from '../app/session.js';
import { historyDir, loadProfile, loginNick, type GlobalArgs } from './common.js';

export async function sessionOptions(a: ChatFlags & GlobalArgs & { keyFile?: string }, what: { saveAs: boolean }): Promise<ChatOptions & SessionKeys> {
  const [{ explicitKey }, { keyCameFromProfile, resolveChatOptions }, { saveNewProfile, saveProfileSession }] = await Promise.all([
    import('../config/key-file.js'),
    import('../config/resolve.js'),
    import('../config/profiles.js'),
  ]);
  const given = explicitKey(a, a.io.env);
  const { store, chosen: fromConfig } = await loadProfile(a);
  // A key given without --profile is a different conversation: the default profile stays out of it.
  const chosen = given !== null && a.profile === undefined ? null : fromConfig;
  const input: ResolveInput = {
    profileName: chosen?.name ?? null,
    profile: chosen?.profile ?? null,
    flags: given === null ? a : { ...a, key: given.text, keyLabel: given.label },
    defaultNick: loginNick(a.io.env),
    home: a.io.homedir,
    cwd: a.io.cwd,
  };
  const opts: ChatOptions & SessionKeys = resolveChatOptions(input);
  if (given?.file != null) {
    // The key file is the profile of a key-file session: every key:persist writes the current key back to it.
    const file = given.file;
    const { writeKeyFile } = await import('../config/key-file.js');
    opts.keyFile = file;
    opts.pendingKey = given.pendingKey;
    opts.saveKeys = (keys) => writeKeyFile(file, keys, { replace: true });
  } else if (chosen !== null && keyCameFromProfile(input)) {
    const name = chosen.name;
    opts.pendingKey = chosen.profile.pendingKey ?? null;
    opts.saveKeys = (keys) => store.saveKeys(name, keys);
  }
  if (chosen !== null) {
    const name = chosen.name;
    // Unfinished transfers are kept per profile: <configDir>/<profile>.transfers.json.
    opts.configDir = store.dir;
    if (what.saveAs) {
      opts.saveSession = (s) => saveProfileSession(store, name, s);
      // A chat without a profile (a key given alone) keeps no history: there is no conversation to file it under.
      if (chosen.profile.history.enabled) opts.history = { dir: historyDir(a), profile: name, maxBytes: chosen.profile.history.maxBytes };
    }
  }
  if (what.saveAs) opts.saveAsProfile = (name, s) => saveNewProfile(store, name, { ...s, listenHost: opts.listen.host, wire: opts.wire });
  return opts;
}
