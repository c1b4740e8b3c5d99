/**
 * Command-line values → typed values, each failure a UsageError naming the
 * flag. Pure. yargs hands every value over as a string (numbers are parsed
 * here, so "--port abc" is refused instead of becoming NaN).
 *
 * The checks are schema.ts's (and HOST:PORT is address/parse.ts's, as for
 * /peer), so a value valid on the command line is valid in the file and the
 * other way round.
 */
import type { WireMode } from '../bus.js';
import {
  MAX_CLOCK_SKEW_S,
  MAX_HISTORY_MAX_BYTES,
  MAX_LINGER_S,
  MAX_SCROLLBACK_LINES,
  MAX_TOKEN_TTL_S,
  MIN_HISTORY_MAX_BYTES,
  MIN_SCROLLBACK_LINES,
} from '../constants.js';
import { UsageError } from '../errors.js';
import { quoteValue } from '../text/quote.js';
import * as address from '../address/parse.js';
import type { Address } from '../address/address.js';
import { checkDir, checkHost, checkKey, checkNick, checkProfileName, checkTerm, checkWire, MAX_FILE_SIZE_LIMIT, SchemaError } from './schema.js';

/** Run a schema check on a flag value; its SchemaError becomes a UsageError. */
function asFlag<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof SchemaError) throw new UsageError(err.message);
    throw err;
  }
}

/** The value as quoted in a message: quote.ts's rule, so a key pasted into the wrong flag is never echoed. */
const shown = quoteValue;

function parseInteger(text: string, flag: string, min: number, max: number, what: string): number {
  const t = text.trim();
  const n = /^\d{1,15}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be ${what} ${min}-${max}, got ${shown(text)}`);
  return n;
}

export function parsePort(text: string, flag = '--port'): number {
  return parseInteger(text, flag, 1, 65_535, 'an integer');
}

export function parseHost(text: string, flag = '--host'): string {
  const t = text.trim();
  // "[::1]" is how people write an IPv6 host next to a port; accept it alone too.
  const bare = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  return asFlag(() => checkHost(bare, flag));
}

const PEER_EXAMPLE = 'e.g. 192.168.1.20:7755 or [::1]:7755';

/**
 * "HOST:PORT", "[IPv6]:PORT": address/parse.ts decides; the words are the
 * flags' own (the flag first, the schema's sentence for a bad host).
 */
export function parseHostPort(text: string, flag = '--peer'): Address {
  const r = address.parseHostPort(text);
  if (!('error' in r)) return r;
  switch (r.kind) {
    case 'no-host':
      throw new UsageError(`${flag} must be HOST:PORT (${PEER_EXAMPLE}): the host is missing`);
    case 'no-port':
      throw new UsageError(`${flag} must be HOST:PORT (${PEER_EXAMPLE}): the port is missing`);
    case 'unbracketed-ipv6':
      throw new UsageError(`${flag}: write an IPv6 address in brackets with the port after it, e.g. [::1]:7755`);
    case 'bracketed-not-ipv6':
      throw new UsageError(`${flag}: only an IPv6 address goes in brackets, e.g. [::1]:7755`);
    case 'bad-host':
      throw new UsageError(`${flag} host must be an IP address or a host name`);
    case 'bad-port':
      throw new UsageError(`${flag} port must be an integer 1-65535, in ${shown(text.trim())}`);
  }
}

/** A whole number of seconds in [min, max]. */
export function parseSeconds(text: string, flag: string, min: number, max: number): number {
  return parseInteger(text, flag, min, max, 'a whole number of seconds');
}

/** Seconds, fractions allowed (a linger of 0.5 s is reasonable in scripts). */
export function parseDuration(text: string, flag: string, max: number): number {
  const t = text.trim();
  const n = /^\d{1,9}(\.\d{1,6})?$/.test(t) ? Number(t) : NaN;
  if (!(n >= 0 && n <= max)) throw new UsageError(`${flag} must be a number of seconds 0-${max}, got ${shown(text)}`);
  return n;
}

/** Canonical key text. The message names the problem, never the key. */
export function parseKeyFlag(text: string, flag = '--key'): string {
  return asFlag(() => checkKey(text, flag));
}

export function parseNick(text: string, flag = '--nick'): string {
  return asFlag(() => checkNick(text, flag));
}

export function parseWire(text: string, flag = '--wire'): WireMode {
  return asFlag(() => checkWire(text, flag));
}

export function parseProfileName(text: string, what = 'profile name'): string {
  return asFlag(() => checkProfileName(text, `${what} ${shown(text)}`));
}

/** "none" (or "") clears the override. */
export function parseTerm(text: string, flag = '--term'): string | null {
  if (text === '' || text === 'none') return null;
  return asFlag(() => checkTerm(text, flag));
}

export function parseLinger(text: string): number {
  return parseDuration(text, '--linger', MAX_LINGER_S);
}

export function parseClockSkew(text: string): number {
  return parseSeconds(text, '--clock-skew', 0, MAX_CLOCK_SKEW_S);
}

export function parseTokenTtl(text: string): number {
  return parseSeconds(text, '--token-ttl', 1, MAX_TOKEN_TTL_S);
}

export function parseScrollback(text: string): number {
  return parseInteger(text, '--scrollback', MIN_SCROLLBACK_LINES, MAX_SCROLLBACK_LINES, 'a number of lines');
}

/** "on" or "off" (any case), for a switch that is a value rather than a --no- flag. */
export function parseOnOff(text: string, flag: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'on') return true;
  if (t === 'off') return false;
  throw new UsageError(`${flag} must be on or off, got ${shown(text)}`);
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

/**
 * A size: bytes, or a number with K/KiB, M/MiB, G/GiB (binary, any case,
 * blanks allowed before the unit): "10MiB", "1.5 M", "524288". Whole bytes
 * in [min, max].
 */
export function parseSize(text: string, flag: string, min: number, max: number): number {
  const m = /^(\d{1,12}(?:\.\d{1,6})?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m?.[2]?.toLowerCase() ?? '';
  const n = m !== null && Object.hasOwn(SIZE_UNITS, unit) ? Math.floor(Number(m[1]) * SIZE_UNITS[unit]!) : NaN;
  if (!(n >= min && n <= max)) {
    throw new UsageError(`${flag} must be a size from ${formatSize(min)} to ${formatSize(max)}, such as 10MiB, 512KiB or 1048576 (bytes), got ${shown(text)}`);
  }
  return n;
}

/** "64 KiB", "10 MiB", "1 GiB", "1000 B": the largest binary unit that divides the size. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 ** 2).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

export function parseHistoryMax(text: string): number {
  return parseSize(text, '--history-max', MIN_HISTORY_MAX_BYTES, MAX_HISTORY_MAX_BYTES);
}

/** --max-file-size: bytes, or 500K, 200M, 2G (binary units). */
export function parseMaxFileSize(text: string, flag = '--max-file-size'): number {
  try {
    return parseSize(text, flag, 1, MAX_FILE_SIZE_LIMIT);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(`${flag} must be a size in bytes or with K, M or G (binary: 500K, 200M, 2G), got ${shown(text)}`);
  }
}

/** A directory flag of a profile (--download-dir, --accept-files): as typed, "none" (or "") for the default. */
export function parseDirSetting(text: string, flag: string): string | null {
  if (text === '' || text === 'none') return null;
  return asFlag(() => checkDir(text, flag));
}
