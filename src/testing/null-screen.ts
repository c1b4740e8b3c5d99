/**
 * A real blessed screen whose terminal is a null stream: rendering does all
 * its work (cell diffing, escape codes, the program's output buffer) and the
 * bytes are thrown away (or handed to a sink: the pane test feeds them to a
 * terminal emulator). Built by the app's own createBlessedScreen, so the pane
 * is measured and checked as the app renders it.
 */
import { PassThrough, Writable } from 'node:stream';
import type blessed from 'blessed';
import { createBlessedScreen } from '../ui/blessed-screen.js';

export interface NullScreen {
  screen: blessed.Widgets.Screen;
  /** Bytes the screen wrote to its terminal. */
  readonly bytesOut: number;
  /** Render and push the output buffer to the (null) terminal now. */
  renderNow(): void;
  /** The terminal changed size: blessed reallocates, clears and renders, and the output is pushed now. */
  resize(cols: number, rows: number): void;
  destroy(): void;
}

/** `sink` receives every chunk the screen writes to its terminal. */
export function createNullScreen(cols: number, rows: number, sink?: (chunk: string) => void): NullScreen {
  let bytesOut = 0;
  const output = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      bytesOut += chunk.length;
      sink?.(String(chunk));
      cb();
    },
  }) as Writable & { columns: number; rows: number; isTTY: boolean };
  output.columns = cols;
  output.rows = rows;
  output.isTTY = true;
  const input = new PassThrough();
  const { screen } = createBlessedScreen({ input, output, terminal: 'xterm-256color', env: {} });
  const flush = (): void => (screen.program as unknown as { flush(): void }).flush();
  return {
    screen,
    get bytesOut() {
      return bytesOut;
    },
    renderNow(): void {
      screen.render();
      flush();
    },
    resize(c: number, r: number): void {
      output.columns = c;
      output.rows = r;
      output.emit('resize');
      flush();
    },
    destroy(): void {
      screen.destroy();
      input.destroy();
      output.destroy();
    },
  };
}

/** Chat-like lines: a few words to a few wrapped rows, deterministic. */
export function chatText(n: number): string {
  const words = [
    'hello',
    'fernet',
    'key',
    'udp',
    'ack',
    'the',
    'a',
    'message',
    'over',
    'loopback',
    'with',
    'retransmit',
    '日本語',
    'emoji 🙂',
    'rotation',
    'pane',
  ];
  let x = (n * 2654435761) >>> 0;
  const count = 4 + (x % 28);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(words[(x >>> 8) % words.length]!);
  }
  return `#${n} ${out.join(' ')}`;
}
