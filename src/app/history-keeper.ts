/**
 * A session's conversation into its profile's history file (src/history),
 * for the full-screen UI and the headless mode alike.
 *
 * Only a chat started from a profile that turned history on has a keeper
 * (commands/chat.ts fills ChatOptions.history); a --key session, the demo,
 * and a profile with history off write nothing, not even the directory.
 *
 * What is written: every message received (message:received), and each of
 * ours once the transport accepted it (message:sent; a message refused at
 * once never was part of the conversation), with our nick at that moment
 * (followed through set-nick). A write that fails is one warning on the bus,
 * and history stops for the rest of the session rather than warning at
 * every message; /history off stops it too, /history on resumes it.
 */
import type { Bus, BusEvents } from '../bus.js';
import { errorMessage } from '../bus.js';
import type { HistoryTarget } from '../config/chat-options.js';
import { HistoryAppender, HistoryFile } from '../history/file.js';
import type { HistoryRecord } from '../history/record.js';
import type { Scan } from '../history/scan.js';

export interface HistoryKeeper {
  readonly file: HistoryFile;
  /** Whether messages are written now. */
  keeping(): boolean;
  /** /history on|off; returns the line to show. */
  set(on: boolean): string;
  /** What /history alone says. */
  describe(): string;
  /** Stop listening, close the file. Idempotent. */
  close(): void;
}

/** The newest `count` records for the pane, and one line per problem met reading them (naming the file). */
export function restoreHistory(target: HistoryTarget, count: number): { records: HistoryRecord[]; notes: string[] } {
  const file = new HistoryFile(target.dir, target.profile);
  try {
    const scan = file.readTail(count);
    return { records: scan.records, notes: readNotes(file.path, scan) };
  } catch (err) {
    return { records: [], notes: [`history: ${errorMessage(err)}`] };
  }
}

/** One line per problem a read met: a corrupt line, records of a later version. Never the text of a record. */
export function readNotes(file: string, scan: Scan): string[] {
  const notes: string[] = [];
  if (scan.bad !== null) {
    notes.push(
      `history: ${file} line ${scan.bad.line}: ${scan.bad.problem} — the file is corrupt there (${scan.badCount} bad line${scan.badCount === 1 ? '' : 's'} skipped); it was not changed`,
    );
  }
  if (scan.newer.count > 0) {
    const n = scan.newer.count;
    notes.push(
      `history: ${n} record${n === 1 ? '' : 's'} in ${file} ${n === 1 ? 'was' : 'were'} written by a newer fernchat (format ${scan.newer.highest}) and skipped; the file was not changed`,
    );
  }
  return notes;
}

export function keepHistory(bus: Bus, target: HistoryTarget, nick: string): HistoryKeeper {
  const file = new HistoryFile(target.dir, target.profile);
  const warn = (message: string): void => bus.emit('error', { severity: 'warning', message });
  let appender: HistoryAppender | null = null;
  let stoppedBy: 'user' | 'error' | null = null;
  let closed = false;

  const open = (): boolean => {
    try {
      appender = HistoryAppender.open(file, target.maxBytes);
      const loose = file.permissionWarning();
      // The line says "warning: …" itself; the bus adds the severity.
      if (loose !== null) warn(`history: ${loose.replace(/^warning: /, '')}`);
      return true;
    } catch (err) {
      fail(err);
      return false;
    }
  };
  const fail = (err: unknown): void => {
    appender?.close();
    appender = null;
    stoppedBy = 'error';
    warn(`history: ${errorMessage(err)} — history is not kept for the rest of this session`);
  };
  const append = (r: HistoryRecord): void => {
    if (appender === null) return;
    try {
      appender.append(r);
    } catch (err) {
      fail(err);
    }
  };

  const offs = [
    bus.on('set-nick', (e) => (nick = e.nick)),
    bus.on('message:received', (e: BusEvents['message:received']) => append({ t: e.time, dir: 'in', from: e.from, text: e.text, kind: e.kind })),
    bus.on('message:sent', (e: BusEvents['message:sent']) => append({ t: e.time, dir: 'out', from: nick, text: e.text, kind: e.kind })),
  ];
  open();

  const keeper: HistoryKeeper = {
    file,
    keeping: () => appender !== null,
    set: (on) => {
      if (closed) return 'history: the session is closing';
      if (!on) {
        if (appender === null) return `history is already off for this session; what was kept stays in ${file.path}`;
        appender.close();
        appender = null;
        stoppedBy = 'user';
        return `history off: nothing more of this session is kept (what was kept stays: fernchat history ${target.profile} --clear erases it)`;
      }
      if (appender !== null) return `history is already on: kept in ${file.path}`;
      return open() ? `history on: this session is kept in ${file.path}` : 'history could not be turned on (see the line above)';
    },
    describe: () => {
      if (appender !== null) return `history is on: kept in ${file.path} (fernchat history ${target.profile} prints it; /history off stops it)`;
      if (stoppedBy === 'user') return 'history is off for this session (/history on resumes it)';
      return 'history is off for this session after an error (see above); /history on tries again';
    },
    close: () => {
      if (closed) return;
      closed = true;
      for (const off of offs) off();
      appender?.close();
      appender = null;
    },
  };
  return keeper;
}
