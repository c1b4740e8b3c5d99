import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { fatalMessage, installTerminalGuard, signalExitCode } from '../../src/ui/terminal-guard.js';

describe('fatalMessage', () => {
  test('one line without --debug, even for a multi-line message', () => {
    const msg = fatalMessage(new Error('first\nsecond'), false);
    assert.equal(msg.trimEnd().split('\n').length, 1);
    assert.match(msg, /^fernchat: internal error: first/);
    assert.doesNotMatch(msg, /second|\bat /);
  });
  test('the stack follows with --debug', () => {
    const err = new RangeError('bad');
    const msg = fatalMessage(err, true);
    assert.match(msg, /^fernchat: internal error: RangeError: bad\n/);
    assert.ok(msg.includes(err.stack!.split('\n')[1]!));
  });
  test('non-Error values', () => {
    assert.match(fatalMessage('plain', false), /internal error: plain/);
  });
});

test('signalExitCode follows the 128 + N convention', () => {
  assert.equal(signalExitCode('SIGHUP'), 129);
  assert.equal(signalExitCode('SIGINT'), 130);
  assert.equal(signalExitCode('SIGTERM'), 143);
});

// A child process installs the guard with a restore() that writes a marker,
// then dies in the way under test. The marker must come before anything else.
const dir = mkdtempSync(join(tmpdir(), 'fernchat-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const guardUrl = pathToFileURL(resolve('src/ui/terminal-guard.ts')).href;

function child(body: string, debug = false, shutdown = 'async () => { writeSync(2, "BYE\\n"); }'): string {
  const file = join(dir, `child-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    file,
    `import { writeSync } from 'node:fs';
import { installTerminalGuard } from ${JSON.stringify(guardUrl)};
let restored = 0;
installTerminalGuard({ debug: ${debug}, restore: () => { restored += 1; if (restored === 1) writeSync(2, 'RESTORED\\n'); }, shutdown: ${shutdown} });
const keepAlive = setInterval(() => {}, 1000);
setTimeout(() => { clearInterval(keepAlive); }, 8000).unref();
writeSync(1, 'READY\\n');
${body}
`,
  );
  return file;
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(file: string, signal?: NodeJS.Signals): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`child did not exit; stderr: ${stderr}`));
    }, 15_000);
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (signal && stdout.includes('READY')) {
        p.kill(signal);
        signal = undefined;
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code, sig) => {
      clearTimeout(killer);
      resolveRun({ code, signal: sig, stdout, stderr });
    });
  });
}

describe('installTerminalGuard in a real process', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    test(`${signal}: restore, then the goodbye, then death by ${signal}`, async () => {
      const r = await run(child(''), signal);
      assert.equal(r.signal, signal, `exit code ${r.code}, stderr ${r.stderr}`);
      assert.equal(r.stderr, 'RESTORED\nBYE\n');
    });
  }

  test('a shutdown that hangs does not keep the process alive', async () => {
    const r = await run(child('', false, '() => new Promise(() => {})'), 'SIGTERM');
    assert.equal(r.signal, 'SIGTERM');
    assert.equal(r.stderr, 'RESTORED\n');
  });

  test('another SIGTERM listener cannot keep the process alive: it exits with 128 + 15', async () => {
    const r = await run(child(`process.on('SIGTERM', () => {});`), 'SIGTERM');
    assert.equal(r.code, 143);
    assert.equal(r.stderr, 'RESTORED\nBYE\n');
  });

  test('uncaught exception: restored first, then one line without a stack, then the bounded shutdown', async () => {
    const r = await run(child(`setTimeout(() => { throw new Error('boom'); }, 10);`));
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'RESTORED');
    assert.match(lines[1] ?? '', /^fernchat: internal error: boom/);
    assert.equal(lines[2], 'BYE', 'the transport is still closed (bye sent, pending messages failed)');
    assert.equal(lines.length, 3);
  });

  test('unhandled rejection with --debug: restored first, then the stack', async () => {
    const r = await run(child(`setTimeout(() => { void Promise.reject(new TypeError('nope')); }, 10);`, true));
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'RESTORED');
    assert.match(lines[1] ?? '', /^fernchat: internal error: TypeError: nope/);
    assert.ok(
      lines.some((l) => /^\s+at /.test(l)),
      r.stderr,
    );
  });

  test('a normal exit restores too', async () => {
    const r = await run(child(`setTimeout(() => process.exit(0), 10);`));
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'RESTORED\n');
  });
});

test('SIGTSTP (job control from outside) suspends through the screen, never restores for good; uninstall takes the handler off', () => {
  const before = process.listenerCount('SIGTSTP');
  let suspended = 0;
  const uninstall = installTerminalGuard({ restore: () => assert.fail('restore on SIGTSTP'), debug: false, suspend: () => (suspended += 1), exit: () => {} });
  try {
    assert.equal(process.listenerCount('SIGTSTP'), before + 1);
    process.emit('SIGTSTP' as never);
    assert.equal(suspended, 1);
  } finally {
    uninstall();
  }
  assert.equal(process.listenerCount('SIGTSTP'), before);
  // Without a suspend, SIGTSTP keeps its default action (no listener is added).
  const off = installTerminalGuard({ restore: () => {}, debug: false, exit: () => {} });
  assert.equal(process.listenerCount('SIGTSTP'), before);
  off();
});
