import type { PendingKeySlot, PersistedKeys, WireMode } from '../bus.js';
import type { Address } from '../address/address.js';
import type { TransferSettings } from '../transfer/api.js';
import type { RoomSettings } from './room.js';

/**
 * Everything a chat needs, resolved from the profile and the command-line
 * flags by config/resolve.ts (flags win) for commands/chat.ts. The headless
 * mode and the demo start from this; the TUI gets its share without the key
 * (ui/context.ts's TuiOptions).
 */
export interface ChatOptions {
  /** Profile the options came from, or null for flags only. Rotated keys are saved to it. */
  profileName: string | null;
  nick: string;
  listen: Address;
  /** The peer, or null to wait for the first authenticated datagram (the peer's address is learned from it). */
  peer: Address | null;
  /** The 32-byte Fernet key. */
  key: Buffer;
  wire: WireMode;
  /** Allowed future skew of incoming Fernet timestamps, in seconds. */
  clockSkewS: number;
  /** Incoming tokens older than this are dropped, in seconds. */
  tokenTtlS: number;
  ui: UiPreferences;
  headless: boolean;
  /** Headless: one JSON object per received message. */
  json: boolean;
  /** Headless: at end of input, wait at most this long for acks, in seconds. */
  lingerS: number;
  /** Print stack traces. */
  debug: boolean;
  /** File transfer settings (config/files.ts), directories absolute and checked; absent: the defaults (app/session.ts). */
  files?: TransferSettings;
  /** The config directory: with a profile, unfinished transfers are kept in <configDir>/<profile>.transfers.json (transfer/records.ts); absent or null keeps them in memory only. */
  configDir?: string | null;
  /** False (--no-pmtu-probe): bulk datagrams stay at MAX_DATAGRAM_BYTES (1200), no path MTU search. Default true. */
  pmtuProbe?: boolean;
  /** Called with the new key (urlsafe base64) once this side uses it, to persist it (without saveKeys). Errors are reported, not thrown. */
  saveKey?: (key: string) => void;
  /** The profile's pendingKey (a rotation the last process did not finish), put back into the keyring (net/PROTOCOL.md, "Key rotation"). */
  pendingKey?: { key: string; slot: PendingKeySlot; accept?: string } | null;
  /** Writes `key` and `pendingKey` to the profile in one atomic write (ProfileStore.saveKeys); throws when it cannot. Preferred over saveKey. */
  saveKeys?: (keys: PersistedKeys) => void;
  /** The key file the key came from (--key-file): rotated keys are written back to it through saveKeys. */
  keyFile?: string | null;
  /**
   * /save-profile NAME: creates profile NAME from the session (refusing a
   * name that exists) and returns the writer for its later keys. Throws
   * with one line; the message never holds a key.
   */
  saveAsProfile?: (name: string, s: { nick: string; peer: Address | null; listenPort: number; keys: PersistedKeys }) => (keys: PersistedKeys) => void;
  /** Called by /save with the current nick and peer. */
  saveSession?: (s: { nick: string; peer: Address | null }) => void;
  /** Where to keep the conversation (app/history-keeper.ts): set only for a profile with history on; absent or null keeps nothing. */
  history?: HistoryTarget | null;
  /**
   * Set for a room profile only (#15): the room's name, this member's id,
   * the contacts to knock on first, the invites this member issued and the
   * one it joined with (config/room.ts); `key` is then the room key.
   * Absent: a 1:1 chat. The headless room mode (app/room-headless.ts) and
   * the room screen (app/room-tui.ts) run a room; commands/send.ts refuses
   * `send` (roomRefusal).
   */
  room?: RoomSettings;
}

/** A profile's history file and its cap (src/history). */
export interface HistoryTarget {
  /** The history directory (history/paths.ts resolveHistoryDir). */
  dir: string;
  /** The profile whose conversation it is: the file is PROFILE.history.jsonl. */
  profile: string;
  /** The file's cap, in bytes. */
  maxBytes: number;
}

export interface UiPreferences {
  /** Chat pane scrollback, in lines. */
  scrollback: number;
  /** Ring the bell on a new message while scrolled up. */
  bell: boolean;
  /** Set the terminal title on a new message while scrolled up. */
  title: boolean;
  /** Enable mouse reporting (off by default: a dropped ssh session would leave it on). */
  mouse: boolean;
  /** Terminal type override (for blessed's terminfo lookup), or null for $TERM. */
  term: string | null;
  /** Show seconds in timestamps. */
  seconds: boolean;
}
