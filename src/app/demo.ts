/**
 * `fernchat demo` (what `npm start` runs): the full-screen UI talking to a
 * built-in peer in the same process, over real loopback UDP, with a fresh key.
 * Nothing is configured and nothing is saved: the demo shows the whole product
 * — delivery ticks, Ctrl-K rotation, the F2 link dashboard — in one command.
 */
import { newMessageId, type Bus, type MessageKind } from '../bus.js';
import type { ChatOptions, UiPreferences } from '../config/chat-options.js';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_TOKEN_TTL_S } from '../constants.js';
import { generateKey, parseKey } from '../crypto/keys.js';
import { openSession, type ChatSession } from './session.js';
import { assertTuiPossible, runTui } from '../ui/app.js';
import { tuiOptions } from '../ui/context.js';

export interface DemoOptions {
  nick: string;
  ui: UiPreferences;
  debug: boolean;
}

const BOT_NICK = 'echo-bot';

const GREETING = [
  `Hi, I am ${BOT_NICK}, a demo peer running inside this process over real UDP on 127.0.0.1.`,
  'Type a message and press Enter: I answer in upper case, and your line gets a ✓ when I have it.',
  'Ctrl-K rotates the key (watch the fingerprint in the status bar), F2 opens the link dashboard, F1 lists every key, Ctrl-C quits.',
];

export async function runDemo(opts: DemoOptions): Promise<number> {
  assertTuiPossible(opts);
  const key = parseKey(generateKey());
  const base = {
    key,
    wire: 'reliable' as const,
    clockSkewS: DEFAULT_CLOCK_SKEW_S,
    tokenTtlS: DEFAULT_TOKEN_TTL_S,
    headless: false,
    json: false,
    lingerS: 0,
    debug: opts.debug,
    profileName: null,
    ui: opts.ui,
    // The demo's keys are throwaway: a rotated one has no profile to go to, and that is not worth a warning.
    saveKey: () => {},
  };
  // The bot binds first so the user's side can be pointed at it.
  const bot = await openSession({ ...base, nick: BOT_NICK, listen: { host: '127.0.0.1', port: 0 }, peer: null });
  let user: ChatSession;
  try {
    user = await openSession({ ...base, nick: opts.nick, listen: { host: '127.0.0.1', port: 0 }, peer: bot.listen }, { start: false });
  } catch (err) {
    await bot.close();
    throw err;
  }
  const stopBot = runEchoBot(bot.bus);
  const userOpts: ChatOptions = { ...base, nick: opts.nick, listen: user.listen, peer: bot.listen };
  return runTui({
    bus: user.bus,
    opts: tuiOptions(userOpts),
    listen: user.listen,
    fingerprint: user.transport.fingerprint(),
    peer: user.transport.peerAddress(),
    title: 'fernchat demo',
    start: () => user.start(),
    shutdown: async () => {
      stopBot();
      await user.close();
      await bot.close();
    },
  });
}

/**
 * The demo peer's behaviour: greet once the link is up, then echo in upper
 * case (an action as an action). A file offered to it is declined, with a
 * line saying why: the demo saves nothing.
 */
function runEchoBot(bus: Bus): () => void {
  let greeted = false;
  const say = (text: string, kind: MessageKind = 'message'): void => bus.emit('send', { id: newMessageId(), text, kind });
  const offs = [
    bus.on('peer:state', ({ state }) => {
      if (state !== 'online' || greeted) return;
      greeted = true;
      for (const line of GREETING) say(line);
    }),
    bus.on('message:received', ({ text, kind }) => {
      // An action comes back as an action: /me waves → * echo-bot WAVES.
      say(text.toUpperCase(), kind);
    }),
    bus.on('key:rotated', ({ newFingerprint }) => {
      say(`Key rotated: my fingerprint is now ${newFingerprint}. Same as yours?`);
    }),
    bus.on('transfer:update', ({ n, direction, state, name }) => {
      if (direction !== 'in' || state !== 'offered') return;
      say(`Thanks for offering ${name}, but a demo keeps no files: declined. Between two real peers it would arrive.`);
      // After this update has reached every listener: the service is still emitting it.
      setImmediate(() => bus.emit('transfer:decline', { n }));
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
