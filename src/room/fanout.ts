/**
 * The room core's message path (#15): a line goes to every seated member,
 * on its link when it has a usable one, else into its queue (outbox.ts),
 * flushed in order when a link binds; and what the links answer (delivered,
 * failed, queue-full). Pure: it returns actions; core.ts says who is seated.
 *
 *   send ──→ deliver(link, ref) per member with a usable link, queued for the rest
 *   delivered(ref) ──→ forgotten; a stalled link goes on
 *   flush waits while an older link has copies in flight for the member (it
 *   may give them back: they must go first, to keep each sender's order)
 *   failed / queue-full(ref) ──→ queued again (before newer lines), the link stalled
 *   flush(member) ──→ "missed N" first if its queue overflowed, then every queued line
 */
import type { LinkId, RoomAction } from './core-types.js';
import type { LinkTable } from './links.js';
import type { MemberId } from './members.js';
import { encodeRoomLine } from './line.js';
import { Outbox } from './outbox.js';

/** How the core names a member in a fact (display.ts, over its current list). */
export type Names = (id: MemberId) => string;

export class Fanout {
  private readonly outbox = new Outbox();

  constructor(
    private readonly links: LinkTable,
    /** This process's start time (ms): the incarnation in every line's header (line.ts). */
    private readonly incarnation: number,
  ) {}

  /** Lines waiting for `member`. */
  queued(member: MemberId): number {
    return this.outbox.queued(member);
  }

  /** One line to each of `to`. */
  send(text: string, to: readonly MemberId[], names: Names, action = false): RoomAction[] {
    const seq = this.outbox.newSeq();
    const out: RoomAction[] = [];
    for (const m of to) {
      this.outbox.enqueue(m, action ? { seq, text, action } : { seq, text });
      out.push(...this.flush(m, names));
    }
    // Last: whoever listens to the fact (a runner waiting for everything to be handed over) sees the delivers done.
    out.push({ kind: 'fact', fact: { kind: 'sent', text, seq, ...(action ? { action } : {}) } });
    return out;
  }

  delivered(link: LinkId, ref: number, names: Names): RoomAction[] {
    const f = this.outbox.settle(ref);
    const l = this.links.get(link);
    if (l !== undefined) l.stalled = false;
    // The member's lines may have waited for this one (a stalled link, or an old link not yet answered).
    return f === undefined || this.outbox.queued(f.member) === 0 ? [] : this.flush(f.member, names);
  }

  /** A deliver failed (or met a full queue): queued again for its member if `owed` says it is still owed, and the link stalled. */
  failed(link: LinkId, ref: number, owed: (id: MemberId) => boolean, names: Names): RoomAction[] {
    const f = this.outbox.settle(ref);
    if (f === undefined) return [];
    const l = this.links.get(link);
    if (l !== undefined) l.stalled = true;
    if (!owed(f.member)) return [];
    this.outbox.enqueue(f.member, f);
    return this.flush(f.member, names);
  }

  /** Whether a link is stalled (the next tick tries it again). */
  stalled(): boolean {
    return this.links.all().some(([, l]) => l.stalled);
  }

  /** Every stalled link is tried again (the clock ticked). */
  retryStalled(names: Names): RoomAction[] {
    const out: RoomAction[] = [];
    for (const [, l] of this.links.all()) {
      if (!l.stalled) continue;
      l.stalled = false;
      if (l.member !== null) out.push(...this.flush(l.member, names));
    }
    return out;
  }

  /** Everything queued for `member` onto its link, if it has a usable one; a missed count first. */
  flush(member: MemberId, names: Names): RoomAction[] {
    const link = this.links.usable(member);
    if (link === undefined || this.outbox.inFlightElsewhere(member, link)) return [];
    const out: RoomAction[] = [];
    const missed = this.outbox.takeMissed(member);
    if (missed > 0) out.push({ kind: 'fact', fact: { kind: 'missed', member, display: names(member), count: missed } });
    for (const f of this.outbox.takeAll(member, link))
      out.push({ kind: 'deliver', link, ref: f.ref, text: encodeRoomLine(this.incarnation, f.seq, f.text, f.action === true) });
    return out;
  }

  /** Forgets what is owed to members for whom `keep` is false (they left the room). */
  forgetUnless(keep: (id: MemberId) => boolean): void {
    for (const m of this.outbox.owed()) if (!keep(m)) this.outbox.drop(m);
  }

  /** Everything still owed, as one missed fact per member, then forgotten (we quit or are out of the room). */
  reportOwed(names: Names): RoomAction[] {
    const out: RoomAction[] = [];
    for (const m of this.outbox.owed()) {
      const n = this.outbox.drop(m);
      if (n > 0) out.push({ kind: 'fact', fact: { kind: 'missed', member: m, display: names(m), count: n } });
    }
    return out;
  }
}
