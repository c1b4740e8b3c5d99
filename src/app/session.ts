/**
 * A chat session: the socket, the bus, the transport and the transfer
 * service, wired the same way for the headless mode, the TUI, `fernchat
 * send` and the demo.
 *
 * The transfer service starts before the transport (it must hear the
 * transport's first peer:state to re-offer unfinished transfers) and closes
 * before it (its files closed with what arrived; unfinished transfers stay
 * in the state file for the next start). On the raw wire it is there too:
 * it answers a transfer request with the raw-wire refusal.
 */
import { isIP } from 'node:net';
import os from 'node:os';
import { Bus, errorMessage, type PersistedKeys } from '../bus.js';
import type { ChatOptions } from '../config/chat-options.js';
import { encodeKey, fingerprint, parseKey } from '../crypto/keys.js';
import type { Clock } from '../clock.js';
import type { Address } from '../address/address.js';
import { pendingFromPersisted } from '../net/keyring.js';
import type { DatagramPort } from '../net/port.js';
import { Transport } from '../net/transport.js';
import { resolvePeer } from '../address/resolve.js';
import { bindUdp } from '../net/udp.js';
import { MAX_DATAGRAM_BYTES } from '../constants.js';
import { defaultDownloadDir } from '../config/files.js';
import { DEFAULT_FILES } from '../config/schema.js';
import { transfersStateFile } from '../transfer/records.js';
import { TransferService } from '../transfer/service.js';

export interface ChatSession {
  bus: Bus;
  transport: Transport;
  /** The file transfers (requests and facts go through the bus; views() lists them). */
  transfers: TransferService;
  /** The bound local address. */
  listen: Address;
  /** Starts the transport (only needed with deps.start = false). Idempotent. */
  start(): void;
  /** Closes the transport (best-effort bye, pending messages → message:failed) and the socket. Idempotent. */
  close(): Promise<void>;
  /** The keys as last persisted (key:persist), or as the session started: what /save-profile and /save-key keep. */
  keys(): PersistedKeys;
  /** From now on key:persist also goes through `save` (a profile or key file made by /save-profile, /save-key; each one kept); `where` names it in warnings. */
  persistTo(save: (keys: PersistedKeys) => void, where: string): void;
}

/**
 * Crash-safe key storage (src/net/PROTOCOL.md, "Key rotation"): the chat
 * command fills both from the profile. Without saveKeys the pending key of a
 * rotation lives in memory only (a --key session, the demo; with only
 * opts.saveKey the profile gets `key` and never `pendingKey`), so a process
 * killed inside a rotation may come back on another key than its peer.
 */
export type SessionKeys = Pick<ChatOptions, 'pendingKey' | 'saveKeys'>;

export interface SessionDeps {
  /** A port to use instead of binding a UDP socket (tests, the demo). */
  port?: DatagramPort;
  clock?: Clock;
  /** Default true. False: the caller subscribes to the bus first, then calls session.start() (to see what starting emits: peer:address, peer:state, the raw-wire info). */
  start?: boolean;
}

/**
 * Resolve the peer's host name once (unless a port is given), bind, create
 * the bus and the transport, persist rotated keys through opts.saveKey,
 * start. Rejects with PeerLookupError when the peer's host name does not
 * resolve, and with BindError when the socket cannot be bound (both one
 * line, fit for the user).
 *
 * The default listen address 0.0.0.0 cannot reach an IPv6 peer; when the peer
 * is an IPv6 literal we listen on '::' instead (dual stack: IPv4 peers still
 * reach us) and say so.
 */
