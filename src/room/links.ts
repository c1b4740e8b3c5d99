/**
 * The room core's links (#15): one per connection the wiring named, and
 * which member's hello bound it. A member is bound to one link at most: a
 * newer one takes over (the member restarted or moved). Book-keeping only,
 * pure; core.ts says what each change means.
 */
import type { LinkId } from './core-types.js';
import type { MemberId, MemberSet } from './members.js';

export interface Link {
  /** Where its datagrams come from, as the wiring said. */
  readonly address: string | null;
  /** The member its hello bound it to, or null. */
  member: MemberId | null;
  /** A deliver on it failed or found its queue full: nothing more until a delivered, or the next tick. */
  stalled: boolean;
  /** We asked the wiring to close it: input on it is ignored until its link-down. */
  closing: boolean;
  /** The list we last sent on it, and the last one heard on it: gossip only what differs from both. */
  sent: MemberSet | null;
  heard: MemberSet | null;
}

export class LinkTable {
  private readonly links = new Map<LinkId, Link>();
  private readonly bound = new Map<MemberId, LinkId>();

  /** A new link, or null if the id is taken. */
  add(link: LinkId, address: string | null, sent: MemberSet): Link | null {
    if (this.links.has(link)) return null;
    const l: Link = { address, member: null, stalled: false, closing: false, sent, heard: null };
    this.links.set(link, l);
    return l;
  }

  get(link: LinkId): Link | undefined {
    return this.links.get(link);
  }

  /** Forgets the link (link-down); returns it, unbound first (see unbind), or undefined. */
  remove(link: LinkId): { l: Link; was: MemberId | null } | undefined {
    const l = this.links.get(link);
    if (l === undefined) return undefined;
    const was = this.unbind(link);
    this.links.delete(link);
    return { l, was };
  }

  /** Binds `link` to `member`; returns the member's previous link (now unbound, its `member` null), if another. */
  bind(link: LinkId, member: MemberId): LinkId | undefined {
    const old = this.bound.get(member);
    if (old !== undefined && old !== link) {
      const ol = this.links.get(old);
      if (ol !== undefined) ol.member = null;
    }
    const l = this.links.get(link);
    if (l !== undefined) l.member = member;
    this.bound.set(member, link);
    return old === link ? undefined : old;
  }

  /** Unbinds `link`; returns the member if this was its current link (it has none now), else null. */
  unbind(link: LinkId): MemberId | null {
    const l = this.links.get(link);
    if (l === undefined) return null;
    const m = l.member;
    l.member = null;
    if (m === null || this.bound.get(m) !== link) return null;
    this.bound.delete(m);
    return m;
  }

  linkOf(member: MemberId): LinkId | undefined {
    return this.bound.get(member);
  }

  /** The member's link if something may be sent on it now (bound, not stalled, not closing). */
  usable(member: MemberId): LinkId | undefined {
    const link = this.bound.get(member);
    const l = link === undefined ? undefined : this.links.get(link);
    return l === undefined || l.stalled || l.closing ? undefined : link;
  }

  /** Bound members, with their links. */
  boundMembers(): Array<[MemberId, LinkId]> {
    return [...this.bound];
  }

  /** Every link, bound or not. */
  all(): Array<[LinkId, Link]> {
    return [...this.links];
  }
}
