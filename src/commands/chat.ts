/**
 * `fernchat chat` (the default command) and `fernchat demo`.
 *
 * The chat and demo entry points are imported only when they run: they pull
 * in blessed and the transport, which keygen or profile commands must not
 * pay for (or fail on). Likewise the option resolution and profile savers,
 * which only `chat` uses: cli.ts loads this file for every command.
 */
import { parseNick, parseTerm } from '../config/flags.js';
import type { ChatOptions } from '../config/chat-options.js';
import type { ResolveInput } from '../config/resolve.js';
import type { SessionKeys } from '../app/session.js';
import { DEFAULT_UI } from '../config/schema.js';
import { historyDir, loadProfile, loginNick } from './common.js';
import { CHAT_ONLY_FLAGS, defineCommand, FILE_FLAGS, FLAGS, flag, PMTU_FLAG } from './flags.js';

export const chatCommand = defineCommand({
  command: ['chat', '$0'],
  describe: 'chat with your peer (the default command)',
  builder: (y) =>
    y
      .options({
        host: FLAGS.host,
        port: FLAGS.port,
        peer: flag('peer', ' (default: learned from the first message)'),
        key: flag('key', " (default: the profile's; visible in ps — prefer --key-file or FERNCHAT_KEY)"),
        'key-file': FLAGS['key-file'],
        nick: flag('nick', " (default: the profile's, else your login name)"),
        wire: FLAGS.wire,
        ...CHAT_ONLY_FLAGS,
        'clock-skew': FLAGS['clock-skew'],
        term: FLAGS.term,
        mouse: FLAGS.mouse,
        ...FILE_FLAGS,
        ...PMTU_FLAG,
      })
      .example('$0', 'chat using the default profile')
      .example('$0 chat --profile bob', 'chat using profile bob')
      .example('$0 chat --port 7001 --peer 127.0.0.1:7002 --key-file ~/.fernchat-key', 'no profile: the key from a 0600 file')
      .example('echo hi | $0 chat --headless --profile bob', 'send one line from a script')
      .example('$0 chat --headless --accept-files ~/inbox', 'receive every file offered into ~/inbox'),
  handler: async (a) => {
    const [{ explicitKey }, { keyCameFromProfile, resolveChatOptions }, { saveNewProfile, saveProfileSession }] = await Promise.all([
      import('../config/key-file.js'),
      import('../config/resolve.js'),
      import('../config/profiles.js'),
    ]);
    const given = explicitKey(a, process.env);
    const { store, chosen: fromConfig } = await loadProfile(a);
    // A key given without --profile is a different conversation: the default profile stays out of it.
    const chosen = given !== null && a.profile === undefined ? null : fromConfig;
    const input: ResolveInput = {
      profileName: chosen?.name ?? null,
      profile: chosen?.profile ?? null,
      flags: given === null ? a : { ...a, key: given.text, keyLabel: given.label },
      defaultNick: loginNick(),
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
      opts.configDir = store.dir;
      opts.saveSession = (s) => saveProfileSession(store, name, s);
      // A chat without a profile (a key given alone) keeps no history: there is no conversation to file it under.
      if (chosen.profile.history.enabled) opts.history = { dir: historyDir(a), profile: name, maxBytes: chosen.profile.history.maxBytes };
    }
    opts.saveAsProfile = (name, s) => saveNewProfile(store, name, { ...s, listenHost: opts.listen.host, wire: opts.wire });
    const { runChat } = await import('../app/run-chat.js');
    process.exitCode = await runChat(opts);
  },
});

export const demoCommand = defineCommand({
  command: 'demo',
  describe: 'try the chat UI against a built-in echo peer (loopback UDP, fresh key, no profile needed, nothing saved)',
  builder: (y) =>
    y
      .options({ nick: flag('nick', ' (default: your login name)'), term: FLAGS.term, mouse: FLAGS.mouse })
      .example('$0 demo', 'open the demo chat')
      .example('$0 demo --term xterm-256color', 'force a terminal type'),
  handler: async (a) => {
    // The demo reads no config unless asked for a profile: a broken config must not spoil a first try.
    const profile = a.profile !== undefined ? ((await loadProfile(a)).chosen?.profile ?? null) : null;
    const ui = { ...(profile?.ui ?? DEFAULT_UI) };
    if (a.term !== undefined) ui.term = parseTerm(a.term);
    if (a.mouse !== undefined) ui.mouse = a.mouse;
    const nick = a.nick !== undefined ? parseNick(a.nick) : (profile?.nick ?? loginNick());
    const { runDemo } = await import('../app/demo.js');
    process.exitCode = await runDemo({ nick, ui, debug: a.debug ?? false });
  },
});
