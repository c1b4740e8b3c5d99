/**
 * A real blessed screen whose terminal is a null stream: rendering does all
 * its work (cell diffing, escape codes, the program's output buffer) and the
 * bytes are thrown away. Built with the options src/ui/screen.ts uses, so the
 * pane is measured as the app renders it.
 */
import { PassThrough, Writable } from 'node:stream';
import blessed from 'blessed';

export interface NullScreen {
  screen: blessed.Widgets.Screen;
  /** Bytes the screen wrote to its terminal. */
  readonly bytesOut: number;
  /** Render and push the output buffer to the (null) terminal now. */
  renderNow(): void;
  destroy(): void;
}

export function createNullScreen(cols: number, rows: number): NullScreen {
  let bytesOut = 0;
  const output = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      bytesOut += chunk.length;
      cb();
    },
  }) as Writable & { columns: number; rows: number; isTTY: boolean };
  output.columns = cols;
  output.rows = rows;
  output.isTTY = true;
  const input = new PassThrough();
  // blessed prints terminfo compile trouble (Setulc) with console.error while it builds the program.
  const stderrWrite = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  let screen: blessed.Widgets.Screen;
  try {
    const program = blessed.program({
      input,
      output,
      terminal: 'xterm-256color',
      extended: false,
      tput: true,
      buffer: true,
      zero: true,
      forceUnicode: true,
    } as unknown as blessed.Widgets.IScreenOptions);
    screen = blessed.screen({
      program,
      smartCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      warnings: false,
      autoPadding: false,
      sendFocus: false,
    } as blessed.Widgets.IScreenOptions);
  } finally {
    process.stderr.write = stderrWrite;
  }
  return {
    screen,
    get bytesOut() {
      return bytesOut;
    },
    renderNow(): void {
      screen.render();
      (screen.program as unknown as { flush(): void }).flush();
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
  const words = ['hello', 'fernet', 'key', 'udp', 'ack', 'the', 'a', 'message', 'over', 'loopback', 'with', 'retransmit', '日本語', 'emoji 🙂', 'rotation', 'pane'];
  let x = (n * 2654435761) >>> 0;
  const count = 4 + (x % 28);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(words[(x >>> 8) % words.length]!);
  }
  return `#${n} ${out.join(' ')}`;
}
