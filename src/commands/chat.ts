/**
 * `fernchat chat` (the default command) and `fernchat demo`.
 *
 * The chat and demo entry points are imported only when they run: they pull
 * in blessed and the transport, which keygen or profile commands must not
 * pay for (or fail on). Likewise the option resolution and profile savers,
 * which only `chat` uses: cli.ts loads this file for every command.
 */
import type { Argv, CommandModule } from 'yargs';
import { parseNick, parseTerm } from '../config/flags.js';
import type { ChatFlags, ResolveInput } from '../config/resolve.js';
import { DEFAULT_UI } from '../config/schema.js';
import { DEFAULT_LINGER_S, DEFAULT_PORT, MAX_LINGER_S } from '../constants.js';
import { type GlobalArgs, loadProfile, loginNick } from './common.js';

type ChatArgs = GlobalArgs & ChatFlags;

export const chatCommand: CommandModule = {
  command: ['chat', '$0'],
  describe: 'chat with your peer (the default command)',
  builder: (y: Argv) =>
    y
      .option('host', { type: 'string', describe: 'address to listen on (default 0.0.0.0)' })
      .option('port', { type: 'string', describe: `UDP port to listen on (default ${DEFAULT_PORT})` })
      .option('peer', { type: 'string', describe: 'peer address HOST:PORT, IPv6 as [::1]:7755 (default: learned from the first message)' })
      .option('key', { type: 'string', describe: "Fernet key, urlsafe base64 (default: the profile's)" })
      .option('nick', { type: 'string', describe: 'your nick' })
      .option('wire', { type: 'string', describe: 'reliable (acks, order, long messages) or raw (one token per message, for simple scripts)' })
      .option('headless', { type: 'boolean', describe: 'no UI: lines on stdin are sent, messages printed on stdout' })
      .option('json', { type: 'boolean', describe: 'headless: one JSON object per line' })
      .option('linger', {
        type: 'string',
        describe: `headless: at end of input, wait this many seconds for acks (default ${DEFAULT_LINGER_S}, max ${MAX_LINGER_S})`,
      })
      .option('clock-skew', { type: 'string', describe: 'allowed clock difference with the peer, seconds' })
      .option('term', { type: 'string', describe: 'terminal type for the UI (default $TERM)' })
      .option('mouse', { type: 'boolean', describe: 'mouse support in the UI' })
      .example('$0', 'chat using the default profile')
      .example('$0 chat --profile bob', 'chat using profile bob')
      .example('$0 chat --port 7001 --peer 127.0.0.1:7002 --key KEY', 'no profile: everything on the command line')
      .example('echo hi | $0 chat --headless --profile bob', 'send one line from a script'),
  handler: async (argv) => {
    const a = argv as unknown as ChatArgs;
    const { store, chosen: fromConfig } = await loadProfile(a);
    const [{ keyCameFromProfile, resolveChatOptions }, { saveProfileKey, saveProfileSession }] = await Promise.all([
      import('../config/resolve.js'),
      import('../config/profiles.js'),
    ]);
    // A --key without --profile is a different conversation: the default profile stays out of it.
    const chosen = a.key !== undefined && a.profile === undefined ? null : fromConfig;
    const input: ResolveInput = {
      profileName: chosen?.name ?? null,
      profile: chosen?.profile ?? null,
      flags: a,
      defaultNick: loginNick(),
    };
    const opts = resolveChatOptions(input);
    if (chosen !== null) {
      const name = chosen.name;
      if (keyCameFromProfile(input)) opts.saveKey = (key) => saveProfileKey(store, name, key);
      opts.saveSession = (s) => saveProfileSession(store, name, s);
    }
    const { runChat } = await import('../app/run-chat.js');
    process.exitCode = await runChat(opts);
  },
};

interface DemoArgs extends GlobalArgs {
  nick?: string;
  term?: string;
  mouse?: boolean;
}

export const demoCommand: CommandModule = {
  command: 'demo',
  describe: 'try the chat UI against a built-in echo peer (loopback UDP, fresh key, no profile needed, nothing saved)',
  builder: (y: Argv) =>
    y
      .option('nick', { type: 'string', describe: 'your nick (default: your login name)' })
      .option('term', { type: 'string', describe: 'terminal type (default $TERM)' })
      .option('mouse', { type: 'boolean', describe: 'mouse support' })
      .example('$0 demo', 'open the demo chat')
      .example('$0 demo --term xterm-256color', 'force a terminal type'),
  handler: async (argv) => {
    const a = argv as unknown as DemoArgs;
    // The demo reads no config unless asked for a profile: a broken config must not spoil a first try.
    const profile = a.profile !== undefined ? ((await loadProfile(a)).chosen?.profile ?? null) : null;
    const ui = { ...(profile?.ui ?? DEFAULT_UI) };
    if (a.term !== undefined) ui.term = parseTerm(a.term);
    if (a.mouse !== undefined) ui.mouse = a.mouse;
    const nick = a.nick !== undefined ? parseNick(a.nick) : (profile?.nick ?? loginNick());
    const { runDemo } = await import('../app/demo.js');
    process.exitCode = await runDemo({ nick, ui, debug: a.debug ?? false });
  },
};
