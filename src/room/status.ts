/**
 * Where this member stands in the room (#15): the core's lifecycle, as a
 * union and one transition function. Pure.
 *
 *   joining ──admitted──→ member ──leave───→ left
 *      │                    │  └──removed──→ removed   (a tombstone by another: kicked)
 *      │                    └────refused──→ refused    (our seat fell past the 16th)
 *      ├──refused──→ refused                            (the inviter said no)
 *      └──removed──→ removed                            (our id is tombstoned)
 *
 * left, removed and refused are final for this member id: coming back takes
 * a new invite, and with it a new id.
 */
import type { RefusalWhy } from './control.js';
import type { MemberId } from './members.js';

export type RoomStatus = { kind: 'joining' } | { kind: 'member' } | { kind: 'left' } | { kind: 'removed'; by: MemberId } | { kind: 'refused'; why: RefusalWhy };

export type StatusEvent = { kind: 'admitted' } | { kind: 'leave' } | { kind: 'removed'; by: MemberId } | { kind: 'refused'; why: RefusalWhy };

/** The next status; an event the current one does not expect is a caller bug (TypeError naming both). */
export function nextStatus(s: RoomStatus, e: StatusEvent): RoomStatus {
  switch (e.kind) {
    case 'admitted':
      if (s.kind === 'joining') return { kind: 'member' };
      break;
    case 'leave':
      if (s.kind === 'member') return { kind: 'left' };
      break;
    case 'removed':
      if (s.kind === 'joining' || s.kind === 'member') return { kind: 'removed', by: e.by };
      break;
    case 'refused':
      if (s.kind === 'joining' || s.kind === 'member') return { kind: 'refused', why: e.why };
      break;
  }
  throw new TypeError(`room status: no '${e.kind}' from '${s.kind}'`);
}

/** Whether the member is done with this room (left, removed, refused). */
export function isFinal(s: RoomStatus): boolean {
  return s.kind === 'left' || s.kind === 'removed' || s.kind === 'refused';
}
