/**
 * A room's key rotation for one member (#15; PROTOCOL.md "Room key
 * rotation"): the rotation machine (rotation.ts) plus what it leaves to its
 * caller — the X25519 shares, the new key and its wraps (crypto/room-wrap.ts),
 * the controls (rotation-control.ts) — with every effect handed to a host:
 * which members are online, a control to one member, the new key into every
 * connection's `next` slot, the switch. No I/O of its own; the clock is the
 * host's. The room wiring (app/room-session.ts) is the host.
 *
 *   leader                                   follower
 *   start: share L, new key K' (random)
 *   rot-offer {r, epoch, kick, pub L} ──→    share F, rot-accept {r, pub F}
 *   rot-key {r, wrap(K', W(L,F,K,r))} ←─┘ … unwrap → K' into next; rot-ready
 *   all ready, or the deadline:
 *   switch to K' (saved first), then rot-commit {r, missed} → switch (or the first frame under K' promotes it)
 *
 * What it trusts: controls only from the member the link is bound to (the
 * host says who); an offer's initiator is that member; a key only from the
 * rotation's leader, and only if it opens under the share we accepted with;
 * an epoch only forward and only while idle. Shares are dropped when their
 * rotation ends; the key before a switch goes to the host (kept in memory
 * as retired, never saved).
 */
import { randomBytes } from 'node:crypto';
import { FERNET_KEY_BYTES } from '../crypto/format.js';
import { fingerprint } from '../crypto/keys.js';
import { unwrapRoomKey, wrapRoomKey } from '../crypto/room-wrap.js';
import { generateRotationKeyPair, type RotationKeyPair } from '../crypto/rotation-kdf.js';
import type { RoomFact } from './core-types.js';
import type { MemberId } from './members.js';
import { encodeRotationControl, ROTATION_ID_BYTES, type RotationControl } from './rotation-control.js';
import { step, type RoomRotation, type RotationAction, type RotationInput } from './rotation.js';

export interface RekeyHost {
  readonly me: MemberId;
  now(): number;
  /** The room key every connection sends under now. */
  key(): Buffer;
  /** Members with a bound link now (not us). */
  online(): readonly MemberId[];
  /** Seated members (not us): the ones that miss a rotation they are not part of. */
  seated(): readonly MemberId[];
  display(id: MemberId): string;
  /** A control to `member` on its link (dropped if it has none). */
  send(member: MemberId, body: string): void;
  /** `key` waits in every connection's `next`. */
  installNext(key: Buffer): void;
  /** A rotation that did not complete: `key` leaves every `next`. */
  dropNext(key: Buffer): void;
  /** Save `key` to the profile (before anything tells a member we switched). */
  save(key: Buffer): void;
  /**
   * Every connection sends under `key` from now on (saved already); the
   * old key is retired. Members named in `missed` that still have
   * a link lose it (they cannot read us any more).
   */
  switchTo(key: Buffer, epoch: number, missed: readonly MemberId[]): void;
  fact(f: RoomFact): void;
}

/** Offers whose share is kept (the running one, one waiting behind it, a few competing). */
const OFFERS_KEPT = 4;

/** Why a rotation cannot start now (one line), or null. */
export type StartRefusal = string | null;

interface Shares {
  r: string;
  own: RotationKeyPair;
  /** Leader: the new key. Follower: the unwrapped one, once it came. */
  key: Buffer | null;
  /** Leader: each recipient's accepted share. Follower: the leader's. */
  peers: Map<MemberId, Buffer>;
  installed: boolean;
}

export class RoomRekey {
  private s: RoomRotation = { kind: 'idle', epoch: 0, rank: null };
  private shares: Shares | null = null;
  /** The offers seen lately, by rotation id: the leader's share, for when the machine follows one. */
  private readonly offers = new Map<string, { from: MemberId; pub: Buffer; kick: boolean }>();
  /**
   * The highest epoch a member told us (room:rot-epoch) of the key we hold. It comes once per new link, maybe while
   * a rotation runs (a restarted member that pressed Ctrl-K at once): the machine takes it only while idle, so it is
   * kept and given again once the rotation ends — else every rotation we lead names an epoch nobody follows.
   */
  private learnt = 0;

  constructor(private readonly host: RekeyHost) {}

  get state(): RoomRotation {
    return this.s;
  }

  get epoch(): number {
    return this.s.kind === 'idle' ? this.s.epoch : this.s.from.epoch;
  }

