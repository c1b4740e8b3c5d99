/**
 * Every timing and limit of fernchat, in one place, with units.
 *
 * Split as wireguard-go's device/constants.go is: protocol constants (both
 * peers must agree on them; changing one is a wire change) and implementation
 * constants (local policy; each side may differ). The Fernet format's own
 * facts are the spec's, in crypto/format.ts; the rotation's HKDF label is in
 * crypto/rotation-kdf.ts.
 */

// ---------------------------------------------------------------- protocol

/** Frame format version carried in every reliable-mode frame (3: bulk streams, control messages and PMTU probes; 2 added pack frames and the message kind byte). */
export const FRAME_VERSION = 3;
/** Largest UDP datagram fernchat sends, in bytes (a Fernet token, base64url text). */
export const MAX_DATAGRAM_BYTES = 1200;
/**
 * Largest datagram accepted, in bytes: the largest UDP payload over IPv4
 * (65,535 − 8 UDP − 20 IP header bytes). Far above MAX_DATAGRAM_BYTES on
 * purpose: a raw Python peer encrypts a whole message into one token of any
 * size, and its long lines must still be read. Only a datagram no UDP socket
 * could carry is dropped before any crypto runs.
 */
export const MAX_ACCEPTED_DATAGRAM_BYTES = 65_507;
/** Replay window width, in sequence numbers (WireGuard uses 8192 - 64). */
export const REPLAY_WINDOW_SIZE = 8192;
/** Largest message the reliable wire carries, in bytes of UTF-8 (pastes of 1 MiB fit with room). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Longest nick on the wire (hello/ping/pong payloads and message bodies), in bytes of UTF-8. */
export const MAX_NICK_BYTES = 64;

// ---------------------------------------------------------- implementation

/** Initial retransmission timeout before any RTT sample, in ms (RFC 6298 says 1 s). */
export const RTO_INITIAL_MS = 1000;
/** Floor of the retransmission timeout, in ms (RFC 6298 says 1 s; loopback and LANs want less, as mosh does). */
export const RTO_MIN_MS = 50;
/** Ceiling of the retransmission timeout after backoff, in ms. */
export const RTO_MAX_MS = 10_000;
/** RFC 6298 smoothing gains. */
export const RTT_ALPHA = 1 / 8;
export const RTT_BETA = 1 / 4;
/** RFC 6298 K: RTO = SRTT + K * RTTVAR. */
export const RTT_K = 4;
/** Clock granularity G of RFC 6298, in ms. */
export const RTT_GRANULARITY_MS = 1;

/** Delay before a standalone ack is sent when no data frame can carry it, in ms. */
export const ACK_DELAY_MS = 20;
/**
 * At the end of a receive batch, ack at once when this many data frames wait
 * for one. A sender streaming a full window would otherwise stall on the
 * delayed ack (256 frames per ACK_DELAY_MS + RTT caps it near 12,000 msg/s),
 * while acking every frame would double the crypto work of both sides.
 */
export const ACK_EVERY_DATA_FRAMES = 8;
/** Keepalive interval while idle, in ms. */
export const KEEPALIVE_INTERVAL_MS = 3_000;
/** The peer counts as offline after this long without an authenticated datagram, in ms. */
export const PEER_TIMEOUT_MS = 10_000;
/** With no authenticated datagram from the configured peer this long after start, the user is told once what to check, in ms. */
export const PEER_SILENCE_HINT_MS = 15_000;
/** Keepalive interval while the peer is offline (probing, slower), in ms. */
export const OFFLINE_PROBE_INTERVAL_MS = 5_000;
/** Most time close() waits for the peer to answer our bye (the bye carries our last acks; it is resent each RTO meanwhile), in ms. */
export const BYE_LINGER_MS = 1_000;
/**
 * The bye linger, in ms, when the peer does not look online (offline, or not
 * heard lately): it may be gone, or only slow to answer (a starved process
 * marks a live peer offline). A few copies still go out, so one lost
 * datagram does not leave the peer waiting out its own linger for our acks.
 */
export const BYE_LINGER_UNSURE_MS = 250;
/** Fewest bye copies sent within the linger while unanswered (a slow RTO must not leave one lossy chance). */
export const BYE_ATTEMPTS_MIN = 8;

