/**
 * `fernchat chat --headless`: the chat as a line filter, for scripts, bots
 * and the end-to-end tests.
 *
 *  1. open the session (BindError → one line, exit 1); print "listening on …"
 *  2. each stdin line: empty → skipped; `//x` → sends `/x`; `/rotate`
 *     (deferred until the peer is online); `/quit` → like end of input
 *     (stdin is let go: the process must not wait for the writer to close it);
 *     `/save-profile NAME`, `/save-key FILE` keep the key in use (save-as.ts);
 *     `/send PATH`, `/accept [N] [DIR]`, `/decline [N]`, `/cancel N`,
 *     `/transfers` → the transfer service (headless-transfers.ts);
 *     other `/…` → one error line; anything else → one message. Flow
 *     control: at most HEADLESS_IN_FLIGHT_MAX messages are handed to the
 *     transport at once (its queue is bounded); later lines wait in a
 *     backlog, and stdin is paused while the backlog is long, so
 *     `cat big.txt | fernchat chat --headless` sends every line
 *  3. each received message → one stdout line (headless-format.ts); status
 *     and errors → stderr; --json → system events on stdout too. The
 *     stdout lines of one event-loop turn go out in one write (a pipe
 *     write is a system call, and costs more than the message itself)
 *  4. end of input: a rotation still running finishes or fails (bounded by
 *     ROTATION_TIMEOUT_MS), then, reliable wire, wait until every message
 *     sent is acknowledged (bounded by --linger); exit 0 only if all were
 *     delivered, else 1 with a line saying how many were not. File
 *     transfers still running (ours, or offers we accepted) keep the process
 *     until they end, within the same --linger; exit 1 too when one failed
 *     or is left unfinished (it resumes at the next start with the profile;
 *     declined and cancelled ones are answers, not failures)
 *  5. SIGINT / SIGTERM: stop at once (no linger), close cleanly, same exit rule
 */
import os from 'node:os';
import { createInterface } from 'node:readline';
import { errorMessage, newMessageId, type MessageKind } from '../bus.js';
import type { ChatOptions } from '../config/chat-options.js';
import { HEADLESS_BACKLOG_PAUSE_LINES, HEADLESS_IN_FLIGHT_MAX, ROTATION_RETRY_MS, ROTATION_TIMEOUT_MS } from '../constants.js';
import { jsonEvent, jsonMessage, messageLine, parseInputLine, statusLine, type HeadlessFact } from './headless-format.js';
import { formatAddress } from '../address/address.js';
import { sanitizeInline } from '../text/sanitize.js';
import { keepHistory } from './history-keeper.js';
import { HeadlessTransfers } from './headless-transfers.js';
import { batchedLines, releaseInput, until, type HeadlessIo } from './headless-io.js';
import { saveAs } from './save-as.js';
import { catchStop } from './signals.js';
import { openOrSay } from './open-or-say.js';
import { openSession, type SessionDeps } from './session.js';

export type { HeadlessIo };

const FACTS: ReadonlyArray<HeadlessFact['name']> = [
  'peer:state',
  'peer:address',
  'peer:restarted',
  'key:rotation-pending',
  'key:rotated',
  'key:rotation-failed',
  'message:failed',
  'error',
];

