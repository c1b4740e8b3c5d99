/**
 * A room's key rotation (#15) as one member sees it: a state machine without
 * I/O or crypto. The caller does the X25519 shares, the key wrapping and the
 * sending; this decides what happens next. (The design: "Group rotation" in
 * the #15 notes; PROTOCOL.md gets it when rooms are wired.)
 *
 *   leader (Ctrl-K or /kick)              follower (every other online member)
 *   ──────────────────────────            ────────────────────────────────────
 *   idle ─start→ leading ──offer──────→   idle ─offer→ following:accepted
 *                 │     ←─accept────────             (fresh share, sends accept)
 *                 │     ──key (wrapped)─→            ─key→ following:ready
 *                 │     ←─ready─────────             (K' in next, sends ready)
 *      all ready or deadline
 *                 └─commit{missed}─────→ ─commit, or a frame under K'→ idle(epoch+1)
 *   idle(epoch+1)
 *
 * Rank. Two members may start at once. Every offer names (epoch, kick,
 * initiator); the higher rank wins everywhere: a kick outranks a plain
 * rotation (a kick must not be undone by someone else's Ctrl-K), then the
 * greater initiator id. A member following or leading a lower-ranked
 * rotation abandons it for the higher one (a leader that loses says so); a
 * lower-ranked offer is ignored: its leader is itself a recipient of the
 * winner, or (the member being kicked) times out. An offer for the epoch
 * after ours is considered; so is one for our own epoch that outranks the
 * rotation that made it (a leader whose deadline passed before the winner's
 * offer reached it committed a loser: it follows the winner after all). Any
 * other epoch is stale or from the future and is ignored — except an offer
 * for the epoch after the one we are following: that one waits (deferred)
 * until ours is committed, since the commit may simply be slower than
 * another member's next offer.
 *
 * Deadlines: the leader's runs ROOM_ROTATION_TIMEOUT_MS from its start; a
 * follower's twice that from the offer, so a commit sent at the leader's
 * deadline still finds its followers waiting.
 *
 * Missed members: recipients that were not ready by the deadline. The commit
 * names them; they come back under the old key and need a new invite.
 */
import { ROOM_ROTATION_FOLLOWER_TIMEOUT_MS, ROOM_ROTATION_TIMEOUT_MS } from '../constants.js';
import type { MemberId } from './members.js';

export interface Rank {
  epoch: number;
  kick: boolean;
  initiator: MemberId;
}

export type RoomRotation =
  /** `rank`: the rotation that made this epoch, or null (the room's first key, or one installed by a new invite). */
  | { kind: 'idle'; epoch: number; rank: Rank | null }
  | {
      kind: 'leading';
      r: string;
      rank: Rank;
      recipients: readonly MemberId[];
      accepted: ReadonlySet<MemberId>;
      ready: ReadonlySet<MemberId>;
      deadline: number;
      /** Where this rotation started, to go back to if it is abandoned. */
      from: Idle;
    }
  | {
      kind: 'following';
      r: string;
      rank: Rank;
      stage: 'accepted' | 'ready';
      deadline: number;
      from: Idle;
      /** An offer for the epoch after this rotation's, come before its commit (another member's connection was faster): considered once we switch. */
      deferred?: Extract<RotationInput, { kind: 'offer' }>;
    };

type Idle = Extract<RoomRotation, { kind: 'idle' }>;

export type RotationInput =
  | { kind: 'start'; r: string; kick: boolean; recipients: readonly MemberId[]; now: number }
  | { kind: 'offer'; from: MemberId; r: string; rank: Rank; now: number }
  | { kind: 'accept'; from: MemberId; r: string }
  | { kind: 'key'; from: MemberId; r: string }
  | { kind: 'ready'; from: MemberId; r: string }
  | { kind: 'commit'; from: MemberId; r: string; missed: readonly MemberId[] }
  /** A frame arrived under this rotation's key (the keyring promoted `next`): as good as a commit. */
  | { kind: 'promoted'; r: string }
  | { kind: 'tick'; now: number }
  /** A member on a link under the key we hold says that key's epoch (room:rot-epoch): a restarted member or a joiner learns it. */
  | { kind: 'epoch'; epoch: number }
  /** The member left the room or was removed (its tombstone): a rotation it leads is abandoned. */
  | { kind: 'gone'; member: MemberId };

