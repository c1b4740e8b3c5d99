/**
 * The input box: InputModel on screen, and the raw-input path that feeds it.
 *
 * Input flow (createInputFilter, installed with TuiScreen.setInputFilter):
 *   1. stdin chunk → PasteParser: bracketed pastes come out whole, as one
 *      text, before blessed's key parser could turn each newline into Enter.
 *   2. key input → splitRawInput: plain text goes straight to the model;
 *      only control and escape sequences are forwarded to blessed to be named
 *      (Enter, Ctrl-K, PgUp, F2, …) and come back through screen 'keypress'.
 *      Alt-Enter is named here: blessed's regex cannot match ESC CR and
 *      splits it into Escape + Enter, which would send the message.
 *   3. A held-back tail (a lone Esc, half a paste marker, an unfinished
 *      paste) is flushed after KEY_PREFIX_TIMEOUT_MS / PASTE_END_TIMEOUT_MS of
 *      silence, so nothing typed is lost or stuck.
 *
 * blessed's Textbox/Textarea are not used: they double characters, ignore
 * Left/Right/Ctrl-W/Ctrl-U, insert Tab, drop pasted lines and fire Enter twice.
 */
import type blessed from 'blessed';
import { KEY_PREFIX_TIMEOUT_MS, PASTE_END_TIMEOUT_MS } from '../constants.js';
import { createRowsBox, type RowsBox } from './draw.js';
import { InputModel } from './input-model.js';
import type { PathCompleteDeps } from './path-complete.js';
import { countLines, needsPasteConfirmation, PasteCollector, PasteParser, pasteMessage, type RefusedPaste } from './paste.js';
import { splitRawInput } from './raw-input.js';
import { escapeTags } from '../text/sanitize.js';
import type { InputFilter } from './screen.js';
import { truncate } from '../text/width.js';

/** What blessed tells us about a key (its `key` argument to 'keypress'). */
export interface KeyInfo {
  name?: string;
  full?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  sequence?: string;
}

export type KeyResult =
  | { kind: 'handled' }
  /** Not an editing key here: the app may use it (Home/End on an empty line scroll the chat). */
  | { kind: 'unhandled' }
  /** `literal`: a confirmed paste, sent as it is even if it starts with '/'. */
  | { kind: 'submit'; text: string; literal?: boolean }
  /** Ctrl-D on an empty line. */
  | { kind: 'eof' };

export interface InputHandlers {
  text(s: string): void;
  /** Keys blessed cannot name (it parses Alt-Enter as Escape then Enter). */
  key(k: KeyInfo): void;
  /** A whole bracketed paste (pieces of an over-long one are joined first). */
  paste(text: string): void;
  /** A paste over the message limit: not kept (PasteCollector), only its size is told. */
  refusedPaste(r: RefusedPaste): void;
  /** The terminal gained (true) or lost (false) focus (mode 1004; split reads are joined by PasteParser's held prefix). */
  focus?(focused: boolean): void;
}

const ALT_ENTER: KeyInfo = { name: 'return', full: 'M-return', meta: true, sequence: '\x1b\r' };
const PROMPT = '› ';
const PROMPT_WIDTH = 2;

/** The stdin filter: pastes and text to `handlers`, key sequences to blessed. */
export function createInputFilter(handlers: InputHandlers): InputFilter {
  const parser = new PasteParser();
  let timer: NodeJS.Timeout | null = null;
  const collector = new PasteCollector();
  let forwardKeys: (keys: string) => void = () => {};

  const deliver = (events: ReturnType<PasteParser['push']>, final: boolean): void => {
    for (const e of events) {
      if (e.kind === 'paste') {
        collector.add(e.text);
        // A partial piece from push() means more of the same paste follows.
        if (e.partial && !final) continue;
        const whole = collector.take();
        if ('text' in whole) handlers.paste(whole.text);
        else handlers.refusedPaste(whole.refused);
        continue;
      }
      for (const t of splitRawInput(e.data)) {
        if (t.kind === 'text') handlers.text(t.text);
        else if (t.kind === 'focus') handlers.focus?.(t.focused);
        else if (t.seq === '\x1b\r' || t.seq === '\x1b\n') handlers.key(ALT_ENTER);
        else forwardKeys(t.seq);
      }
    }
  };

  const arm = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const pending = parser.pending;
    if (pending === 'none') return;
    timer = setTimeout(
      () => {
        timer = null;
        deliver(parser.flush(), true);
      },
      pending === 'prefix' ? KEY_PREFIX_TIMEOUT_MS : PASTE_END_TIMEOUT_MS,
    );
  };

  return (data, forward) => {
    forwardKeys = forward;
    deliver(parser.push(data), false);
    arm();
  };
}

export class InputBox {
  readonly model: InputModel;
  private readonly box: RowsBox;
  private hint: string | null = null;
  private confirming: string | null = null;
  private rows: string[] = [''];
  private cursor: { row: number; col: number } | null = null;
  /** The nicks Tab completes (the peer's, once known); app.ts sets it. */
  completionNicks: () => readonly string[] = () => [];
  /** What Tab after `/send ` lists (fs-lister.ts); null: paths are not completed. app.ts sets it. */
  completionPaths: PathCompleteDeps | null = null;

  /** `commands`: the /commands Tab completes (default: the 1:1 chat's). */
  constructor(parent: blessed.Widgets.Screen, opts: { commands?: readonly string[] } = {}) {
    this.model = new InputModel(opts.commands !== undefined ? { commands: [...opts.commands] } : {});
    this.box = createRowsBox({ parent, left: 0, width: '100%', height: 1, top: 0 });
  }

