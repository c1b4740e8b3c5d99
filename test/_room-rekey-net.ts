/**
 * The room simulation (_room-net.ts) with the room key (#15): every node also
 * runs a RoomRekey (src/room/rekey.ts) and holds a key, as the wiring
 * (app/room-session.ts) gives it one. What the keys change on the network:
 *
 *   a link forms   only between two nodes on the same key (the accept policy
 *                  seats a stranger only under the room key; a retired one
 *                  gets a stale seat, which is no link)
 *   an item        reaches the other side when the sender's key (what it
 *                  sends, or resends, under now) is the receiver's current
 *                  one, or its next (then the receiver's rekey hears
 *                  promoted, after the item); otherwise it waits in order
 *   a link dies    when its two ends share no key any more (keepalives under
 *                  a key the other cannot open: checked at every advance)
 *   a switch       drops the links to the members it names missed, and the
 *                  links not bound to a member (room-session's switchTo)
 *
 * Rotation controls ride the links like the other room controls and go to
 * the rekey, with `from` the member the link is bound to (unbound: dropped).
 * Kicks start the kick's rotation (rotate-excluding); one that cannot start
 * (a rotation runs) is retried as a plain one once idle, as the line it
 * prints tells the user to. A restarted node comes back on the key it saved,
 * at epoch 0, and learns the epoch from the rot-epoch of its new links.
 */
import { ROOM_RETIRED_KEYS_MAX } from '../src/constants.js';
import { seating, type MemberId } from '../src/room/members.js';
import type { RoomFact } from '../src/room/core-types.js';
import { RoomRekey } from '../src/room/rekey.js';
import { looksLikeRotationControl, parseRotationControl, encodeRotationControl } from '../src/room/rotation-control.js';
import { RoomNet, type Item, type NetLink, type Node, type Side } from './_room-net.js';

export interface Keyed {
  rekey: RoomRekey;
  key: Buffer;
  next: Buffer | null;
  /** The keys this node switched away from in this run, newest first (RoomKeys: in memory, at most ROOM_RETIRED_KEYS_MAX). */
  retired: Buffer[];
  /** Each switch: epoch, key and who it named missed. */
  switches: Array<{ epoch: number; key: Buffer; missed: readonly MemberId[] }>;
  /** A kick whose rotation could not start: a plain one is started once idle. */
  kickPending: boolean;
  /** The member this node's last kick left out. */
  victim: MemberId | null;
}

export class RoomRekeyNet extends RoomNet {
  private readonly keyed = new Map<Node, Keyed>();
  /** What each member last saved (a restart comes back on it). */
  readonly saved = new Map<MemberId, Buffer>();
  /** Every member some switch named missed. */
  readonly namedMissed = new Set<MemberId>();
  /** The key a node about to boot starts on (a joiner: its inviter's, as in a fresh invite). */
  private bootKey: Buffer;
  /** The key each key replaced (by hex), as its switches say. */
  readonly parent = new Map<string, string>();
  /** Who the switches to each key named missed. */
  readonly missedAt = new Map<string, Set<MemberId>>();
  /** Who ever held each key (switched to it, or booted on it). */
  readonly holders = new Map<string, Set<MemberId>>();
  /** Rotation problems the rekeys reported (error facts). */
  readonly errors: string[] = [];
  /** What happened to keys, in order (ROOM_REKEY_SIM_DEBUG prints it). */
  readonly trace: string[] = [];

  note(line: string): void {
    this.trace.push(`${this.now} ${line}`);
  }

  constructor(
    rng: () => number,
    readonly roomKey: Buffer,
  ) {
    super(rng);
    this.bootKey = roomKey;
  }

  keys(node: Node): Keyed {
    const k = this.keyed.get(node);
    if (k === undefined) throw new Error(`${node.nick} has no keys`);
    return k;
  }

  override join(nick: string, inviter: Node): Node {
    this.bootKey = this.keys(inviter).key;
    this.note(`${nick} joins through ${inviter.nick} on ${this.bootKey.toString('hex').slice(0, 6)}`);
    return super.join(nick, inviter);
  }

  override restart(node: Node, newAddress = false): Node {
    this.bootKey = this.saved.get(node.id) ?? this.roomKey;
    this.note(`${node.nick} restarts on ${this.bootKey.toString('hex').slice(0, 6)}`);
    return super.restart(node, newAddress);
  }

