/**
 * `fernchat chat` (the default command) and `fernchat demo`.
 *
 * The chat and demo entry points are imported only when they run: they pull
 * in blessed and the transport, which keygen or profile commands must not
 * pay for (or fail on). Likewise the option resolution and profile savers,
 * which only `chat` uses: cli.ts loads this file for every command.
 */
import type { ChatOptions } from '../config/chat-options.js';
import { parseNick, parseTerm } from '../config/flags.js';
import { DEFAULT_UI } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { loadProfile, loginNick } from './common.js';
import { sessionOptions } from './session-options.js';
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
    const opts = await sessionOptions(a, { saveAs: true });
    const { runChat } = await import('../app/run-chat.js');
    a.io.exitCode = await runChat(opts);
  },
});

/**
 * Keeps room profiles out of `fernchat send` (a 1:1 runner): a 1:1 session
 * with the room key and no peer would only wait. Exit 2, one line.
 */
export function roomRefusal(opts: Pick<ChatOptions, 'profileName' | 'room'>): void {
  if (opts.room === undefined) return;
  throw new UsageError(
    `profile ${opts.profileName ?? '?'} is the room ${JSON.stringify(opts.room.name)}, and fernchat send cannot send to a room yet: ` +
      `pipe the lines into fernchat chat --headless --profile ${opts.profileName ?? 'ROOM'}`,
  );
}

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
    const nick = a.nick !== undefined ? parseNick(a.nick) : (profile?.nick ?? loginNick(a.io.env));
    const { runDemo } = await import('../app/demo.js');
    a.io.exitCode = await runDemo({ nick, ui, debug: a.debug ?? false });
  },
});
