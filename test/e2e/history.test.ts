/**
 * History restore as a user sees it (issue 13, part 1): with history on, chat,
 * quit, reopen — the last lines are there, dimmed, above "— history —"; /history
 * says where they are kept and /history off stops keeping them; a profile with
 * history off shows nothing of the last session.
 *
 * alice is the full-screen UI in a pty (her profile in the lab's config dir);
 * bob is a headless process with the same key and no profile.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI_PATH, ensureBuilt } from '../../src/testing/build.js';
import { freeUdpPorts, loopbackFlags } from '../../src/testing/ports.js';
import { HeadlessProc } from '../_headless-proc.js';
import { FernchatPty, type PtySession } from './_pty.js';

const lab = new FernchatPty('history');
const WAIT_MS = 15_000;
let KEY = '';
let portA = 0;
let portB = 0;
let bob: HeadlessProc | null = null;

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, FERNCHAT_CONFIG_DIR: lab.configDir }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  ensureBuilt();
  KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 53 + 7) % 256)).toString('base64url') + '=';
  [portA, portB] = await freeUdpPorts(2);
  for (const [name, history] of [
    ['alice', 'on'],
    ['carol', 'off'],
  ] as const) {
    cli(['profile', 'add', name, '--nick', 'alice', ...loopbackFlags(portA, portB), `--key=${KEY}`, '--history', history]);
  }
  bob = new HeadlessProc(['chat', '--headless', ...loopbackFlags(portB, portA), `--key=${KEY}`, '--nick', 'bob', '--linger', '0']);
});

after(async () => {
  bob?.kill();
  await lab.dispose();
});

/** alice's UI on `profile`, once the peer is online. */
async function open(profile: string): Promise<PtySession> {
  const p = lab.start(['chat', '--profile', profile], { cols: 100, rows: 30 });
  await p.waitFor('peer online', WAIT_MS);
  return p;
}

async function quit(p: PtySession): Promise<void> {
  p.press('ctrl-c');
  assert.equal((await p.exitCode).exitCode, 0, p.screenText());
}

async function exchange(p: PtySession, mine: string, theirs: string): Promise<void> {
  p.type(mine);
  p.press('enter');
  await p.waitFor(`<alice> ${mine} ✓`, WAIT_MS);
  bob!.write(theirs);
  await p.waitFor(`<bob> ${theirs}`, WAIT_MS);
}

/** The colour of the first cell of `text` on screen (xterm palette index, or -1 for the default). */
function fgOf(p: PtySession, text: string): number {
  const b = p.term.buffer.active;
  for (let y = 0; y < p.term.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    const x = line?.translateToString(true).indexOf(text) ?? -1;
    if (line && x >= 0) {
      const cell = line.getCell(x);
      return cell === undefined || cell.isFgDefault() ? -1 : cell.getFgColor();
    }
  }
  throw new Error(`${text} is not on screen:\n${p.screenText()}`);
}

test('chat, quit, reopen: the last lines are there, dimmed, above "— history —"; /history off keeps nothing more', { timeout: 90_000 }, async () => {
  const first = await open('alice');
  await exchange(first, 'first session line', 'reply in the first session');
  first.type('/me waves goodbye');
  first.press('enter');
  await first.waitFor('* alice waves goodbye ✓', WAIT_MS);
  await bob!.waitLine('out', /waves goodbye/, WAIT_MS);
  first.type('/history');
  first.press('enter');
  await first.waitFor(/history is on: kept in .*alice\.history\.jsonl/, WAIT_MS);
  assert.ok(!first.screenText().includes('— history —'), 'nothing to restore on the first start');
  await quit(first);
  assert.ok(existsSync(join(lab.configDir, 'history', 'alice.history.jsonl')));

  const second = await open('alice');
  const screen = await second.waitFor('— history —', WAIT_MS);
  const lines = screen.split('\n');
  const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  const mine = at(/<alice> first session line$/);
  const theirs = at(/<bob> reply in the first session$/);
  const action = at(/\* alice waves goodbye$/);
  const marker = at(/^\s+— history —$/);
  const greeting = at(/you are alice, listening on/);
  assert.ok(mine >= 0 && theirs > mine && action > theirs && marker > action && greeting > marker, screen);
  assert.doesNotMatch(lines[mine]!, /[✓…]/, 'a restored line has no delivery mark');
  assert.equal(fgOf(second, 'reply in the first session'), 8, 'restored text is grey');
  assert.equal(fgOf(second, '— history —'), 8, 'the marker is grey');

  second.type('/history off');
  second.press('enter');
  await second.waitFor('history off: nothing more of this session is kept', WAIT_MS);
  await exchange(second, 'said with history off', 'answered with history off');
  second.type('/history');
  second.press('enter');
  await second.waitFor('history is off for this session (/history on resumes it)', WAIT_MS);
  await quit(second);

  const third = await open('alice');
  const s3 = await third.waitFor('— history —', WAIT_MS);
  assert.match(s3, /<alice> first session line/);
  assert.doesNotMatch(s3, /history off/, 'nothing said after /history off was kept');
  await quit(third);
});

test('a profile with history off shows nothing of the last session and keeps nothing', { timeout: 60_000 }, async () => {
  const first = await open('carol');
  await exchange(first, 'carol line', 'reply to carol');
  first.type('/history');
  first.press('enter');
  const said = await first.waitFor('history is not kept: profile carol has it off', WAIT_MS);
  assert.ok(said.replace(/\s+/g, ' ').includes('(turn it on with: fernchat profile set carol --history on)'), said);
  await quit(first);
  const second = await open('carol');
  await second.settle(300);
  assert.ok(!second.screenText().includes('— history —'), second.screenText());
  assert.ok(!second.screenText().includes('carol line'));
  assert.ok(!existsSync(join(lab.configDir, 'history', 'carol.history.jsonl')));
  await quit(second);
});