  get element(): blessed.Widgets.BoxElement {
    return this.box.element;
  }

  /** A one-row note above the input (completion candidates); cleared by the next key. */
  setHint(text: string | null): void {
    this.hint = text;
  }

  get isConfirming(): boolean {
    return this.confirming !== null;
  }

  /** A paste: small ones go into the line; big ones wait for Enter (send) or Esc (edit). */
  paste(text: string): void {
    if (this.confirming !== null) {
      this.confirming += text;
      return;
    }
    if (needsPasteConfirmation(text)) this.confirming = text;
    else this.model.insert(text);
  }

  insertText(s: string): void {
    this.hint = null;
    this.model.insert(s);
  }

  handleKey(key: KeyInfo): KeyResult {
    this.hint = null;
    if (this.confirming !== null) return this.handleConfirmKey(key, this.confirming);
    const m = this.model;
    const name = key.name ?? '';
    if (name === 'return' && !key.meta) return { kind: 'handled' }; // blessed also emits 'enter' for the same CR
    if (name === 'enter' && !key.meta) {
      const text = m.submit();
      return text === null ? { kind: 'handled' } : { kind: 'submit', text };
    }
    if ((name === 'return' || name === 'enter') && key.meta) return done(() => m.newline());
    if (name === 'linefeed' || (key.ctrl && name === 'j')) return done(() => m.newline());
    if (key.ctrl) {
      switch (name) {
        case 'a':
          return done(() => m.home());
        case 'e':
          return done(() => m.end());
        case 'w':
          return done(() => m.killWordBack());
        case 'u':
          return done(() => m.killToStart());
        case 'y':
          return done(() => m.yank());
        case 'h':
          return done(() => m.backspace());
        case 'left':
          return done(() => m.wordLeft());
        case 'right':
          return done(() => m.wordRight());
        case 'd':
          return m.isEmpty ? { kind: 'eof' } : done(() => m.del());
        default:
          return { kind: 'unhandled' };
      }
    }
    if (key.meta) {
      switch (name) {
        case 'b':
        case 'left':
          return done(() => m.wordLeft());
        case 'f':
        case 'right':
          return done(() => m.wordRight());
        case 'backspace':
          return done(() => m.killWordBack());
        default:
          return { kind: 'unhandled' };
      }
    }
    switch (name) {
      case 'left':
        return done(() => m.left());
      case 'right':
        return done(() => m.right());
      case 'backspace':
        return done(() => m.backspace());
      case 'delete':
        return done(() => m.del());
      case 'up':
        return done(() => m.up());
      case 'down':
        return done(() => m.down());
      case 'home':
        return m.isEmpty ? { kind: 'unhandled' } : done(() => m.home());
      case 'end':
        return m.isEmpty ? { kind: 'unhandled' } : done(() => m.end());
      case 'tab': {
        const matches = m.complete(this.completionNicks(), this.completionPaths);
        if (matches.length > 0) this.hint = matches.join('  ');
        return { kind: 'handled' };
      }
      default:
        return { kind: 'unhandled' };
    }
  }

  /** A key while the paste `text` waits for confirmation. */
  private handleConfirmKey(key: KeyInfo, text: string): KeyResult {
    if (key.name === 'enter' && !key.meta) {
      this.confirming = null;
      const message = pasteMessage(text);
      return message === null ? { kind: 'handled' } : { kind: 'submit', text: message, literal: true };
    }
    if (key.name === 'escape') {
      // Never lost: the paste goes into the line, to edit or send later.
      this.confirming = null;
      this.model.insert(text);
      return { kind: 'handled' };
    }
    return { kind: 'handled' };
  }

  /** Lays the box out for the screen size; returns the rows it needs (grows up to a third of the screen). */
  measure(width: number, screenHeight: number): number {
    const inner = Math.max(1, width - PROMPT_WIDTH);
    if (this.confirming !== null) {
      // What Enter would send: trailing newlines are not counted.
      const message = pasteMessage(this.confirming) ?? '';
      const lines = countLines(message);
      const kib = Math.ceil(Buffer.byteLength(message) / 1024);
      const ask = `Paste of ${lines} line${lines === 1 ? '' : 's'} (${kib} KiB): Enter sends it as one message · Esc puts it in the input box`;
      this.rows = [`{yellow-fg}${escapeTags(truncate(ask, Math.max(1, width)))}{/yellow-fg}`];
      this.cursor = null;
      return 1;
    }
    const maxRows = Math.max(1, Math.floor(screenHeight / 3) - (this.hint ? 1 : 0));
    const layout = this.model.layout(inner, maxRows);
    const rows = layout.rows.map((r, i) => `${i === 0 ? `{bold}${PROMPT}{/bold}` : '  '}${escapeTags(r)}`);
    let cursorRow = layout.cursorRow;
    if (this.hint) {
      rows.unshift(`{cyan-fg}${escapeTags(truncate(this.hint, Math.max(1, width)))}{/cyan-fg}`);
      cursorRow += 1;
    }
    this.rows = rows;
    this.cursor = { row: cursorRow, col: PROMPT_WIDTH + layout.cursorCol };
    return rows.length;
  }

  /** Places the box at `top` with the rows from measure(); returns the caret's screen position. */
  place(top: number): { row: number; col: number } | null {
    this.box.element.top = top;
    this.box.element.height = this.rows.length;
    this.box.setRows(this.rows);
    return this.cursor === null ? null : { row: top + this.cursor.row, col: this.cursor.col };
  }
}

function done(f: () => unknown): KeyResult {
  f();
  return { kind: 'handled' };
}
