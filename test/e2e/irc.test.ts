/**
 * The habits of IRC clients in the real binary, two peers in two
 * pseudo-terminals: /me on both sides, a mention highlighted (the cell
 * attributes the emulator holds) with the bell and the title, Tab completing
 * the peer's nick, the session's date line, and focus events (CSI O / CSI I
 * written as a terminal sends them) giving "— unread —" and a title count.
 * Every wait is bounded; every pty is killed in after().
 */
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI_PATH, ensureBuilt } from '../../src/testing/build.js';
import { freeUdpPorts, loopbackFlags } from '../../src/testing/ports.js';
import { FernchatPty, type PtySession } from './_pty.js';

const lab = new FernchatPty('irc');
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 53 + 7) % 256)).toString('base64url') + '=';
/** BEL outside the OSC sequences (a title ends with BEL too). */
const rang = (raw: string): boolean => /\x07/.test(raw.replace(/\x1b\][^\x07]*\x07/g, ''));
/** The window titles set, in order. */
const titles = (raw: string): string[] => [...raw.matchAll(/\x1b\]0;([^\x07]*)\x07/g)].map((m) => m[1]!);
/** The row of the screen that matches, and its index. */
const rowOf = (p: PtySession, re: RegExp): number => p.lines().findIndex((l) => re.test(l));

after(() => lab.dispose());

describe('two peers: /me, mentions, Tab, the date, away and unread', () => {
  let alice: PtySession;
  let bob: PtySession;

  before(async () => {
    ensureBuilt();
    // bob's profile rings the bell and sets the title.
    const made = spawnSync(process.execPath, [CLI_PATH, 'profile', 'add', 'bells', '--nick', 'bob', `--key=${KEY}`, '--bell', '--title'], {
      env: { ...process.env, FERNCHAT_CONFIG_DIR: lab.configDir },
      encoding: 'utf8',
    });
    assert.equal(made.status, 0, made.stderr);
    const [portA, portB] = await freeUdpPorts(2);
    alice = lab.start(['chat', '--host', '127.0.0.1', '--port', String(portA), '--key', KEY, '--nick', 'alice']);
    bob = lab.start(['chat', '--profile', 'bells', ...loopbackFlags(portB, portA)]);
    await alice.waitFor('peer online', 15_000);
    await bob.waitFor('peer online', 15_000);
  });

  test('the session starts by saying the date; focus reporting is on', async () => {
    await bob.waitFor(/— (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} [A-Z][a-z]+ \d{4} —/, 5000);
    assert.ok(bob.raw.includes('\x1b[?1004h'));
  });

  test('/me waves shows "* alice waves" on both sides, with the delivery tick on the sender', async () => {
    alice.type('/me waves');
    alice.press('enter');
    await bob.waitFor(/\] \* alice waves$/m, 5000);
    await alice.waitFor(/\] \* alice waves ✓/, 5000);
    alice.type('/me');
    alice.press('enter');
    await alice.waitFor('usage: /me ACTION', 5000);
  });

  test("Tab completes the peer's nick: 'alice: ' at the start of the line", async () => {
    bob.type('AL');
    bob.press('tab');
    await bob.waitFor(/› alice:$/m, 5000);
    assert.equal(bob.cursor().x, '› alice: '.length, 'the cursor after the space');
    bob.type('hi');
    bob.press('enter');
    await alice.waitFor(/<bob> alice: hi/, 5000);
  });

  test("a mention of bob's nick is highlighted on bob's side, rings and retitles even at the bottom", async () => {
    const mark = bob.raw.length;
    alice.type('look here Bob, bobby is not you');
    alice.press('enter');
    await bob.waitFor(/<alice> look here Bob, bobby is not you/, 5000);
    const y = rowOf(bob, /look here Bob/);
    const line = bob.term.buffer.active.getLine(bob.term.buffer.active.viewportY + y)!;
    const text = line.translateToString(true);
    const at = (i: number) => line.getCell(i)!;
    const bobX = text.indexOf('Bob');
    const bobbyX = text.indexOf('bobby');
    const lookX = text.indexOf('look');
    // The mention: bold, underlined, orange (palette 166); its neighbours and "bobby" are plain.
    for (let i = bobX; i < bobX + 3; i++) {
      const c = at(i);
      assert.ok(c.isFgPalette() && c.getFgColor() === 166 && c.isBold() !== 0 && c.isUnderline() !== 0, `cell ${i} of ${text}`);
    }
    for (const i of [lookX, bobbyX, bobX + 3]) assert.ok(at(i).isUnderline() === 0 && at(i).isFgDefault(), `cell ${i} of ${text} is styled`);
    await bob.waitFor(() => rang(bob.raw.slice(mark)), 5000);
    assert.ok(bob.raw.slice(mark).includes('\x1b]0;(mentioned) fernchat\x07'), JSON.stringify(bob.raw.slice(mark)));
    // A key is the user being there: the title loses the mention.
    bob.press('ctrl-e');
    await bob.waitFor(() => bob.raw.slice(mark).includes('\x1b]0;fernchat\x07'), 5000);
  });

  test('focus out, a message, focus in: "— unread —" marks where bob left off; the title counts, then clears', async () => {
    const mark = bob.raw.length;
    bob.type('\x1b[O');
    alice.type('while you were out');
    alice.press('enter');
    alice.type('/me knocks');
    alice.press('enter');
    await bob.waitFor(/\* alice knocks/, 5000);
    const unread = rowOf(bob, /— unread —/);
    assert.ok(unread > 0, bob.screenText());
    assert.match(bob.lines()[unread + 1]!, /<alice> while you were out/);
    await bob.waitFor(() => bob.raw.slice(mark).includes('\x1b]0;(2) fernchat\x07'), 5000);
    assert.ok(rang(bob.raw.slice(mark)), 'a line while away rings');
    bob.type('\x1b[I');
    await bob.waitFor(() => titles(bob.raw.slice(mark)).at(-1) === 'fernchat', 5000);
    assert.deepEqual(titles(bob.raw.slice(mark)), ['(1) fernchat', '(2) fernchat', 'fernchat']);
    // Split across writes, as a slow link delivers them: still no text in the input line.
    bob.type('\x1b[');
    bob.type('O');
    bob.type('\x1b');
    bob.type('[I');
    bob.type('x');
    await bob.waitFor(/› x\s*$/m, 5000);
    assert.doesNotMatch(bob.screenText(), /› .*\[[IO]/);
  });

  test('quitting turns focus reporting off', async () => {
    bob.press('ctrl-c');
    const { exitCode } = await bob.exitCode;
    assert.equal(exitCode, 0);
    assert.ok(bob.raw.slice(bob.raw.lastIndexOf('\x1b[?1004h')).includes('\x1b[?1004l'));
  });
});