export async function openSession(opts: ChatOptions & SessionKeys, deps: SessionDeps = {}): Promise<ChatSession> {
  if (deps.port === undefined && opts.peer !== null) opts = { ...opts, peer: await resolvePeer(opts.peer) };
  const widened = deps.port === undefined && opts.listen.host === '0.0.0.0' && opts.peer !== null && isIP(opts.peer.host) === 6;
  const port = deps.port ?? (await bindUdp(widened ? '::' : opts.listen.host, opts.listen.port));
  const bus = new Bus();
  const saver = keySaver(opts, bus);
  const offs = [bus.on('key:persist', saver.persist), bus.on('key:rotated', saver.rotated)];
  const transport = new Transport({
    bus,
    port,
    key: opts.key,
    pendingKey: pendingFromPersisted(opts.pendingKey),
    nick: opts.nick,
    wire: opts.wire,
    peer: opts.peer,
    clockSkewS: opts.clockSkewS,
    tokenTtlS: opts.tokenTtlS,
    ...(opts.pmtuProbe === false ? { maxBulkDatagramBytes: MAX_DATAGRAM_BYTES } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const files = opts.files ?? {
    downloadDir: defaultDownloadDir(os.homedir(), process.cwd()),
    acceptDir: null,
    maxFileBytes: DEFAULT_FILES.maxFileSize,
  };
  const configDir = opts.configDir ?? null;
  const transfers = new TransferService({
    bus,
    wire: opts.wire,
    stateFile: configDir !== null && opts.profileName !== null ? transfersStateFile(configDir, opts.profileName) : null,
    ...files,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  let closing: Promise<void> | null = null;
  let started = false;
  const session: ChatSession = {
    bus,
    transport,
    transfers,
    listen: port.address(),
    start: () => {
      if (started) return;
      started = true;
      if (widened) bus.emit('error', { severity: 'info', message: `listening on [::]:${session.listen.port} (IPv4 and IPv6) to reach the IPv6 peer` });
      transfers.start();
      transport.start();
    },
    close: () => {
      closing ??= transfers
        .close()
        .catch((err: unknown) => bus.emit('error', { severity: 'warning', message: `file transfers: ${errorMessage(err)}` }))
        .then(() => transport.close())
        .finally(() => {
          for (const off of offs) off();
        });
      return closing;
    },
    keys: () => saver.keys(),
    persistTo: (save, where) => saver.persistTo(save, where),
  };
  if (deps.start ?? true) session.start();
  return session;
}

/**
 * Writes every key:persist to the profile at once (synchronously: it comes
 * before the frames that depend on it), through opts.saveKeys, else the key
 * alone through opts.saveKey. Never puts a key in a message. Warnings wait a
 * microtask, so they follow the "key rotated" line of every other listener
 * instead of preceding it.
 */
function keySaver(
  opts: ChatOptions & SessionKeys,
  bus: Bus,
): {
  persist: (keys: PersistedKeys) => void;
  rotated: (e: { newFingerprint: string }) => void;
  keys: () => PersistedKeys;
  persistTo: (save: (keys: PersistedKeys) => void, where: string) => void;
} {
  const warn = (message: string): void => queueMicrotask(() => bus.emit('error', { severity: 'warning', message }));
  let where = opts.keyFile != null ? `key file ${opts.keyFile}` : `profile ${opts.profileName ?? '(none)'}`;
  const adopted: Array<(keys: PersistedKeys) => void> = [];
  let savedKey = encodeKey(opts.key);
  let latest: PersistedKeys = { key: savedKey, pendingKey: opts.pendingKey ?? null };
  const failed = (keys: PersistedKeys, previous: string, err: unknown): void => {
    const why = `could not be saved to ${where}: ${errorMessage(err)}`;
    if (keys.pendingKey !== null) {
      warn(
        `the unfinished key rotation ${why} — if fernchat stops before the rotation completes, the two sides may come back on different keys; fix the problem, then /rotate again while both sides are connected`,
      );
    } else if (keys.key === previous) {
      // A rotation that failed or was reverted: the key in use is the one we had, not a new one.
      warn(`the key in use (${fingerprint(parseKey(keys.key))}) ${why}; fix the problem before quitting, or keep it with /save-key FILE`);
    } else {
      warn(
        `the new key (${fingerprint(parseKey(keys.key))}) ${why} — it is in use for this session only; keep it with /save-profile NAME or /save-key FILE, or fix the problem, then /rotate again while both sides are connected`,
      );
    }
  };
  const saved = (): boolean => opts.saveKeys !== undefined || opts.saveKey !== undefined || adopted.length > 0;
  return {
    persist: (keys) => {
      const previous = latest.key;
      latest = keys;
      try {
        if (opts.saveKeys !== undefined) opts.saveKeys(keys);
        else if (opts.saveKey !== undefined && keys.key !== savedKey) opts.saveKey(keys.key);
        for (const save of adopted) save(keys);
        savedKey = keys.key;
      } catch (err) {
        failed(keys, previous, err);
      }
    },
    rotated: ({ newFingerprint }) => {
      if (saved()) return;
      warn(
        `the new key (${newFingerprint}) is used for this session only (it came from --key or FERNCHAT_KEY, not a profile or key file): keep it with /save-profile NAME or /save-key FILE, or a restart goes back to the old key`,
      );
    },
    keys: () => latest,
    persistTo: (save, name) => {
      adopted.push(save);
      where = name;
    },
  };
}
