/**
 * `fernchat send FILE`: offer one file to the peer and wait until it holds
 * the whole verified file (app/send-file.ts). Takes the chat's connection
 * flags; the file is checked here, so a wrong path is a usage error (exit 2)
 * before any socket is opened.
 */
import fs from 'node:fs';
import { parseDuration } from '../config/flags.js';
import { UsageError } from '../errors.js';
import { describeFsError } from '../config/fs.js';
import { defineCommand, FLAGS, flag, PMTU_FLAG, requiredPositional } from './flags.js';
import { roomRefusal } from './chat.js';
import type { CliIo } from './io.js';
import { sessionOptions } from './session-options.js';

/** Longest --timeout, in seconds (a day). */
const MAX_SEND_TIMEOUT_S = 86_400;

/** Why `file` cannot be sent (one line), or null. */
async function fileProblem(file: string, io: CliIo): Promise<string | null> {
  // Loaded here: cli.ts imports this file for every command.
  const { expandDir } = await import('../config/files.js');
  const p = expandDir(file, io.homedir, io.cwd);
  try {
    const st = fs.statSync(p);
    if (st.isDirectory()) return `cannot send ${p}: it is a directory (send one file, e.g. an archive: tar czf dir.tgz dir)`;
    if (!st.isFile()) return `cannot send ${p}: not a regular file`;
    fs.accessSync(p, fs.constants.R_OK);
    return null;
  } catch (err) {
    return `cannot send ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeFsError(err)}`;
  }
}

export const sendCommand = defineCommand({
  command: 'send <file>',
  describe: 'send one file to the peer and wait until it holds the whole verified file (exit 0), else exit 1',
  builder: (y) =>
    requiredPositional(y, 'file', 'the file to send (~ is your home)')
      .options({
        host: FLAGS.host,
        port: FLAGS.port,
        peer: flag('peer', ' (default: the profile’s; else learned from the peer’s first datagram)'),
        key: flag('key', " (default: the profile's; visible in ps — prefer --key-file or FERNCHAT_KEY)"),
        'key-file': FLAGS['key-file'],
        nick: flag('nick', " (default: the profile's, else your login name)"),
        'clock-skew': FLAGS['clock-skew'],
        ...PMTU_FLAG,
        timeout: { type: 'string', describe: 'give up (exit 1, the offer withdrawn) when the peer has not accepted within S seconds (default: wait)' },
      })
      .example('$0 send report.pdf', 'to the peer of the default profile')
      .example('$0 send ~/big.iso --profile bob --timeout 300', 'give up when bob has not accepted within 5 minutes'),
  handler: async (a) => {
    const timeoutS = a.timeout !== undefined ? parseDuration(a.timeout, '--timeout', MAX_SEND_TIMEOUT_S) : null;
    const problem = await fileProblem(a.file, a.io);
    if (problem !== null) throw new UsageError(problem);
    const opts = await sessionOptions(a, { saveAs: false });
    roomRefusal(opts);
    if (opts.wire === 'raw')
      throw new UsageError('file transfer needs the reliable wire (this profile uses --wire raw): fernchat profile set NAME --wire reliable');
    const { runSendFile } = await import('../app/send-file.js');
    a.io.exitCode = await runSendFile(opts, { file: a.file, timeoutS });
  },
});
