/**
 * `fernchat chat`: open a session and hand it to the headless line mode or the
 * full-screen UI; a room profile goes to the headless room mode
 * (room-headless.ts) or the room screen (room-tui.ts). commands/chat.ts has already turned flags and profile into
 * options (config/resolve.ts).
 *
 * With history on (opts.history), the UI gets the newest records of earlier
 * sessions to show, and the keeper starts writing when the transport starts
 * (after the UI listens, so a warning about the file reaches the screen).
 */
import type { ChatOptions } from '../config/chat-options.js';
import { HISTORY_RESTORE_RECORDS } from '../constants.js';
import { runHeadless } from './headless.js';
import { keepHistory, restoreHistory, type HistoryKeeper } from './history-keeper.js';
import { saveAs } from './save-as.js';
import { openSession } from './session.js';
import { tuiOptions, type TuiHistory } from '../ui/context.js';

export async function runChat(opts: ChatOptions): Promise<number> {
  if (opts.room !== undefined && opts.headless) {
    const { runRoomHeadless } = await import('./room-headless.js');
    return runRoomHeadless(opts);
  }
  if (opts.room !== undefined) {
    // Loaded here, not at the top, like the 1:1 screen below.
    const { runRoomTui } = await import('./room-tui.js');
    return runRoomTui(opts);
  }
  if (opts.headless) return runHeadless(opts);
  // Loaded here, not at the top: headless scripts and bots should not pay for blessed.
  const { assertTuiPossible, runTui } = await import('../ui/app.js');
  assertTuiPossible(opts);
  const session = await openSession(opts, { start: false });
  const target = opts.history ?? null;
  let keeper: HistoryKeeper | null = null;
  let history: TuiHistory | undefined;
  if (target !== null) {
    const { records, notes } = restoreHistory(target, HISTORY_RESTORE_RECORDS);
    history = {
      restored: records,
      notes,
      command: (arg) => (keeper === null ? 'history: not started yet' : arg === null ? keeper.describe() : keeper.set(arg === 'on')),
    };
  }
  return runTui({
    bus: session.bus,
    opts: tuiOptions(opts),
    listen: session.listen,
    fingerprint: session.transport.fingerprint(),
    peer: session.transport.peerAddress(),
    // The keeper closes after the transport: messages that arrive while it says bye are kept too.
    shutdown: () => session.close().finally(() => keeper?.close()),
    start: () => {
      if (target !== null) keeper ??= keepHistory(session.bus, target, opts.nick);
      session.start();
    },
    saveAs: (req) => saveAs(session, opts, req),
    ...(history !== undefined ? { history } : {}),
  });
}