export type RotationAction =
  | { kind: 'send-offer'; to: readonly MemberId[]; r: string; rank: Rank }
  | { kind: 'send-accept'; to: MemberId; r: string }
  /** Wrap the new key for `to` under the share it accepted with, and send it. */
  | { kind: 'send-key'; to: MemberId; r: string }
  | { kind: 'send-ready'; to: MemberId; r: string }
  | { kind: 'send-commit'; to: readonly MemberId[]; r: string; missed: readonly MemberId[] }
  /** The new key goes into every connection's `next` slot (follower, once unwrapped). */
  | { kind: 'install-next'; r: string }
  /** Every connection sends under the new key from now on; the old one is `previous` for the grace period. */
  | { kind: 'switch'; r: string; epoch: number; missed: readonly MemberId[] }
  /** This rotation is over without a switch: forget its shares and its key. */
  | { kind: 'abandon'; r: string; reason: string };

export interface Step {
  state: RoomRotation;
  actions: RotationAction[];
}

/** The current epoch: what an idle state holds, or what a running rotation started from. */
export function epochOf(s: RoomRotation): number {
  return s.kind === 'idle' ? s.epoch : s.from.epoch;
}

/** Whether an offer of `rank` may be followed from state `s` at all (before comparing with a running rotation). */
function inScope(s: RoomRotation, rank: Rank): boolean {
  const base = s.kind === 'idle' ? s : s.from;
  if (rank.epoch === base.epoch + 1) return true;
  return rank.epoch === base.epoch && base.rank !== null && outranks(rank, base.rank);
}

/** a outranks b. */
export function outranks(a: Rank, b: Rank): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.kick !== b.kick) return a.kick;
  return a.initiator > b.initiator;
}

