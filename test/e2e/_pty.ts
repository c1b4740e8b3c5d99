/**
 * End-to-end harness: runs a command in a real pseudo-terminal (@lydell/node-pty)
 * and feeds everything it prints into a headless xterm (@xterm/headless), so a
 * test reads the screen as a user would see it, not the escape codes.
 *
 * The emulator's replies to terminal queries (device attributes, cursor
 * position) are written back to the program, as a real terminal does. Keys are
 * encoded the way xterm sends them, honouring the application-cursor mode the
 * program switched on.
 *
 * Character widths are width.ts's, not xterm.js's Unicode 6 ones (see
 * ../_xterm.ts), so the e2e tests stick to single-code-point CJK/emoji.
 *
 * Every wait is bounded; kill() is idempotent and belongs in an after() hook.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty, { type IPty } from '@lydell/node-pty';
import { openSession, type ChatSession } from '../../src/app/session.js';
import { DEFAULT_UI } from '../../src/config/schema.js';
import { CLI_PATH, ensureBuilt, REPO_ROOT } from '../../src/testing/build.js';
import { testChatOptions } from '../../src/testing/chat-options.js';
import { freeUdpPorts } from '../../src/testing/ports.js';
import { sleep, waitFor } from '../../src/testing/wait.js';
import { visibleLines, widthTerminal, type Term } from '../_xterm.js';

export interface PtyOptions {
  cols?: number;
  rows?: number;
  /** TERM for the child (and the pty's name). Default xterm-256color. */
  term?: string;
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface PtyExit {
  exitCode: number;
  signal: number | undefined;
}

const POLL_MS = 25;
/** After the child exits, output keeps draining for a moment; wait for quiet this long. */
const DRAIN_QUIET_MS = 60;
const DRAIN_MAX_MS = 1000;

export class PtySession {
  readonly term: Term;
  /** Everything the program wrote, raw (escape codes included). */
  raw = '';
  /** Resolves once the program exited and its last output was read. */
  readonly exitCode: Promise<PtyExit>;
  private readonly proc: IPty;
  private exited = false;
  private lastDataAt = Date.now();
  private pendingWrites = 0;

  constructor(cmd: string, args: string[], opts: PtyOptions = {}) {
    const cols = opts.cols ?? 100;
    const rows = opts.rows ?? 30;
    const name = opts.term ?? 'xterm-256color';
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, TERM: name, ...opts.env })) {
      if (v !== undefined) env[k] = v;
    }
    // A parent tmux would make blessed probe it; the child runs in our pty, not in tmux.
    delete env.TMUX;
    this.term = widthTerminal(cols, rows, 1000);
    this.proc = pty.spawn(cmd, args, { name, cols, rows, env, cwd: opts.cwd ?? process.cwd() });
    this.term.onData((reply) => {
      if (!this.exited) this.proc.write(reply);
    });
    this.proc.onData((d) => {
      this.raw += d;
      this.lastDataAt = Date.now();
      this.pendingWrites += 1;
      this.term.write(d, () => {
        this.pendingWrites -= 1;
      });
    });
    this.exitCode = new Promise<PtyExit>((resolve) => {
      this.proc.onExit(({ exitCode, signal }) => {
        this.exited = true;
        const started = Date.now();
        const drain = (): void => {
          const quiet = Date.now() - this.lastDataAt >= DRAIN_QUIET_MS && this.pendingWrites === 0;
          if (quiet || Date.now() - started > DRAIN_MAX_MS) resolve({ exitCode, signal });
          else setTimeout(drain, POLL_MS);
        };
        drain();
      });
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  /** The visible screen, one string per row, right-trimmed. */
  lines(): string[] {
    return visibleLines(this.term);
  }

  screenText(): string {
    return this.lines().join('\n');
  }

  /** Cursor position on the visible screen, 0-based. */
  cursor(): { x: number; y: number } {
    const b = this.term.buffer.active;
    return { x: b.cursorX, y: b.cursorY };
  }

  /** Polls the screen until it contains `what`; throws with the screen at the timeout. */
  async waitFor(what: string | RegExp | ((screen: string) => boolean), timeoutMs = 5000): Promise<string> {
    const test = typeof what === 'function' ? what : (s: string): boolean => (typeof what === 'string' ? s.includes(what) : what.test(s));
    await waitFor(
      () => this.pendingWrites === 0 && test(this.screenText()),
      timeoutMs,
      () => `${String(what)}; screen:\n${this.screenText()}`,
      POLL_MS,
    );
    return this.screenText();
  }

  /** Waits until the raw output contains `what` (escape codes included). */
  async waitForRaw(what: string, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.raw.includes(what), timeoutMs, `${JSON.stringify(what)} in the raw output`, POLL_MS);
  }

  /** Waits until the screen stops changing for `quietMs` (bounded by timeoutMs). */
  async settle(quietMs = 150, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.pendingWrites === 0 && Date.now() - this.lastDataAt >= quietMs) return;
      await sleep(POLL_MS);
    }
  }

  /** Types text as keystrokes (one write, as a fast typist or tmux send-keys does). */
  type(s: string): void {
    if (!this.exited) this.proc.write(s);
  }

  /** Pastes as a terminal does: wrapped in bracketed-paste markers if the program asked for them. */
  paste(text: string): void {
    const body = text.replace(/\r?\n/g, '\r');
    this.type(this.term.modes.bracketedPasteMode ? `\x1b[200~${body}\x1b[201~` : body);
  }

  press(key: string): void {
    this.type(keySequence(key, this.term.modes.applicationCursorKeysMode));
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    if (!this.exited) this.proc.resize(cols, rows);
  }

  kill(signal = 'SIGKILL'): void {
    if (this.exited) return;
    try {
      this.proc.kill(signal);
    } catch {
      // already gone
    }
  }

  /** Kills if still running and waits for the exit (bounded). Safe in after(). */
  async dispose(timeoutMs = 3000): Promise<void> {
    this.kill();
    await Promise.race([this.exitCode, sleep(timeoutMs)]);
    this.term.dispose();
  }
}

