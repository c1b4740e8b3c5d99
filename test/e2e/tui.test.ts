/**
 * The real built binary (`node dist/cli.js`) in pseudo-terminals, read back
 * through a headless xterm: what a user would see.
 *
 * Two peers chat over loopback UDP with one key; a demo run per TERM checks
 * terminfo handling; signals and exits must leave the terminal as it was.
 * Every wait is bounded and every pty is killed in after().
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI_PATH as CLI, ensureBuilt } from '../../src/testing/build.js';
import { freeUdpPorts, loopbackFlags } from '../../src/testing/ports.js';
import { sleep } from '../../src/testing/wait.js';
import { FernchatPty, type PtySession } from './_pty.js';

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';
const CURSOR_ON = '\x1b[?25h';
const PASTE_OFF = '\x1b[?2004l';
const FINGERPRINT = /key ([0-9A-F]{4}(?:-[0-9A-F]{4}){3})(?! rotating)/;

const lab = new FernchatPty('e2e');
const configDir = lab.configDir;
let KEY = '';

const start = (args: string[], opts: { cols?: number; rows?: number; term?: string } = {}): PtySession => lab.start(args, opts);

/** The status bar: the row with the fingerprint. */
function statusRow(p: PtySession): string {
  return p.lines().find((l) => l.includes(' │ → ') && /[0-9A-F]{4}-[0-9A-F]{4}/.test(l)) ?? '';
}

function fingerprintOf(p: PtySession): string | null {
  return FINGERPRINT.exec(statusRow(p))?.[1] ?? null;
}

/** The exit restored the terminal: after the last switch to the alternate screen came the way back and a visible cursor. */
function assertRestored(p: PtySession, what: string): void {
  const tail = p.raw.slice(p.raw.lastIndexOf(ALT_ON));
  assert.ok(tail.includes(ALT_OFF), `${what}: no ESC[?1049l after the UI`);
  assert.ok(tail.includes(CURSOR_ON), `${what}: cursor not shown again`);
  assert.ok(tail.includes(PASTE_OFF), `${what}: bracketed paste left on`);
}

before(() => {
  ensureBuilt();
  KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64url') + '=';
});

after(() => lab.dispose());

describe('refusals', () => {
  test('no TTY: exit 2 with one line pointing at --headless', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
      const c = spawn(process.execPath, [CLI, 'demo'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FERNCHAT_CONFIG_DIR: configDir } });
      let stderr = '';
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const t = setTimeout(() => (c.kill('SIGKILL'), fail(new Error('no exit'))), 15_000);
      c.on('exit', (code) => (clearTimeout(t), done({ code, stderr })));
    });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^fernchat: .*--headless/);
  });

  test('TERM=dumb in a real terminal: exit 2, the hint, no alternate screen', async () => {
    const p = start(['chat', '--host', '127.0.0.1', '--port', String((await freeUdpPorts(1))[0]), '--key', KEY], { term: 'dumb' });
    const { exitCode } = await p.exitCode;
    assert.equal(exitCode, 2);
    assert.match(p.screenText(), /--headless/);
    assert.ok(!p.raw.includes(ALT_ON));
  });
});