/** Most frames in flight (sent, unacked) at once. */
export const SEND_WINDOW_FRAMES = 256;
/** Most messages queued for the peer (sent by the user, not yet acked). Past this, send fails with a queue-full event. */
export const SEND_QUEUE_MAX_MESSAGES = 1_000;
/** Most bytes queued for the peer, in bytes of UTF-8. */
export const SEND_QUEUE_MAX_BYTES = 16 * 1024 * 1024;
/**
 * Control messages (file transfer's, a room's hello and member list) may queue past a queue full of chat lines by
 * this many messages and bytes: a control refused there is lost for good (a room link would never be bound).
 */
export const SEND_QUEUE_CONTROL_RESERVE = 64;
/** The control reserve's bytes (a room's member list is up to 96 K characters), in bytes of UTF-8. */
export const SEND_QUEUE_CONTROL_RESERVE_BYTES = 4 * 1024 * 1024;
/** Most fragments a receiver buffers out of order before dropping new ones. */
export const RECV_BUFFER_MAX_FRAMES = 4096;
/** Most selective-ack ranges in one frame. */
export const MAX_SACK_RANGES = 16;
/**
 * A fragment not SACKed although a copy sent this many transmissions after it
 * already arrived counts as lost and is resent without waiting for its timer
 * (TCP's dupthresh; reordering by fewer transmissions than this is tolerated).
 */
export const FAST_RETRANSMIT_REORDER_FRAMES = 3;
/** Peer session ids remembered after the peer restarted, so a replayed datagram of an old session cannot fake a restart. */
export const RETIRED_SESSIONS_MAX = 16;
/** Most connections (peers) one endpoint, one UDP port, serves: a room's size. */
export const ENDPOINT_CONNECTIONS_MAX = 16;
/** Raw mode replay cache: most token HMACs remembered (each for the token TTL + clock skew). */
export const RAW_REPLAY_CACHE_MAX = 65_536;

/** Default allowed Fernet timestamp skew (future), in seconds. */
export const DEFAULT_CLOCK_SKEW_S = 120;
/** Default Fernet TTL for incoming tokens, in seconds (old tokens are replays or a badly wrong clock). */
export const DEFAULT_TOKEN_TTL_S = 600;

/** Datagrams from the peer's address failing authentication within AUTH_FAILURE_WINDOW_MS that make one warning (net/auth-failures.ts). */
export const AUTH_FAILURE_THRESHOLD = 3;
/** The window those failures must fall in, in ms. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** At most one such warning this often, in ms. */
export const AUTH_FAILURE_QUIET_MS = 60_000;
/** A rotation attempt gives up after this long without agreement, in ms. */
export const ROTATION_TIMEOUT_MS = 10_000;
/** Retransmit interval for rotation frames, in ms. */
export const ROTATION_RETRY_MS = 500;
/** A responder whose accept went unconfirmed repeats it this often, until the initiator aborts or confirms, in ms. */
export const ROTATION_UNCONFIRMED_RETRY_MS = 5_000;
/** How long the previous key stays accepted after a rotation, in ms. */
export const KEY_GRACE_MS = 60_000;

/** Most datagrams processed in one event-loop turn; the rest wait for setImmediate, so a flood cannot starve the UI. */
export const RECV_BATCH_MAX = 64;
/** Most datagrams buffered for processing before new ones are dropped (flood guard). */
export const RECV_QUEUE_MAX = 4096;
/** Kernel receive and send buffer asked for the UDP socket, in bytes (best effort: Linux caps it at net.core.rmem_max / wmem_max). Loopback bursts of thousands of datagrams overflow the ~208 KiB default. */
export const UDP_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/** Simulated links (MemoryNetwork, the chaos proxy): a datagram held back to reorder it is released after the next datagram on its link, or after this long at most, in ms. */
export const REORDER_HOLD_MAX_MS = 20;

