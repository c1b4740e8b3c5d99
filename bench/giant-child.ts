/**
 * Figure 9's measuring process (run with --expose-gc by fig-giant.ts): the
 * full-screen UI's pane and input box on a null-terminal blessed screen, fed
 * by a real session pair over loopback, as memory-child.ts does.
 *
 *   1. baseline RSS after the imports (the tsx loader included);
 *   2. the peer (A) sends six ~3.9 MB tab-heavy messages; B's BusView adds
 *      each to the ChatPane, which renders coalesced as the app renders;
 *   3. right after the sixth arrives, B "types" a line (input box insert +
 *      Enter + render, as app.ts does) and sends it: the time until A has
 *      it is the typed-line latency;
 *   4. after a full GC, the RSS with the six messages in the pane;
 *   5. a 1 MiB draft in the InputBox: median cost of one keystroke (insert,
 *      measure, place, render), cursor at the end and in the middle.
 *
 *   node --expose-gc --import tsx bench/giant-child.ts [MESSAGES] [BYTES]   (defaults 6, 3.9 MB)
 */
import { newMessageId } from '../src/bus.js';
import { RENDER_INTERVAL_MS } from '../src/constants.js';
import { BusView } from '../src/ui/bus-view.js';
import { ChatPane } from '../src/ui/chat-pane.js';
import { InputBox } from '../src/ui/input-box.js';
import { createNullScreen } from '../src/testing/null-screen.js';
import { withTimeout } from './budget.js';
import { chatOptions, openPair } from './sessions.js';
import { giantText } from '../src/testing/giant-text.js';

export interface GiantPoint {
  phase: 'baseline' | 'giant' | 'draft';
  rssMB: number;
  heapUsedMB: number;
  /** giant: messages received and the ms a line typed right after them took to reach the peer. */
  messages?: number;
  bytes?: number;
  typedLineMs?: number;
  /** Time to receive all the giant messages (transport + pane), in ms. */
  receiveMs?: number;
  /** draft: median ms per keystroke with a 1 MiB draft, cursor at the end / in the middle. */
  keystrokeEndMs?: number;
  keystrokeMidMs?: number;
  draftBytes?: number;
}

const COLS = 120;
const ROWS = 40;
const DRAFT_BYTES = 1024 * 1024;
const KEYSTROKES = 15;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

function report(point: GiantPoint): void {
  if (process.send) process.send(point);
  else process.stdout.write(`${JSON.stringify(point)}\n`);
}

function mem(): { rssMB: number; heapUsedMB: number } {
  const m = process.memoryUsage();
  return { rssMB: m.rss / 1e6, heapUsedMB: m.heapUsed / 1e6 };
}

/** ~`bytes` of prose lines, the draft typed (or pasted and edited) in the input box. */
export function draftText(bytes: number): string {
  const line = 'the quick brown fox jumps over the lazy dog, again and again, until the line is long enough\n';
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 6);
  const bytes = Number(process.argv[3] ?? 3_900_000);
  collect();
  report({ phase: 'baseline', ...mem() });

  const pair = await openPair(10_000);
  const ns = createNullScreen(COLS, ROWS);
  const pane = new ChatPane(ns.screen, { capacity: 100_000, seconds: false, colors: 256 });
  const input = new InputBox(ns.screen);
  let renderTimer: NodeJS.Timeout | null = null;
  const render = (): void => {
    if (renderTimer !== null) clearTimeout(renderTimer);
    renderTimer = null;
    const inputRows = input.measure(COLS, ROWS);
    const statusTop = ROWS - inputRows - 1;
    pane.sync(COLS, statusTop);
    input.place(statusTop + 1);
    ns.renderNow();
  };
  const base = chatOptions(Buffer.alloc(32), 'bob', null);
  const view = new BusView({ bus: pair.b.bus, opts: base, listen: pair.b.listen, fingerprint: pair.b.transport.fingerprint(), peer: null }, pane, {
    changed: () => {
      renderTimer ??= setTimeout(render, RENDER_INTERVAL_MS);
    },
    notify: () => undefined,
  });
  try {
    // 2. the giant messages, one after the other (each is most of the send queue's 16 MiB)
    const t0 = performance.now();
    let received = 0;
    let typed: Promise<number> | null = null;
    const allIn = new Promise<void>((resolve) => {
      const off = pair.b.bus.on('message:received', ({ text }) => {
        if (!text.startsWith('#')) return;
        received++;
        if (received < count) return;
        off();
        // 3. right after the last one: type a line and send it, as app.ts does on Enter.
        const sentAt = performance.now();
        typed = new Promise<number>((done) => {
          const offA = pair.a.bus.on('message:received', ({ text: t }) => {
            if (t !== 'typed right after') return;
            offA();
            done(performance.now() - sentAt);
          });
        });
        input.insertText('typed right after');
        const r = input.handleKey({ name: 'enter', full: 'enter' });
        if (r.kind !== 'submit') throw new Error('the input box did not submit');
        const id = newMessageId();
        view.sending(id, r.text);
        pane.bottom();
        pair.b.bus.emit('send', { id, text: r.text });
        render();
        resolve();
      });
    });
    for (let n = 0; n < count; n++) {
      const delivered = new Promise<void>((resolve) => {
        const off = pair.a.bus.on('message:delivered', () => {
          off();
          resolve();
        });
      });
      pair.a.bus.emit('send', { id: newMessageId(), text: giantText(n, bytes) });
      await withTimeout(delivered, 60_000, `giant message ${n + 1} delivered`);
    }
    await withTimeout(allIn, 10_000, 'giant messages received');
    const receiveMs = performance.now() - t0;
    const typedLineMs = await withTimeout(typed!, 10_000, 'the typed line reaching the peer');
    render();
    collect();
    report({ phase: 'giant', ...mem(), messages: received, bytes, typedLineMs, receiveMs });

    // 5. a 1 MiB draft
    input.model.setText(draftText(DRAFT_BYTES));
    render();
    const keystrokes = (): number => {
      const times: number[] = [];
      for (let i = 0; i < KEYSTROKES; i++) {
        const t = performance.now();
        input.insertText('x');
        render();
        times.push(performance.now() - t);
      }
      return median(times);
    };
    const keystrokeEndMs = keystrokes();
    input.model.setText(input.model.text, Math.floor(input.model.text.length / 2));
    render();
    const keystrokeMidMs = keystrokes();
    report({ phase: 'draft', ...mem(), keystrokeEndMs, keystrokeMidMs, draftBytes: DRAFT_BYTES });
  } finally {
    if (renderTimer !== null) clearTimeout(renderTimer);
    view.dispose();
    ns.destroy();
    await pair.close();
  }
}

const orphaned = (): never => process.exit(1);
process.on('disconnect', orphaned);
await main();
process.off('disconnect', orphaned);
process.disconnect?.();
setTimeout(() => process.exit(), 200).unref();
