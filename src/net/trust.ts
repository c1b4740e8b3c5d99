import type { FrameType } from './frame.js';
import { isDataKind, isRotationFrame } from './frame.js';
import type { KeySlot } from './keyring.js';

/**
 * The trust rules of the receive path, written once (PROTOCOL.md "Trust
 * table" is the same table in prose). Every state change an authenticated
 * datagram can cause is named here with the key slot, session and address
 * that may cause it; connection.ts asks and obeys, and decides nothing of its
 * own. Pure.
 *
 * Everyone who ever held a key can make tokens under it, so the key slot is
 * the first question: a thief who copied the config file before a rotation
 * holds the previous key. Nothing under it may change what the current key
 * protects:
 *
 *   slot      when                          may
 *   ────────  ────────────────────────────  ─────────────────────────────────
 *   current   always (session rules apply)  deliver, ack, adopt, roam,
 *   next      always (session rules apply)    advance, rotate (next promotes)
 *   previous  our rotation is committed and  learn: set an unknown address or
 *             the peer has not proven the     correct a guessed one; nothing
 *             new key (it may not have        else (not rot-* frames)
 *             switched yet)
 *   previous  otherwise                     nothing: dropped as 'old-key'
 *
 * Powers, per frame:
 *   deliver  hand its data up (data, pack and bulk frames, addressed to our session)
 *   ack      apply its cumulative ack and SACK to our send window (and a
 *            bulk-ack's ranges and credits to our bulk streams)
 *   adopt    make its sender the peer session (first contact or restart)
 *   roam     move the peer address to its source (mayRoam says when)
 *   advance  move the replay window's top to its packet number
 *   rotate   reach the rotation machine (rot-* frames, and the slot proof
 *            every frame carries: promote next, complete a committed rotation)
 *   learn    only set an unknown peer address or correct a guessed one
 *
 * Why a previous-key frame of the current session gets nothing, not even
 * "deliver and ack below the first packet the peer sent under the new key":
 * a lost datagram leaves a gap in the replay window below that limit, and a
 * thief with the old key could fill it with a forged message or a
 * cumulative ack (a lost message shown as delivered). The peer resends such
 * frames under the new key anyway, so refusing them costs one retransmission
 * when a frame is reordered across the switch. And why the committed window
 * keeps `learn`: an initiator restarted mid-rotation without --peer knows no
 * address, and its peer, not yet switched, speaks the old key; without it
 * the two would never meet. The worst a thief does there is point a guessed
 * address at itself until the real peer's next frame corrects it; it reads
 * nothing (we send under the new key) and cannot roll the rotation back
 * (the rotation machine never sees a previous-key frame).
 */

/** What an accepted frame may change. Constant objects: asked once per datagram. */
export interface Rights {
  readonly deliver: boolean;
  readonly ack: boolean;
  readonly adopt: boolean;
  readonly roam: boolean;
  readonly advance: boolean;
  readonly rotate: boolean;
  readonly learn: boolean;
}

/** Frame kinds as the table distinguishes them. */
export type FrameKind = 'data' | 'control' | 'rotation';

/** data: chat fragments (data, pack) and bulk chunks; rotation: rot-*; control: the rest (bulk-ack, probe, probe-ack among them). */
export function frameKind(type: FrameType): FrameKind {
  if (isDataKind(type)) return 'data';
  return isRotationFrame(type) ? 'rotation' : 'control';
}

export interface TrustInput {
  slot: KeySlot;
  type: FrameType;
  /** Our keyring holds the previous key as pending: our rotation is committed and the peer has not proven the new key. */
  committedUnproven: boolean;
}

const FULL: Rights = Object.freeze({ deliver: true, ack: true, adopt: true, roam: true, advance: true, rotate: true, learn: false });
const CONTROL: Rights = Object.freeze({ ...FULL, deliver: false });
/** The committed window's previous-key rights (see above). */
export const LEARN_ONLY: Rights = Object.freeze({ deliver: false, ack: false, adopt: false, roam: false, advance: false, rotate: false, learn: true });

/** The table, for tests and PROTOCOL.md: rights by slot and kind outside the committed window. Null: dropped. */
export const TRUST_TABLE: Readonly<Record<KeySlot, Readonly<Record<FrameKind, Rights | null>>>> = Object.freeze({
  current: Object.freeze({ data: FULL, control: CONTROL, rotation: CONTROL }),
  next: Object.freeze({ data: FULL, control: CONTROL, rotation: CONTROL }),
  previous: Object.freeze({ data: null, control: null, rotation: null }),
});

/** What this authenticated frame may do, or null: drop it as 'old-key'. */
export function judge(i: TrustInput): Rights | null {
  const kind = frameKind(i.type);
  if (i.slot !== 'previous') return TRUST_TABLE[i.slot][kind];
  return i.committedUnproven && kind !== 'rotation' ? LEARN_ONLY : null;
}

/**
 * A room's connection (ConnectionOptions.roomKeys): its keys are the room's,
 * set by the room's rotation (room/rotation.ts) on every connection at once.
 * The 1:1 rotation frames (rot-*) would make a key for this pair alone and
 * split it from the room: they are refused ('refused'), whatever the slot.
 * Every other frame is judged as above: a frame under `next` still promotes
 * it (the room's new key, installed by setNextKey).
 */
