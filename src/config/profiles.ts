/**
 * Profile operations on a ConfigFile: look up, add, change, remove, choose
 * the default; and the two savers a running chat uses.
 *
 * The operations are pure (they change the object they are given) and throw
 * ConfigError / UsageError with one line for the user. ProfileStore.update()
 * runs them between a fresh read and an atomic write, so a throw means
 * nothing is written.
 */
import type { PersistedKeys, WireMode } from '../bus.js';
import type { UiPreferences } from './chat-options.js';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_LISTEN_HOST, DEFAULT_PORT, DEFAULT_TOKEN_TTL_S } from '../constants.js';
import { ConfigError } from '../errors.js';
import { quoteValue } from '../text/quote.js';
import type { Address } from '../address/address.js';
import {
  parseClockSkew,
  parseDirSetting,
  parseHistoryMax,
  parseMaxFileSize,
  parseHost,
  parseHostPort,
  parseKeyFlag,
  parseNick,
  parseOnOff,
  parsePort,
  parseScrollback,
  parseTerm,
  parseTokenTtl,
  parseWire,
} from './flags.js';
import {
  type ConfigFile,
  DEFAULT_FILES,
  DEFAULT_HISTORY,
  DEFAULT_UI,
  type FileSettings,
  type HistorySettings,
  type Profile,
  profileNameProblem,
} from './schema.js';
import type { ProfileStore } from './store.js';

/** Profile flags as yargs gives them (strings and booleans, all optional). */
export interface ProfileFlags {
  nick?: string;
  host?: string;
  port?: string;
  /** HOST:PORT, or "none" to clear. */
  peer?: string;
  key?: string;
  wire?: string;
  clockSkew?: string;
  tokenTtl?: string;
  scrollback?: string;
  bell?: boolean;
  title?: boolean;
  mouse?: boolean;
  seconds?: boolean;
  /** A terminal type, or "none" to clear. */
  term?: string;
  /** "on" or "off". */
  history?: string;
  /** A size: "10MiB", "512KiB", "1048576". */
  historyMax?: string;
  /** A directory, or "none" for the default. */
  downloadDir?: string;
  /** A directory, or "none" to ask. */
  acceptFiles?: string;
  /** A size: "500K", "2G", "1048576". */
  maxFileSize?: string;
}

/** Parsed, validated changes to a profile; absent fields stay as they are. */
export interface ProfilePatch {
  nick?: string;
  listenHost?: string;
  listenPort?: number;
  peer?: Address | null;
  key?: string;
  wire?: WireMode;
  clockSkewS?: number;
  tokenTtlS?: number;
  ui?: Partial<UiPreferences>;
  history?: Partial<HistorySettings>;
  files?: Partial<FileSettings>;
}

export function parseProfilePatch(f: ProfileFlags): ProfilePatch {
  const p: ProfilePatch = {};
  if (f.nick !== undefined) p.nick = parseNick(f.nick);
  if (f.host !== undefined) p.listenHost = parseHost(f.host);
  if (f.port !== undefined) p.listenPort = parsePort(f.port);
  if (f.peer !== undefined) p.peer = f.peer === 'none' || f.peer === '' ? null : parseHostPort(f.peer);
  if (f.key !== undefined) p.key = parseKeyFlag(f.key);
  if (f.wire !== undefined) p.wire = parseWire(f.wire);
  if (f.clockSkew !== undefined) p.clockSkewS = parseClockSkew(f.clockSkew);
  if (f.tokenTtl !== undefined) p.tokenTtlS = parseTokenTtl(f.tokenTtl);
  const ui: Partial<UiPreferences> = {};
  if (f.scrollback !== undefined) ui.scrollback = parseScrollback(f.scrollback);
  if (f.bell !== undefined) ui.bell = f.bell;
  if (f.title !== undefined) ui.title = f.title;
  if (f.mouse !== undefined) ui.mouse = f.mouse;
  if (f.seconds !== undefined) ui.seconds = f.seconds;
  if (f.term !== undefined) ui.term = parseTerm(f.term);
  if (Object.keys(ui).length > 0) p.ui = ui;
  const history: Partial<HistorySettings> = {};
  if (f.history !== undefined) history.enabled = parseOnOff(f.history, '--history');
  if (f.historyMax !== undefined) history.maxBytes = parseHistoryMax(f.historyMax);
  if (Object.keys(history).length > 0) p.history = history;
  const files: Partial<FileSettings> = {};
  if (f.downloadDir !== undefined) files.downloadDir = parseDirSetting(f.downloadDir, '--download-dir');
  if (f.acceptFiles !== undefined) files.acceptDir = parseDirSetting(f.acceptFiles, '--accept-files');
  if (f.maxFileSize !== undefined) files.maxFileSize = parseMaxFileSize(f.maxFileSize);
  if (Object.keys(files).length > 0) p.files = files;
  return p;
}