  /** Ctrl-K on `node`: null, or why not. */
  rotate(node: Node): string | null {
    if (!node.alive || node.core.status.kind !== 'member') return 'not a member';
    const why = this.keys(node).rekey.start(false);
    this.note(`${node.nick} Ctrl-K${why === null ? '' : `: ${why}`}`);
    return why;
  }

  override advance(ms: number): void {
    super.advance(ms);
    for (const n of this.nodes) {
      if (!n.alive) continue;
      const k = this.keys(n);
      k.rekey.tick();
      if (k.kickPending && k.rekey.state.kind === 'idle' && n.core.status.kind === 'member') {
        k.kickPending = false;
        k.rekey.start(false);
      }
    }
    // Keepalives: a link whose ends share no key dies; one whose peer holds our key in next promotes it.
    for (const n of this.nodes) {
      if (!n.alive) continue;
      for (const l of this.linksOf(n)) {
        const [a, b] = l.sides;
        if (!a.ready || !b.ready) continue;
        const [ka, kb] = [this.keys(a.node), this.keys(b.node)];
        if (ka.key.equals(kb.key)) continue;
        if (ka.next?.equals(kb.key) === true) ka.rekey.promoted();
        else if (kb.next?.equals(ka.key) === true) kb.rekey.promoted();
        else this.down(l);
      }
    }
  }

  // ------------------------------------------------------------ hooks

  protected override booted(node: Node): void {
    const k: Keyed = {
      rekey: null as unknown as RoomRekey,
      key: Buffer.from(this.bootKey),
      next: null,
      retired: [],
      switches: [],
      kickPending: false,
      victim: null,
    };
    this.keyed.set(node, k);
    this.hold(k.key.toString('hex'), node.id);
    if (!this.saved.has(node.id)) this.saved.set(node.id, Buffer.from(k.key));
    k.rekey = new RoomRekey({
      me: node.id,
      now: () => this.now,
      key: () => k.key,
      online: () => node.core.online(),
      seated: () =>
        seating(node.core.members)
          .seated.map((e) => e.id)
          .filter((id) => id !== node.id),
      display: (id) => id,
      send: (member, body) => this.sendControl(node, member, body),
      installNext: (key) => void (k.next = Buffer.from(key)),
      dropNext: (key) => {
        if (k.next?.equals(key) === true) k.next = null;
      },
      save: (key) => void this.saved.set(node.id, Buffer.from(key)),
      switchTo: (key, epoch, missed) => {
        this.note(
          `${node.nick} switch e${epoch} ${k.key.toString('hex').slice(0, 6)}→${key.toString('hex').slice(0, 6)} missed [${missed.map((m) => this.nickOf(m)).join(',')}]`,
        );
        const [from, to] = [k.key.toString('hex'), key.toString('hex')];
        if (!this.parent.has(to)) this.parent.set(to, from);
        // A kick's rotation names its victim out as good as missed (whoever joins through it is out with it).
        const st = k.rekey.state;
        const out = st.kind === 'idle' && st.rank?.kick === true && st.rank.initiator === node.id && k.victim !== null ? [k.victim] : [];
        this.missedAt.set(to, new Set([...(this.missedAt.get(to) ?? []), ...missed, ...out]));
        this.hold(to, node.id);
        k.retired = [k.key, ...k.retired].slice(0, ROOM_RETIRED_KEYS_MAX);
        k.key = Buffer.from(key);
        k.next = null;
        k.switches.push({ epoch, key: k.key, missed: [...missed] });
        for (const m of missed) this.namedMissed.add(m);
        const gone = new Set(missed);
        for (const l of this.linksOf(node)) {
          const mine = l.sides[0].node === node ? l.sides[0] : l.sides[1];
          const id = this.boundTo(node, mine.link);
          if (id === undefined || gone.has(id)) this.down(l);
        }
      },
      fact: (f) => {
        node.facts.push(f);
        if (f.kind === 'rotating' || f.kind === 'rotation-failed' || f.kind === 'error')
          this.note(
            `${node.nick} ${f.kind} ${'by' in f ? this.nickOf(f.by) : ''} ${'kick' in f && f.kind === 'rotating' ? (f.kick ? 'kick' : '') : ''} ${'line' in f ? f.line : ''}`,
          );
        if (f.kind === 'error') this.errors.push(`${node.nick}: ${f.line}`);
      },
    });
  }

