/**
 * The room wiring's book-keeping (#15), pure: which mesh member (one
 * connection) carries which of the core's links, and which connection
 * message id carries which of the core's delivery refs.
 *
 *   member (a connection, one per address)
 *     └─ online ──→ link L1 ──offline / restarted──→ (down) ──online──→ link L2 …
 *
 * A link id is never reused (core-types.ts LinkId): each time a connection
 * comes online, or its peer restarts, it gets a new one, so the core sends
 * its room:hello again. A connection lives on while its link is down (it
 * retransmits what it holds when the peer is back); the core's close (or
 * the end of the session) removes it.
 */
import type { LinkId } from '../room/core-types.js';

interface Entry<T> {
  member: T;
  /** host:port of its peer, or null (not known yet). */
  address: string | null;
  /** Its current link, or null while it is down. */
  link: LinkId | null;
}

export class RoomLinks<T> {
  private readonly byMember = new Map<T, Entry<T>>();
  private readonly byLink = new Map<LinkId, Entry<T>>();
  private count = 0;

  /** How many members (connections) there are. */
  get size(): number {
    return this.byMember.size;
  }

  /** A new member, down. TypeError if it is known. */
  open(member: T, address: string | null): void {
    if (this.byMember.has(member)) throw new TypeError('RoomLinks.open: the member is known already');
    this.byMember.set(member, { member, address, link: null });
  }

  has(member: T): boolean {
    return this.byMember.has(member);
  }

  /** The member (still open) whose peer is at `address`. */
  atAddress(address: string): T | undefined {
    for (const e of this.byMember.values()) if (e.address === address) return e.member;
    return undefined;
  }

  /** Where the member's peer is (learned on its first datagram for an accepted one). */
  setAddress(member: T, address: string | null): void {
    const e = this.byMember.get(member);
    if (e !== undefined) e.address = address;
  }

  address(member: T): string | null {
    return this.byMember.get(member)?.address ?? null;
  }

  /** The member went online: its new link, or null if it is up already (or unknown). */
  up(member: T): LinkId | null {
    const e = this.byMember.get(member);
    if (e === undefined || e.link !== null) return null;
    this.count += 1;
    e.link = `L${this.count}`;
    this.byLink.set(e.link, e);
    return e.link;
  }

  /** The member went offline: the link that ended, or null if it was down already (or unknown). */
  down(member: T): LinkId | null {
    const e = this.byMember.get(member);
    if (e === undefined || e.link === null) return null;
    const link = e.link;
    e.link = null;
    this.byLink.delete(link);
    return link;
  }

  /** The member's current link, or null. */
  linkOf(member: T): LinkId | null {
    return this.byMember.get(member)?.link ?? null;
  }

  /** The member whose current link is `link`. */
  memberOf(link: LinkId): T | undefined {
    return this.byLink.get(link)?.member;
  }

  /** Forgets the member (removed from the mesh); its link, if up, first goes down (returned). */
  forget(member: T): LinkId | null {
    const link = this.down(member);
    this.byMember.delete(member);
    return link;
  }

  members(): T[] {
    return [...this.byMember.keys()];
  }
}

/** Connection message ids ↔ the core's delivery refs: each deliver is one connection message. */
export class DeliveryRefs {
  private readonly byId = new Map<string, { link: LinkId; ref: number }>();

  /** Remember that message `id` carries `ref` on `link`. */
  track(id: string, link: LinkId, ref: number): void {
    this.byId.set(id, { link, ref });
  }

  /** The ref message `id` carried (delivered or failed: forgotten), or undefined for an id not ours (a control, another's). */
  settle(id: string): { link: LinkId; ref: number } | undefined {
    const r = this.byId.get(id);
    if (r !== undefined) this.byId.delete(id);
    return r;
  }

  /** Refs not settled yet. */
  get size(): number {
    return this.byId.size;
  }
}

/** Lines that came on a link before its hello bound it (a restarted peer's retransmissions come first): the core gets them once it binds the link. */
export class HeldLines {
  private readonly byLink = new Map<LinkId, Array<{ id: string; text: string }>>();

  hold(link: LinkId, line: { id: string; text: string }): void {
    const list = this.byLink.get(link) ?? [];
    list.push(line);
    this.byLink.set(link, list);
  }

  /** The link went down unbound: its lines are dropped (the connection counts them delivered; the sender's core does not resend them). */
  drop(link: LinkId): void {
    this.byLink.delete(link);
  }

  /** The lines of the links `bound` says are bound now, in arrival order per link; forgotten here. */
  take(bound: (link: LinkId) => boolean): Array<{ link: LinkId; id: string; text: string }> {
    const out: Array<{ link: LinkId; id: string; text: string }> = [];
    for (const [link, list] of [...this.byLink]) {
      if (!bound(link)) continue;
      this.byLink.delete(link);
      for (const l of list) out.push({ link, ...l });
    }
    return out;
  }

  get size(): number {
    return this.byLink.size;
  }
}

/** Addresses whose link the core closed, and when: a stranger from one is not seated again for `quietMs` (its last datagrams would seat it again at once, and be refused again). */
export class RecentlyClosed {
  private readonly at = new Map<string, number>();

  constructor(private readonly quietMs: number) {}

  closed(address: string, now: number): void {
    this.at.set(address, now);
  }

  /** Still quiet at `now` (forgotten once it is not). */
  quiet(address: string, now: number): boolean {
    const t = this.at.get(address);
    if (t === undefined) return false;
    if (now - t < this.quietMs) return true;
    this.at.delete(address);
    return false;
  }
}
