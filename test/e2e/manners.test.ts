/**
 * Terminal manners and silence explained (issue 12, parts 5 and 7), with the
 * real built binary in pseudo-terminals: the window title only when asked
 * and given back, no tmux passthrough, no colour on a terminal without it,
 * SGR button-event mouse only, the whole fingerprint at 40 columns, a
 * new-messages marker that counts messages, /peer forgetting the old nick,
 * Ctrl-Z and `fg`, and what a silent or wrong-key peer is told.
 * Every wait is bounded and every process is killed in after().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI_PATH as CLI, ensureBuilt } from '../../src/testing/build.js';
import { freeUdpPorts } from '../../src/testing/ports.js';
import { waitFor } from '../../src/testing/wait.js';
import { FernchatPty, type PtySession } from './_pty.js';

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';
const FP = /[0-9A-F]{4}(?:-[0-9A-F]{4}){3}/;

const lab = new FernchatPty('manners');
const configDir = lab.configDir;
const children: ChildProcess[] = [];
const KEY_A = Buffer.alloc(32, 7).toString('base64url') + '=';
const KEY_B = Buffer.alloc(32, 9).toString('base64url') + '=';

const start = (...a: Parameters<FernchatPty['start']>): PtySession => lab.start(...a);

function statusRow(p: PtySession): string {
  return p.lines().find((l) => l.includes(' │ ') && FP.test(l)) ?? '';
}

async function quit(p: PtySession): Promise<void> {
  p.press('ctrl-c');
  await Promise.race([p.exitCode, new Promise((r) => setTimeout(r, 3000))]);
  if (!p.hasExited) {
    p.press('ctrl-c');
    await p.exitCode;
  }
}

function addProfile(name: string, extra: string[]): void {
  const r = spawnSync(process.execPath, [CLI, 'profile', 'add', name, '--nick', 'ringo', `--key=${KEY_A}`, ...extra], {
    env: { ...process.env, FERNCHAT_CONFIG_DIR: configDir },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}

before(() => {
  ensureBuilt();
  addProfile('titled', ['--title']);
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await lab.dispose();
});

describe('terminal manners', { timeout: 120_000 }, () => {
  test('no window title unless the profile asks; asked, it is pushed first and popped on exit', async () => {
    const plain = start(['demo']);
    await plain.waitFor(/<echo-bot> Hi/, 15_000);
    await quit(plain);
    assert.doesNotMatch(plain.raw, /\x1b\][012];/, 'a title was set unasked');
    assert.ok(!plain.raw.includes('\x1b[22;0t') && !plain.raw.includes('\x1b[23;0t'));

    const titled = start(['demo', '--profile', 'titled']);
    await titled.waitFor(/<echo-bot> Hi/, 15_000);
    await quit(titled);
    const push = titled.raw.indexOf('\x1b[22;0t');
    const set = titled.raw.indexOf('\x1b]0;fernchat demo\x07');
    const pop = titled.raw.lastIndexOf('\x1b[23;0t');
    assert.ok(push >= 0 && set > push, 'the title is pushed, then set');
    assert.ok(pop > set && pop > titled.raw.lastIndexOf(ALT_ON), 'and popped on the way out');
  });

  test('$TMUX set on a GNU screen terminal: nothing is wrapped in a tmux passthrough', async () => {
    const p = start(['demo', '--profile', 'titled', '--mouse'], { term: 'screen', env: { TMUX: '/tmp/none,1,0' }, viaEnv: true });
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    await quit(p);
    assert.ok(!p.raw.includes('tmux;'), 'a tmux passthrough was sent');
    assert.ok(p.raw.includes('\x1b]0;fernchat demo\x07'), 'the title went out plain');
  });

  test('TERM=vt100: no colour codes at all', async () => {
    const p = start(['demo'], { term: 'vt100' });
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    p.type('hello');
    p.press('enter');
    await p.waitFor('HELLO', 5000);
    // The status bar is in reverse video instead of white on blue.
    const row = p.lines().findIndex((l) => l.includes(' │ ') && FP.test(l));
    const buffer = p.term.buffer.active;
    assert.ok(
      row >= 0 &&
        buffer
          .getLine(buffer.viewportY + row)
          ?.getCell(1)
          ?.isInverse(),
      p.screenText(),
    );
    await quit(p);
    const colours = [...p.raw.matchAll(/\x1b\[([0-9;]*)m/g)].filter(([, params]) =>
      (params ?? '').split(';').some((n) => /^(3\d|4\d|9[0-7]|10[0-7])$/.test(n)),
    );
    assert.deepEqual(
      colours.map(([s]) => JSON.stringify(s)),
      [],
    );
  });

  test('--mouse: button events in SGR encoding only, never any-motion', async () => {
    const p = start(['demo', '--mouse']);
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    for (const on of ['\x1b[?1000h', '\x1b[?1002h', '\x1b[?1006h']) assert.ok(p.raw.includes(on), JSON.stringify(on));
    for (const never of ['\x1b[?1003h', '\x1b[?1005h', '\x1b[?1015h', '\x1b[?9h']) assert.ok(!p.raw.includes(never), JSON.stringify(never));
    await quit(p);
  });

  test('40 columns: the status bar shows the whole fingerprint', async () => {
    const p = start(['demo'], { cols: 40, rows: 20 });
    await p.waitFor(/<echo-bot>/, 15_000);
    await waitFor(
      () => FP.test(statusRow(p)),
      5000,
      () => p.screenText(),
    ).catch(() => undefined);
    assert.match(statusRow(p), FP, p.screenText());
    await quit(p);
  });

  test('the marker counts messages, not system lines; /peer forgets the old nick', async () => {
    const p = start(['demo'], { rows: 20 });
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    for (let i = 0; i < 12; i++) {
      p.type(`fill${i}`);
      p.press('enter');
    }
    await p.waitFor('FILL11', 10_000);
    p.press('pgup');
    await p.waitFor('scrolled up', 5000);
    // A rotation: two system lines here ("rotating the key…", "key rotated: …") and one message from the bot.
    p.press('ctrl-k');
    await p.waitFor(/1 new message\b/, 10_000);
    await p.settle(300);
    assert.doesNotMatch(p.screenText(), /[2-9] new messages/);
    p.press('ctrl-end');
    await p.waitFor('Same as yours?', 5000);
    assert.match(statusRow(p), /→ echo-bot 127\.0\.0\.1:\d+/);
    p.type('/peer 127.0.0.1:9');
    p.press('enter');
    await p.waitFor('→ 127.0.0.1:9', 5000);
    assert.doesNotMatch(statusRow(p), /echo-bot/);
    await quit(p);
  });

  test('Ctrl-Z: the terminal is given back and the process stops; SIGCONT (fg) brings the screen back, repainted', async () => {
    const p = start(['demo']);
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    p.type('draft');
    await p.waitFor('› draft', 3000);
    const mark = p.raw.length;
    p.press('ctrl-z');
    await p.waitForRaw(ALT_OFF, 3000);
    const stat = (): string => spawnSync('ps', ['-o', 'stat=', '-p', String(p.pid)], { encoding: 'utf8' }).stdout.trim();
    await waitFor(
      () => stat().startsWith('T'),
      3000,
      () => `process state ${stat()}`,
    );
    assert.ok(p.raw.slice(mark).includes('\x1b[?2004l'), 'bracketed paste off while stopped');
    p.term.write('\x1b[2J\x1b[HSHELL PROMPT');
    await p.waitFor('SHELL PROMPT', 2000);
    process.kill(p.pid, 'SIGCONT');
    await p.waitFor((s) => !s.includes('SHELL PROMPT') && s.includes('› draft') && FP.test(s), 5000);
    assert.ok(p.raw.lastIndexOf(ALT_ON) > p.raw.lastIndexOf(ALT_OFF), 'back on the alternate screen');
    p.type(' more');
    p.press('enter');
    await p.waitFor('DRAFT MORE', 5000);
    await quit(p);
  });
});

describe('silence explained', { timeout: 60_000 }, () => {
  test('a peer on another key: the UI and headless mode say "fail authentication", and what to check after 15 s of silence', async () => {
    const [portA, portB] = await freeUdpPorts(2);
    const headless = spawn(process.execPath, [CLI, 'chat', '--headless', '--port', String(portB), '--peer', `127.0.0.1:${portA}`, '--key', KEY_B], {
      env: { ...process.env, FERNCHAT_CONFIG_DIR: configDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(headless);
    let stderr = '';
    headless.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ui = start(['chat', '--port', String(portA), '--peer', `127.0.0.1:${portB}`, '--key', KEY_A, '--nick', 'alice'], { cols: 160 });
    await ui.waitFor(`datagrams from 127.0.0.1:${portB} fail authentication — different key?`, 15_000);
    await waitFor(
      () => stderr.includes(`datagrams from 127.0.0.1:${portA} fail authentication`),
      15_000,
      () => stderr,
    );
    await ui.waitFor(`nothing from 127.0.0.1:${portB} for 15 s — check that both sides use the same key`, 20_000);
    await waitFor(
      () => stderr.includes(`nothing from 127.0.0.1:${portA} for 15 s`),
      5000,
      () => stderr,
    );
    assert.match(statusRow(ui), /connecting/);
    assert.doesNotMatch(ui.screenText(), /null/, 'first contact with the configured peer is no "change from null"');
    headless.stdin.end();
    await quit(ui);
  });

  test('a peer using our nick is shown as nick(peer), its invisible characters are gone, and its bye makes it "left"', async () => {
    const [portA, portB] = await freeUdpPorts(2);
    const ui = start(['chat', '--port', String(portA), '--peer', `127.0.0.1:${portB}`, '--key', KEY_A, '--nick', 'alice'], { cols: 160 });
    await ui.waitFor('◌ connecting', 10_000);
    const peer = spawn(
      process.execPath,
      [CLI, 'chat', '--headless', '--port', String(portB), '--peer', `127.0.0.1:${portA}`, '--key', KEY_A, '--nick', 'alice'],
      {
        env: { ...process.env, FERNCHAT_CONFIG_DIR: configDir },
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    children.push(peer);
    peer.stdin.write('I am alice\nx\u200by\u2060z\n');
    await ui.waitFor('<alice(peer)> xyz', 15_000);
    assert.match(ui.screenText(), /<alice\(peer\)> I am alice/);
    assert.doesNotMatch(ui.screenText(), /<alice> I am/);
    peer.stdin.end();
    await ui.waitFor('alice(peer) left', 15_000);
    assert.match(statusRow(ui), /– left/);
    assert.doesNotMatch(ui.screenText(), /offline/);
    await quit(ui);
  });
});