export function refusedInRoom(roomKeys: boolean, type: FrameType): boolean {
  return roomKeys && isRotationFrame(type);
}

/** The `learn` right at work: set when there is no address, correct it when it is only a guess; never move a configured or confirmed one. */
export function mayLearn(hasPeer: boolean, addressLearned: boolean): boolean {
  return !hasPeer || addressLearned;
}

/** Raw text (no frame) under a slot: only current and next are read; a raw peer cannot rotate, so previous is a thief's. */
export function rawAllowed(slot: KeySlot): boolean {
  return slot !== 'previous';
}

export interface RoamInput {
  /** A peer address is set at all. */
  hasPeer: boolean;
  /** That address was learned from an unproven frame (not configured, not yet confirmed by a frame to us). */
  addressLearned: boolean;
  /** The frame is addressed to our session. */
  toUs: boolean;
  /** The frame's receiver is all zero (the peer does not know us yet). */
  receiverUnknown: boolean;
  /** The frame carries the newest packet number of its session (mosh: only the newest moves the peer). */
  newest: boolean;
  /** The frame's session replaced a proven one by the ts rule. */
  vetted: boolean;
}

/**
 * May this authenticated, fresh frame (its rights include roam) move the
 * peer address? Only the newest packet of its session moves it. A frame to
 * us does; a frame to a session of ours that is gone is a recording from
 * before our start and does not — unless the address itself is only a guess
 * (learned from an unproven frame): then any fresh frame corrects it, or a
 * side restarted without --peer would answer a replayer for good while the
 * real peer, still writing to our old session, could never win it back. A
 * hello (receiver unknown) moves it from a vetted restart.
 */
export function mayRoam(i: RoamInput): boolean {
  if (!i.hasPeer) return true;
  if (!i.newest) return false;
  if (i.toUs || i.addressLearned) return true;
  return i.receiverUnknown && i.vetted;
}

export interface RawRoamInput {
  /** A peer address is set at all. */
  hasPeer: boolean;
  /** The peer speaks raw text only (our raw wire, or a peer that never sent a frame). */
  rawPeer: boolean;
  /** The token's Fernet timestamp, in s. */
  tokenTs: number;
  /** This process started at, in s (floor). */
  startedS: number;
  /** Newest Fernet timestamp of a raw token accepted so far, in s (0: none). */
  newestTs: number;
}

/**
 * May raw text move the peer address? Raw tokens carry no session and no
 * packet number, and a new process remembers no token it saw before, so a
 * recording replayed after a restart would otherwise move the peer. Rule:
 * first contact sets it; after that only a raw-speaking peer's token that was
 * made after this process started (Fernet timestamp, whole seconds, later
 * than our start second) and is no older than the newest raw token accepted.
 * Residual: with the peer's clock ahead of ours by d seconds, a recording of
 * its last d seconds before our start passes; a live token copied and raced
 * from elsewhere can pass too (as on any wire without sessions).
 */
export function mayRoamRaw(i: RawRoamInput): boolean {
  if (!i.hasPeer) return true;
  if (!i.rawPeer) return false;
  return i.tokenTs > i.startedS && i.tokenTs >= i.newestTs;
}

export interface StrangerInput {
  /** The endpoint has an accept policy (a room); without one nothing is a stranger (the 1:1 rules). */
  policy: boolean;
  /** The key slot it opened under: a connection's, or current for the policy's own keys (the room key). */
  slot: KeySlot;
  /** A frame: the plaintext names a sender session (raw text does not). */
  frame: boolean;
  /** A connection talks to its sender session, or the sender is one of our own connections (a reflection). */
  sessionKnown: boolean;
  /** A connection's peer is at its source address (a restart there, or a dialed peer answering). */
  addressKnown: boolean;
  /** Fewer than ENDPOINT_CONNECTIONS_MAX connections. */
  seatFree: boolean;
}

/**
 * What an endpoint does with an authenticated datagram (endpoint.ts),
 * before any connection's rules: 'route' it to a connection as ever (by
 * session, then address, then the one that opened it; that connection's
 * trust table and session rules then apply); 'ask' the accept policy
 * whether a new connection takes it; drop it as 'no-seat'; or 'refuse' it
 * (a stranger's raw text: no session to give a connection to).
 *
 * Only a stranger may be asked about: a frame, under a current or next key
 * (never previous: a thief's old key seats no one), of a session no
 * connection talks to, from an address no connection's peer has. A known
 * session, even from a new address, is that connection's (roaming); a known
 * address with a new session is that connection's (a restart, peer-session.ts).
 */
export type StrangerVerdict = 'route' | 'ask' | 'no-seat' | 'refuse';

export function judgeStranger(i: StrangerInput): StrangerVerdict {
  if (!i.policy || i.sessionKnown || i.addressKnown || i.slot === 'previous') return 'route';
  if (!i.frame) return 'refuse';
  return i.seatFree ? 'ask' : 'no-seat';
}
