/**
 * Keys that stay off the command line: a key file (`--key-file FILE`) and
 * the environment (`FERNCHAT_KEY`). Anything on a command line is readable
 * by every local user in `ps` for as long as the process runs, and the
 * shell keeps it in its history.
 *
 * A key file holds one key (a line of urlsafe base64, as `fernchat keygen`
 * prints it) and must be private: like ssh with a private key, fernchat
 * refuses a file that group or others may read. It is the profile of a
 * key-file session: a rotated key is written back to it (atomically, 0600),
 * and while a rotation is unfinished a second line keeps its pending key
 * (`# fernchat pending-key {json}`), as a profile's pendingKey, so a process
 * killed mid-rotation comes back able to read its peer. Messages name the
 * file and the problem, never its content.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeKey, parseKey } from '../crypto/keys.js';
import { KeyFormatError } from '../crypto/errors.js';
import { ConfigError, UsageError } from '../errors.js';
import type { PersistedKeys } from '../bus.js';
import { shellQuote } from './paths.js';
import { checkPendingKey, SchemaError } from './schema.js';

/** Starts the line that keeps an unfinished rotation's pending key. */
const PENDING_MARK = '# fernchat pending-key ';

/** The environment variable that may hold the key. */
export const KEY_ENV = 'FERNCHAT_KEY';
/** A key file is created with this mode and refused with any group/other bit. */
export const KEY_FILE_MODE = 0o600;
/** A key is 44 characters; a file much longer than that is not a key file. */
const MAX_KEY_FILE_BYTES = 4096;

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

function fsProblem(err: unknown): string {
  const code = codeOf(err);
  return (code !== undefined && Object.hasOwn(FS_PROBLEMS, code) ? FS_PROBLEMS[code] : undefined) ?? code ?? 'unreadable';
}

/** The key in `file`, canonical. UsageError (exit 2) with one line for every problem. */
export function readKeyFile(file: string, platform: NodeJS.Platform = process.platform): string {
  return readKeyFileKeys(file, platform).key;
}

/** The key in `file` and the pending key of an unfinished rotation, if the file keeps one. */
export function readKeyFileKeys(file: string, platform: NodeJS.Platform = process.platform): PersistedKeys {
  if (file === '') throw new UsageError('--key-file needs a file name');
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new UsageError(`cannot read key file ${file}: ${fsProblem(err)}`);
  }
  if (!st.isFile()) throw new UsageError(`key file ${file} is not a regular file`);
  if (platform !== 'win32' && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new UsageError(`key file ${file} is accessible by other users (mode ${mode}), so fernchat will not use it: run chmod 600 ${shellQuote(file)}`);
  }
  if (st.size > MAX_KEY_FILE_BYTES) throw new UsageError(`key file ${file} is not a key file (${st.size} bytes; it should hold one line: a key)`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read key file ${file}: ${fsProblem(err)}`);
  }
  if (text.trim() === '') throw new UsageError(`key file ${file} is empty (put a key in it: fernchat keygen > ${shellQuote(file)})`);
  const mark = text.indexOf(`\n${PENDING_MARK}`);
  let pendingKey: PersistedKeys['pendingKey'] = null;
  try {
    if (mark !== -1) pendingKey = checkPendingKey(JSON.parse(text.slice(mark + 1 + PENDING_MARK.length)), 'its pending key');
    return { key: encodeKey(parseKey(mark === -1 ? text : text.slice(0, mark))), pendingKey };
  } catch (err) {
    if (err instanceof KeyFormatError) throw new UsageError(`key file ${file} does not hold a valid Fernet key: ${err.message}`);
    if (err instanceof SchemaError || err instanceof SyntaxError)
      throw new UsageError(`key file ${file}: its pending-key line is damaged; fix or remove that line`);
    throw err;
  }
}

/**
 * Write `key` to `file` atomically with mode 0600: a temp file beside it,
 * fsync, then rename (replace) or link (no replace: EEXIST refuses). Throws
 * ConfigError with one line; the key is never in it.
 */
export function writeKeyFile(file: string, keys: PersistedKeys, opts: { replace: boolean }): void {
  const canonical = encodeKey(parseKey(keys.key));
  const pending = keys.pendingKey === null ? '' : `${PENDING_MARK}${JSON.stringify(checkPendingKey(keys.pendingKey, 'the pending key to save'))}\n`;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', KEY_FILE_MODE);
    try {
      fs.writeSync(fd, `${canonical}\n${pending}`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (opts.replace) fs.renameSync(tmp, file);
    else fs.linkSync(tmp, file);
  } catch (err) {
    const why = codeOf(err) === 'EEXIST' && !opts.replace ? 'it already exists (fernchat does not overwrite a key file; name a new one)' : fsProblem(err);
    throw new ConfigError(`cannot write key file ${file}: ${why}`);
  } finally {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Renamed away, or never created.
    }
  }
}

/** Where a chat's key comes from when not from its profile. */
export interface KeySource {
  /** The key text as given (checked by the caller's parser, which names `label`). */
  text: string;
  /** '--key', 'FERNCHAT_KEY', or 'key file FILE': what an error names. */
  label: string;
  /** The key file, when the key came from one: rotated keys are written back to it. */
  file: string | null;
  /** The pending key the key file keeps (an unfinished rotation), else null. */
  pendingKey: PersistedKeys['pendingKey'];
}

/**
 * The key given outside a profile, or null for the profile's. Precedence:
 * --key, then --key-file, then the profile named by --profile, then
 * $FERNCHAT_KEY, then the default profile. A variable exported in a shell
 * long ago must not silently replace the key of a profile named on this
 * command line; a flag may (flags win over the profile everywhere).
 * --key and --key-file together is a usage error.
 */
export function explicitKey(flags: { key?: string; keyFile?: string; profile?: string }, env: Record<string, string | undefined>): KeySource | null {
  if (flags.key !== undefined && flags.keyFile !== undefined) throw new UsageError('give --key or --key-file, not both');
  if (flags.key !== undefined) return { text: flags.key, label: '--key', file: null, pendingKey: null };
  if (flags.keyFile !== undefined) {
    const keys = readKeyFileKeys(flags.keyFile);
    return { text: keys.key, label: `key file ${flags.keyFile}`, file: flags.keyFile, pendingKey: keys.pendingKey };
  }
  const fromEnv = env[KEY_ENV];
  if (flags.profile === undefined && fromEnv !== undefined && fromEnv !== '') return { text: fromEnv, label: KEY_ENV, file: null, pendingKey: null };
  return null;
}