  protected override canDial(node: Node, target: Node): boolean {
    return this.keys(node).key.equals(this.keys(target).key);
  }

  protected override canDeliver(from: Side, to: Side, item: Item): boolean {
    if (item.kind === 'close') return true;
    const [s, r] = [this.keys(from.node), this.keys(to.node)];
    return s.key.equals(r.key) || r.next?.equals(s.key) === true;
  }

  protected override deliver(from: Side, to: Side, l: NetLink, item: Item): void {
    const r = this.keys(to.node);
    const underNext = item.kind !== 'close' && !this.keys(from.node).key.equals(r.key);
    if (item.kind === 'control' && looksLikeRotationControl(item.body)) {
      const parsed = parseRotationControl(item.body);
      if (!parsed.ok) throw new Error(`${from.node.nick} sent a bad rotation control: ${parsed.reason}`);
      const by = this.boundTo(to.node, to.link);
      if (by !== undefined && to.node.alive) r.rekey.control(by, parsed.control);
    } else super.deliver(from, to, l, item);
    if (underNext && to.node.alive) r.rekey.promoted();
  }

  protected override rotateExcluding(node: Node, member: MemberId): void {
    super.rotateExcluding(node, member);
    const k = this.keys(node);
    k.victim = member;
    const why = k.rekey.start(true, member);
    this.note(`${node.nick} kicks ${this.nickOf(member)}${why === null ? '' : `: ${why}`}`);
    if (why !== null) k.kickPending = true;
  }

  protected override record(node: Node, f: RoomFact): void {
    super.record(node, f);
    if (!node.alive) return;
    const k = this.keyed.get(node);
    if (k === undefined) return;
    // room-session: a member bound anew learns the epoch of the key we share; a member gone ends a rotation it leads.
    if (f.kind === 'online' && k.rekey.epoch > 0) this.sendControl(node, f.member, encodeRotationControl({ t: 'room:rot-epoch', epoch: k.rekey.epoch }));
    if (f.kind === 'left') k.rekey.gone(f.member);
  }

  // ------------------------------------------------------------ internals

  private hold(key: string, id: MemberId): void {
    this.holders.set(key, new Set([...(this.holders.get(key) ?? []), id]));
  }

  /** The keys from the room's first one to `key` (hex), oldest first. */
  lineage(key: string): string[] {
    const out = [key];
    for (let k = this.parent.get(key); k !== undefined; k = this.parent.get(k)) out.unshift(k);
    return out;
  }

  /**
   * Whether the split of a member on key `a` from one on key `b` was named:
   * where their keys' lines part, a switch named missed a member that held
   * the other line's next key (or, if one line runs on from the other's
   * key, a holder of the key left behind was named missed on the way: it, or
   * the member it joined through).
   */
  splitNamed(a: string, b: string): boolean {
    const [la, lb] = [this.lineage(a), this.lineage(b)];
    let i = 0;
    while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
    const crosses = (x: string, y: string): boolean => [...(this.missedAt.get(x) ?? [])].some((m) => this.holders.get(y)?.has(m) === true);
    if (i === la.length) return lb.slice(i).some((k) => crosses(k, a));
    if (i === lb.length) return la.slice(i).some((k) => crosses(k, b));
    return crosses(la[i]!, lb[i]!) || crosses(lb[i]!, la[i]!);
  }

  nickOf(id: MemberId): string {
    return this.nodes.find((n) => n.id === id)?.nick ?? id;
  }

  private boundTo(node: Node, link: string): MemberId | undefined {
    return node.core.online().find((id) => node.core.linkOf(id) === link);
  }

  private sendControl(node: Node, member: MemberId, body: string): void {
    const link = node.core.linkOf(member);
    if (link === undefined || !node.alive) return;
    const l = node.links.get(link);
    if (l === undefined || !l.up) return;
    const side = l.sides[0].node === node && l.sides[0].link === link ? l.sides[0] : l.sides[1];
    side.queue.push({ kind: 'control', body });
  }
}
