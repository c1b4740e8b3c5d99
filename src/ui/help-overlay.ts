/**
 * F1 / /help: every key binding and every command, in a box over the chat.
 * Esc, F1 or q closes it; Up/Down/PgUp/PgDn scroll it on a small terminal.
 *
 * KEY_BINDINGS is the single list the overlay shows; app.ts implements
 * exactly these (the e2e test checks a few of them against the screen).
 */
import blessed from 'blessed';
import { COMMANDS } from './commands.js';
import { escapeTags } from '../text/sanitize.js';
import { stringWidth } from '../text/width.js';
import { wrap } from '../text/wrap.js';

export const KEY_BINDINGS: ReadonlyArray<readonly [keys: string, what: string]> = [
  ['Enter', 'send the message'],
  ['Alt-Enter, Ctrl-J', 'new line in the message'],
  ['Left, Right', 'move by character'],
  ['Ctrl-Left, Ctrl-Right, Alt-B, Alt-F', 'move by word'],
  ['Ctrl-A, Ctrl-E', 'start / end of the line'],
  ['Home, End', 'start / end of the line; with an empty input: top / bottom of the chat'],
  ['Backspace, Delete', 'delete a character'],
  ['Ctrl-W, Alt-Backspace', 'delete the word before the cursor'],
  ['Ctrl-U', 'delete everything before the cursor'],
  ['Ctrl-Y', 'paste back what Ctrl-W / Ctrl-U deleted'],
  ['Up, Down', 'previous / next line, then input history (a failed message is in it: Up, Enter retries)'],
  ['Tab', "complete a /command or the peer's nick"],
  ['PgUp, PgDn', 'scroll the chat by a page'],
  ['Ctrl-Home, Ctrl-End', 'top / bottom of the chat (always)'],
  ['Ctrl-K', 'rotate the key (both sides switch; the status bar shows the new fingerprint)'],
  ['F1', 'this help'],
  ['F2', 'link dashboard: RTT, loss, datagrams, key rotations'],
  ['Ctrl-O', 'read a folded message ("… N more lines") whole in a pager: PgUp, PgDn, Ctrl-Home, Ctrl-End; Esc closes'],
  ['Ctrl-R', 'search the chat as you type (plain text; case matters only with a capital): Ctrl-R or Up older match, Ctrl-S or Down newer'],
  ['n, N (after /search)', 'older / newer match'],
  ['Enter, Esc (searching)', 'Enter stays at the match; Esc goes back to where you were; any other key stays and does what it does'],
  ['Ctrl-L', 'redraw the screen'],
  ['Ctrl-C; Ctrl-D on an empty input', 'quit'],
  ['Esc', 'close this help / the link panel / the pager; end a search; cancel a paste confirmation'],
];

/** What happens without a key, wrapped under the commands. */
const NOTES = [
  "Your nick in the peer's lines is highlighted (and rings, where the profile enables the bell).",
  'Lines that arrive while the terminal is out of focus are counted in the title, after a — unread — line (tmux: set -g focus-events on).',
];

/** What the overlay lists: the 1:1 chat's by default; the room screen has its own (room-commands.ts). */
export interface HelpContent {
  keys: ReadonlyArray<readonly [keys: string, what: string]>;
  commands: ReadonlyArray<{ usage: string; help: string }>;
  notes: readonly string[];
}

export const CHAT_HELP: HelpContent = { keys: KEY_BINDINGS, commands: COMMANDS, notes: NOTES };

/** The overlay's text for `width` columns: plain rows, descriptions wrapped under themselves. */
export function helpLines(width: number, content: HelpContent = CHAT_HELP): string[] {
  const { keys, commands, notes } = content;
  const keyWidth = Math.max(...keys.map(([k]) => stringWidth(k)));
  const usageWidth = Math.max(...commands.map((c) => stringWidth(c.usage)));
  const lines = ['Keys', ''];
  const entry = (left: string, leftWidth: number, what: string): void => {
    const indent = 2 + leftWidth + 2;
    // On a narrow screen the description goes under its key instead of beside it.
    if (width - indent < 20) {
      lines.push(`  ${left}`, ...wrap(what, Math.max(1, width - 6)).map((r) => `      ${r}`));
      return;
    }
    wrap(what, width - indent).forEach((r, i) => lines.push(i === 0 ? `  ${left.padEnd(leftWidth)}  ${r}` : ' '.repeat(indent) + r));
  };
  for (const [k, what] of keys) entry(k, keyWidth, what);
  lines.push('', 'Commands', '');
  for (const c of commands) entry(c.usage, usageWidth, c.help);
  lines.push('', 'A line starting with // sends a literal /.');
  for (const note of notes) lines.push(...wrap(note, Math.max(1, width)));
  lines.push('', 'Esc, F1 or q closes this help.');
  return lines;
}

export class HelpOverlay {
  private readonly box: blessed.Widgets.BoxElement;

  constructor(
    parent: blessed.Widgets.Screen,
    private readonly content: HelpContent = CHAT_HELP,
  ) {
    this.box = blessed.box({
      parent,
      top: 'center',
      left: 'center',
      width: '90%',
      height: '90%',
      label: ' fernchat help ',
      border: { type: 'line' },
      tags: true,
      hidden: true,
      scrollable: true,
      alwaysScroll: true,
      wrap: false,
      style: { border: { fg: 'cyan' } },
    });
  }

  get visible(): boolean {
    return !this.box.hidden;
  }

  show(): void {
    this.refill();
    this.box.setScroll(0);
    this.box.show();
    this.box.setFront();
  }

  hide(): void {
    this.box.hide();
  }

  /** Re-wraps the text for the box's current width (after a resize). */
  refill(): void {
    const inner = Math.max(1, (this.box.width as number) - 3);
    this.box.setContent(helpLines(inner, this.content).map(escapeTags).join('\n'));
  }

  scroll(rows: number): void {
    this.box.scroll(rows);
  }

  /** A key while the help is open: Esc, F1 or q close it; Up, Down, PgUp, PgDn scroll; others do nothing. */
  key(full: string): void {
    if (full === 'escape' || full === 'f1' || full === 'q') this.hide();
    else if (full === 'up') this.scroll(-1);
    else if (full === 'down') this.scroll(1);
    else if (full === 'pageup') this.scroll(-this.page);
    else if (full === 'pagedown') this.scroll(this.page);
  }

  /** Rows of one page, for PgUp/PgDn. */
  get page(): number {
    return Math.max(1, (this.box.height as number) - 3);
  }
}
