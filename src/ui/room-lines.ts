/**
 * Room facts → the chat pane's lines (#15): the room screen's adapter, as
 * bus-view.ts is the 1:1 chat's. Pure.
 *
 *   message      → <display> text, the nick in its own colour (format.ts), our
 *                  nick highlighted where it is mentioned; `* nick waves`
 *                  from that nick (text/action.ts) → an action line
 *   other facts  → one system line (room/fact-text.ts's words, the same as
 *                  the headless mode's); bad news (an error, a refusal of us,
 *                  missed messages, a failed rotation) → an error line
 *   members-changed, getting in twice → nothing
 */
import { MENTION_SCAN_CHARS } from '../constants.js';
import type { RoomFact } from '../room/core-types.js';
import { roomFactText } from '../room/fact-text.js';
import type { MemberId } from '../room/members.js';
import { mentions } from '../text/mention.js';
import { sanitizeText } from '../text/sanitize.js';
import type { ChatLine } from './format.js';

/** A line for the pane (ChatPane.add gives it an id and the time). */
export type RoomPaneLine = Omit<ChatLine, 'id' | 'time'>;

export interface RoomLineContext {
  /** Our nick: the one mentions are looked for. */
  nick: string;
  /** A member's display name by id (a kick names who kicked). */
  name: (id: MemberId) => string;
}

/** The pane line of `f`, and whether it mentions us (worth the bell); null: nothing to show. */
export function roomFactPaneLine(f: RoomFact, o: RoomLineContext): { line: RoomPaneLine; mention: boolean } | null {
  if (f.kind === 'message') {
    const action = f.action === true ? f.text : null;
    const text = f.text;
    // A prefix is enough to ring for (a long message is not sanitized whole here).
    const mention = mentions(sanitizeText(text.slice(0, MENTION_SCAN_CHARS)), o.nick);
    return {
      line: { kind: 'message', nick: f.display, text, ...(action !== null ? { action: true } : {}), ...(mention ? { mention: o.nick } : {}) },
      mention,
    };
  }
  const said = roomFactText(f, o.name);
  if (said === null) return null;
  return { line: { kind: said.bad ? 'error' : 'system', text: said.text }, mention: false };
}

/** Our own line as the pane shows it (a room line has no delivery mark: each member acknowledges on its own link). */
export function ownRoomLine(nick: string, text: string, action: boolean): RoomPaneLine {
  return { kind: 'own', nick, text, ...(action ? { action: true } : {}) };
}
