/**
 * One member's view of a room (#15), without I/O: which link belongs to
 * which member, the member list and its gossip, the messages owed to
 * members without a link, and the facts the UI shows. It owns no socket, no
 * timer and no clock (every input comes with `now`); the wiring
 * (src/app/room-session.ts) feeds it inputs and does its actions, in order:
 *
 *   const actions = core.handle(input, now);   // RoomInput → RoomAction[]
 *
 * A class, as src/net/connection.ts, not a step function as rotation.ts:
 * its state is maps and queues that change a little on every input, and a
 * copy per message would cost more than it shows. Its lifecycle is a union
 * and one transition function (status.ts); its trust rules are one table
 * (trust.ts); the rest is book-keeping:
 *
 *   link-up ──→ room:hello sent ──→ room:hello heard ──admit──→ bound (online)
 *                                                  └──refuse──→ room:refused, close
 *   bound ──room:members──→ merge ──changed?──→ facts, save, gossip, dial new
 *   send ──→ deliver on each bound member's link, queue for the others
 *   bound (again) ──→ the queue flushed, a missed count first
 *
 *   control.ts   the codec             trust.ts    what may change what
 *   links.ts     links, bindings       dials.ts    when to dial
 *   fanout.ts    the message path      outbox.ts   its queues and refs
 *   status.ts    the lifecycle         facts.ts    list diffs as facts
 *   display.ts   nicks, with an id suffix if two look alike
 */
import { MAX_MESSAGE_BYTES, ROOM_REDIAL_MS } from '../constants.js';
import { remoteNick } from '../text/nick.js';
import { encodeRoomControl, parseRoomControl, refusalText, type RefusalWhy, type RoomControl } from './control.js';
import type { LinkId, RoomAction, RoomCoreOptions, RoomFact, RoomInput } from './core-types.js';
import { displayName, shortId } from './display.js';
import { listFacts, roster } from './facts.js';
import { isMemberId, mergeMembers, removeMember, sameMembers, seating, updateMember, type MemberId, type MemberSet } from './members.js';
import { DialPlan } from './dials.js';
import { LinkTable, type Link } from './links.js';
import { decodeRoomLine, LineDedupe, type SeenLines, ROOM_LINE_HEADER_MAX_BYTES } from './line.js';
import { Fanout } from './fanout.js';
import { isFinal, nextStatus, type RoomStatus, type StatusEvent } from './status.js';
import { admit, listProblem, wouldOverflow, type Invite } from './trust.js';

export class RoomCore {
  private readonly self: { id: MemberId; nick: string; address: string | null };
  private readonly room: string;
  private list: MemberSet;
  private invites: readonly Invite[];
  private readonly join: { invite: string; address: string } | null;
  private state: RoomStatus;
  private readonly links = new LinkTable();
  private readonly fanout: Fanout;
  private readonly seen: LineDedupe;
  private readonly dials = new DialPlan();
  /**
   * Out of the room (left or removed), addresses that have had our list since
   * (a hello, or the gossip when we left). We dial the seated members of our
   * list until each has: our tombstone, and entries only we know (members we
   * let in), must not die with us.
   */
  private readonly told = new Set<string>();
  private now: number;
  private out: RoomAction[] = [];

  constructor(o: RoomCoreOptions) {
    if (!isMemberId(o.self.id)) throw new TypeError(`RoomCore: the member id must be 16 hex digits, got ${String(o.self.id)}`);
    this.self = { ...o.self };
    this.room = o.room;
    this.list = o.members;
    this.invites = o.invites ?? [];
    this.join = o.join ?? null;
    this.now = o.now;
    this.fanout = new Fanout(this.links, o.incarnation ?? o.now);
    this.seen = new LineDedupe(o.seen);
    const me = o.members.get(o.self.id);
    if (me === undefined) this.state = { kind: 'joining' };
    else if (me.removed) this.state = me.by === me.id ? { kind: 'left' } : { kind: 'removed', by: me.by };
    else this.state = seating(o.members).seated.some((e) => e.id === me.id) ? { kind: 'member' } : { kind: 'refused', why: 'full' };
  }

  // ------------------------------------------------------------ getters

  get id(): MemberId {
    return this.self.id;
  }