describe('two peers in two terminals', () => {
  let a: PtySession;
  let b: PtySession;
  let portA = 0;
  let portB = 0;

  before(async () => {
    [portA, portB] = await freeUdpPorts(2);
    a = start(['chat', '--host', '127.0.0.1', '--port', String(portA), '--key', KEY, '--nick', 'alice']);
    b = start(['chat', ...loopbackFlags(portB, portA), '--key', KEY, '--nick', 'bob']);
    await a.waitFor((s) => statusRow(a).includes('online') && s.includes('peer online'), 15_000);
    await b.waitFor(() => statusRow(b).includes('online'), 15_000);
  });

  test('both status bars show the peer address and the same fingerprint', async () => {
    await a.waitFor(() => statusRow(a).includes(`127.0.0.1:${portB}`), 5000);
    await b.waitFor(() => statusRow(b).includes(`127.0.0.1:${portA}`), 5000);
    const fa = fingerprintOf(a);
    assert.ok(fa, statusRow(a));
    assert.equal(fingerprintOf(b), fa);
    assert.match(statusRow(a), /alice .*│ rel(iable)? │/);
  });

  test('typing on one side shows the text on the other, with a delivery tick', async () => {
    b.type('hello from bob 漢字 👍');
    b.press('enter');
    await a.waitFor(/<bob> hello from bob 漢字 👍/, 5000);
    await b.waitFor(/<bob> hello from bob 漢字 👍 ✓/, 5000);
  });

  test('Ctrl-K on one side: both status bars show the same new fingerprint', async () => {
    const old = fingerprintOf(a);
    a.press('ctrl-k');
    await a.waitFor(() => fingerprintOf(a) !== null && fingerprintOf(a) !== old, 15_000);
    await b.waitFor(() => fingerprintOf(b) === fingerprintOf(a), 15_000);
    await a.waitFor(/key rotated: .* → /, 5000);
    await b.waitFor(/key rotated: .* → /, 5000);
    assert.notEqual(fingerprintOf(b), old);
  });

  test('a bracketed paste of 3 lines arrives as one message', async () => {
    const before = (b.screenText().match(/<alice>/g) ?? []).length;
    a.paste('paste line one\npaste line two\npaste line three');
    await a.waitFor('paste line three', 5000);
    a.press('enter');
    await b.waitFor('paste line three', 5000);
    const lines = b.lines();
    const first = lines.findIndex((l) => l.includes('<alice> paste line one'));
    assert.ok(first >= 0, b.screenText());
    // The other two lines are continuation rows of the same message: no header of their own.
    assert.match(lines[first + 1] ?? '', /^\s+paste line two\s*$/);
    assert.match(lines[first + 2] ?? '', /^\s+paste line three\s*$/);
    assert.equal((b.screenText().match(/<alice>/g) ?? []).length, before + 1);
  });

  test('a resize re-wraps a long line to the new width', async () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i}x`).join(' ');
    a.type(`wrapstart ${words} wrapend`);
    a.press('enter');
    await b.waitFor('wrapend', 5000);
    const span = (): { rows: number; widest: number } => {
      const lines = b.lines();
      const from = lines.findIndex((l) => l.includes('wrapstart'));
      const to = lines.findIndex((l) => l.includes('wrapend'));
      const rows = lines.slice(from, to + 1);
      return { rows: to - from + 1, widest: Math.max(...rows.map((r) => r.length)) };
    };
    const wide = span();
    b.resize(50, 30);
    await b.waitFor(() => span().rows > wide.rows && span().widest <= 50, 5000);
    // The status bar is re-laid out for 50 columns, the peer's address still whole.
    await b.waitFor(() => statusRow(b).includes(`127.0.0.1:${portA}`) && statusRow(b).trimEnd().length <= 50, 5000);
    b.resize(100, 30);
    await b.waitFor(() => span().rows === wide.rows, 5000);
  });

  test('Ctrl-C and /quit leave the alternate screen and show the cursor', async () => {
    b.press('ctrl-c');
    assert.equal((await b.exitCode).exitCode, 0);
    assertRestored(b, 'Ctrl-C');
    a.type('/quit');
    a.press('enter');
    assert.equal((await a.exitCode).exitCode, 0);
    assertRestored(a, '/quit');
  });
});

describe('terminal types', () => {
  for (const term of ['xterm', 'xterm-256color', 'tmux-256color', 'screen-256color', 'linux']) {
    test(`TERM=${term}: starts clean and quits clean`, async () => {
      const p = start(['demo'], { term, cols: 110 });
      await p.waitFor(/<echo-bot> Hi, I am echo-bot/, 15_000);
      const screen = p.screenText();
      // Checked in the raw output: garbage printed before the alternate screen is up
      // would hide behind it and greet the user in the shell afterwards.
      for (const garbage of ['Error on', 'Setulc', 'out.push', 'stack', 'var v']) {
        assert.ok(!p.raw.includes(garbage), `terminfo garbage "${garbage}" in the output:\n${JSON.stringify(p.raw.slice(0, 400))}`);
      }
      assert.ok(statusRow(p).includes('online'), screen);
      p.type('ping');
      p.press('enter');
      await p.waitFor('<echo-bot> PING', 10_000);
      p.press('ctrl-c');
      assert.equal((await p.exitCode).exitCode, 0);
      // TERM=linux has no alternate screen; every terminal gets the cursor back at the very end.
      if (term !== 'linux') assertRestored(p, term);
      assert.ok(p.raw.slice(-80).includes(CURSOR_ON), 'cursor not shown again');
    });
  }
});

describe('signals restore the terminal', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    test(signal, async () => {
      const p = start(['demo']);
      await p.waitFor(/<echo-bot> Hi/, 15_000);
      p.kill(signal);
      const r = await p.exitCode;
      assert.ok(r.signal === (signal === 'SIGTERM' ? 15 : 1) || r.exitCode === 128 + (signal === 'SIGTERM' ? 15 : 1), JSON.stringify(r));
      assertRestored(p, signal);
    });
  }
});

describe('inside one terminal', () => {
  test('help overlay, link panel, paste confirmation, scrolling marker', async () => {
    const p = start(['demo'], { rows: 24 });
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    p.press('f1');
    await p.waitFor('fernchat help', 5000);
    assert.ok(p.screenText().includes('Ctrl-K'));
    p.press('escape');
    await p.waitFor((s) => !s.includes('fernchat help'), 5000);

    p.press('f2');
    await p.waitFor(/link \(F2 closes\)[\s\S]*loss/, 5000);
    p.press('f2');
    await p.waitFor((s) => !s.includes('F2 closes'), 5000);

    // A paste over PASTE_CONFIRM_LINES asks first; Esc keeps it, in the input box.
    p.paste(Array.from({ length: 60 }, (_, i) => `bulk ${i}`).join('\n'));
    await p.waitFor('Paste of 60 lines', 5000);
    p.press('escape');
    await p.waitFor((s) => !s.includes('Paste of 60 lines') && s.includes('bulk 59'), 5000);
    p.press('enter');
    // The echo is longer than a screenful at 24 rows: it comes back folded, first rows then the rest counted.
    await p.waitFor((s) => s.includes('BULK 0') && /… \d+ more lines/.test(s), 10_000);

    // Typing while replies stream in and the screen redraws: every keystroke lands.
    for (let i = 0; i < 10; i++) {
      p.type(`burst${i}`);
      p.press('enter');
    }
    p.type('still typing ');
    await sleep(30);
    p.type('while replies arrive 漢字');
    await p.waitFor('BURST9', 10_000);
    await p.waitFor((s) => s.includes('› still typing while replies arrive 漢字'), 5000);
    p.press('ctrl-u');

    // Alt-Enter and Ctrl-J put new lines into one message; the echo comes back as one message too.
    p.type('multi one');
    p.press('alt-enter');
    p.type('multi two');
    p.press('ctrl-j');
    p.type('multi three');
    await p.waitFor('multi three', 5000);
    p.press('enter');
    await p.waitFor('MULTI THREE', 10_000);
    const rows = p.lines();
    const echo = rows.findIndex((l) => l.includes('<echo-bot> MULTI ONE'));
    assert.ok(echo >= 0 && /^\s+MULTI TWO\s*$/.test(rows[echo + 1] ?? '') && /^\s+MULTI THREE\s*$/.test(rows[echo + 2] ?? ''), p.screenText());

    // Scrolled up, new lines are counted instead of pulling the view down.
    p.press('pgup');
    await p.waitFor(/scrolled up|new message/, 5000);
    p.type('x');
    p.press('backspace');
    p.press('ctrl-end');
    await p.waitFor((s) => !/scrolled up|new message/.test(s), 5000);
    // Ctrl-D quits only on an empty line.
    p.type('x');
    p.press('ctrl-d');
    p.press('ctrl-d');
    await p.waitFor('› x', 2000);
    p.press('backspace');
    p.press('ctrl-d');
    assert.equal((await p.exitCode).exitCode, 0);
    assertRestored(p, 'Ctrl-D');
    assert.ok(!p.raw.includes('\x1b[?1000h'), 'mouse reporting must be off unless --mouse');
  });

  test('profile ui.bell and ui.title: a message while scrolled up rings and retitles; Ctrl-L redraws a damaged screen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fernchat-e2e-bell-'));
    try {
      const cfg = spawn(process.execPath, [CLI, '--config-dir', dir, 'profile', 'add', 'bells', '--nick', 'ringo', `--key=${KEY}`, '--bell', '--title'], {
        stdio: 'ignore',
      });
      assert.equal(await new Promise((r) => cfg.once('exit', r)), 0, 'profile add with --bell --title');
      // --config-dir wins over the harness's FERNCHAT_CONFIG_DIR.
      const p = lab.start(['--config-dir', dir, 'demo', '--profile', 'bells'], { rows: 20 });
      await p.waitFor(/<echo-bot> Hi/, 15_000);
      for (let i = 0; i < 12; i++) {
        p.type(`fill${i}`);
        p.press('enter');
      }
      await p.waitFor('FILL11', 10_000);
      p.press('pgup');
      await p.waitFor('scrolled up', 5000);
      const before = p.raw.length;
      // Sending would jump to the bottom; a rotation makes the bot talk while we stay scrolled up.
      p.press('ctrl-k');
      // Its message arrives while scrolled up: BEL, and the title counts what is unseen.
      await p.waitFor(
        () => /\x07/.test(p.raw.slice(before).replace(/\x1b\][^\x07]*\x07/g, '')) && /\x1b\]0;\(\d+\) fernchat demo\x07/.test(p.raw.slice(before)),
        10_000,
      );
      p.press('ctrl-end');
      await p.waitFor((s) => !s.includes('scrolled up') && s.includes('Same as yours?'), 5000);
      assert.ok(/\x1b\]0;fernchat demo\x07/.test(p.raw.slice(before)), 'back at the bottom, the title loses its count');
      // Garbage written behind the program's back (as a stray `wall` message would), then Ctrl-L.
      p.term.write('\x1b[2J\x1b[HGARBAGE');
      await p.waitFor('GARBAGE', 2000);
      p.press('ctrl-l');
      await p.waitFor((s) => !s.includes('GARBAGE') && s.includes('Same as yours?') && s.includes('│ → echo-bot'), 5000);
      p.press('ctrl-c');
      assert.equal((await p.exitCode).exitCode, 0);
      assertRestored(p, 'bell/title');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('raw wire: the start-up notice reaches the screen and the greeting offers no rotation', async () => {
    const [port, peer] = await freeUdpPorts(2);
    const p = start(['chat', '--wire', 'raw', ...loopbackFlags(port, peer), `--key=${KEY}`, '--nick', 'rawuser']);
    await p.waitFor('raw wire: messages go out once', 15_000);
    assert.ok(!p.screenText().includes('Ctrl-K rotate'), p.screenText());
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
    assertRestored(p, 'raw wire');
  });

  test('quitting with an undelivered message warns first, then prints its text after the restore and exits 1', async () => {
    const [port, peer] = await freeUdpPorts(2);
    const p = start(['chat', ...loopbackFlags(port, peer), `--key=${KEY}`, '--nick', 'lonely']);
    await p.waitFor('│', 15_000);
    p.type('nobody hears this important line');
    p.press('enter');
    await p.waitFor('nobody hears this important line …', 5000);
    p.press('ctrl-c');
    await p.waitFor('not delivered yet: quit again', 5000);
    assert.equal(p.hasExited, false, 'the first Ctrl-C only warns');
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 1);
    assertRestored(p, 'undelivered quit');
    const after = p.raw.slice(p.raw.lastIndexOf(ALT_OFF));
    assert.match(after, /1 message was not delivered[\s\S]*nobody hears this important line/);
  });

  test('--mouse: the wheel scrolls the chat, and exit turns mouse reporting off', async () => {
    const p = start(['demo', '--mouse'], { rows: 20 });
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    assert.notEqual(p.term.modes.mouseTrackingMode, 'none');
    for (let i = 0; i < 12; i++) {
      p.type(`wheel${i}`);
      p.press('enter');
    }
    await p.waitFor('WHEEL11', 10_000);
    p.type('\x1b[<64;10;5M'); // SGR report: wheel up over the chat
    await p.waitFor('scrolled up', 5000);
    p.type('\x1b[<65;10;5M'.repeat(6));
    await p.waitFor((s) => !s.includes('scrolled up'), 5000);
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
    assert.equal(p.term.modes.mouseTrackingMode, 'none');
    assertRestored(p, '--mouse');
  });
});

describe('a --key session keeps its key on request (issue 12, part 2)', () => {
  test('/save-profile NAME and /save-key FILE write the key in use; a taken name or an existing file is refused', async () => {
    const [port] = await freeUdpPorts(1);
    const keyFile = join(configDir, 'kept.key');
    const p = start(['chat', '--host', '127.0.0.1', '--port', String(port), '--key', KEY, '--nick', 'solo']);
    await p.waitFor(FINGERPRINT, 15_000);
    p.type('/save-profile kept');
    p.press('enter');
    await p.waitFor('saved profile kept with the key in use', 5000);
    p.type(`/save-key ${keyFile}`);
    p.press('enter');
    await p.waitFor(/wrote the key in use \([0-9A-F-]+\) to/, 5000);
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as { profiles: Record<string, { key: string; nick: string }> };
    assert.equal(config.profiles['kept']?.key, KEY);
    assert.equal(config.profiles['kept']?.nick, 'solo');
    assert.equal(readFileSync(keyFile, 'utf8').trim(), KEY);
    assert.equal((statSync(keyFile).mode & 0o777).toString(8), '600');
    // Nothing is overwritten: the same name and the same file again are one refusal each.
    p.type('/save-profile kept');
    p.press('enter');
    await p.waitFor(/profile "?kept"? already exists/, 5000);
    p.type(`/save-key ${keyFile}`);
    p.press('enter');
    await p.waitFor(/already exists|exists already/, 5000);
    assert.equal(readFileSync(keyFile, 'utf8').trim(), KEY);
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
    assertRestored(p, '/save-profile');
  });
});