/** Default chat pane scrollback, in lines. */
export const DEFAULT_SCROLLBACK_LINES = 100_000;
/** Bounds for a configured scrollback, in lines. */
export const MIN_SCROLLBACK_LINES = 100;
export const MAX_SCROLLBACK_LINES = 1_000_000;
/** Input history kept, in entries. */
export const INPUT_HISTORY_MAX = 500;
/** A paste longer than this many bytes asks for confirmation before it is sent. */
export const PASTE_CONFIRM_BYTES = 64 * 1024;
/** A paste of more than this many lines asks for confirmation. */
export const PASTE_CONFIRM_LINES = 50;
/** A bracketed paste whose end marker never comes is released in pieces of at most this many bytes (UTF-8), bounding memory. */
export const PASTE_MAX_BYTES = MAX_MESSAGE_BYTES;
/** Input silence after which an unterminated bracketed paste is released as it is (PasteParser.flush), in ms. */
export const PASTE_END_TIMEOUT_MS = 1_000;
/** Input silence after which a held-back partial escape sequence (a lone Esc key) is passed on as keys (PasteParser.flush), in ms. */
export const KEY_PREFIX_TIMEOUT_MS = 30;
/** A tab in displayed text advances to the next multiple of this, in columns. */
export const TAB_STOP_COLUMNS = 4;
/** Past this many columns of a line, a tab in displayed text is one space (a tab-heavy message cannot grow fourfold), in columns. */
export const TAB_EXPAND_MAX_COLUMNS = 256;
/** Chat lines whose wrapped rows the pane keeps cached; others are re-wrapped when scrolled into view. */
export const PANE_ROW_CACHE_LINES = 4_096;
/** Most wrapped rows the pane keeps cached, all lines together (each row is at most a screen width), in rows. */
export const PANE_ROW_CACHE_ROWS = 16_384;
/** Most text the pane holds, all lines together, in UTF-16 code units (the oldest lines go first; at least the newest line stays). */
export const PANE_TEXT_MAX_CHARS = 32 * 1024 * 1024;
/** A message longer than a screenful is folded to this many rows at least (its first rows, then "… N more lines"), in rows. */
export const PANE_FOLD_MIN_ROWS = 6;
/** ... and at most this many rows, however tall the terminal, in rows. */
export const PANE_FOLD_MAX_ROWS = 200;
/** A folded message is sanitized and wrapped from a prefix of rows × columns × 2 plus this, in code units (doubled while too short). */
export const PANE_FOLD_PREFIX_SLACK_CHARS = 1_024;
/** A peer message is searched for our nick (bell, title) in its first this-many characters, in UTF-16 code units. */
export const MENTION_SCAN_CHARS = 65_536;
/** The pager (Ctrl-O) remembers where every this-many-th row of a message starts, so any window is at most this many rows of wrapping away, in rows. */
export const PAGER_CHECKPOINT_ROWS = 64;
/** Link stats are published on the bus at most this often, in ms. */
export const STATS_INTERVAL_MS = 1_000;
/** Link samples the F2 dashboard keeps for its charts: 5 minutes at one per STATS_INTERVAL_MS, in samples. */
export const DASHBOARD_HISTORY_SAMPLES = 300;
/** Key rotations (and failed ones) the F2 dashboard lists, newest first, in entries. */
export const DASHBOARD_ROTATIONS = 8;
/** Screen renders are coalesced to at most one per this interval, in ms. */
export const RENDER_INTERVAL_MS = 16;
/** Leaving the UI (quit, SIGTERM, SIGHUP) waits at most this long for the transport to say bye and close, in ms; on a signal the terminal is restored before the wait. */
export const SHUTDOWN_GRACE_MS = 1_000;

/** Default UDP port. */
export const DEFAULT_PORT = 7755;
/** Default listen host. */
export const DEFAULT_LISTEN_HOST = '0.0.0.0';
/** Headless: most messages handed to the transport and not yet acknowledged; later lines wait (below SEND_QUEUE_MAX_MESSAGES). */
export const HEADLESS_IN_FLIGHT_MAX = 500;
/** Headless: stdin is paused while this many read lines wait for the transport, in lines. */
export const HEADLESS_BACKLOG_PAUSE_LINES = 10_000;
/** Default headless linger at end of input, in seconds. */
export const DEFAULT_LINGER_S = 30;
/** Longest headless linger accepted, in seconds. */
export const MAX_LINGER_S = 3_600;
/** Largest configurable clock skew, in seconds (a day: beyond that, fix the clock). */
export const MAX_CLOCK_SKEW_S = 86_400;
/** Largest configurable token TTL, in seconds. */
export const MAX_TOKEN_TTL_S = 86_400;
/** Longest nick, in characters (code points); the wire carries at most MAX_NICK_BYTES of it. */
export const MAX_NICK_CHARS = 32;
/** Longest profile name, in characters. */
export const MAX_PROFILE_NAME_CHARS = 32;

