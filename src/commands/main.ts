/**
 * The `fernchat` command: parse the command line, run one command, turn any
 * error into one line on stderr and an exit code. cli.ts calls main() with
 * the process's streams; the tests call it with buffers (io.ts).
 *
 *   0  success
 *   1  runtime failure (socket, terminal, anything unexpected)
 *   2  usage or configuration error (bad flag, bad key, broken config file)
 *
 * The handlers live beside this file; it only wires them. yargs never
 * exits the process nor prints itself (a parse callback collects --help and
 * --version), so every path ends here, output goes to io.stdout, and stdout
 * is flushed before Node exits.
 *
 * Start-up time matters (`fernchat demo` should draw its first frame within
 * 4× a bare `node`): everything imported here statically is paid by every
 * command, so the command modules import only light, pure code at the top
 * and load the rest (the conf store, blessed, the transport) in handlers.
 */
import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { errorLine, EXIT_OK, exitCodeFor, UsageError } from '../errors.js';
import { HIDDEN_VALUE, looksSecret, redactSecrets } from '../text/quote.js';
import { glueDashedKeys, hasStrayDashedKey, markStdinDash } from './argv.js';
import { chatCommand, demoCommand } from './chat.js';
import { GLOBAL_OPTIONS } from './flags.js';
import { historyCommand } from './history.js';
import { inviteCommand, joinCommand } from './invite.js';
import type { CliIo, CommandIo } from './io.js';
import { fingerprintCommand, keygenCommand } from './keys.js';
import { profileCommand } from './profile.js';
import { roomCommand } from './room.js';
import { sendCommand } from './send.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Every command word, to point a usage error at the right --help. */
const COMMAND_WORDS = new Set([
  'chat',
  'demo',
  'keygen',
  'fingerprint',
  'profile',
  'list',
  'show',
  'add',
  'set',
  'rm',
  'use',
  'invite',
  'join',
  'room',
  'create',
  'history',
  'send',
]);

/** "fernchat profile add --help" for `fernchat --config-dir x profile add --bad`. */
function helpHint(args: string[]): string {
  const words = args.filter((a) => COMMAND_WORDS.has(a)).slice(0, 2);
  return ['fernchat', ...words, '--help'].join(' ');
}

/**
 * yargs names an unknown dashed flag twice, as typed and camel-cased
 * ("Unknown arguments: bogus-flag, bogusFlag"): once, as typed, is enough.
 */
function nameUnknownOnce(msg: string): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (m?.[1] === undefined) return msg;
  const names = m[1].split(', ');
  const camelCased = new Set(names.filter((n) => n.includes('-')).map((n) => n.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase())));
  const kept = names.filter((n) => !camelCased.has(n));
  return `Unknown argument${kept.length === 1 ? '' : 's'}: ${kept.join(', ')}`;
}

/** yargs' own texts, where a plainer one helps. */
function usageMessage(msg: string): string {
  const one = nameUnknownOnce(msg.replace(/\s*\n\s*/g, ' '));
  if (/^Not enough non-option arguments/.test(one)) return 'missing argument';
  // yargs quotes what it did not understand; a key or invite code pasted without its flag must not end up in scrollback or logs.
  const masked = redactSecrets(one).replace(/[^\s,]+/g, (word) => (looksSecret(word) ? HIDDEN_VALUE : word));
  return masked === one ? one : `${masked} — a key goes after --key (better: --key-file or FERNCHAT_KEY), an invite code after join`;
}

/**
 * yargs renders the whole help text of the command it is about to run and
 * keeps it, for a showHelp() inside the handler: ~10-15 ms of string-width
 * on every `fernchat demo`, `keygen`, `profile list`, on the way to the
 * handler's first await. fernchat never shows help from a handler (--help
 * does not use that copy), and yargs has no option to skip it, so this
 * reaches into its usage object; where a yargs lacks it, nothing changes.
 */
function skipHelpCache(parser: Argv): Argv {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } };
  const usage = (parser as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  return parser;
}

function buildParser(args: string[], io: CliIo): Argv {
  const parser = yargs(args)
    .scriptName('fernchat')
    .usage('$0 [command] [options]\n\nEnd-to-end encrypted peer-to-peer chat over UDP (Fernet).')
    .options(GLOBAL_OPTIONS)
    .command(chatCommand)
    .command(demoCommand)
    .command(keygenCommand)
    .command(fingerprintCommand)
    .command(profileCommand)
    .command(inviteCommand)
    .command(joinCommand)
    .command(roomCommand)
    .command(historyCommand)
    .command(sendCommand)
    .example('$0 demo', 'try the UI against a built-in peer')
    .example('$0 invite', 'print a code for your peer (then on their machine: fernchat join CODE)')
    .strict()
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .version(packageVersion())
    // fernchat speaks English only, and usageMessage() reads yargs' English texts.
    .locale('en')
    .alias('help', 'h')
    .wrap(Math.min(100, io.columns || 80))
    .exitProcess(false)
    .fail((msg, err) => {
      // Errors thrown by a handler arrive here too; they already say what they mean.
      if (err) throw err;
      throw new UsageError(`${usageMessage(msg)} (see ${helpHint(args)})`);
    });
  return skipHelpCache(parser);
}

/**
 * Runs the CLI on `argv` (the arguments after the program name); resolves
 * to the exit code. Nothing is read from or written to `process`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const args = markStdinDash(glueDashedKeys(argv));
  const debug = args.includes('--debug');
  // What the handlers get as a.io; a handler may set its exitCode.
  const run: CommandIo = { ...io };
  try {
    if (hasStrayDashedKey(args)) throw new UsageError(`an argument is ${HIDDEN_VALUE} — a key goes after --key (better: --key-file or FERNCHAT_KEY)`);
    let printed = '';
    // With a callback, yargs collects --help and --version instead of printing them with console.log.
    await buildParser(args, io).parseAsync(args, { io: run }, (_err, _argv, output) => {
      printed = output;
    });
    if (printed !== '') io.stdout.write(`${printed}\n`);
    return run.exitCode ?? EXIT_OK;
  } catch (err) {
    io.stderr.write(`${errorLine(err)}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitCodeFor(err);
  }
}
