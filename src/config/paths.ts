/**
 * Where config.json lives, and whether its permissions leak the keys in it.
 * Pure: the environment, platform and home directory come in as arguments.
 */
import path from 'node:path';

export const CONFIG_FILE_NAME = 'config.json';
/** Environment variable naming the config directory (below --config-dir, above the default). */
export const CONFIG_DIR_ENV = 'FERNCHAT_CONFIG_DIR';
/** The directory is created with this mode: the file in it holds keys. */
export const CONFIG_DIR_MODE = 0o700;
/** The file is written with this mode (conf's configFileMode; atomically chmods the temp file before the rename). */
export const CONFIG_FILE_MODE = 0o600;

export interface PlatformInfo {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homedir: string;
}

/**
 * conf's own default for projectName 'fernchat' with projectSuffix '' (the
 * env-paths rules). Repeated here because the directory must be known, and
 * created 0700, before conf is constructed: conf would mkdir it 0755.
 * A test checks that this agrees with conf.
 */
export function defaultConfigDir({ env, platform, homedir }: PlatformInfo): string {
  if (platform === 'darwin') return path.join(homedir, 'Library', 'Preferences', 'fernchat');
  if (platform === 'win32') {
    const appData = env.APPDATA || path.join(homedir, 'AppData', 'Roaming');
    return path.join(appData, 'fernchat', 'Config');
  }
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir, '.config'), 'fernchat');
}

/** --config-dir, else $FERNCHAT_CONFIG_DIR, else conf's default; always absolute. */
export function resolveConfigDir(flag: string | null | undefined, info: PlatformInfo): string {
  if (flag !== undefined && flag !== null && flag !== '') return path.resolve(flag);
  const fromEnv = info.env[CONFIG_DIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  return defaultConfigDir(info);
}

/** Bits that let anyone but the owner at the file (or into the directory). */
const OTHERS_MASK = 0o077;

function exposure(mode: number): string {
  if (mode & 0o044) return 'readable';
  if (mode & 0o022) return 'writable';
  return 'accessible';
}

/** For the copy-paste chmod hint: a path with spaces must survive the shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.,:+@%=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/**
 * One warning line (without the "fernchat: " prefix) when the directory or
 * the file can be read by group or others, or null when both are private.
 * A null mode means "does not exist".
 */
export function permissionWarning(dir: string, dirMode: number | null, file: string, fileMode: number | null): string | null {
  const dirBad = dirMode !== null && (dirMode & OTHERS_MASK) !== 0;
  const fileBad = fileMode !== null && (fileMode & OTHERS_MASK) !== 0;
  if (dirBad && fileBad) {
    return (
      `warning: ${dir} and ${file} are ${exposure((dirMode | fileMode) & OTHERS_MASK)} by other users ` +
      `(modes ${octal(dirMode)}, ${octal(fileMode)}); run: chmod 700 ${shellQuote(dir)} && chmod 600 ${shellQuote(file)}`
    );
  }
  if (fileBad) {
    return `warning: ${file} is ${exposure(fileMode)} by other users (mode ${octal(fileMode)}); run: chmod 600 ${shellQuote(file)}`;
  }
  if (dirBad) {
    return `warning: ${dir} is ${exposure(dirMode)} by other users (mode ${octal(dirMode)}); run: chmod 700 ${shellQuote(dir)}`;
  }
  return null;
}