// -- config: room profiles and room invites (#15; src/config/room*.ts, src/commands/room.ts)
/** Longest room name, in characters (code points); its UTF-8 form must also fit an invite's length byte (255 bytes). */
export const MAX_ROOM_NAME_CHARS = 64;
/** A room invite is valid this long unless --expires says otherwise, in seconds (24 h). */
export const DEFAULT_ROOM_INVITE_S = 86_400;
/** Shortest --expires, in seconds (a minute: less cannot reach anyone by hand). */
export const MIN_ROOM_INVITE_S = 60;
/** Longest --expires, in seconds (30 days: a room code holds the room key; it should not lie around for longer). */
export const MAX_ROOM_INVITE_S = 30 * 86_400;
/** A joiner refuses a code whose expiry lies further ahead than MAX_ROOM_INVITE_S plus this (the inviter's clock runs ahead, or the code was forged), in ms. */
export const ROOM_INVITE_CLOCK_SLACK_MS = 86_400_000;
/** Unexpired invites a room profile keeps (expired ones are dropped at every new invite); past this, invite refuses. */
export const ROOM_INVITES_MAX = 64;
/** Bootstrap contacts a room profile keeps (the inviter's address for a joiner), in addresses. */
export const ROOM_CONTACTS_MAX = 16;

/** History (src/history): a profile that keeps it caps its file at this size by default, in bytes (--history-max). */
export const DEFAULT_HISTORY_MAX_BYTES = 10 * 1024 * 1024;
/** Bounds for a profile's history cap, in bytes. */
export const MIN_HISTORY_MAX_BYTES = 64 * 1024;
export const MAX_HISTORY_MAX_BYTES = 1024 * 1024 * 1024;
/** When the history file passes its cap it is rewritten keeping its newest records, at most this fraction of the cap (so it is not rewritten again at the next message). */
export const HISTORY_KEEP_FRACTION = 1 / 2;
/** History records shown dimmed above "— history —" when the full-screen chat starts, in records. */
export const HISTORY_RESTORE_RECORDS = 200;
/** The tail of a history file is read back from its end in pieces of this size at first (then 4× larger each time), in bytes. */
export const HISTORY_READ_CHUNK_BYTES = 64 * 1024;
/** A rotation's temp file older than this was left by a kill in the middle of one and is removed; a younger one is another session's rotation in progress, in ms. */
export const HISTORY_TEMP_STALE_MS = 10_000;

// ------------------------------------------------------------ file transfer (#14)
// Each part owns its block below; keep additions inside your block.

// -- net: bulk streams, congestion control, PMTU (src/net/bulk-*.ts, congestion.ts, pacer.ts, pmtu.ts)
/** A writer keeps at most this many bytes of an outgoing bulk stream written and not yet acknowledged. */
export const BULK_SEND_BUFFER_BYTES = 8 * 1024 * 1024;
/** A receiver lets the sender run this far ahead of what it has written to disk, per stream, in bytes (QUIC's MAX_STREAM_DATA). */
export const BULK_RECV_WINDOW_BYTES = 8 * 1024 * 1024;
/** Most bulk packet-number ranges a receiver remembers and reports in one bulk-ack, newest first (older ones are forgotten). */
export const BULK_ACK_RANGES_MAX = 32;
/** Most per-stream credits (stream, max offset) in one bulk-ack. */
export const BULK_ACK_CREDITS_MAX = 16;
/** Most bulk streams open at once per direction on one connection. */
export const BULK_STREAMS_MAX = 64;
/** A bulk-ack goes out this long after bulk data arrived, unless the end of the receive batch sent one first, in ms (QUIC's max_ack_delay is 25). */
export const BULK_ACK_DELAY_MS = 10;
/** At the end of a receive batch, a bulk-ack is sent at once when this many bulk packets wait for one. */
export const BULK_ACK_EVERY_PACKETS = 2;
/** …or at once when this many bulk bytes wait, in bytes: with a large path MTU one datagram is enough (RFC 9000 §13.2.1 lets a receiver ack more often). */
export const BULK_ACK_EVERY_BYTES = 16 * 1024;
/** A receive stream's credit is announced at once when it grew by this fraction of BULK_RECV_WINDOW_BYTES since the last announcement. */
export const BULK_CREDIT_UPDATE_FRACTION = 1 / 8;
/** While a receive stream waits for data it is owed, its credit is repeated after this long (doubling up to BULK_CREDIT_REPEAT_MAX_MS): a lost credit must not stall the stream, in ms. */
export const BULK_CREDIT_REPEAT_MS = 200;
/** Ceiling of the credit repeat backoff, in ms. */
export const BULK_CREDIT_REPEAT_MAX_MS = 2_000;
/** RFC 9002 kPacketThreshold: a bulk packet is lost when one sent this many packet numbers later was acknowledged. */
export const BULK_LOSS_PACKET_THRESHOLD = 3;
/** RFC 9002 kTimeThreshold: ... or when it was sent this many RTTs (max of smoothed and latest) before an acknowledged one. */
export const BULK_LOSS_TIME_THRESHOLD = 9 / 8;
/** RFC 9002 kGranularity: the least loss delay, in ms. */
export const BULK_LOSS_GRANULARITY_MS = 1;
/** RFC 9002 kInitialRtt: the RTT assumed for bulk loss detection and PTO before any sample, in ms. */
export const BULK_INITIAL_RTT_MS = 333;
/** Ceiling of the bulk probe timeout after backoff, in ms. */
export const BULK_PTO_MAX_MS = 10_000;
/**
 * Consecutive bulk probe timeouts that count as persistent congestion (RFC 9002 §7.6): two PTOs in a row
 * span about three PTO periods with nothing acknowledged, RFC 9002's kPersistentCongestionThreshold; the
 * window goes back to its minimum.
 */