export async function runHeadless(
  opts: ChatOptions,
  io: HeadlessIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  deps: SessionDeps = {},
): Promise<number> {
  const { out, flush: flushOut } = batchedLines(io.stdout);
  const err = (line: string): void => void io.stderr.write(`${line}\n`);
  // Signals first: one arriving while we start up must still end in a clean close.
  let stopReading = (): void => {};
  const wake = new Set<() => void>();
  const stop = catchStop(() => {
    for (const w of [...wake]) w();
    stopReading();
  });
  const session = await openOrSay(() => openSession(opts, { ...deps, start: false }), stop, err);
  if (session === null) return 1;
  const { bus, transport } = session;
  const offs: Array<() => void> = [];
  let online = false;
  let rotating = false;
  let rotateWanted = false;
  let failed = 0;
  let sent = 0;
  const poke = (): void => {
    for (const w of [...wake]) w();
  };
  // Lines read but not yet handed to the transport; `head` avoids O(n) shifts.
  let backlog: Array<{ text: string; kind: MessageKind }> = [];
  let head = 0;
  let paused = false;
  let pauseInput = (): void => {};
  let resumeInput = (): void => {};
  const feed = (): void => {
    while (head < backlog.length && (opts.wire === 'raw' || transport.pendingCount() < HEADLESS_IN_FLIGHT_MAX)) {
      // Taken before it is emitted: a send that fails at once re-enters feed() from its message:failed handler.
      const { text, kind } = backlog[head]!;
      head += 1;
      sent += 1;
      bus.emit('send', { id: newMessageId(), text, kind });
    }
    if (head === backlog.length) {
      backlog = [];
      head = 0;
    }
    if (paused && backlog.length - head < HEADLESS_BACKLOG_PAUSE_LINES / 2) {
      paused = false;
      resumeInput();
    }
    poke();
  };

  offs.push(bus.on('message:received', (m) => out(opts.json ? jsonMessage(m) : messageLine(m))));
  for (const name of FACTS) {
    offs.push(
      bus.on(name, (e: unknown) => {
        const fact = { name, e } as HeadlessFact;
        err(statusLine(fact));
        if (opts.json) out(jsonEvent(fact, Date.now()));
      }),
    );
  }
  offs.push(
    bus.on('message:failed', () => ((failed += 1), feed())),
    bus.on('message:delivered', () => feed()),
    bus.on('peer:state', ({ state }) => {
      online = state === 'online';
      if (online && rotateWanted) {
        rotateWanted = false;
        bus.emit('rotate', {});
      }
    }),
    bus.on('key:rotation-pending', () => (rotating = true)),
    bus.on('key:rotated', () => ((rotating = false), poke())),
    bus.on('key:rotation-failed', () => ((rotating = false), poke())),
  );
  const transfers = new HeadlessTransfers({
    bus,
    wire: opts.wire,
    json: opts.json,
    acceptDir: opts.files?.acceptDir ?? null,
    home: os.homedir(),
    out,
    err,
    now: () => Date.now(),
    changed: poke,
  });
  err(`listening on ${formatAddress(session.listen)} (key ${transport.fingerprint()}, wire ${opts.wire})`);
  // Subscribed first: the facts start() emits (peer address, raw-wire info) are printed too.
  if (opts.peer === null) err('no peer address: waiting for the peer to write first');
  // With the profile's history on, the conversation is kept as the full-screen UI keeps it (history-keeper.ts).
  const history = opts.history ? keepHistory(bus, opts.history, opts.nick) : null;
  session.start();

  // 2 ----------------------------------------------------------------
  let quit = false;
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  const ended = new Promise<void>((resolve) => rl.once('close', resolve));
  stopReading = () => rl.close();
  pauseInput = () => rl.pause();
  resumeInput = () => rl.resume();
  if (stop.signalled) rl.close();
  const onOutputError = (): void => rl.close(); // the reader went away (EPIPE): stop reading
  io.stdout.on('error', onOutputError);
  rl.on('line', (line) => {
    const input = parseInputLine(line);
    if (input.kind === 'send') {
      backlog.push({ text: input.text, kind: input.action === true ? 'action' : 'message' });
      feed();
      // readline still emits the lines of a chunk already read: the backlog takes them, nothing is lost.
      if (!paused && backlog.length - head >= HEADLESS_BACKLOG_PAUSE_LINES) {
        paused = true;
        pauseInput();
      }
    } else if (input.kind === 'unknown') {
      err(input.message);
    } else if (input.kind === 'save') {
      try {
        const req =
          input.what === 'profile'
            ? { kind: 'profile' as const, name: input.arg, nick: opts.nick, peer: transport.peerAddress() }
            : { kind: 'key-file' as const, file: input.arg };
        err(saveAs(session, opts, req));
      } catch (e) {
        err(`fernchat: ${errorMessage(e)}`);
      }
    } else if (input.kind === 'transfer') {
      transfers.run(input.command);
    } else if (input.kind === 'command' && input.name === 'quit') {
      quit = true;
      rl.close();
    } else if (input.kind === 'command') {
      // The raw wire refuses at once, with its reason; the reliable one waits for a peer to rotate with.
      if (online || opts.wire === 'raw') bus.emit('rotate', {});
      else {
        rotateWanted = true;
        err('key rotation waits for the peer to come online');
      }
    }
  });
  await ended;
  // After /quit the writer may keep stdin open for hours; a paused, unreferenced stdin no longer holds the process.
  if (quit) releaseInput(io.stdin);

  // 4 ----------------------------------------------------------------
  if (!stop.signalled) {
    const lingerUntil = Date.now() + opts.lingerS * 1000;
    // What waits in the backlog goes out as acks free the transport's queue, within the linger.
    await until(() => head === backlog.length || stop.signalled, opts.lingerS * 1000, wake);
    await until(() => !rotating || stop.signalled, ROTATION_TIMEOUT_MS + 2 * ROTATION_RETRY_MS, wake);
    // A signal ends the wait; closing the session below settles the flush (and clears its timer).
    if (opts.wire === 'reliable' && !stop.signalled) {
      await Promise.race([transport.flush(Math.max(0, lingerUntil - Date.now())), stop.stopped]);
      // Files still moving: they end (done, failed…) within the same linger.
      await until(() => transfers.running().length === 0 || stop.signalled, Math.max(0, lingerUntil - Date.now()), wake);
    }
  }
  if (rotateWanted) err('key rotation failed: the peer never came online; the old key is still in use');
  // Lines never handed to the transport (linger ran out, or a signal) count as not delivered.
  const unsent = backlog.length - head;
  sent += unsent;
  const undelivered = transport.pendingCount() + failed + unsent;
  const { failed: failedFiles, running: unfinishedFiles } = transfers.unfinished();
  for (const off of offs) off();
  transfers.close();
  flushOut();
  stop.release();
  await session.close();
  history?.close();
  io.stdout.off('error', onOutputError);
  let code = 0;
  if (undelivered > 0) {
    err(`${undelivered} of ${sent} message${sent === 1 ? '' : 's'} not delivered`);
    code = 1;
  }
  if (unfinishedFiles.length > 0) {
    const names = unfinishedFiles.map((v) => `${v.n} ${sanitizeInline(v.name)}`).join(', ');
    err(`${unfinishedFiles.length} file transfer${unfinishedFiles.length === 1 ? '' : 's'} not finished (${names}): ${resumeHint(opts)}`);
    code = 1;
  }
  if (failedFiles.length > 0) {
    err(`${failedFiles.length} file transfer${failedFiles.length === 1 ? '' : 's'} failed`);
    code = 1;
  }
  return code;
}

/** What happens to an unfinished transfer after this process. */
function resumeHint(opts: ChatOptions): string {
  return opts.profileName !== null && opts.configDir != null
    ? `kept for resume — they continue the next time this profile chats with the peer`
    : 'without a profile nothing is kept: they start over when sent again';
}