const CSI_KEYS: Record<string, [normal: string, app: string]> = {
  up: ['\x1b[A', '\x1bOA'],
  down: ['\x1b[B', '\x1bOB'],
  right: ['\x1b[C', '\x1bOC'],
  left: ['\x1b[D', '\x1bOD'],
  home: ['\x1b[H', '\x1bOH'],
  end: ['\x1b[F', '\x1bOF'],
};

const FIXED_KEYS: Record<string, string> = {
  enter: '\r',
  'alt-enter': '\x1b\r',
  tab: '\t',
  backspace: '\x7f',
  escape: '\x1b',
  esc: '\x1b',
  delete: '\x1b[3~',
  pgup: '\x1b[5~',
  pgdn: '\x1b[6~',
  'ctrl-home': '\x1b[1;5H',
  'ctrl-end': '\x1b[1;5F',
  'ctrl-left': '\x1b[1;5D',
  'ctrl-right': '\x1b[1;5C',
  f1: '\x1bOP',
  f2: '\x1bOQ',
  f3: '\x1bOR',
  f4: '\x1bOS',
};

/** xterm's encoding of a named key: 'enter', 'ctrl-k', 'pgup', 'f2', 'alt-x', 'up', … */
export function keySequence(key: string, applicationCursor: boolean): string {
  const k = key.toLowerCase();
  if (k in FIXED_KEYS) return FIXED_KEYS[k]!;
  const csi = CSI_KEYS[k];
  if (csi) return applicationCursor ? csi[1] : csi[0];
  const ctrl = /^ctrl-([a-z@[\\\]^_])$/.exec(k);
  if (ctrl) return String.fromCharCode(ctrl[1]!.toUpperCase().charCodeAt(0) & 0x1f);
  const alt = /^alt-(.)$/.exec(key);
  if (alt) return `\x1b${alt[1]}`;
  throw new TypeError(`keySequence: unknown key name "${key}"`);
}

/**
 * The fernchat binary in pseudo-terminals, for one test file: its own config
 * directory (FERNCHAT_CONFIG_DIR), LANG=C.UTF-8, 100×30 xterm-256color unless
 * told otherwise. dispose() (the file's `after`) ends every session and
 * removes the directory.
 */
export class FernchatPty {
  readonly configDir: string;
  private readonly sessions: PtySession[] = [];

  constructor(name: string) {
    this.configDir = mkdtempSync(join(tmpdir(), `fernchat-${name}-`));
  }

  /**
   * `fernchat ARGS` in a new pty. `env` adds variables; with `viaEnv` they are
   * set by /usr/bin/env inside the child instead (the harness removes $TMUX
   * from the child's environment; that puts it back where a test needs it).
   */
  start(args: string[], o: { cols?: number; rows?: number; term?: string; env?: Record<string, string>; viaEnv?: boolean } = {}): PtySession {
    const env = { FERNCHAT_CONFIG_DIR: this.configDir, LANG: 'C.UTF-8', ...o.env };
    const [cmd, argv] = o.viaEnv
      ? ['/usr/bin/env', [...Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`), process.execPath, CLI_PATH, ...args]]
      : [process.execPath, [CLI_PATH, ...args]];
    const p = new PtySession(cmd, argv, { cols: o.cols ?? 100, rows: o.rows ?? 30, term: o.term ?? 'xterm-256color', env, cwd: REPO_ROOT });
    this.sessions.push(p);
    return p;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.dispose()));
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

/**
 * The fernchat UI (nick bob) in a pty of `h`, facing a chat session in this
 * process (nick eve) over loopback UDP, both on `key`; resolves once the UI
 * shows the peer online. The caller closes `peer` and disposes `h`.
 */
export async function uiFacingPeer(h: FernchatPty, key: Buffer): Promise<{ ui: PtySession; peer: ChatSession }> {
  ensureBuilt();
  const [uiPort, peerPort] = await freeUdpPorts(2);
  const ui = h.start(['chat', '--host', '127.0.0.1', '--port', String(uiPort), '--key', `${key.toString('base64url')}=`, '--nick', 'bob']);
  const peer = await openSession(
    testChatOptions({
      nick: 'eve',
      listen: { host: '127.0.0.1', port: peerPort },
      peer: { host: '127.0.0.1', port: uiPort },
      key,
      ui: { ...DEFAULT_UI },
      lingerS: 0,
    }),
  );
  await ui.waitFor('peer online', 20_000);
  return { ui, peer };
}
