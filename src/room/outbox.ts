/**
 * What this member owes the others (#15): per member, the messages not yet
 * handed to a link (bounded: ROOM_QUEUE_MAX, the oldest dropped and
 * counted), and the ones handed to a link and not yet confirmed (in flight,
 * by `ref`). Pure.
 *
 * Every message gets one sequence number, shared by all its copies; a
 * queue is kept in that order, so a copy that comes back (its link failed)
 * goes before the newer ones that waited behind it.
 */
import { ROOM_QUEUE_MAX } from '../constants.js';
import type { MemberId } from './members.js';

export interface Pending {
  seq: number;
  text: string;
  /** `/me`. */
  action?: boolean;
}

export interface InFlight extends Pending {
  member: MemberId;
  link: string;
}

export class Outbox {
  private readonly queues = new Map<MemberId, Pending[]>();
  private readonly missed = new Map<MemberId, number>();
  private readonly flying = new Map<number, InFlight>();
  /** Per member, how many copies are in flight on each link. */
  private readonly perLink = new Map<MemberId, Map<string, number>>();
  private nextSeq = 1;
  private nextRef = 1;

  /** A new sequence number for a message the user sent. */
  newSeq(): number {
    return this.nextSeq++;
  }

  /** Queues a copy for `member`; past ROOM_QUEUE_MAX the oldest is dropped and counted as missed. */
  enqueue(member: MemberId, p: Pending): void {
    const q = this.queues.get(member) ?? [];
    let i = q.length;
    while (i > 0 && q[i - 1]!.seq > p.seq) i--;
    q.splice(i, 0, p);
    if (q.length > ROOM_QUEUE_MAX) {
      q.splice(0, q.length - ROOM_QUEUE_MAX);
      this.missed.set(member, (this.missed.get(member) ?? 0) + 1);
    }
    this.queues.set(member, q);
  }

  /** Hands every queued copy for `member` to `link`: each gets a ref, kept until confirmed or failed. */
  takeAll(member: MemberId, link: string): Array<InFlight & { ref: number }> {
    const q = this.queues.get(member) ?? [];
    this.queues.delete(member);
    return q.map((p) => {
      const ref = this.nextRef++;
      const f: InFlight = { ...p, member, link };
      this.flying.set(ref, f);
      this.count(f, 1);
      return { ...f, ref };
    });
  }

  /** The link confirmed `ref` (or the wiring says it is gone for good): forgets it. Returns it, or undefined if unknown. */
  settle(ref: number): InFlight | undefined {
    const f = this.flying.get(ref);
    if (f === undefined) return undefined;
    this.flying.delete(ref);
    this.count(f, -1);
    return f;
  }

  /**
   * Whether copies for `member` are still in flight on a link other than
   * `link`: an old connection not yet answered. Newer lines wait for it, or
   * a copy it gives back would arrive after them.
   */
  inFlightElsewhere(member: MemberId, link: string): boolean {
    const m = this.perLink.get(member);
    if (m === undefined) return false;
    for (const l of m.keys()) if (l !== link) return true;
    return false;
  }

  private count(f: InFlight, d: number): void {
    const m = this.perLink.get(f.member) ?? new Map<string, number>();
    const n = (m.get(f.link) ?? 0) + d;
    if (n > 0) m.set(f.link, n);
    else m.delete(f.link);
    if (m.size > 0) this.perLink.set(f.member, m);
    else this.perLink.delete(f.member);
  }

  /** How many were dropped for `member` since the last call (and resets the count). */
  takeMissed(member: MemberId): number {
    const n = this.missed.get(member) ?? 0;
    this.missed.delete(member);
    return n;
  }

  queued(member: MemberId): number {
    return this.queues.get(member)?.length ?? 0;
  }

  /** Forgets everything owed to `member` (removed from the room); returns how many copies that was, queued or in flight. */
  drop(member: MemberId): number {
    let n = this.queues.get(member)?.length ?? 0;
    this.queues.delete(member);
    for (const [ref, f] of this.flying) {
      if (f.member !== member) continue;
      this.flying.delete(ref);
      this.count(f, -1);
      n++;
    }
    return n + this.takeMissed(member);
  }

  /** Members owed anything (queued, in flight or a missed count). */
  owed(): MemberId[] {
    const ids = new Set([...this.queues.keys(), ...this.missed.keys()]);
    for (const f of this.flying.values()) ids.add(f.member);
    return [...ids];
  }
}
