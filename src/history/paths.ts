/**
 * Where a profile's history file lives. Pure: the environment, platform and
 * home directory come in as arguments.
 *
 *   $FERNCHAT_DATA_DIR                 when set;
 *   CONFIG_DIR/history                 when the config directory is chosen
 *                                      (--config-dir, $FERNCHAT_CONFIG_DIR):
 *                                      its profiles are other conversations
 *                                      than the default ones of the same name;
 *   $XDG_DATA_HOME/fernchat            else (an absolute XDG_DATA_HOME only),
 *   ~/.local/share/fernchat            else (Linux; the platform's own
 *                                      application data folder elsewhere).
 *
 * One file per profile: NAME.history.jsonl. Profile names hold no '/', so
 * the name is always a plain file name inside the directory.
 */
import path from 'node:path';
import { CONFIG_DIR_ENV, type PlatformInfo, resolveConfigDir } from '../config/paths.js';

/** Environment variable naming the history directory (above everything else). */
export const DATA_DIR_ENV = 'FERNCHAT_DATA_DIR';
/** The directory is created with this mode: the files in it hold conversations. */
export const HISTORY_DIR_MODE = 0o700;
/** Each history file is created with this mode. */
export const HISTORY_FILE_MODE = 0o600;

export function defaultDataDir({ env, platform, homedir }: PlatformInfo): string {
  if (platform === 'darwin') return path.join(homedir, 'Library', 'Application Support', 'fernchat');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(homedir, 'AppData', 'Local'), 'fernchat', 'Data');
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec: a relative value is invalid and ignored.
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.local', 'share'), 'fernchat');
}

/** The history directory for a command given `--config-dir` (or not); always absolute. */
export function resolveHistoryDir(configDirFlag: string | null | undefined, info: PlatformInfo): string {
  const fromEnv = info.env[DATA_DIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  if ((configDirFlag !== undefined && configDirFlag !== null && configDirFlag !== '') || info.env[CONFIG_DIR_ENV]) {
    return path.join(resolveConfigDir(configDirFlag, info), 'history');
  }
  return defaultDataDir(info);
}

export function historyFileName(profile: string): string {
  if (profile.includes('/') || profile.includes('\\') || profile === '') throw new TypeError(`historyFileName: not a profile name: ${JSON.stringify(profile)}`);
  return `${profile}.history.jsonl`;
}