export const BULK_PERSISTENT_CONGESTION_PTOS = 2;
/** Consecutive bulk probe timeouts after which the path MTU search is told of a black hole (RFC 8899 §4.3). */
export const BULK_BLACK_HOLE_PTOS = 3;
/** Most bulk datagrams one pump sends (the window and the pacer decide; this bounds one event's work), in datagrams. */
export const BULK_DATAGRAMS_PER_PUMP = 256;
/** Most bytes of datagrams buffered for processing (with RECV_QUEUE_MAX datagrams): bulk datagrams can be 64 KiB each, and a flood of them must not hold 4096 × 64 KiB, in bytes. */
export const RECV_QUEUE_MAX_BYTES = 32 * 1024 * 1024;

// -- transfer service (src/transfer/)
/** `transfer:update` progress events come at most this often per transfer, in ms (state changes always come at once). */
export const TRANSFER_PROGRESS_INTERVAL_MS = 250;
/** Offers larger than this are declined at once unless the profile says otherwise (files.maxFileSize, --max-file-size), in bytes. */
export const DEFAULT_TRANSFER_MAX_FILE_BYTES = 16 * 1024 ** 3;
/** The sender reads the file in pieces of this size (each one bulk:write), in bytes. */
export const TRANSFER_READ_CHUNK_BYTES = 256 * 1024;
/** The receiver writes what arrived in batches of at most this size (one write call), in bytes. */
export const TRANSFER_WRITE_BATCH_BYTES = 1024 * 1024;
/** Most transfers a process keeps that have not ended (both directions); an offer past it is declined. */
export const TRANSFER_ACTIVE_MAX = 32;
/** The rate shown is over this trailing window, in ms. */
export const TRANSFER_RATE_WINDOW_MS = 4_000;
/** The longest file name the receiver keeps, in UTF-8 bytes (a longer one is cut, keeping its extension): most file systems allow 255, and `.part` and ` (99)` must fit. */
export const TRANSFER_NAME_MAX_BYTES = 200;
/** The longest control message the service accepts (an offer with a 200-byte name is far below), in characters. */
export const TRANSFER_CONTROL_MAX_CHARS = 2_048;

