/**
 * Pastes and failures, on the real binary in a pseudo-terminal (issue 12,
 * part 4):
 *   - a paste over the message limit is refused before sending, with one
 *     line that says the limit, and its text stays out of the pane and the
 *     input box;
 *   - a big (confirmed) paste ends like a small one: trailing newlines dropped;
 *   - a permanent failure (too long for raw mode) does not offer a retry, and
 *     a message that failed with ✗ during the chat is printed on stderr after
 *     the terminal is restored at quit, with exit code 1.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKey } from '../../src/crypto/keys.js';
import { ensureBuilt } from '../../src/testing/build.js';
import { freeUdpPorts, loopbackFlags } from '../../src/testing/ports.js';
import { FernchatPty, type PtySession } from './_pty.js';

const ALT_OFF = '\x1b[?1049l';
const lab = new FernchatPty('paste');

const start = (args: string[], rows = 30): PtySession => lab.start(args, { rows });

before(() => ensureBuilt());
after(() => lab.dispose());

describe('pastes and failures', { timeout: 90_000 }, () => {
  test('a paste over 4 MiB is refused before sending: one line says the limit, its text is in neither the pane nor the input box', async () => {
    const p = start(['demo']);
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    // 4.6 MiB in 70,000 lines, each line named so a leak into the pane would show.
    const paste = Array.from({ length: 70_000 }, (_, i) => `huge ${String(i).padStart(5, '0')} ${'z'.repeat(56)}`).join('\n');
    p.paste(paste);
    await p.waitFor('over the 4 MiB message limit: not sent', 30_000);
    const screen = p.screenText();
    assert.match(screen, /paste of 4\.\d MiB \(70,000 lines\) is over the 4 MiB message limit: not sent/);
    assert.ok(!screen.includes('huge 0'), `the paste leaked into the screen:\n${screen}`);
    assert.ok(!screen.includes('Enter sends it'), 'no confirmation is offered for a paste that cannot be sent');
    assert.ok(!screen.includes('failed'), 'nothing was sent, so nothing failed');
    const input = p.lines().at(-1) ?? '';
    assert.match(input, /^› \s*$/, `the input box stays empty: ${input}`);
    // The chat goes on.
    p.type('still here');
    p.press('enter');
    await p.waitFor('STILL HERE', 10_000);
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0, 'a refused paste is not an undelivered message');
  });

  test('two pastes joined while the first waits for Enter, together over 4 MiB: refused at Enter, kept in the input box', async () => {
    const p = start(['demo']);
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    p.paste(`first ${'a'.repeat(3 * 1024 * 1024)}`);
    await p.waitFor('Enter sends it as one message', 20_000);
    p.paste(` second ${'b'.repeat(1024 * 1024)}`);
    await p.settle(300, 20_000);
    p.press('enter');
    await p.waitFor(/message of 4\.1 MiB is over the 4 MiB message limit: not sent; it is back in the input\s+box/, 20_000);
    assert.doesNotMatch(p.screenText(), /failed/, 'nothing was sent');
    const input = p.lines().slice(p.lines().findIndex((l) => l.startsWith('›')));
    assert.ok(
      input.some((l) => /[ab]{20}/.test(l)),
      `the text is in the input box to shorten:\n${p.screenText()}`,
    );
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
  });

  test('a confirmed big paste drops its trailing newlines, as a small one does', async () => {
    const p = start(['demo'], 80);
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    p.paste(`${Array.from({ length: 55 }, (_, i) => `bulk${i}`).join('\n')}\n\n\n`);
    await p.waitFor('Paste of 55 lines', 5000);
    p.press('enter');
    await p.waitFor('BULK54', 10_000);
    // The ✓ follows the last line of text, not blank rows after it.
    await p.waitFor(/bulk54 ✓/, 5000);
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
  });

  test('raw wire, a line too long: ✗ without a retry hint; at quit its text is on stderr after the restore, exit 1', async () => {
    const [port, peer] = await freeUdpPorts(2);
    const key = generateKey();
    const p = start(['chat', '--wire', 'raw', ...loopbackFlags(port, peer), `--key=${key}`, '--nick', 'rawuser']);
    await p.waitFor('│', 15_000);
    const long = `toolong ${'w'.repeat(900)}`;
    p.type(long);
    p.press('enter');
    await p.waitFor(/✗\s+failed:\s+too\s+long\s+for\s+raw\s+mode \(max 831 bytes\)/, 5000);
    assert.doesNotMatch(p.screenText(), /press\s+Up/, 'a permanent failure offers no retry');
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 1);
    const afterRestore = p.raw.slice(p.raw.lastIndexOf(ALT_OFF));
    assert.match(afterRestore, /1 message was not delivered/);
    assert.ok(afterRestore.includes(long), 'the failed text is printed after the terminal is restored');
  });
});
