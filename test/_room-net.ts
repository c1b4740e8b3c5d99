/**
 * A tiny in-memory network for room cores (#15): what the mesh and the
 * wiring will do, reduced to links that are reliable and in order per
 * direction. Partitions take links down (what was in flight fails back to
 * its sender); restarts recreate a core from its saved list; a seeded PRNG
 * picks which pending delivery or event happens next.
 */
import { RoomCore } from '../src/room/core.js';
import type { LinkId, RoomAction, RoomFact, RoomInput } from '../src/room/core-types.js';
import { addMember, EMPTY_MEMBERS, type MemberId, type MemberSet } from '../src/room/members.js';
import type { Invite } from '../src/room/trust.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Item = { kind: 'control'; body: string } | { kind: 'message'; ref: number; text: string; id: string } | { kind: 'close' };

export interface Side {
  node: Node;
  link: LinkId;
  /** This side has had its link-up: items for it may be delivered. */
  ready: boolean;
  /** Items from this side to the other. */
  queue: Item[];
}

export interface NetLink {
  n: number;
  up: boolean;
  sides: [Side, Side];
}

export interface Node {
  id: MemberId;
  nick: string;
  address: string;
  core: RoomCore;
  alive: boolean;
  incarnation: number;
  saved: MemberSet;
  facts: RoomFact[];
  links: Map<LinkId, NetLink>;
}

export const INVITE = 'inv-1';
export const FAR = 1e15;

export class RoomNet {
  readonly nodes: Node[] = [];
  private readonly links: NetLink[] = [];
  private readonly events: Array<() => void> = [];
  private readonly blocked = new Set<string>();
  private linkCount = 0;
  private msgCount = 0;
  now = 0;
  /** Cores made so far: each one's incarnation. */
  private starts = 0;
  /** Every message fact, by receiver id, across incarnations. */
  readonly received = new Map<MemberId, Array<{ from: MemberId; text: string }>>();
  /** Missed counts by sender → receiver. */
  readonly missed = new Map<string, number>();
  readonly rotations: Array<{ by: MemberId; member: MemberId }> = [];

  constructor(
    readonly rng: () => number,
    readonly room = 'ops',
  ) {}

  newId(): MemberId {
    let s = '';
    for (let i = 0; i < 16; i++) s += Math.floor(this.rng() * 16).toString(16);
    return s;
  }

  /** The founder: a list of one, invites open. */
  found(nick: string, invites: Invite[] = [{ id: INVITE, expires: FAR }]): Node {
    const id = this.newId();
    const address = this.newAddress();
    const members = addMember(EMPTY_MEMBERS, { id, nick, address }, id);
    return this.boot({ id, nick, address, members, invites, join: null });
  }

  /** A new member with an invite of `inviter`'s. */
  join(nick: string, inviter: Node, invite = INVITE, id = this.newId()): Node {
    return this.boot({
      id,
      nick,
      address: this.newAddress(),
      members: EMPTY_MEMBERS,
      invites: [{ id: INVITE, expires: FAR }],
      join: { invite, address: inviter.address },
    });
  }

  /** Quits `node` (shutdown) and starts it again with its saved list, at a new address if asked. */
  restart(node: Node, newAddress = false): Node {
    this.apply(node, node.core.handle({ kind: 'shutdown' }, this.now), true);
    this.kill(node);
    const address = newAddress ? this.newAddress() : node.address;
    const fresh = this.boot({ id: node.id, nick: node.nick, address, members: node.saved, invites: [{ id: INVITE, expires: FAR }], join: null }, node);
    return fresh;
  }

  input(node: Node, input: RoomInput): void {
    if (!node.alive) return;
    this.apply(node, node.core.handle(input, this.now));
  }

