/**
 * `fernchat chat --headless --profile ROOM`: a room as a line filter (#15),
 * the way headless.ts runs a 1:1 chat (and with its I/O pieces,
 * headless-io.ts):
 *
 *  1. open the room session (BindError → one line, exit 1); print
 *     "listening on …, room …, member …"
 *  2. each stdin line: empty → skipped; `//x` → sends `/x`; `/who` → the
 *     roster on stdout; `/kick NICK` (and its key rotation); `/rotate` (a new
 *     room key for every online member); `/leave` (our tombstone goes to the
 *     members we reach, then like end of input); `/quit` → like end of
 *     input; other `/…` → one error line; anything else → one message to
 *     every seated member (the core queues it for those offline); while
 *     joining, lines wait until the room lets us in
 *  3. each message → one stdout line `HH:MM:SS <display> text`; the other
 *     facts (joined, left, refused, missed, online, offline…) and notes →
 *     stderr; --json → every fact on stdout too, one object per line
 *     (room-format.ts)
 *  4. end of input: wait, at most --linger, until no key rotation runs, every
 *     message handed to a link is acknowledged and no online member has any waiting; then
 *     close (what is still owed is reported missed). Exit 0, or 1 when a
 *     message was missed or we are out of the room (refused, removed)
 *  5. out of the room (refused, removed): one line, then as end of input
 *  6. SIGINT / SIGTERM: stop at once (no linger), close cleanly, same exit rule
 */
import { createInterface } from 'node:readline';
import { errorMessage } from '../bus.js';
import type { ChatOptions } from '../config/chat-options.js';
import { formatAddress } from '../address/address.js';
import { isFinal } from '../room/status.js';
import { sanitizeInline } from '../text/sanitize.js';
import { batchedLines, releaseInput, until, type HeadlessIo } from './headless-io.js';
import { catchStop } from './signals.js';
import { openOrSay } from './open-or-say.js';
import { findMember, rosterLines } from '../room/fact-text.js';
import { parseRoomInputLine, roomFactJson, roomFactLine, rosterJson } from './room-format.js';
import { openRoomSession, type RoomSessionDeps } from './room-session.js';
import { keepRoomHistory } from './room-history.js';