/** The one transition function. `me` is this member's id. */
export function step(s: RoomRotation, input: RotationInput, me: MemberId): Step {
  const stay: Step = { state: s, actions: [] };
  switch (input.kind) {
    case 'start': {
      if (s.kind !== 'idle') return stay; // one at a time; the caller says "a rotation is already running"
      const rank: Rank = { epoch: s.epoch + 1, kick: input.kick, initiator: me };
      // (A start may not re-run our own epoch: only an offer of a higher rank does that.)
      const recipients = input.recipients.filter((m) => m !== me);
      if (recipients.length === 0) {
        // Alone online: the new key is ours at once; everyone else missed it.
        return { state: { kind: 'idle', epoch: rank.epoch, rank }, actions: [{ kind: 'switch', r: input.r, epoch: rank.epoch, missed: [] }] };
      }
      return {
        state: {
          kind: 'leading',
          r: input.r,
          rank,
          recipients,
          accepted: new Set(),
          ready: new Set(),
          deadline: input.now + ROOM_ROTATION_TIMEOUT_MS,
          from: s,
        },
        actions: [{ kind: 'send-offer', to: recipients, r: input.r, rank }],
      };
    }
    case 'offer': {
      const { rank } = input;
      if (rank.initiator !== input.from) return stay;
      if (s.kind === 'following' && rank.epoch === s.rank.epoch + 1) {
        // The next rotation already, before this one's commit reached us: keep the best such offer for when we switch.
        if (s.deferred !== undefined && !outranks(rank, s.deferred.rank)) return stay;
        return { state: { ...s, deferred: input }, actions: [] };
      }
      if (!inScope(s, rank)) return stay;
      if (s.kind !== 'idle' && (s.r === input.r || !outranks(rank, s.rank))) return stay;
      const actions: RotationAction[] = [];
      if (s.kind !== 'idle') actions.push({ kind: 'abandon', r: s.r, reason: `${input.from}'s rotation ${rank.kick ? '(a kick) ' : ''}takes precedence` });
      actions.push({ kind: 'send-accept', to: input.from, r: input.r });
      const from = s.kind === 'idle' ? s : s.from;
      return { state: { kind: 'following', r: input.r, rank, stage: 'accepted', deadline: input.now + ROOM_ROTATION_FOLLOWER_TIMEOUT_MS, from }, actions };
    }
    case 'accept': {
      if (s.kind !== 'leading' || s.r !== input.r || !s.recipients.includes(input.from) || s.accepted.has(input.from)) return stay;
      return { state: { ...s, accepted: new Set(s.accepted).add(input.from) }, actions: [{ kind: 'send-key', to: input.from, r: s.r }] };
    }
    case 'key': {
      if (s.kind !== 'following' || s.r !== input.r || s.rank.initiator !== input.from || s.stage !== 'accepted') return stay;
      return {
        state: { ...s, stage: 'ready' },
        actions: [
          { kind: 'install-next', r: s.r },
          { kind: 'send-ready', to: input.from, r: s.r },
        ],
      };
    }
    case 'ready': {
      if (s.kind !== 'leading' || s.r !== input.r || !s.accepted.has(input.from) || s.ready.has(input.from)) return stay;
      const next = { ...s, ready: new Set(s.ready).add(input.from) };
      return next.ready.size === next.recipients.length ? commit(next) : { state: next, actions: [] };
    }
    case 'commit': {
      if (s.kind !== 'following' || s.r !== input.r || s.rank.initiator !== input.from) return stay;
      if (s.stage !== 'ready') return abandon(s, 'the rotation was committed before our share was done: we missed it');
      return switched(s, input.missed.includes(me) ? [] : input.missed, me);
    }
    case 'promoted': {
      if (s.kind === 'following' && s.r === input.r && s.stage === 'ready') return switched(s, [], me);
      return stay;
    }
    case 'epoch': {
      // Only forward, and only while idle: the key both hold is the same, and a running rotation knows its own epoch.
      if (s.kind !== 'idle' || input.epoch <= s.epoch) return stay;
      return { state: { kind: 'idle', epoch: input.epoch, rank: null }, actions: [] };
    }
    case 'gone': {
      if (s.kind !== 'following' || s.rank.initiator !== input.member) return stay;
      return abandon(s, `${input.member}, who led it, is no longer in the room`);
    }
    case 'tick': {
      if (s.kind === 'idle' || input.now < s.deadline) return stay;
      if (s.kind === 'leading') return s.ready.size > 0 ? commit(s) : abandon(s, 'no member answered the rotation in time');
      return abandon(s, 'the rotation did not complete in time');
    }
  }
}

function commit(s: Extract<RoomRotation, { kind: 'leading' }>): Step {
  const ready = s.recipients.filter((m) => s.ready.has(m));
  const missed = s.recipients.filter((m) => !s.ready.has(m));
  return {
    state: { kind: 'idle', epoch: s.rank.epoch, rank: s.rank },
    actions: [
      { kind: 'send-commit', to: ready, r: s.r, missed },
      { kind: 'switch', r: s.r, epoch: s.rank.epoch, missed },
    ],
  };
}

function switched(s: Extract<RoomRotation, { kind: 'following' }>, missed: readonly MemberId[], me: MemberId): Step {
  const done: Step = { state: { kind: 'idle', epoch: s.rank.epoch, rank: s.rank }, actions: [{ kind: 'switch', r: s.r, epoch: s.rank.epoch, missed }] };
  if (s.deferred === undefined) return done;
  const next = step(done.state, { ...s.deferred, now: s.deferred.now }, me);
  return { state: next.state, actions: [...done.actions, ...next.actions] };
}

function abandon(s: Exclude<RoomRotation, { kind: 'idle' }>, reason: string): Step {
  return { state: s.from, actions: [{ kind: 'abandon', r: s.r, reason }] };
}