  partition(a: Node[], b: Node[]): void {
    for (const x of a) for (const y of b) this.blocked.add(pair(x.address, y.address));
    for (const l of this.links) if (l.up && this.blocked.has(pair(l.sides[0].node.address, l.sides[1].node.address))) this.down(l);
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Runs pending deliveries and events until none is left (or maxSteps). Returns the steps taken. */
  run(maxSteps = 1_000_000): number {
    let steps = 0;
    while (steps < maxSteps && this.step()) steps++;
    return steps;
  }

  /** Advances the clock and ticks every live core. */
  advance(ms: number): void {
    this.now += ms;
    for (const n of this.nodes) if (n.alive) this.input(n, { kind: 'tick' });
  }

  /** Runs, ticks and runs again until nothing moves any more. */
  settle(ms: number, rounds = 5): void {
    for (let i = 0; i < rounds; i++) {
      this.run();
      this.advance(ms);
    }
    this.run();
  }

  alive(): Node[] {
    return this.nodes.filter((n) => n.alive);
  }

  /** Links between two nodes, as the network sees them (debugging). */
  debugLinks(a: Node, b: Node): unknown[] {
    return this.links
      .filter((l) => l.sides.some((s) => s.node === a) && l.sides.some((s) => s.node === b))
      .map((l) => ({ n: l.n, up: l.up, sides: l.sides.map((s) => ({ node: s.node.nick, link: s.link, ready: s.ready, queue: s.queue.map((i) => i.kind) })) }));
  }

  // ------------------------------------------------------------ internals

  private newAddress(): string {
    return `10.0.${Math.floor(this.nodes.length / 200)}.${(this.nodes.length % 200) + 1}:${7000 + this.nodes.length}`;
  }

  protected boot(
    o: { id: MemberId; nick: string; address: string; members: MemberSet; invites: Invite[]; join: { invite: string; address: string } | null },
    prev?: Node,
  ): Node {
    const core = new RoomCore({
      self: { id: o.id, nick: o.nick, address: o.address },
      room: this.room,
      members: o.members,
      invites: o.invites,
      join: o.join,
      now: this.now,
      // Every start its own (line.ts): the simulated clock may not move between a shutdown and a restart.
      incarnation: (this.starts += 1),
    });
    const node: Node = {
      id: o.id,
      nick: o.nick,
      address: o.address,
      core,
      alive: true,
      incarnation: (prev?.incarnation ?? 0) + 1,
      saved: o.members,
      facts: prev?.facts ?? [],
      links: new Map(),
    };
    this.nodes.push(node);
    this.booted(node);
    this.input(node, { kind: 'start' });
    return node;
  }

  private kill(node: Node): void {
    node.alive = false;
    for (const l of node.links.values()) if (l.up) this.down(l);
  }

  // ------------------------------------------------------------ hooks (a subclass adds keys: test/_room-rekey-net.ts)

  /** A node was made, before its start. */
  protected booted(_node: Node): void {}

  /** Whether `item`, at the head of `from`'s queue, can reach `to` now (it waits in order until it can). */
  protected canDeliver(_from: Side, _to: Side, _item: Item): boolean {
    return true;
  }

  /** Whether `node` can reach `target` at all (a link forms only then). */
  protected canDial(_node: Node, _target: Node): boolean {
    return true;
  }

  /** The core asked for a rotation without `member` (after a kick). */
  protected rotateExcluding(node: Node, member: MemberId): void {
    this.rotations.push({ by: node.id, member });
  }

  /** Every up link of `node`. */
  protected linksOf(node: Node): NetLink[] {
    return [...node.links.values()].filter((l) => l.up);
  }

  private step(): boolean {
    const ready: Side[] = [];
    for (const l of this.links) {
      if (!l.up) continue;
      for (const [i, s] of l.sides.entries()) {
        const to = l.sides[1 - i]!;
        if (s.queue.length > 0 && to.ready && this.canDeliver(s, to, s.queue[0]!)) ready.push(s);
      }
    }
    if (this.events.length === 0 && ready.length === 0) return false;
    if (this.events.length > 0 && (ready.length === 0 || this.rng() < 0.3)) {
      this.events.shift()!();
      return true;
    }
    const from = ready[Math.floor(this.rng() * ready.length)]!;
    const l = from.node.links.get(from.link)!;
    const to = l.sides[0] === from ? l.sides[1] : l.sides[0];
    const item = from.queue.shift()!;
    this.deliver(from, to, l, item);
    return true;
  }

  /** `item` from `from` arrives at `to`. */
  protected deliver(from: Side, to: Side, l: NetLink, item: Item): void {
    switch (item.kind) {
      case 'control':
        this.input(to.node, { kind: 'control', link: to.link, body: item.body });
        break;
      case 'message':
        this.input(to.node, { kind: 'message', link: to.link, id: item.id, text: item.text });
        this.events.push(() => this.input(from.node, { kind: 'delivered', link: from.link, ref: item.ref }));
        break;
      case 'close':
        this.down(l);
        break;
    }
  }

  /** The link is gone: what was in flight fails back to its (live) sender; both sides hear link-down. */
  protected down(l: NetLink): void {
    if (!l.up) return;
    l.up = false;
    for (const s of l.sides) {
      const items = s.queue.splice(0);
      for (const it of items) if (it.kind === 'message' && s.node.alive) this.input(s.node, { kind: 'failed', link: s.link, ref: it.ref });
      if (s.ready) this.events.push(() => this.input(s.node, { kind: 'link-down', link: s.link }));
    }
  }

  private apply(node: Node, actions: RoomAction[], dying = false): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'fact':
          this.record(node, a.fact);
          break;
        case 'save':
          node.saved = a.members;
          break;
        case 'rotate-excluding':
          this.rotateExcluding(node, a.member);
          break;
        case 'dial':
          if (!dying) this.dial(node, a.address);
          break;
        case 'control':
        case 'deliver':
        case 'close': {
          if (dying) break;
          const l = node.links.get(a.link);
          if (l === undefined) throw new Error(`${node.nick}: ${a.kind} on unknown link ${a.link}`);
          const side = l.sides[0].node === node && l.sides[0].link === a.link ? l.sides[0] : l.sides[1];
          if (!l.up) {
            if (a.kind === 'deliver') this.events.push(() => this.input(node, { kind: 'failed', link: a.link, ref: a.ref }));
            break;
          }
          if (a.kind === 'control') side.queue.push({ kind: 'control', body: a.body });
          else if (a.kind === 'deliver') side.queue.push({ kind: 'message', ref: a.ref, text: a.text, id: `m${++this.msgCount}` });
          else side.queue.push({ kind: 'close' });
          break;
        }
      }
    }
  }

  private dial(node: Node, address: string): void {
    const target = this.nodes.find((n) => n.alive && n.address === address);
    if (target === undefined || target === node || this.blocked.has(pair(node.address, address)) || !this.canDial(node, target)) return;
    const exists = this.links.some(
      (l) => l.up && new Set([l.sides[0].node, l.sides[1].node]).has(node) && new Set([l.sides[0].node, l.sides[1].node]).has(target),
    );
    if (exists) return;
    const n = ++this.linkCount;
    const a: Side = { node, link: `L${n}a`, ready: false, queue: [] };
    const b: Side = { node: target, link: `L${n}b`, ready: false, queue: [] };
    const l: NetLink = { n, up: true, sides: [a, b] };
    this.links.push(l);
    node.links.set(a.link, l);
    target.links.set(b.link, l);
    for (const [s, other] of [
      [a, b],
      [b, a],
    ] as const) {
      this.events.push(() => {
        if (!l.up) return;
        s.ready = true;
        this.input(s.node, { kind: 'link-up', link: s.link, address: other.node.address });
      });
    }
  }

  protected record(node: Node, f: RoomFact): void {
    node.facts.push(f);
    if (f.kind === 'message') {
      const r = this.received.get(node.id) ?? [];
      r.push({ from: f.from, text: f.text });
      this.received.set(node.id, r);
    } else if (f.kind === 'missed') {
      const k = `${node.id}>${f.member}`;
      this.missed.set(k, (this.missed.get(k) ?? 0) + f.count);
    }
  }
}

function pair(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
