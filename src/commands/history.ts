/**
 * `fernchat history [NAME] [--json] [--grep TEXT] [--since DATE] [--clear]`:
 * print or erase a profile's kept conversation (src/history).
 *
 * The file of a profile removed since is still found (profile rm leaves it),
 * so it can be read or cleared; a name with neither a profile nor a file is
 * one line naming the known profiles. A corrupt line is reported after
 * everything readable was printed (exit 2); the file is never changed by
 * reading it.
 */
import { UsageError } from '../errors.js';
import { historyDir, note, openStore } from './common.js';
import { defineCommand } from './flags.js';
import type { CliOutput } from './io.js';

export const historyCommand = defineCommand({
  command: 'history [name]',
  describe: "print (or --clear) a profile's kept conversation; kept only with: fernchat profile set NAME --history on",
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'profile (default: --profile, else the default profile)' })
      .options({
        json: { type: 'boolean', describe: 'one JSON object per line' },
        grep: { type: 'string', describe: 'only lines whose text or sender contains TEXT (plain text, any case)' },
        since: { type: 'string', describe: 'only from this date on: YYYY-MM-DD or ISO 8601 (2026-12-03T17:55)' },
        clear: { type: 'boolean', describe: 'erase the whole history of the profile' },
      })
      .example('$0 history bob', 'the conversation with bob, oldest first')
      .example('$0 history bob --grep "a.*b" --since 2026-12-01', 'lines containing the text a.*b since 1 December')
      .example('$0 history bob --clear', 'erase it'),
  handler: async (a) => {
    const [{ HistoryFile }, { readNotes }, { recordLine, recordObject, parseSince, selectRecords }, { jsonLine }, { unknownProfile }] = await Promise.all([
      import('../history/file.js'),
      import('../app/history-keeper.js'),
      import('../history/query.js'),
      import('../app/headless-format.js'),
      import('../config/profiles.js'),
    ]);
    if (a.clear && (a.json !== undefined || a.grep !== undefined || a.since !== undefined)) {
      throw new UsageError('--clear erases the whole history: give it alone (without --json, --grep or --since)');
    }
    const since = a.since === undefined ? undefined : parseSince(a.since);
    const cfg = (await openStore(a)).read();
    const name = a.name ?? a.profile ?? cfg.defaultProfile;
    if (name === undefined || name === null) throw new UsageError('no default profile: name one (fernchat history NAME; fernchat profile list shows them)');
    const file = new HistoryFile(historyDir(a), name);
    const profile = Object.hasOwn(cfg.profiles, name) ? cfg.profiles[name] : undefined;
    if (profile === undefined && !file.exists()) throw unknownProfile(cfg, name);

    if (a.clear) {
      note(a.io, file.clear() ? `erased the history of ${name} (${file.path})` : `no history to erase for ${name} (${file.path} does not exist)`);
      return;
    }
    const loose = file.permissionWarning();
    if (loose !== null) note(a.io, loose);
    if (!file.exists()) {
      note(
        a.io,
        profile?.history.enabled === true
          ? `no history yet for ${name} (it will be in ${file.path})`
          : `profile ${name} keeps no history (turn it on with: fernchat profile set ${name} --history on)`,
      );
      return;
    }
    const scan = file.read();
    const records = selectRecords(scan.records, { ...(a.grep !== undefined ? { grep: a.grep } : {}), ...(since !== undefined ? { since } : {}) });
    printLines(
      a.io.stdout,
      records.map((r) => (a.json ? jsonLine(recordObject(r)) : recordLine(r))),
    );
    for (const line of readNotes(file.path, scan)) note(a.io, line);
    if (scan.bad !== null) a.io.exitCode = 2;
  },
});

/** Writes of this many characters at most: 100,000 records are not 100,000 system calls. */
const PRINT_CHUNK_CHARS = 64 * 1024;

/**
 * The lines on stdout, in chunks. A reader that goes away (`| head`) ends the
 * output quietly, as `git log | head` does, instead of an EPIPE stack trace.
 */
function printLines(stdout: CliOutput, lines: readonly string[]): void {
  let gone = false;
  stdout.on?.('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    gone = true;
  });
  let chunk = '';
  for (const line of lines) {
    if (gone) return;
    chunk += `${line}\n`;
    if (chunk.length >= PRINT_CHUNK_CHARS) {
      stdout.write(chunk);
      chunk = '';
    }
  }
  if (chunk !== '' && !gone) stdout.write(chunk);
}