/** A new profile: defaults, then the patch. `nick` and `key` must come from somewhere. */
export function newProfile(patch: ProfilePatch & { nick: string; key: string }): Profile {
  const base: Profile = {
    nick: patch.nick,
    listen: { host: DEFAULT_LISTEN_HOST, port: DEFAULT_PORT },
    peer: null,
    key: patch.key,
    wire: 'reliable',
    clockSkewS: DEFAULT_CLOCK_SKEW_S,
    tokenTtlS: DEFAULT_TOKEN_TTL_S,
    ui: { ...DEFAULT_UI },
    history: { ...DEFAULT_HISTORY },
    files: { ...DEFAULT_FILES },
  };
  return applyPatch(base, patch);
}

/** A copy of `p` with the patch applied. A room profile stays a room (its block is kept as it is) and takes no peer. */
export function applyPatch(p: Profile, patch: ProfilePatch): Profile {
  if (p.room !== undefined && patch.peer != null) {
    throw new ConfigError('a room profile has no peer: its members are reached through the room (a joiner knows the inviter from the code)');
  }
  const updated: Profile = {
    nick: patch.nick ?? p.nick,
    listen: { host: patch.listenHost ?? p.listen.host, port: patch.listenPort ?? p.listen.port },
    peer: patch.peer !== undefined ? patch.peer : p.peer,
    key: patch.key ?? p.key,
    wire: patch.wire ?? p.wire,
    clockSkewS: patch.clockSkewS ?? p.clockSkewS,
    tokenTtlS: patch.tokenTtlS ?? p.tokenTtlS,
    ui: { ...p.ui, ...patch.ui },
    history: { ...p.history, ...patch.history },
    files: { ...p.files, ...patch.files },
  };
  // An unfinished rotation's key stays (losing it could leave this side on another key than its peer after
  // a restart), unless the key itself is replaced: then the rotation it belonged to is moot.
  if (p.pendingKey !== undefined && patch.key === undefined) updated.pendingKey = p.pendingKey;
  if (p.room !== undefined) updated.room = p.room;
  return updated;
}

export function profileNames(cfg: ConfigFile): string[] {
  return Object.keys(cfg.profiles).sort();
}

export function unknownProfile(cfg: ConfigFile, name: string): ConfigError {
  const names = profileNames(cfg);
  const known = names.length === 0 ? 'there are no profiles yet' : `known profiles: ${names.join(', ')}`;
  return new ConfigError(`no profile named ${quoteValue(name)} (${known})`);
}

export function getProfile(cfg: ConfigFile, name: string): Profile {
  const profile = Object.hasOwn(cfg.profiles, name) ? cfg.profiles[name] : undefined;
  if (profile === undefined) throw unknownProfile(cfg, name);
  return profile;
}

/**
 * The profile a command runs with: the one named by --profile (which must
 * exist), else the default, else null.
 */
