/**
 * config.json on disk, through conf.
 *
 * conf gives the file location rules, a fresh read on every access and
 * atomic writes (atomically: temp file in the same directory, fsync, chmod
 * to configFileMode, rename). What we add around it:
 *   - the directory is created 0700 before conf sees it (conf would create
 *     it 0755), the file is written 0600, and a loose mode on either gets
 *     one warning line;
 *   - every read is validated (schema.ts) in conf's deserialize hook, so a
 *     corrupt, empty or hand-broken file stops the command with one
 *     ConfigError naming the file, before anything could write;
 *   - clearInvalidConfig is off: conf never wipes the file;
 *   - writability is checked before writing, so an unwritable directory is
 *     one clear line instead of atomically's retry loop.
 *
 * Update flow: mkdir 0700 → check writable → conf re-reads and validates the
 * file → mutate → drop expired room invites → validate the result → atomic write. Nothing is written when
 * any step fails, and the read is fresh, so a change made meanwhile by
 * another fernchat process to another profile is kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { ConfigError } from '../errors.js';
import { codeOf, describeFsError, mkdirSteps, modeOf } from './fs.js';
import { CONFIG_DIR_MODE, CONFIG_FILE_MODE, CONFIG_FILE_NAME, permissionWarning, resolveConfigDir } from './paths.js';
import type { PersistedKeys } from '../bus.js';
import { dropExpiredInvites } from './room.js';
import { type ConfigFile, checkKey, checkPendingKey, emptyConfig, SchemaError, validateConfig } from './schema.js';

export interface StoreOptions {
  /** --config-dir, or null/undefined for $FERNCHAT_CONFIG_DIR or the default. */
  dir?: string | null;
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The home directory of the default config dir; defaults to os.homedir(). */
  homedir?: string;
  /** Receives the permission warning (without the "fernchat: " prefix). Defaults to stderr. */
  warn?: (line: string) => void;
  /** The clock that decides which room invites have expired (dropped at every write), in ms. Defaults to Date.now. */
  now?: () => number;
}

const UNCHANGED = 'fix or move the file; it was not changed';

export class ProfileStore {
  readonly dir: string;
  readonly path: string;
  private readonly warn: (line: string) => void;
  private readonly now: () => number;
  private warned = false;

  constructor(opts: StoreOptions = {}) {
    const env = opts.env ?? process.env;
    this.dir = resolveConfigDir(opts.dir, { env, platform: process.platform, homedir: opts.homedir ?? os.homedir() });
    this.path = path.join(this.dir, CONFIG_FILE_NAME);
    this.warn = opts.warn ?? ((line) => process.stderr.write(`fernchat: ${line}\n`));
    this.now = opts.now ?? Date.now;
  }

  /** The validated config, with defaults filled in; empty when there is no file yet. Never writes. */
  read(): ConfigFile {
    if (!this.fileExists()) return emptyConfig();
    this.checkPermissions();
    return this.current(this.open());
  }

  /**
   * Re-read, let `mutate` change the config, validate, write atomically.
   * Returns what `mutate` returned. `mutate` may throw to abort: nothing is written.
   */
  update<T>(mutate: (cfg: ConfigFile) => T): T {
    this.ensureDir();
    this.checkPermissions();
    const conf = this.open();
    const cfg = this.current(conf);
    const result = mutate(cfg);
    // Expired room invites go at every write: the list stays short without a command to tidy it.
    dropExpiredInvites(cfg, this.now());
    let checked: ConfigFile;
    try {
      checked = validateConfig(cfg);
    } catch (err) {
      // The commands validate their input first, so this is a bug; still, never write a file we could not read back.
      throw new ConfigError(`refusing to write an invalid ${this.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      conf.store = checked as unknown as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot write ${this.path}: ${describeFsError(err)} — nothing was changed`);
    }
    return result;
  }

  /**
   * A key rotation's state (the key:persist event): `key` and `pendingKey`
   * of profile `name` replaced together, in the one atomic write update()
   * makes (same 0600 file), so a crash leaves either the old pair or the new.
   * Throws ConfigError (the profile is gone, the file cannot be written);
   * no message ever contains a key.
   */
  saveKeys(name: string, keys: PersistedKeys): void {
    const key = checkKey(keys.key, 'the key to save');
    const pending = keys.pendingKey === null ? null : checkPendingKey(keys.pendingKey, 'the pending key to save');
    this.update((cfg) => {
      const p = Object.hasOwn(cfg.profiles, name) ? cfg.profiles[name] : undefined;
      if (p === undefined) throw new ConfigError(`profile "${name}" is no longer in ${this.path}; the key was not saved`);
      p.key = key;
      if (pending === null) delete p.pendingKey;
      else p.pendingKey = pending;
    });
  }

  /** conf's store is the validated file, or a bare {} when there is no file: normalize both. */
  private current(conf: Conf<Record<string, unknown>>): ConfigFile {
    return validateConfig(conf.store);
  }

  private open(): Conf<Record<string, unknown>> {
    try {
      return new Conf<Record<string, unknown>>({
        projectName: 'fernchat',
        projectSuffix: '',
        cwd: this.dir,
        configName: path.basename(CONFIG_FILE_NAME, '.json'),
        fileExtension: 'json',
        configFileMode: CONFIG_FILE_MODE,
        clearInvalidConfig: false,
        accessPropertiesByDotNotation: false,
        deserialize: (text) => this.parse(text) as unknown as Record<string, unknown>,
      });
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(`cannot read ${this.path}: ${describeFsError(err)}`);
    }
  }

  /** conf's deserialize hook: every read of the file passes here. */
  private parse(text: string): ConfigFile {
    const body = text.replace(/^\uFEFF/, '');
    if (body.trim() === '') throw new ConfigError(`${this.path}: the file is empty — ${UNCHANGED}`);
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (err) {
      throw new ConfigError(`${this.path}: not valid JSON${jsonErrorWhere(err, body)} — ${UNCHANGED}`);
    }
    try {
      return validateConfig(data);
    } catch (err) {
      if (err instanceof SchemaError) throw new ConfigError(`${this.path}: ${err.message} — ${UNCHANGED}`);
      throw err;
    }
  }

  private fileExists(): boolean {
    try {
      fs.statSync(this.path);
      return true;
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return false;
      throw new ConfigError(`cannot read ${this.path}: ${describeFsError(err)}`);
    }
  }

  private ensureDir(): void {
    try {
      mkdirSteps(this.dir, CONFIG_DIR_MODE);
      fs.accessSync(this.dir, fs.constants.W_OK);
    } catch (err) {
      throw new ConfigError(`cannot write to the config directory ${this.dir}: ${describeFsError(err)} — nothing was changed`);
    }
  }

  private checkPermissions(): void {
    if (this.warned || process.platform === 'win32') return;
    const line = permissionWarning(this.dir, modeOf(this.dir), this.path, modeOf(this.path));
    if (line !== null) {
      this.warned = true;
      this.warn(line);
    }
  }
}

/**
 * " at line L, column C" from a JSON.parse error when V8 reports a position.
 * Its own message is not used: it may quote the file, and the file holds keys.
 */
function jsonErrorWhere(err: unknown, text: string): string {
  const m = err instanceof Error ? /at position (\d+)/.exec(err.message) : null;
  if (!m) return '';
  const pos = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}
