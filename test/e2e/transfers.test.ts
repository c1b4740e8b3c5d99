/**
 * Issue 14 parts 1 and 8, end to end: file transfers in the full-screen UI,
 * typed in a real pseudo-terminal.
 *
 * The UI is the real one (runTui) in its own process (_transfer-ui.ts); the
 * test plays the transfer service on the far end of its bus: it reads the
 * transfer:* requests the UI emits and sends transfer:update facts back.
 * That is the whole of the UI's contract with the service, so these tests
 * check exactly the UI's half (src/transfer has its own tests). The raw-wire
 * refusal is checked on the real binary (`fernchat chat --wire raw`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BusEventName, BusEvents, TransferView } from '../../src/bus.js';
import { ensureBuilt, REPO_ROOT } from '../../src/testing/build.js';
import { freeUdpPorts, loopbackFlags } from '../../src/testing/ports.js';
import { waitFor } from '../../src/testing/wait.js';
import { FernchatPty, PtySession } from './_pty.js';
import { MiB, transferView as tv } from '../_transfer-view.js';

interface Request {
  name: string;
  payload: unknown;
}

/** The UI in a pty, and the test's end of its bus. */
class TransferUi {
  readonly requests: Request[] = [];
  ui!: PtySession;
  private conn: net.Socket | null = null;
  private readonly server = net.createServer((c) => {
    this.conn = c;
    createInterface({ input: c }).on('line', (line) => this.requests.push(JSON.parse(line) as Request));
  });