export function chooseProfile(cfg: ConfigFile, explicit: string | null | undefined): { name: string; profile: Profile } | null {
  if (explicit !== undefined && explicit !== null) return { name: explicit, profile: getProfile(cfg, explicit) };
  const name = cfg.defaultProfile;
  const profile = name !== null && Object.hasOwn(cfg.profiles, name) ? cfg.profiles[name] : undefined;
  if (name !== null && profile !== undefined) return { name, profile };
  return null;
}

function checkName(name: string): void {
  const problem = profileNameProblem(name);
  if (problem !== null) throw new ConfigError(`profile name ${quoteValue(name)} ${problem}`);
}

/** Adds a profile; the first profile becomes the default. Refuses an existing name unless `force`. */
export function addProfile(cfg: ConfigFile, name: string, profile: Profile, opts: { force?: boolean } = {}): { madeDefault: boolean } {
  checkName(name);
  if (Object.hasOwn(cfg.profiles, name) && !opts.force) {
    throw new ConfigError(`profile "${name}" already exists (change it with: fernchat profile set ${name} …, or remove it first)`);
  }
  cfg.profiles[name] = profile;
  const madeDefault = cfg.defaultProfile === null;
  if (madeDefault) cfg.defaultProfile = name;
  return { madeDefault };
}

export function setProfile(cfg: ConfigFile, name: string, patch: ProfilePatch): Profile {
  const updated = applyPatch(getProfile(cfg, name), patch);
  cfg.profiles[name] = updated;
  return updated;
}

/** Removes a profile; removing the default clears defaultProfile. */
export function removeProfile(cfg: ConfigFile, name: string): { wasDefault: boolean } {
  getProfile(cfg, name);
  delete cfg.profiles[name];
  const wasDefault = cfg.defaultProfile === name;
  if (wasDefault) cfg.defaultProfile = null;
  return { wasDefault };
}

export function useProfile(cfg: ConfigFile, name: string): void {
  getProfile(cfg, name);
  cfg.defaultProfile = name;
}

/**
 * Persist a rotated key into profile `name`. The store re-reads the file
 * right before writing, so other profiles changed meanwhile by another
 * fernchat process are kept; only this profile's key changes.
 */
export function saveProfileKey(store: ProfileStore, name: string, key: string): void {
  const canonical = parseKeyFlag(key, 'rotated key');
  store.update((cfg) => {
    getProfile(cfg, name).key = canonical;
  });
}

/** /save: persist the current nick and peer into profile `name`, nothing else. */
export function saveProfileSession(store: ProfileStore, name: string, s: { nick: string; peer: Address | null }): void {
  const nick = parseNick(s.nick, 'nick');
  const peer = s.peer === null ? null : { host: parseHost(s.peer.host, 'peer host'), port: parsePort(String(s.peer.port), 'peer port') };
  store.update((cfg) => {
    const p = getProfile(cfg, name);
    p.nick = nick;
    p.peer = peer;
  });
}

/**
 * /save-profile NAME: a new profile holding a running session's settings and
 * keys (a pending rotation key included, so a crash stays recoverable).
 * Refuses a name that exists — the existing profile may hold the only copy
 * of another key — and returns the writer for the session's later keys.
 */
export function saveNewProfile(
  store: ProfileStore,
  name: string,
  s: { nick: string; peer: Address | null; listenHost: string; listenPort: number; wire: WireMode; keys: PersistedKeys },
): (keys: PersistedKeys) => void {
  const problem = profileNameProblem(name);
  if (problem !== null) throw new ConfigError(`profile name ${quoteValue(name)} ${problem}`);
  const profile = newProfile({
    nick: parseNick(s.nick, 'nick'),
    key: parseKeyFlag(s.keys.key, 'the key to save'),
    peer: s.peer,
    listenHost: s.listenHost,
    listenPort: s.listenPort,
    wire: s.wire,
  });
  store.update((cfg) => {
    if (Object.hasOwn(cfg.profiles, name)) throw new ConfigError(`profile "${name}" already exists; it was left as it is: choose another name`);
    addProfile(cfg, name, profile);
  });
  store.saveKeys(name, s.keys);
  return (keys) => store.saveKeys(name, keys);
}