  nextDeadline(): number | null {
    return this.s.kind === 'idle' ? null : this.s.deadline;
  }

  /** Ctrl-K (kick false), or the core's rotate-excluding after /kick (`excluding` left out). */
  start(kick: boolean, excluding: MemberId | null = null): StartRefusal {
    if (this.s.kind !== 'idle')
      return `a rotation is already running (${this.s.kind === 'leading' ? 'ours' : `led by ${this.host.display(this.s.rank.initiator)}`}); try again when it ends`;
    const r = randomBytes(ROTATION_ID_BYTES).toString('base64url');
    const recipients = this.host.online().filter((m) => m !== excluding);
    this.shares = { r, own: generateRotationKeyPair(), key: randomBytes(FERNET_KEY_BYTES), peers: new Map(), installed: false };
    this.run({ kind: 'start', r, kick, recipients, now: this.host.now() });
    if ((this.s as RoomRotation).kind === 'leading')
      this.host.fact({ kind: 'rotating', by: this.host.me, display: this.host.display(this.host.me), kick, self: true });
    return null;
  }

  /** A rotation control from `from`, the member its link is bound to. */
  control(from: MemberId, c: RotationControl): void {
    const now = this.host.now();
    switch (c.t) {
      case 'room:rot-offer': {
        // Its share is kept until the machine follows it (now, or once a rotation it waits behind ends) or moves on.
        this.offers.set(c.r, { from, pub: c.pub, kick: c.kick });
        while (this.offers.size > OFFERS_KEPT) this.offers.delete(this.offers.keys().next().value!);
        return this.run({ kind: 'offer', from, r: c.r, rank: { epoch: c.epoch, kick: c.kick, initiator: from }, now });
      }
      case 'room:rot-accept': {
        const sh = this.shares;
        if (sh === null || sh.r !== c.r || this.s.kind !== 'leading' || sh.peers.has(from)) return;
        sh.peers.set(from, c.pub);
        return this.run({ kind: 'accept', from, r: c.r });
      }
      case 'room:rot-key': {
        const sh = this.shares;
        if (sh === null || sh.r !== c.r || this.s.kind !== 'following' || this.s.rank.initiator !== from || sh.key !== null) return;
        const leader = sh.peers.get(from);
        if (leader === undefined) return;
        try {
          sh.key = unwrapRoomKey(sh.own, leader, this.host.key(), Buffer.from(c.r, 'base64url'), Buffer.from(c.wrapped, 'ascii'));
        } catch (err) {
          // A wrap that does not open is never a key: the leader counts us missed at its deadline.
          this.host.fact({
            kind: 'error',
            line: `the new room key from ${this.host.display(from)} does not open (${(err as Error).message}); this rotation goes on without us`,
          });
          return;
        }
        return this.run({ kind: 'key', from, r: c.r });
      }
      case 'room:rot-ready':
        return this.run({ kind: 'ready', from, r: c.r });
      case 'room:rot-commit':
        return this.run({ kind: 'commit', from, r: c.r, missed: c.missed });
      case 'room:rot-epoch':
        this.learnt = Math.max(this.learnt, c.epoch);
        return this.run({ kind: 'epoch', epoch: c.epoch });
      case 'room:rekeyed':
        // Only ever sent on a link under a retired key: the wiring handles it (it never reaches a bound member's rotation).
        return;
    }
  }

  /** A connection promoted `next` on a frame under it: the leader switched. */
  promoted(): void {
    if (this.s.kind === 'following') this.run({ kind: 'promoted', r: this.s.r });
  }

  /** A member's tombstone arrived (it left or was removed). */
  gone(member: MemberId): void {
    this.run({ kind: 'gone', member });
  }

  tick(): void {
    this.run({ kind: 'tick', now: this.host.now() });
  }

  // ------------------------------------------------------------ actions

  private run(input: RotationInput): void {
    const before = this.s;
    const result = step(this.s, input, this.host.me);
    this.s = result.state;
    this.apply(result.actions, before);
    if (this.s.kind === 'idle' && this.learnt > this.s.epoch && before.kind !== 'idle' && result.actions.some((a) => a.kind === 'abandon'))
      this.run({ kind: 'epoch', epoch: this.learnt });
  }

  private apply(actions: readonly RotationAction[], before: RoomRotation): void {
    // The new key is saved before the commit goes out: a leader that crashes after telling comes back on it. The
    // commit itself goes before the switch, under the old key, so it reaches each member ahead of the first frame
    // under the new one (which would switch it too, without the commit's list of who missed it).
    const sw = actions.find((a) => a.kind === 'switch');
    if (sw !== undefined && this.shares?.r === sw.r && this.shares.key !== null) this.host.save(this.shares.key);
    for (const a of actions) this.act(a, before);
  }

