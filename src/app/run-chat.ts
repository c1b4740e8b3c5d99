/**
 * `fernchat chat`: open a session and hand it to the headless line mode or the
 * full-screen UI. cli.ts has already turned flags and profile into options.
 */
import type { ChatOptions } from '../config/chat-options.js';
import { runHeadless } from './headless.js';
import { openSession } from './session.js';

export async function runChat(opts: ChatOptions): Promise<number> {
  if (opts.headless) return runHeadless(opts);
  // Loaded here, not at the top: headless scripts and bots should not pay for blessed.
  const { runTui, tuiRefusal } = await import('../ui/app.js');
  // Refuse before binding a socket: a user on TERM=dumb should get the hint, not a half-open port.
  const refusal = tuiRefusal(opts);
  if (refusal !== null) {
    process.stderr.write(`fernchat: ${refusal}\n`);
    return 2;
  }
  const session = await openSession(opts, { start: false });
  return runTui({
    bus: session.bus,
    opts,
    listen: session.listen,
    fingerprint: session.transport.fingerprint(),
    peer: session.transport.peerAddress(),
    shutdown: () => session.close(),
    start: () => session.start(),
  });
}
