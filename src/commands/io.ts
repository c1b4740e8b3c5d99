/**
 * The process around one run of the `fernchat` command, handed in instead
 * of read from `process`: the streams, the environment, the home and working
 * directories, the width for --help.
 *
 * dist/cli.js passes the process's own (processIo()). The tests pass
 * buffers and a sandbox environment to run the one-shot commands (keygen,
 * fingerprint, profile, invite, join, room create, history) inside the test
 * process, at a fraction of the cost of a process start. chat, send and
 * demo run until a signal on the process's terminal and sockets: they are
 * only run as a process.
 */
import os from 'node:os';

/** Where a command writes: a stream, or a buffer in a test. */
export interface CliOutput {
  write(chunk: string): unknown;
  /** 'error' (EPIPE when the reader has gone); a buffer may lack it. */
  on?(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

export interface CliIo {
  /** Results only (a key, a code, a list), so scripts can use them. */
  readonly stdout: CliOutput;
  /** Notes, warnings and errors. */
  readonly stderr: CliOutput;
  /** Read by `join -`. */
  readonly stdin: AsyncIterable<unknown> & { isTTY?: boolean; pause?(): unknown };
  /** FERNCHAT_KEY, FERNCHAT_CONFIG_DIR, XDG_CONFIG_HOME, … */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `~` in paths, and the default config directory. */
  readonly homedir: string;
  /** Relative directories in file settings. */
  readonly cwd: string;
  /** Width of the --help text, in columns; undefined: 80. */
  readonly columns?: number | undefined;
}

/**
 * What a handler receives (as `a.io`): the io, and the exit code of a run
 * that ends without an error but not with 0 (history with a corrupt line,
 * a chat that lost its peer). Thrown errors choose their own code.
 */
export interface CommandIo extends CliIo {
  exitCode?: number;
}

/** The io of this process. stdin is opened only when a command reads it (`join -`). */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    homedir: os.homedir(),
    cwd: process.cwd(),
    columns: process.stdout.columns,
  };
}