  private act(a: RotationAction, before: RoomRotation): void {
    const sh = this.shares !== null && this.shares.r === a.r ? this.shares : null;
    const send = (to: MemberId, c: RotationControl): void => this.host.send(to, encodeRotationControl(c));
    switch (a.kind) {
      case 'send-offer':
        if (sh === null) return;
        for (const to of a.to) send(to, { t: 'room:rot-offer', r: a.r, epoch: a.rank.epoch, kick: a.rank.kick, pub: sh.own.publicKey });
        return;
      case 'send-accept': {
        const offer = this.offers.get(a.r);
        if (offer === undefined || offer.from !== a.to) return;
        // Following it: a fresh share of ours for this rotation alone.
        this.shares = { r: a.r, own: generateRotationKeyPair(), key: null, peers: new Map([[a.to, offer.pub]]), installed: false };
        this.host.fact({ kind: 'rotating', by: a.to, display: this.host.display(a.to), kick: offer.kick, self: false });
        send(a.to, { t: 'room:rot-accept', r: a.r, pub: this.shares.own.publicKey });
        return;
      }
      case 'send-key': {
        const peer = sh?.peers.get(a.to);
        if (sh === null || sh.key === null || peer === undefined) return;
        let wrapped: Buffer;
        try {
          wrapped = wrapRoomKey(sh.own, peer, this.host.key(), Buffer.from(a.r, 'base64url'), sh.key);
        } catch (err) {
          // A share that is ours reflected, or a low-order point: that member gets no key and is counted missed.
          this.host.fact({ kind: 'error', line: `${this.host.display(a.to)} answered the rotation with an unusable share (${(err as Error).message})` });
          return;
        }
        send(a.to, { t: 'room:rot-key', r: a.r, wrapped: wrapped.toString('ascii') });
        return;
      }
      case 'send-ready':
        send(a.to, { t: 'room:rot-ready', r: a.r });
        return;
      case 'send-commit': {
        const missed = this.allMissed(a.missed, before);
        for (const to of a.to) send(to, { t: 'room:rot-commit', r: a.r, missed });
        return;
      }
      case 'install-next':
        if (sh?.key == null) return;
        sh.installed = true;
        this.host.installNext(sh.key);
        return;
      case 'switch': {
        if (sh?.key == null) return;
        // The rotation that switched: the one running before this step (a follower may already follow the next one,
        // deferred until now), or the one a start alone made.
        const rank = before.kind !== 'idle' ? before.rank : this.s.kind === 'idle' ? this.s.rank : null;
        // The leader's missed: its recipients not ready, and the seated members it could not reach at all.
        const missed = rank?.initiator === this.host.me ? this.allMissed(a.missed, before) : a.missed.filter((m) => m !== this.host.me);
        this.host.switchTo(sh.key, a.epoch, missed);
        const by = rank?.initiator ?? this.host.me;
        this.host.fact({
          kind: 'key-changed',
          epoch: a.epoch,
          fingerprint: fingerprint(sh.key),
          by,
          display: this.host.display(by),
          kick: rank?.kick ?? false,
          self: by === this.host.me,
          missed: missed.map((m) => ({ member: m, display: this.host.display(m) })),
        });
        this.forget();
        return;
      }
      case 'abandon': {
        if (sh !== null) {
          if (sh.installed && sh.key !== null) this.host.dropNext(sh.key);
          this.forget();
        }
        // A follower that moves on to a higher-ranked rotation says nothing: that one's own lines follow.
        if (before.kind === 'leading' || this.s.kind === 'idle') this.host.fact({ kind: 'rotation-failed', line: a.reason });
        return;
      }
    }
  }

  /** The leader's `missed` plus every seated member that was not a recipient (offline at the start: it cannot follow either). */
  private allMissed(missed: readonly MemberId[], leading: RoomRotation): MemberId[] {
    const recipients = leading.kind === 'leading' ? leading.recipients : [];
    const out = new Set(missed);
    for (const m of this.host.seated()) if (m !== this.host.me && !recipients.includes(m)) out.add(m);
    return [...out];
  }

  private forget(): void {
    this.shares = null;
    if (this.s.kind === 'idle') this.offers.clear();
  }
}