  async start(wire: 'reliable' | 'raw' = 'reliable'): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as net.AddressInfo).port;
    this.ui = new PtySession(process.execPath, ['--import', 'tsx', join('test', 'e2e', '_transfer-ui.ts')], {
      cols: 110,
      rows: 30,
      cwd: REPO_ROOT,
      env: { LANG: 'C.UTF-8', FERNCHAT_TEST_CONTROL_PORT: String(port), FERNCHAT_TEST_WIRE: wire },
    });
    await waitFor(() => this.requests.some((r) => r.name === 'ready'), 30_000, 'the UI to start');
    await this.ui.waitFor('peer online', 10_000);
  }

  /** A fact on the UI's bus. */
  emit<K extends BusEventName>(name: K, payload: BusEvents[K]): void {
    this.conn!.write(`${JSON.stringify({ name, payload })}\n`);
  }

  update(v: TransferView): void {
    this.emit('transfer:update', v);
  }

  /** Types a line and presses Enter. */
  line(text: string): void {
    this.ui.type(text);
    this.ui.press('enter');
  }

  async request(name: string, timeoutMs = 5000): Promise<unknown> {
    await waitFor(
      () => this.requests.some((r) => r.name === name),
      timeoutMs,
      () => `${name} request; got ${JSON.stringify(this.requests)}`,
    );
    const i = this.requests.findIndex((r) => r.name === name);
    return this.requests.splice(i, 1)[0]!.payload;
  }

  /** Rows of the screen holding `what`. */
  rows(what: string): string[] {
    return this.ui.lines().filter((l) => l.includes(what));
  }

  async dispose(): Promise<void> {
    await this.ui?.dispose();
    this.conn?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('file transfers in the full-screen UI', { timeout: 120_000 }, () => {
  const t = new TransferUi();
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fernchat-xfer-e2e-'));
    writeFileSync(join(dir, 'report.pdf'), 'x');
    mkdirSync(join(dir, 'results'));
    await t.start();
  });
  after(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('/send: Tab completes the path (a list when ambiguous), Enter emits transfer:send; the one line updates in place', async () => {
    const { ui } = t;
    ui.type(`/send ${dir}/re`);
    ui.press('tab');
    await ui.waitFor((s) => s.includes('report.pdf  results/'), 5000);
    ui.type('p');
    ui.press('tab');
    await ui.waitFor(`› /send ${dir}/report.pdf`, 5000);
    ui.press('enter');
    assert.deepEqual(await t.request('transfer:send'), { path: `${dir}/report.pdf` });

    // The transfer service answers: offered, then progress, then done.
    t.update(tv({ n: 1, state: 'offered', bytes: 0, path: `${dir}/report.pdf` }));
    await ui.waitFor('→ report.pdf (12.0 MiB, sha256 1a2b3c4d5e6f): offered, waiting for the peer · /cancel 1');
    for (const [pct, rate, eta] of [
      [10, 1.0, 11],
      [45, 3.1, 4],
      [80, 3.3, 2],
    ] as const) {
      t.update(tv({ n: 1, bytes: Math.ceil((12 * MiB * pct) / 100), rateBps: rate * MiB, etaS: eta }));
      await ui.waitFor(`${pct}%  ${rate.toFixed(1)} MiB/s  ETA ${eta}s · /cancel 1`);
      assert.equal(t.rows('report.pdf').length, 1, `one line for the transfer, rewritten in place:\n${ui.screenText()}`);
    }
    t.update(tv({ n: 1, state: 'done', bytes: 12 * MiB }));
    await ui.waitFor('✓ sent report.pdf (12.0 MiB, sha256 verified by the peer)');
    assert.equal(t.rows('report.pdf').length, 1, ui.screenText());
  });

  test('an incoming offer: /accept takes the oldest waiting, /cancel N stops it, bad N says so', async () => {
    const { ui } = t;
    const id = 'a'.repeat(32);
    const big = (over: Partial<TransferView>): TransferView =>
      tv({ n: 2, id, direction: 'in', name: 'big.iso', size: 2 * 1024 * MiB, path: '/tmp/dl/big.iso.part', ...over });
    t.update(big({ state: 'offered', bytes: 0 }));
    await ui.waitFor('offered: big.iso (2.0 GiB, sha256 1a2b3c4d5e6f) — /accept 2 or /decline 2');
    t.line('/accept');
    assert.deepEqual(await t.request('transfer:accept'), { n: 2 });
    t.update(big({ bytes: 512 * MiB, rateBps: 50 * MiB, etaS: 31 }));
    await ui.waitFor('← big.iso 512.0 MiB of 2.0 GiB  25%  50.0 MiB/s  ETA 31s · /cancel 2');
    assert.equal(t.rows('big.iso').length, 1, ui.screenText());

    t.line('/cancel');
    await ui.waitFor('usage: /cancel N — the number of the transfer');
    t.line('/cancel two');
    await ui.waitFor('/cancel: N must be a transfer number (1, 2, …), got "two"');
    t.line('/cancel 42');
    await ui.waitFor('no transfer 42 — /transfers lists them');
    t.line('/accept 2');
    await ui.waitFor('transfer 2 is not waiting for an answer (it is transferring)');
    t.line('/send');
    await ui.waitFor('usage: /send PATH');
    t.line('/cancel 2');
    assert.deepEqual(await t.request('transfer:cancel'), { n: 2 });
    assert.deepEqual(
      t.requests.filter((r) => r.name.startsWith('transfer:')),
      [],
      'the refused commands asked the service nothing',
    );
    t.update(big({ state: 'cancelled', endedBy: 'local', bytes: 512 * MiB }));
    await ui.waitFor('✗ big.iso: cancelled');
    assert.equal(t.rows('big.iso').length, 1, ui.screenText());
    t.line('/cancel 2');
    await ui.waitFor('transfer 2 has already ended (cancelled)');
  });

  test('/transfers lists them; F2 shows a gauge for an active transfer', async () => {
    const { ui } = t;
    t.update(tv({ n: 3, id: 'c'.repeat(32), name: 'photos.tar', size: 100 * MiB, bytes: 45 * MiB, rateBps: 3.1 * MiB, etaS: 18 }));
    await ui.waitFor('→ photos.tar 45.0 MiB of 100.0 MiB  45%');
    t.line('/transfers');
    await ui.waitFor('transfers: 3 (1 active)');
    const screen = ui.screenText();
    assert.match(screen, /-!- 1 {2}→ {2}report\.pdf +12\.0 MiB {2}done +100%/);
    assert.match(screen, /-!- 2 {2}← {2}big\.iso +2\.0 GiB {2}cancelled +25%/);
    assert.match(screen, /-!- 3 {2}→ {2}photos\.tar {2}100\.0 MiB {2}transferring {3}45%/);

    ui.press('f2');
    await ui.waitFor('link (F2 closes)', 10_000);
    await ui.waitFor('3 → photos.tar · 3.1 MiB/s · ETA 18s');
    await ui.waitFor(/45%/);
    t.update(tv({ n: 3, id: 'c'.repeat(32), name: 'photos.tar', size: 100 * MiB, bytes: 90 * MiB, rateBps: 3.2 * MiB, etaS: 3 }));
    await ui.waitFor('3 → photos.tar · 3.2 MiB/s · ETA 3s');
    await ui.waitFor(/90%/);
    t.update(tv({ n: 3, id: 'c'.repeat(32), name: 'photos.tar', size: 100 * MiB, bytes: 100 * MiB, state: 'done' }));
    await ui.waitFor((s) => !s.includes('3 → photos.tar ·') && s.includes('3 ✓ photos.tar'), 5000);
    ui.press('f2');
    await ui.waitFor((s) => !s.includes('link (F2 closes)'), 5000);
  });

  test('F1 lists the transfer commands', async () => {
    const { ui } = t;
    ui.press('f1');
    await ui.waitFor('fernchat help', 5000);
    // The commands are at the end of the help: page down to them (the last page holds them).
    for (let i = 0; i < 3; i++) ui.press('pgdn');
    // (The chat behind the overlay mentions /transfers too: wait for the help's own words.)
    await ui.waitFor('list the transfers: number', 5000);
    const screen = ui.screenText();
    for (const usage of ['/send PATH', '/accept [N]', '/decline [N]', '/cancel N', '/transfers']) assert.ok(screen.includes(usage), `${usage}:\n${screen}`);
    ui.press('escape');
    await ui.waitFor((s) => !s.includes('fernchat help'), 5000);
  });

  test('quitting while a transfer runs warns first; the second Ctrl-C quits', async () => {
    const { ui } = t;
    t.update(tv({ n: 4, id: 'd'.repeat(32), name: 'last.bin' }));
    await ui.waitFor('→ last.bin');
    ui.press('ctrl-c');
    await ui.waitFor('1 file transfer is not finished: quit again to leave anyway');
    assert.equal(ui.hasExited, false);
    ui.press('ctrl-c');
    assert.equal((await ui.exitCode).exitCode, 0);
  });
});

describe('the raw wire has no transfers: /send says why (the real binary)', { timeout: 60_000 }, () => {
  const h = new FernchatPty('e2e-xfer-raw');
  before(() => ensureBuilt());
  after(() => h.dispose());

  test('/send, /accept, /transfers on --wire raw', async () => {
    const [port, peer] = await freeUdpPorts(2);
    const key = `${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 41 + 5) % 256)).toString('base64url')}=`;
    const p = h.start(['chat', '--wire', 'raw', ...loopbackFlags(port, peer), `--key=${key}`, '--nick', 'rawuser']);
    await p.waitFor('raw wire', 15_000);
    p.type('/send /etc/hostname');
    p.press('enter');
    await p.waitFor('file transfer needs the reliable wire (this chat uses --wire raw)');
    p.type('/transfers');
    p.press('enter');
    await p.waitFor('no transfers: file transfer needs the reliable wire');
    p.press('ctrl-c');
    assert.equal((await p.exitCode).exitCode, 0);
  });
});
