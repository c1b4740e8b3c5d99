/**
 * `fernchat chat --profile ROOM`: the room session (room-session.ts) shown
 * by the full-screen room screen (ui/room-app.ts), as run-chat.ts does for
 * a 1:1 chat. run-chat.ts loads this file only for the screen: the headless
 * room mode does not pay for blessed.
 *
 *  1. refuse without a terminal (exit 2), before the socket is bound
 *  2. open the room session, not started (BindError → one line, exit 1)
 *  3. hand the screen the session's bus and calls (never the key); it
 *     starts the session once it listens, and closes it on /quit
 */
import type { ChatOptions } from '../config/chat-options.js';
import { tuiOptions } from '../ui/context.js';
import { runRoomTui as runRoomScreen } from '../ui/room-app.js';
import { assertTuiPossible } from '../ui/tui-shell.js';
import { openOrSay } from './open-or-say.js';
import { openRoomSession, type RoomSessionDeps } from './room-session.js';
import { catchStop } from './signals.js';
import { keepRoomHistory } from './room-history.js';
import type { HistoryKeeper } from './history-keeper.js';

/** What a 1:1 chat takes and a room does not (yet): one line each, not silence (as the headless room mode says them). */
export function roomIgnoredNotes(opts: Pick<ChatOptions, 'wire' | 'peer'>): string[] {
  const notes: string[] = [];
  if (opts.wire === 'raw') notes.push('note: a room always uses the reliable wire; --wire raw is ignored');
  if (opts.peer !== null) notes.push('note: a room dials its members (the member list, the contacts); --peer is ignored');
  return notes;
}

export async function runRoomTui(opts: ChatOptions, deps: RoomSessionDeps = {}): Promise<number> {
  const room = opts.room;
  if (room === undefined) throw new TypeError('runRoomTui: the options are not a room profile');
  assertTuiPossible(opts);
  // Only while the socket opens: once the screen runs, its terminal guard owns the signals.
  const signals = catchStop(() => {});
  const session = await openOrSay(
    () => openRoomSession(opts, { ...deps, start: false }),
    signals,
    (line) => void process.stderr.write(`${line}\n`),
  );
  signals.release();
  if (session === null) return 1;
  if (signals.signalled) {
    await session.close();
    return 1;
  }
  let keeper: HistoryKeeper | null = null;
  return runRoomScreen({
    bus: session.bus,
    opts: tuiOptions(opts),
    room: room.name,
    memberId: session.core.id,
    listen: session.listen,
    status: () => session.core.status,
    fingerprint: () => session.fingerprint(),
    roster: () => session.roster(),
    linkInfo: (id) => session.linkInfo(id),
    input: (input) => session.input(input),
    rotate: () => session.rotate(),
    inFlight: () => session.inFlight(),
    // The history keeper closes after the session: lines that arrive while it says bye are kept too.
    shutdown: () => session.close().finally(() => keeper?.close()),
    start: () => {
      // Listening before the session starts: nothing said from the first moment is missed.
      if (opts.history != null) keeper ??= keepRoomHistory(session.bus, opts.history, opts.nick);
      session.start();
    },
    notes: roomIgnoredNotes(opts),
    title: `fernchat ${room.name}`,
  });
}