// -- net: congestion control, pacing, path MTU (src/net/congestion.ts, pacer.ts, pmtu.ts; RFC 9002 §7, RFC 8899)
/** NewReno's initial window, in datagrams of the current size (RFC 9002 §7.2: min(10·size, max(14720, 2·size))). */
export const CC_INITIAL_WINDOW_DATAGRAMS = 10;
/** …and the byte floor of that formula. */
export const CC_INITIAL_WINDOW_FLOOR_BYTES = 14_720;
/** The window never falls below this many datagrams (RFC 9002 kMinimumWindow). */
export const CC_MINIMUM_WINDOW_DATAGRAMS = 2;
/** A loss halves the window (RFC 9002 kLossReductionFactor). */
export const CC_LOSS_REDUCTION = 0.5;
/** The window never grows past this, in bytes: more than the send buffer could ever put in flight. */
export const CC_MAXIMUM_WINDOW_BYTES = 64 * 1024 * 1024;
/** CUBIC's multiplicative decrease: a loss leaves this fraction of the window (RFC 9438 β_cubic). */
export const CUBIC_BETA = 0.7;
/** CUBIC's growth constant, in datagrams per second³ (RFC 9438 C). */
export const CUBIC_C = 0.4;
/** Pacing rate = this × window / smoothed RTT (RFC 9002 §7.7's N). */
export const PACING_GAIN = 1.25;
/** The pacer lets this many datagrams leave back to back… */
export const PACING_BURST_DATAGRAMS = 10;
/** …or what the rate carries in this many ms if that is more (the shell's timer cannot wake more often), in ms. */
export const PACING_TIMER_SLACK_MS = 2;
/** RTTs below this count as this when the pacer divides by them (ms clocks read loopback as 0), in ms. */
export const PACING_MIN_RTT_MS = 1;
/** The probe sizes tried first, in bytes of the whole datagram (Ethernet 1500, jumbo 9000, then loopback-sized), ascending. */
export const PMTU_CANDIDATES_BYTES: readonly number[] = [1_472, 8_972, 16_384, 32_768, 65_507];
/** After a candidate fails, the search halves the gap until it is smaller than this, in bytes. */
export const PMTU_SEARCH_STEP_BYTES = 512;
/** Probes of one size before it counts as too big (RFC 8899 MAX_PROBES). */
export const PMTU_MAX_PROBES = 3;
/** A probe unanswered this long is lost: the larger of this and 3 RTTs, in ms. */
export const PMTU_PROBE_TIMEOUT_MS = 500;
/** A finished search looks for a larger size again after this long (RFC 8899 PMTU_RAISE_TIMER), in ms. */
export const PMTU_RAISE_INTERVAL_MS = 600_000;

// -- ui: transfers in the full-screen chat (src/ui/transfer-*.ts, path-complete.ts)
/** Tab on `/send PATH` lists at most this many candidates on the hint row, then "… N more". */
export const PATH_COMPLETE_LISTED = 50;
/** A directory listed for Tab completion is read up to this many entries (a huge directory must not stall a keystroke). */
export const PATH_COMPLETE_MAX_ENTRIES = 10_000;
/** The room screen's member panel (F3) reads the RTTs and last-seen times again this often while it is open, in ms. */
export const ROOM_PANEL_REFRESH_MS = 1_000;
/** /leave in the room screen waits at most this long for our tombstone to be acknowledged before it closes, in ms. */
export const ROOM_LEAVE_FLUSH_MS = 2_000;

// ------------------------------------------------------------ rooms (#15)
/** Members in a room at most, this process included: the 17th is refused. */
export const ROOM_MEMBERS_MAX = 16;
/** Tombstones (kicked or departed members) a member list keeps, the newest; older ones are forgotten. */
export const ROOM_TOMBSTONES_MAX = 256;
/** A room rotation's leader commits to the members ready by then (the rest missed it), in ms. */
export const ROOM_ROTATION_TIMEOUT_MS = 10_000;
/** A follower gives up on a rotation this long after its offer: past the leader's deadline plus the commit's way to us, in ms. */
export const ROOM_ROTATION_FOLLOWER_TIMEOUT_MS = 2 * ROOM_ROTATION_TIMEOUT_MS;
/** Retired room keys (the ones before the last rotations) a running member keeps in memory, never on disk: a member that missed a rotation and comes back under one is told the key changed. */
export const ROOM_RETIRED_KEYS_MAX = 4;
/** How long a retired room key is kept for that, in ms. */
export const ROOM_RETIRED_KEY_MS = 24 * 60 * 60 * 1000;
/** Connections seated under a retired key at once (each only hears room:rekeyed, then closes): someone holding an old key cannot take more seats. */
export const ROOM_STALE_SEATS_MAX = 2;
/** Messages the room core holds for one offline member (no link bound); past it the oldest are dropped and counted as missed. */
export const ROOM_QUEUE_MAX = 1_000;
/** The longest room control message (room:hello with a full member list: 288 entries) accepted, in characters. */
export const ROOM_CONTROL_MAX_CHARS = 96 * 1024;
/** A seated member with an address and no link is dialled again this often, in ms (the link may have been lost, or never formed). */
export const ROOM_REDIAL_MS = 5_000;
/** The room wiring ticks its core at the core's nextDeadline(), but at least this long after a tick that left it unmoved, in ms (app/room-session.ts). */
export const ROOM_TICK_MS = 1_000;
/** The core closed a link: what it handed the connection (a refusal, the last list) may take this long to be acknowledged before the bye, in ms. */
export const ROOM_CLOSE_FLUSH_MS = 2_000;
/** Longest invite id carried in a room:hello, in characters. */
export const ROOM_INVITE_ID_MAX_CHARS = 64;
