/**
 * Issue 12 part 3, end to end: the real binary in a pseudo-terminal receives
 * six ~3.9 MB tab-heavy messages from a peer (a session in this process, over
 * loopback UDP). The screen shows each folded ("… N more lines · Ctrl-O reads
 * it all"), the process stays under 300 MB resident, a line typed right
 * after reaches the peer, and Ctrl-O shows the whole message in a pager
 * that PgDn moves and Esc closes.
 *
 * The RSS is read from /proc (Linux); elsewhere that check is skipped.
 * Timings are bounded waits, never assertions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newMessageId } from '../../src/bus.js';
import type { ChatSession } from '../../src/app/session.js';
import { FernchatPty, uiFacingPeer, type PtySession } from './_pty.js';
import { giantText } from '../../src/testing/giant-text.js';

const MESSAGES = 6;
const BYTES = 3_900_000;
const RSS_GOAL_MB = 300;

function rssMB(pid: number): number | null {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return null;
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8'));
  return m ? Number(m[1]) / 1024 : null;
}

describe('giant messages in the full-screen UI', { timeout: 240_000 }, () => {
  let ui: PtySession;
  let peer: ChatSession;
  const h = new FernchatPty('e2e-giant');
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 53 + 7) % 256));

  before(async () => {
    ({ ui, peer } = await uiFacingPeer(h, key));
  });

  after(async () => {
    await h.dispose();
    await peer?.close();
  });

  test('six ~3.9 MB messages: folded on screen, RSS under 300 MB, a typed line still goes out', async (t) => {
    for (let n = 0; n < MESSAGES; n++) {
      const delivered = new Promise<void>((resolve, reject) => {
        const offs = [
          peer.bus.on('message:delivered', () => {
            for (const off of offs) off();
            resolve();
          }),
          peer.bus.on('message:failed', ({ reason }) => {
            for (const off of offs) off();
            reject(new Error(`giant message ${n} failed: ${reason}`));
          }),
        ];
      });
      peer.bus.emit('send', { id: newMessageId(), text: giantText(n, BYTES) });
      await delivered;
      await ui.waitFor(new RegExp(`<eve> #${n} `), 20_000);
    }
    const screen = await ui.waitFor(/… [\d,]+ more lines · 3\.9 MB · Ctrl-O reads it all/, 10_000);
    // Folded: a screenful at most per message, so the last two fit with room for their markers.
    assert.ok((screen.match(/more lines · 3\.9 MB/g) ?? []).length >= 1, screen);

    const rss = rssMB(ui.pid);
    t.diagnostic(`UI RSS after ${MESSAGES} × ${BYTES / 1e6} MB: ${rss === null ? 'unknown (no /proc)' : `${rss.toFixed(0)} MB`}`);
    if (rss !== null) assert.ok(rss < RSS_GOAL_MB, `the UI holds ${rss.toFixed(0)} MB resident after ${MESSAGES} × ${BYTES / 1e6} MB`);

    const got = new Promise<string>((resolve) => {
      const off = peer.bus.on('message:received', ({ text }) => {
        off();
        resolve(text);
      });
    });
    ui.type('typed right after');
    ui.press('enter');
    assert.equal(await got, 'typed right after');
    await ui.waitFor(/<bob> typed right after ✓/, 10_000);
  });

  test('Ctrl-O opens the newest folded message in a pager; PgDn moves it; Esc closes it', async () => {
    ui.press('ctrl-o');
    const first = await ui.waitFor(/eve \d\d:\d\d · rows 1–\d+ of ≥ \d+ · 3\.9 MB/, 10_000);
    assert.match(first, /#5 /, 'the newest folded message on screen');
    ui.press('pgdn');
    await ui.waitFor(/· rows (?!1–)[\d,]+–[\d,]+ of/, 5_000);
    ui.press('escape');
    await ui.waitFor((s) => !/· rows [\d,]+–/.test(s) && s.includes('<bob> typed right after'), 5_000);
  });
});