  get members(): MemberSet {
    return this.list;
  }

  get status(): RoomStatus {
    return this.state;
  }

  /** The link bound to `member`, or undefined. */
  /** The last line shown from each member: saved at quit, given back to the next process (RoomCoreOptions.seen). */
  seenLines(): SeenLines {
    return this.seen.snapshot();
  }

  linkOf(member: MemberId): LinkId | undefined {
    return this.links.linkOf(member);
  }

  /** Members with a bound link. */
  online(): MemberId[] {
    return this.links.boundMembers().map(([m]) => m);
  }

  /** When to call tick next (a redial, a stalled link's retry), or null: nothing waits on the clock. */
  nextDeadline(): number | null {
    let at: number | null = this.fanout.stalled() ? this.now + ROOM_REDIAL_MS : null;
    for (const t of this.dialTargets()) {
      const due = this.dials.dueAt(t.member ?? 'inviter', t.address);
      at = at === null ? due : Math.min(at, due);
    }
    return at;
  }

  /** Messages waiting for `member` (no link, or a stalled one). */
  queued(member: MemberId): number {
    return this.fanout.queued(member);
  }

  // ------------------------------------------------------------ the one entry

  handle(input: RoomInput, now: number): RoomAction[] {
    this.now = now;
    this.out = [];
    switch (input.kind) {
      case 'start':
        this.start();
        break;
      case 'link-up':
        this.linkUp(input.link, input.address);
        break;
      case 'link-down':
        this.linkDown(input.link);
        break;
      case 'control':
        this.control(input.link, input.body);
        break;
      case 'message':
        this.message(input.link, input.id, input.text);
        break;
      case 'send':
        this.send(input.text, input.action === true);
        break;
      case 'delivered':
        this.out.push(...this.fanout.delivered(input.link, input.ref, this.names));
        break;
      case 'failed':
      case 'queue-full':
        this.out.push(...this.fanout.failed(input.link, input.ref, (m) => this.state.kind === 'member' && this.isSeated(m), this.names));
        break;
      case 'tick':
        this.tick();
        break;
      case 'invites':
        this.invites = [...input.invites];
        break;
      case 'set-self':
        this.setSelf(input.nick, input.address);
        break;
      case 'leave':
        this.leave();
        break;
      case 'kick':
        this.kick(input.member);
        break;
      case 'shutdown':
        this.shutdown();
        break;
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  // ------------------------------------------------------------ inputs

  private start(): void {
    if (this.state.kind === 'member') {
      this.setSelf(this.self.nick, this.self.address);
      this.dialMissing();
    } else if (this.state.kind === 'joining') {
      this.dialInviter();
    } else if (isFinal(this.state)) {
      this.fact({ kind: 'status', status: this.state });
      this.dialMissing();
    }
  }

  private linkUp(link: LinkId, address: string | null): void {
    if (this.links.add(link, address, this.list) === null) return this.error(`link ${link} came up twice (a wiring bug): ignored`);
    this.sayHello(link, false);
    // Out of the room: the hello still carries our tombstone (or the one we were given), so a member who missed it learns it now.
    if (isFinal(this.state)) {
      this.close(link, 'not in the room');
      if (address !== null) this.told.add(address);
    }
  }

  private linkDown(link: LinkId): void {
    const gone = this.links.remove(link);
    if (gone?.was != null) this.wentOffline(gone.was);
  }

  private control(link: LinkId, body: string): void {
    const l = this.links.get(link);
    if (l === undefined) return this.error(`a room control on unknown link ${link} (a wiring bug): ignored`);
    if (l.closing || isFinal(this.state)) return;
    const p = parseRoomControl(body);
    if (!p.ok) return this.error(`${this.who(l)}: ${p.reason}`);
    const c = p.control;
    if (c.t === 'room:hello') return this.hello(link, l, c);
    if (c.t === 'room:refused') return this.refusedBy(link, l, c.why);
    if (l.member === null) return this.error(`${this.who(l)}: ${c.t} before room:hello: ignored`);
    const problem = listProblem(c.members);
    if (problem !== null) return this.error(`${this.who(l)}: member list refused: ${problem}`);
    l.heard = c.members;
    this.adopt(mergeMembers(this.list, c.members));
  }

  private hello(link: LinkId, l: Link, h: Extract<RoomControl, { t: 'room:hello' }>): void {
    if (l.member !== null && l.member !== h.id) return this.refuse(link, l, 'other-id', h.id, h.nick);
    // A hello on a link it bound already: the peer's side saw the connection go offline and come back (loss can
    // silence one direction only), and its new link waits for our hello, which we sent once, long ago. Answered once.
    const again = l.member === h.id && !h.answer;
    const a = admit(
      {
        self: this.self.id,
        room: this.room,
        members: this.list,
        invites: this.invites,
        seated: this.state.kind === 'member',
        linkAddress: l.address,
        now: this.now,
      },
      h,
    );
    if (a.listError !== null) this.error(`${this.named(h.id, h.nick)}: member list refused: ${a.listError}`);
    if (!a.ok) {
      this.refuse(link, l, a.why, h.id, h.nick);
      // A tombstone is final and harmless to learn: a member who missed a leave or a kick learns it from the one refused.
      if (a.merged !== undefined) this.adopt(a.merged);
      return;
    }
    if (a.listError === null) l.heard = h.members;
    const wasOnline = this.links.linkOf(h.id) !== undefined;
    const old = this.links.bind(link, h.id);
    if (old !== undefined) this.close(old, 'replaced by a newer link (the member restarted or moved)');
    this.adopt(a.members);
    if (this.links.linkOf(h.id) !== link) return; // its list showed us out of the room: every link is closing
    if (!wasOnline) this.fact({ kind: 'online', member: h.id, display: displayName(this.list, h.id) });
    if (again) this.sayHello(link, true);
    this.gossip();
    this.out.push(...this.fanout.flush(h.id, this.names));
  }

  private refusedBy(link: LinkId, l: Link, why: RefusalWhy): void {
    const display = l.member === null ? null : displayName(this.list, l.member);
    this.fact({ kind: 'refused', member: l.member, display, why, line: refusalText(why), self: true });
    this.close(link, `refused: ${refusalText(why)}`);
    this.unbindLink(link);
    if (this.state.kind === 'joining' && this.links.boundMembers().length === 0) this.become({ kind: 'refused', why });
  }

  private message(link: LinkId, id: string, text: string): void {
    const l = this.links.get(link);
    if (l === undefined || l.closing || isFinal(this.state)) return;
    if (l.member === null) return this.error(`${this.who(l)}: a message before room:hello: dropped`);
    const line = decodeRoomLine(text);
    // A line without the header is shown as it came (never lost), but cannot be told from a copy.
    if (line !== null && !this.seen.accept(l.member, line)) return;
    const e = this.list.get(l.member);
    const nick = e === undefined ? '?' : remoteNick(e.nick);
    const action = line?.action === true;
    this.fact({
      kind: 'message',
      from: l.member,
      nick,
      display: displayName(this.list, l.member),
      text: line?.text ?? text,
      id,
      ...(action ? { action } : {}),
    });
  }

  private send(text: string, action: boolean): void {
    if (this.state.kind !== 'member')
      return this.error(this.state.kind === 'joining' ? 'not in the room yet: nothing sent' : 'not in the room any more: nothing sent');
    const max = MAX_MESSAGE_BYTES - ROOM_LINE_HEADER_MAX_BYTES;
    if (Buffer.byteLength(text, 'utf8') > max) return this.error(`a message in a room has at most ${max} bytes: nothing sent`);
    const to = seating(this.list)
      .seated.map((e) => e.id)
      .filter((id) => id !== this.self.id);
    this.out.push(...this.fanout.send(text, to, this.names, action));
  }

  private tick(): void {
    this.out.push(...this.fanout.retryStalled(this.names));
    this.dialMissing();
    this.dialInviter();
  }

  private setSelf(nick: string | undefined, address: string | null | undefined): void {
    if (nick !== undefined) this.self.nick = nick;
    if (address !== undefined) this.self.address = address;
    const me = this.list.get(this.self.id);
    if (this.state.kind !== 'member' || me === undefined) return;
    const change: { nick?: string; address?: string | null } = {};
    if (me.nick !== this.self.nick) change.nick = this.self.nick;
    if (me.address !== this.self.address) change.address = this.self.address;
    if (Object.keys(change).length > 0) this.adopt(updateMember(this.list, this.self.id, change, this.self.id));
  }

  private leave(): void {
    if (this.state.kind !== 'member') return this.error('not in the room: nothing to leave');
    this.adopt(removeMember(this.list, this.self.id, this.self.id));
  }

  private kick(member: MemberId): void {
    if (this.state.kind !== 'member') return this.error('not in the room: cannot kick');
    if (member === this.self.id) return this.error('that is you: /leave leaves the room');
    const e = this.list.get(member);
    if (e === undefined || e.removed) return this.error(`no member ${member} in the room`);
    this.adopt(removeMember(this.list, member, this.self.id));
    this.emit({ kind: 'rotate-excluding', member });
  }

  private shutdown(): void {
    this.out.push(...this.fanout.reportOwed(this.names));
    for (const [link] of this.links.all()) this.close(link, 'quit');
  }

  // ------------------------------------------------------------ the list

  /**
   * A new version of the list: seats past the 16th tombstoned, facts,
   * our own status, links to members no longer seated closed (after the
   * list that tells them), save, gossip, dial the new ones.
   */
  private adopt(next: MemberSet): void {
    if (next === this.list || sameMembers(next, this.list)) return;
    const prev = this.list;
    if (this.state.kind === 'member') {
      for (const e of seating(next).overflow) if (e.id !== this.self.id) next = removeMember(next, e.id, this.self.id);
    }
    this.list = next;
    const joining = this.state.kind === 'joining';
    for (const f of listFacts(prev, next, this.self.id)) if (!joining || ('member' in f && f.member === this.self.id)) this.fact(f);
    this.emit({ kind: 'save', members: next });
    this.followOwnEntry();
    this.fact({ kind: 'members-changed', roster: roster(next, this.self.id, (id) => this.links.linkOf(id) !== undefined) });
    this.gossip();
    const out: LinkId[] = [];
    for (const [member, link] of this.links.boundMembers()) {
      if (!isFinal(this.state) && this.isSeated(member)) continue;
      out.push(link);
      const address = this.list.get(member)?.address;
      if (isFinal(this.state) && address != null) this.told.add(address); // the gossip above told it
    }
    for (const link of out) {
      this.close(link, isFinal(this.state) ? 'not in the room any more' : 'no longer a member');
      this.unbindLink(link, true);
    }
    if (!isFinal(this.state)) this.fanout.forgetUnless((m) => this.isSeated(m));
    this.dialMissing();
  }

  /** Our own entry in a new list: admitted, left, removed or past the 16th. */
  private followOwnEntry(): void {
    const me = this.list.get(this.self.id);
    if (me === undefined || isFinal(this.state)) return;
    let e: StatusEvent | null = null;
    if (me.removed) {
      if (me.by === me.id) e = { kind: 'leave' };
      else e = wouldOverflow(this.list, me.id) ? { kind: 'refused', why: 'full' } : { kind: 'removed', by: me.by };
    } else if (!this.isSeated(me.id)) e = { kind: 'refused', why: 'full' };
    else if (this.state.kind === 'joining') e = { kind: 'admitted' };
    if (e === null) return;
    if (e.kind === 'leave' && this.state.kind === 'joining') e = { kind: 'removed', by: me.by }; // (our tombstone before our seat: another incarnation of us left)
    if (e.kind === 'refused') this.fact({ kind: 'refused', member: null, display: null, why: e.why, line: refusalText(e.why), self: true });
    this.become(e);
    if (isFinal(this.state)) this.out.push(...this.fanout.reportOwed(this.names));
  }

  private become(e: StatusEvent): void {
    this.state = nextStatus(this.state, e);
    this.fact({ kind: 'status', status: this.state });
  }

  /** room:members on every bound link whose peer may lack our list (not the one last sent there, nor the one last heard). */
  private gossip(): void {
    for (const [link, l] of this.links.all()) {
      if (l.member === null || l.closing || l.sent === this.list) continue;
      l.sent = this.list;
      if (l.heard !== null && sameMembers(l.heard, this.list)) continue;
      this.sendControl(link, { t: 'room:members', members: this.list });
    }
  }

  /** Dial seated members with an address and no link: new ones and changed addresses at once, the others every ROOM_REDIAL_MS. */
  private dialMissing(): void {
    for (const t of this.dialTargets()) if (t.member !== null && this.dials.due(t.member, t.address, this.now)) this.emit({ kind: 'dial', ...t });
  }

  /** A joiner with no link yet: its inviter, at once, then every ROOM_REDIAL_MS. */
  private dialInviter(): void {
    for (const t of this.dialTargets()) if (t.member === null && this.dials.due('inviter', t.address, this.now)) this.emit({ kind: 'dial', ...t });
  }

  /** Whom we would dial now if its time had come: seated members with no link (out of the room: those not told yet); a joiner's inviter. */
  private dialTargets(): Array<{ address: string; member: MemberId | null }> {
    if (this.state.kind === 'joining') {
      return this.join !== null && this.links.boundMembers().length === 0 ? [{ address: this.join.address, member: null }] : [];
    }
    const out = this.state.kind === 'left' || this.state.kind === 'removed';
    if (this.state.kind !== 'member' && !out) return [];
    const targets: Array<{ address: string; member: MemberId | null }> = [];
    for (const e of seating(this.list).seated) {
      if (e.id === this.self.id || e.address === null || this.links.linkOf(e.id) !== undefined) continue;
      if (out && this.told.has(e.address)) continue;
      targets.push({ address: e.address, member: e.id });
    }
    return targets;
  }

  // ------------------------------------------------------------ helpers

  private refuse(link: LinkId, l: Link, why: RefusalWhy, id: MemberId, nick: string): void {
    this.sendControl(link, { t: 'room:refused', why });
    this.fact({ kind: 'refused', member: id, display: this.named(id, nick), why, line: refusalText(why), self: false });
    this.close(link, `refused ${this.named(id, nick)}: ${refusalText(why)}`);
    this.unbindLink(link);
  }

  /** The link no longer speaks for its member (if it was the member's current link: offline). */
  private unbindLink(link: LinkId, quiet = false): void {
    const m = this.links.unbind(link);
    if (m !== null) this.wentOffline(m, quiet);
  }

  /** `m` has no link any more: offline, redialled after ROOM_REDIAL_MS. */
  private wentOffline(m: MemberId, quiet = false): void {
    const e = this.list.get(m);
    if (e !== undefined && e.address !== null) this.dials.lost(m, e.address, this.now);
    if (!quiet && !isFinal(this.state)) this.fact({ kind: 'offline', member: m, display: displayName(this.list, m) });
  }

  private close(link: LinkId, reason: string): void {
    const l = this.links.get(link);
    if (l === undefined || l.closing) return;
    l.closing = true;
    this.emit({ kind: 'close', link, reason });
  }

  /** How facts name a member: display.ts over the current list. */
  private readonly names = (id: MemberId): string => displayName(this.list, id);

  private isSeated(id: MemberId): boolean {
    return seating(this.list).seated.some((e) => e.id === id);
  }

  private who(l: Link): string {
    return l.member !== null ? displayName(this.list, l.member) : (l.address ?? 'a link');
  }

  private named(id: MemberId, nick: string): string {
    return this.list.has(id) ? displayName(this.list, id) : `${remoteNick(nick)}~${shortId(id)}`;
  }

  /** Our room:hello: first on every link, and as an `answer` to a hello on a link already bound (never answered). */
  private sayHello(link: LinkId, answer: boolean): void {
    const invite = this.state.kind === 'joining' && this.join !== null ? this.join.invite : null;
    this.sendControl(link, {
      t: 'room:hello',
      room: this.room,
      id: this.self.id,
      nick: this.self.nick,
      address: this.self.address,
      members: this.list,
      invite,
      answer,
    });
  }

  private sendControl(link: LinkId, c: RoomControl): void {
    this.emit({ kind: 'control', link, body: encodeRoomControl(c) });
  }

  private error(line: string): void {
    this.fact({ kind: 'error', line });
  }

  private fact(fact: RoomFact): void {
    this.out.push({ kind: 'fact', fact });
  }

  private emit(a: RoomAction): void {
    this.out.push(a);
  }
}
