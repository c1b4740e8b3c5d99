/**
 * One figure, run in a child process of run.ts:
 *
 *   node --import tsx bench/figure.ts <name> [--quick] [--budget=MS]
 *
 * A child per figure keeps figures from disturbing each other (JIT state,
 * heap, the npm fernet package patching String.prototype, blessed's process
 * hooks) and lets run.ts kill a stuck figure and print "timeout". Each row is
 * sent to the parent over IPC as soon as it is measured, so a figure killed
 * at its budget still contributes the rows it finished. Run by hand (no IPC),
 * rows go to stdout as JSON lines.
 */
import { errorMessage } from '../src/bus.js';
import { FIGURES, type FigureMessage, type FigureRun } from './figure-api.js';

function send(msg: FigureMessage): Promise<void> {
  if (process.send && process.connected) {
    return new Promise((resolve) => process.send!(msg, undefined, {}, () => resolve()));
  }
  if (msg.type === 'row') process.stdout.write(`${JSON.stringify(msg.m)}\n`);
  else if (msg.type === 'log') process.stderr.write(`${msg.text}\n`);
  else if (msg.type === 'error') process.stderr.write(`error: ${msg.message}\n`);
  return Promise.resolve();
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const entry = FIGURES.find((f) => f.name === name);
  if (!entry) throw new TypeError(`figure.ts: unknown figure "${name}" (one of ${FIGURES.map((f) => f.name).join(', ')})`);
  const quick = process.argv.includes('--quick');
  const budgetArg = process.argv.find((a) => a.startsWith('--budget='));
  const budgetMs = budgetArg ? Number(budgetArg.slice('--budget='.length)) : 60_000;
  if (!(budgetMs > 0)) throw new TypeError(`figure.ts: --budget must be a positive number of ms, got ${budgetArg}`);
  const mod = (await import(entry.module)) as { run: FigureRun };
  await mod.run({
    quick,
    budgetMs,
    report: (m) => void send({ type: 'row', m }),
    log: (text) => void send({ type: 'log', text }),
  });
}

// run.ts gone (killed, Ctrl-C): nobody reads the rows any more.
process.on('disconnect', () => setTimeout(() => process.exit(), 100).unref());

try {
  await main();
  await send({ type: 'done' });
} catch (err) {
  await send({ type: 'error', message: errorMessage(err) });
  process.exitCode = 1;
}
// The figure closed what it opened; this only stops a stray handle (blessed, a pty) from keeping the child alive.
process.disconnect?.();
setTimeout(() => process.exit(), 200).unref();
