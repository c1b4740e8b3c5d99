/**
 * `fernchat send FILE`: one file to the peer, then exit.
 *
 *  1. open the session (BindError, PeerLookupError → one line, exit 1) and
 *     ask the transfer service to offer the file (transfer:send)
 *  2. wait for the peer's answer and the end of the transfer: one stderr
 *     line per state change (headless-transfers.ts's words); when stderr is
 *     a terminal, a progress line redrawn in place with \r, at most every
 *     SEND_PROGRESS_INTERVAL_MS
 *  3. exit 0 only when the transfer reached `done` (the peer holds the whole
 *     file and its SHA-256 matched); 1 when it failed, was declined or
 *     cancelled (the state line says why), or --timeout passed without an
 *     answer (the offer is withdrawn)
 *  4. SIGINT / SIGTERM: stop, close (what the service keeps for resume
 *     stays: the state file with a profile, the receiver's .part), exit 130
 *     with a line saying that the same command resumes
 */
import os from 'node:os';
import type { TransferView } from '../bus.js';
import type { ChatOptions } from '../config/chat-options.js';
import { expandDir } from '../config/files.js';
import { sanitizeInline } from '../text/sanitize.js';
import { formatEta, formatFileSize, formatPercent, formatRate } from '../text/units.js';
import { isEnded } from '../ui/transfer-line.js';
import { transferEvent, transferStatusLine } from './headless-transfers.js';
import { statusLine } from './headless-format.js';
import { openSession, type SessionDeps } from './session.js';
import { catchStop } from './signals.js';
import { openOrSay } from './open-or-say.js';

/** Least time between two redraws of the progress line, in ms (4 a second). */
export const SEND_PROGRESS_INTERVAL_MS = 250;
/** How long a withdrawn offer (--timeout) waits for the service to say it is cancelled, in ms. */
const WITHDRAW_WAIT_MS = 2_000;
/** Exit code after SIGINT / SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

export interface SendFileIo {
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface SendFileRequest {
  /** The file as typed (the service expands `~`), checked by the command to be a regular file. */
  file: string;
  /** Give up when the peer has not accepted within this many seconds; null: wait. */
  timeoutS: number | null;
}

/** The progress line: `→ name  45%  5.4 MiB of 12.0 MiB  3.1 MiB/s  ETA 4s`. */
export function progressLine(v: TransferView): string {
  const eta = formatEta(v.etaS);
  return sanitizeInline(
    `→ ${v.name}  ${formatPercent(v.bytes, v.size)}  ${formatFileSize(v.bytes)} of ${formatFileSize(v.size)}  ${formatRate(v.rateBps)}${eta === '' ? '' : `  ETA ${eta}`}`,
  );
}

export async function runSendFile(
  opts: ChatOptions,
  req: SendFileRequest,
  io: SendFileIo = { stderr: process.stderr },
  deps: SessionDeps = {},
): Promise<number> {
  const tty = io.stderr.isTTY === true;
  let barShown = false;
  const clearBar = (): void => {
    if (barShown) io.stderr.write('\r\x1b[K');
    barShown = false;
  };
  const err = (line: string): void => {
    clearBar();
    io.stderr.write(`${line}\n`);
  };
  let wake = (): void => {};
  const stop = catchStop(() => wake());
  const session = await openOrSay(() => openSession(opts, { ...deps, start: false }), stop, err);
  if (session === null) return 1;
  const { bus } = session;
  // The path the service will offer (it expands the same way): how our transfer is told from restored ones.
  const target = expandDir(req.file, os.homedir(), process.cwd());
  let mine: TransferView | null = null;
  let previous: TransferView | undefined;
  let refused: string | null = null;
  let lastBar = 0;
  const offs = [
    bus.on('transfer:update', (v) => {
      if (mine === null && v.direction === 'out' && v.path === target && !isEnded(v)) mine = v;
      if (mine === null || v.n !== mine.n) return;
      mine = v;
      const event = transferEvent(v, previous);
      previous = v;
      if (event !== null && event !== 'progress') err(transferStatusLine(v, os.homedir(), null));
      if (tty && v.state === 'transferring' && Date.now() - lastBar >= SEND_PROGRESS_INTERVAL_MS) {
        lastBar = Date.now();
        io.stderr.write(`\r\x1b[K${progressLine(v)}`);
        barShown = true;
      }
      wake();
    }),
    bus.on('peer:state', (e) => err(statusLine({ name: 'peer:state', e }))),
    bus.on('error', (e) => {
      // Before our transfer exists, a warning is the service refusing the file (it changed, too many running…).
      if (mine === null && e.severity !== 'info' && /^cannot send|already being sent/.test(e.message)) {
        if (!/already being sent/.test(e.message)) refused = e.message;
        wake();
      }
      err(statusLine({ name: 'error', e }));
    }),
  ];
  session.start();
  bus.emit('transfer:send', { path: req.file });

  const deadline = req.timeoutS === null ? null : Date.now() + req.timeoutS * 1000;
  const answered = (): boolean => mine !== null && mine.state !== 'offered';
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (stop.signalled || refused !== null || (mine !== null && isEnded(mine)) || (deadline !== null && !answered() && Date.now() >= deadline)) {
        clearTimeout(timer);
        resolve();
      }
    };
    const timer = deadline === null ? undefined : setTimeout(check, Math.max(0, deadline - Date.now()));
    wake = check;
    check();
  });

  let code: number;
  const m = mine as TransferView | null;
  if (stop.signalled) {
    err(`fernchat: interrupted; running the same command again resumes ${m === null ? 'the transfer' : sanitizeInline(m.name)} where it stopped`);
    code = EXIT_INTERRUPTED;
  } else if (refused !== null) {
    code = 1;
  } else if (m !== null && m.state === 'done') {
    code = 0;
  } else if (m !== null && isEnded(m)) {
    code = 1;
  } else {
    err(`fernchat: no answer from the peer within ${req.timeoutS} s; the offer is withdrawn`);
    if (m !== null) {
      const n = m.n;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, WITHDRAW_WAIT_MS);
        wake = () => {
          if (mine !== null && isEnded(mine)) {
            clearTimeout(t);
            resolve();
          }
        };
        bus.emit('transfer:cancel', { n });
      });
    }
    code = 1;
  }
  clearBar();
  for (const off of offs) off();
  stop.release();
  await session.close();
  return code;
}
