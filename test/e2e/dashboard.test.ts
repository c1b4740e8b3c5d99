/**
 * F2 on the real binary in a pseudo-terminal (issue 12, part 9): the link
 * dashboard shows its parts — the RTT line chart, the loss and traffic
 * sparklines, datagrams in / out / dropped and retransmissions, the key with
 * its age and rotation history, the transfers slot — and the chat goes on
 * under it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Fernet } from '../../src/crypto/fernet.js';
import { generateKey, parseKey } from '../../src/crypto/keys.js';
import { ensureBuilt } from '../../src/testing/build.js';
import { freeUdpPorts, loopbackFlags } from '../../src/testing/ports.js';
import { FernchatPty, type PtySession } from './_pty.js';

const lab = new FernchatPty('dash');
const FP = /[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}/;

const start = (cols: number, rows: number): PtySession => lab.start(['demo'], { cols, rows });

before(() => ensureBuilt());
after(() => lab.dispose());

describe('the F2 dashboard', { timeout: 60_000 }, () => {
  test('shows its parts; the chat goes on under it; Ctrl-K lands in the rotation history; F2 closes it', async () => {
    const p = start(120, 35);
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    for (const word of ['one', 'two', 'three']) {
      p.type(word);
      p.press('enter');
    }
    await p.waitFor('THREE', 10_000);
    const fingerprint = FP.exec(p.lines().find((l) => l.includes(' │ ')) ?? '')?.[0];
    assert.ok(fingerprint, 'the status bar shows the fingerprint');

    p.press('f2');
    await p.waitFor('link (F2 closes)', 10_000);
    await p.waitFor(/RTT [\d.]+ ms · last 5 min/, 5000);
    const screen = p.screenText();
    for (const part of [
      /loss (–|[\d.]+ %) · \d+ s a bar:/,
      /datagrams in:/,
      /datagrams out:/,
      /─ datagrams ─/,
      /in {7}\d+/,
      /out {6}\d+/,
      /retrans {2}\d+ of \d+ \([\d.]+ %\)/,
      /dropped {2}\d+/,
      new RegExp(`key ${fingerprint}`),
      /age \d+ (ms|s)/,
      /no rotation yet/,
      /─ transfers ─/,
      /[\u2800-\u28ff]/, // the line chart's braille dots
      /[▁▂▃▄▅▆▇█]/, // a sparkline
    ]) {
      assert.match(screen, part, `missing ${part} on the dashboard:\n${screen}`);
    }

    // The chat is not blocked by the panel: a line typed now is sent and echoed.
    p.type('under the panel');
    p.press('enter');
    p.press('ctrl-k');
    await p.waitFor('rotations, newest first:', 10_000);
    // Full fingerprints where the key box has 50 columns, else their first half.
    const rotated = p.lines().find((l) => /\d\d:\d\d(:\d\d)? [0-9A-F-]+…? → [0-9A-F-]+/.test(l)) ?? '';
    assert.ok(rotated.includes(fingerprint.slice(0, 9)), `the rotation names the old fingerprint: ${rotated}`);
    assert.doesNotMatch(p.screenText(), /[A-Za-z0-9_-]{43}=/, 'never a key');

    p.press('f2');
    await p.waitFor((s) => !s.includes('F2 closes'), 5000);
    await p.waitFor('UNDER THE PANEL', 5000);
    await p.waitFor(/key rotated: /, 5000);
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
  });

  test('before any RTT sample (a peer on another key): an empty chart, the drops counted as unauthenticated', async () => {
    const [port, peer] = await freeUdpPorts(2);
    const p = lab.start(['chat', ...loopbackFlags(port, peer), `--key=${generateKey()}`, '--nick', 'alone']);
    await p.waitFor('│', 15_000);
    // A datagram under another key, from the configured peer's address.
    const other = new Fernet(parseKey(generateKey()));
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(peer, '127.0.0.1', resolve));
    for (let i = 0; i < 3; i++) sock.send(other.encrypt(Buffer.from('hi')), port, '127.0.0.1');
    p.press('f2');
    await p.waitFor(/unauthenticated 3/, 10_000);
    const screen = p.screenText();
    sock.close();
    assert.match(screen, /RTT – · last 5 min/);
    assert.match(screen, /dropped {2}3/);
    assert.doesNotMatch(screen, /null|undefined|NaN/, screen);
    p.press('ctrl-c');
    await p.exitCode;
  });

  test('80 × 24: the charts and the boxes fit, fingerprints shortened in the history', async () => {
    const p = start(80, 24);
    await p.waitFor(/<echo-bot> Hi/, 15_000);
    p.press('ctrl-k');
    await p.waitFor(/key rotated: /, 10_000);
    p.press('f2');
    await p.waitFor('rotations, newest first:', 10_000);
    const screen = p.screenText();
    assert.match(screen, /RTT .* · last 5 min/);
    assert.match(screen, /─ transfers ─/);
    assert.match(screen, /\d\d:\d\d [0-9A-F]{4}-[0-9A-F]{4}… → [0-9A-F]{4}-[0-9A-F]{4}…/);
    assert.doesNotMatch(screen, /null|undefined|NaN/);
    p.press('escape');
    await p.waitFor((s) => !s.includes('F2 closes'), 5000);
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
  });
});