describe('a terminal without colours', () => {
  test('TERM=vt100: a mention is bold and underlined, an action star bold, and no colour code is written', async () => {
    const p = lab.start(['demo', '--nick', 'zed'], { term: 'vt100' });
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    p.type('/me says hi to zed');
    p.press('enter');
    // The bot echoes in upper case, an action as an action: "* echo-bot SAYS HI TO ZED" names us.
    await p.waitFor(/\* echo-bot SAYS HI TO ZED/, 5000);
    const buffer = p.term.buffer.active;
    const y = rowOf(p, /\* echo-bot SAYS/);
    const line = buffer.getLine(buffer.viewportY + y)!;
    const text = line.translateToString(true);
    const zed = text.indexOf('ZED');
    for (const i of [zed, zed + 2]) assert.ok(line.getCell(i)!.isUnderline() !== 0 && line.getCell(i)!.isBold() !== 0, text);
    assert.ok(line.getCell(text.indexOf('SAYS'))!.isUnderline() === 0, text);
    assert.ok(line.getCell(text.indexOf('*'))!.isBold() !== 0, text);
    p.press('ctrl-c');
    await p.exitCode;
    const colours = [...p.raw.matchAll(/\x1b\[([0-9;]*)m/g)].filter(([, params]) =>
      (params ?? '').split(';').some((n) => /^(3\d|4\d|9[0-7]|10[0-7])$/.test(n)),
    );
    assert.deepEqual(colours, []);
  });
});
