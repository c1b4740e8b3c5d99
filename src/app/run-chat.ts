/**
 * `fernchat chat`: open a session and hand it to the headless line mode or the
 * full-screen UI. commands/chat.ts has already turned flags and profile into
 * options (config/resolve.ts).
 */
import type { ChatOptions } from '../config/chat-options.js';
import { runHeadless } from './headless.js';
import { saveAs } from './save-as.js';
import { openSession } from './session.js';
import { tuiOptions } from '../ui/context.js';

export async function runChat(opts: ChatOptions): Promise<number> {
  if (opts.headless) return runHeadless(opts);
  // Loaded here, not at the top: headless scripts and bots should not pay for blessed.
  const { assertTuiPossible, runTui } = await import('../ui/app.js');
  assertTuiPossible(opts);
  const session = await openSession(opts, { start: false });
  return runTui({
    bus: session.bus,
    opts: tuiOptions(opts),
    listen: session.listen,
    fingerprint: session.transport.fingerprint(),
    peer: session.transport.peerAddress(),
    shutdown: () => session.close(),
    start: () => session.start(),
    saveAs: (req) => saveAs(session, opts, req),
  });
}
