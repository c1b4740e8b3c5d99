import type { Address } from '../address/address.js';
import type { Bus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { ChatOptions } from '../config/chat-options.js';
import type { HistoryRecord } from '../history/record.js';

/** What the full-screen UI reads of the chat options: never the key. */
export type TuiOptions = Pick<ChatOptions, 'profileName' | 'nick' | 'wire' | 'ui' | 'debug' | 'saveSession'>;

/** The UI's share of the chat options, copied field by field so the key stays with the runner. */
export function tuiOptions(opts: ChatOptions): TuiOptions {
  const { profileName, nick, wire, ui, debug, saveSession } = opts;
  return { profileName, nick, wire, ui, debug, ...(saveSession !== undefined ? { saveSession } : {}) };
}

/** What a runner hands the full-screen UI (app/run-chat.ts, app/demo.ts). */
export interface TuiContext {
  bus: Bus;
  opts: TuiOptions;
  /** The actual bound address. */
  listen: Address;
  /** Current key fingerprint (then followed through key:rotated). */
  fingerprint: string;
  /** Current peer (then followed through peer:address). */
  peer: Address | null;
  /** Closes the transport; awaited (at most SHUTDOWN_GRACE_MS) before the terminal is restored. */
  shutdown: () => Promise<void>;
  /** Window title, e.g. 'fernchat demo'. */
  title?: string;
  /**
   * /save-profile NAME, /save-key FILE (app/save-as.ts): keep the key in use.
   * Returns the line to show; throws with a one-line message. Absent: the
   * commands say there is nothing to save (the demo).
   */
  saveAs?: (req: { kind: 'profile'; name: string; nick: string; peer: Address | null } | { kind: 'key-file'; file: string }) => string;
  /** Times of the lines the UI adds (system lines, day changes, /time); default the system clock. Tests inject one. */
  clock?: Clock;
  /** Starts the transport once the UI listens to the bus, so what starting says (the raw-wire notice, the peer address) reaches the screen. */
  start?: () => void;
  /** The profile's history, when it keeps one (app/run-chat.ts); absent: nothing is kept. */
  history?: TuiHistory;
}

/** What the UI sees of the history file: earlier records to show, and /history. */
export interface TuiHistory {
  /** The newest records of earlier sessions, oldest first: shown dimmed above "— history —". */
  restored: readonly HistoryRecord[];
  /** Problems met reading them, one line each (naming the file, never a message). */
  notes: readonly string[];
  /** /history (null), /history on, /history off: the line to show. */
  command(arg: 'on' | 'off' | null): string;
}
