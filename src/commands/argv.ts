/**
 * Fix-ups of the raw argument list before yargs sees it.
 *
 * A Fernet key is urlsafe base64, so one in 64 starts with '-'. yargs reads
 * `--key -abc…` as the flag --key with no value followed by unknown short
 * flags, and the user gets a baffling "Unknown arguments". A value that
 * has exactly the shape of a key is glued to its flag (`--key=-abc…`), which
 * yargs reads as meant. Nothing else is touched.
 *
 * Such a key given without --key at all would reach yargs as a bundle of
 * short flags and come back, letter by letter, in "Unknown arguments: …":
 * hasStrayDashedKey() lets the CLI refuse it first, without echoing it.
 */

const FLAGS_TAKING_A_KEY = new Set(['--key']);
/** 32 bytes in urlsafe base64: 43 characters, then optional padding. */
const KEY_SHAPE = /^-[A-Za-z0-9_-]{42}=?$/;

export function glueDashedKeys(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (FLAGS_TAKING_A_KEY.has(arg) && next !== undefined && KEY_SHAPE.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
    if (arg === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
  }
  return out;
}

/** A key-shaped argument starting with '-' that no --key precedes (after glueDashedKeys). */
export function hasStrayDashedKey(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => KEY_SHAPE.test(a));
}

/**
 * What a lone `-` (read the invite code from stdin) becomes before yargs
 * sees it: yargs-parser turns a bare `-` into an empty string. No argument
 * from a real command line can hold a NUL, so this stands for nothing else.
 */
export const STDIN_ARG = '\u0000stdin';

/** A lone `-` after `join` (before any `--`) → STDIN_ARG. */
export function markStdinDash(args: readonly string[]): string[] {
  const join = args.indexOf('join');
  const end = args.indexOf('--');
  return args.map((a, i) => (a === '-' && join !== -1 && i > join && (end === -1 || i < end) ? STDIN_ARG : a));
}
