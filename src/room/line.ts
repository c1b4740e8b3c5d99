/**
 * A room line on the wire (#15): the text a member typed, behind a small
 * header that makes each line exactly-once at the receiver, whatever the
 * connections do with it:
 *
 *   U+0001 incarnation "." seq ["*"] U+0001 text
 *
 * A `*` after the seq marks an action (`/me waves`: shown "* nick waves").
 * `incarnation` is the sender's start time (ms, base 36): a restarted sender
 * counts from 1 again under another one (only "another" counts, not
 * "greater": a clock set back between two starts must not silence a member;
 * copies of an older incarnation cannot come after a newer one's lines,
 * since the connection of a replaced session drops its frames). `seq` numbers the sender's lines
 * (every copy of one line, to every member, has the same). A connection
 * gives a line back as failed when its ack was lost though the line arrived
 * (PROTOCOL.md, "Rooms"); the sender then sends it again on the member's
 * next link, and the receiver drops the copy it has seen. Per-sender order
 * is the sender's to keep (fanout.ts), so a line is new exactly when it is of
 * another incarnation than the last one shown from that member, or of the
 * same with a greater seq.
 */
import type { MemberId } from './members.js';

const MARK = '\u0001';
const HEADER = /^\u0001([0-9a-z]{1,11})\.([1-9][0-9]{0,15})(\*?)\u0001/;

export interface RoomLine {
  incarnation: number;
  seq: number;
  text: string;
  /** `/me`: an action. */
  action: boolean;
}

export function encodeRoomLine(incarnation: number, seq: number, text: string, action = false): string {
  return `${MARK}${Math.max(0, Math.floor(incarnation)).toString(36)}.${seq}${action ? '*' : ''}${MARK}${text}`;
}

/** The line, or null when the header is missing or malformed. */
export function decodeRoomLine(s: string): RoomLine | null {
  const m = HEADER.exec(s);
  if (m === null) return null;
  const incarnation = parseInt(m[1]!, 36);
  const seq = Number(m[2]);
  if (!Number.isSafeInteger(incarnation) || !Number.isSafeInteger(seq)) return null;
  return { incarnation, seq, text: s.slice(m[0].length), action: m[3] === '*' };
}

/** Bytes the header adds to a line at most (for the message size limit). */
export const ROOM_LINE_HEADER_MAX_BYTES = 1 + 11 + 1 + 16 + 1 + 1;

/** What LineDedupe remembers, as a restart gets it back: per member, the last line shown. */
export type SeenLines = ReadonlyArray<{ member: MemberId; incarnation: number; seq: number }>;

/** The last line shown from each member: a copy of it or of an older one is a duplicate. */
export class LineDedupe {
  private readonly last = new Map<MemberId, { incarnation: number; seq: number }>();

  /** `seen`: what the last process showed (saved at its quit), so a line it showed and did not acknowledge is not shown again. */
  constructor(seen: SeenLines = []) {
    for (const s of seen) this.last.set(s.member, { incarnation: s.incarnation, seq: s.seq });
  }

  snapshot(): SeenLines {
    return [...this.last].map(([member, l]) => ({ member, incarnation: l.incarnation, seq: l.seq }));
  }

  /** True when the line is new (and remembers it); false for a copy of one already shown. */
  accept(member: MemberId, line: Pick<RoomLine, 'incarnation' | 'seq'>): boolean {
    const l = this.last.get(member);
    if (l !== undefined && line.incarnation === l.incarnation && line.seq <= l.seq) return false;
    this.last.set(member, { incarnation: line.incarnation, seq: line.seq });
    return true;
  }
}