export async function runRoomHeadless(
  opts: ChatOptions,
  io: HeadlessIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  deps: RoomSessionDeps = {},
): Promise<number> {
  const room = opts.room;
  if (room === undefined) throw new TypeError('runRoomHeadless: the options are not a room profile');
  const { out, flush } = batchedLines(io.stdout);
  const err = (line: string): void => void io.stderr.write(`${line}\n`);
  let stopReading = (): void => {};
  const wake = new Set<() => void>();
  const poke = (): void => {
    for (const w of [...wake]) w();
  };
  const signals = catchStop(() => {
    poke();
    stopReading();
  });
  const session = await openOrSay(() => openRoomSession(opts, { ...deps, start: false }), signals, err);
  if (session === null) return 1;
  const { bus, core } = session;
  const name = (id: string): string => session.roster().find((e) => e.id === id)?.display ?? id;
  let missed = 0;
  /** Lines typed while joining: sent once the room lets us in (a joiner's first `echo hi | fernchat chat …`). */
  let early: Array<{ text: string; action?: true }> = [];
  const offs = [
    bus.on('room:fact', (f) => {
      if (f.kind === 'missed') missed += f.count;
      const line = roomFactLine(f, name);
      if (line !== null && !(opts.json && line.to === 'out')) (line.to === 'out' ? out : err)(line.line);
      if (opts.json && f.kind !== 'sent') out(roomFactJson(f, room.name, Date.now()));
      if (f.kind === 'status' && isFinal(f.status) && f.status.kind !== 'left') stopReading();
      if (f.kind === 'status' && f.status.kind === 'member' && early.length > 0) {
        const lines = early;
        early = [];
        for (const l of lines) session.input({ kind: 'send', text: l.text, ...(l.action ? { action: true } : {}) });
      }
      poke();
    }),
    bus.on('error', (e) => {
      err(`${e.severity}: ${sanitizeInline(e.message)}`);
      if (opts.json) out(roomFactJson({ kind: 'error', line: e.message }, room.name, Date.now()));
    }),
  ];
  const me = core.id;
  err(`listening on ${formatAddress(session.listen)} (room ${sanitizeInline(room.name)}, member ${me}, key ${session.fingerprint()})`);
  // What a 1:1 chat takes and a room does not (yet): one line each, not silence.
  if (opts.wire === 'raw') err('note: a room always uses the reliable wire; --wire raw is ignored');
  if (opts.peer !== null) err('note: a room dials its members (the member list, the contacts); --peer is ignored');
  // The keeper listens before the session starts: nothing said from the first moment is missed.
  const keeper = opts.history != null ? keepRoomHistory(bus, opts.history, opts.nick) : null;
  session.start();

  // 2 ----------------------------------------------------------------
  let quit = false;
  let leaving = false;
  /** Told once that nobody else is in the room. */
  let alone = false;
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  const ended = new Promise<void>((resolve) => rl.once('close', resolve));
  stopReading = () => rl.close();
  if (signals.signalled || isFinal(core.status)) rl.close();
  const onOutputError = (): void => rl.close(); // the reader went away (EPIPE): stop reading
  io.stdout.on('error', onOutputError);
  rl.on('line', (line) => {
    const input = parseRoomInputLine(line);
    try {
      switch (input.kind) {
        case 'empty':
          return;
        case 'send':
          if (core.status.kind === 'member' && !alone && session.roster().every((e) => e.self)) {
            alone = true;
            err(`nobody else is in the room yet: the line goes nowhere (fernchat invite --profile ${opts.profileName ?? 'ROOM'} makes a code)`);
          }
          if (core.status.kind !== 'joining') return session.input({ kind: 'send', text: input.text, ...(input.action ? { action: true } : {}) });
          if (early.length === 0) err('not in the room yet: lines wait until the room lets us in');
          early.push(input);
          return;
        case 'who': {
          const roster = session.roster();
          if (opts.json) out(rosterJson(roster, room.name, Date.now()));
          else for (const l of rosterLines(roster)) out(sanitizeInline(l));
          return;
        }
        case 'kick': {
          const found = findMember(session.roster(), input.who);
          if (!found.ok) return err(found.message);
          return session.input({ kind: 'kick', member: found.id });
        }
        case 'rotate':
          return session.rotate();
        case 'nick':
          // A new version of our entry, gossiped: the others see "X is now known as Y". For this run; the profile keeps its nick.
          return session.input({ kind: 'set-self', nick: input.nick });
        case 'leave':
          leaving = true;
          session.input({ kind: 'leave' });
          return rl.close();
        case 'quit':
          quit = true;
          return rl.close();
        case 'unknown':
          return err(input.message);
      }
    } catch (e) {
      err(`fernchat: ${errorMessage(e)}`);
    }
  });
  await ended;
  if (quit || leaving) releaseInput(io.stdin);

  // 4 ----------------------------------------------------------------
  if (!signals.signalled && !isFinal(core.status)) {
    const settled = (): boolean =>
      signals.signalled ||
      isFinal(core.status) ||
      (early.length === 0 && !session.rotating() && session.inFlight() === 0 && core.online().every((m) => core.queued(m) === 0));
    const timer = setInterval(poke, 100);
    await until(settled, opts.lingerS * 1000, wake);
    clearInterval(timer);
  } else if (leaving && !signals.signalled) {
    // Our tombstone is on its way on every link: give it a moment to be acknowledged.
    await until(() => signals.signalled || session.inFlight() === 0, Math.min(opts.lingerS * 1000, 2_000), wake);
  }
  await session.close();
  keeper?.close();
  for (const off of offs) off();
  flush();
  signals.release();
  io.stdout.off('error', onOutputError);
  if (early.length > 0) err(`${early.length} line${early.length === 1 ? '' : 's'} not sent: the room did not let us in within --linger`);
  const status = core.status.kind;
  if (status === 'refused' || status === 'removed' || early.length > 0) return 1;
  return missed > 0 ? 1 : 0;
}
