/**
 * The room screen's status bar: one row, as the 1:1 bar (status-bar.ts) but
 * about the room.
 *
 *   room ops · 3/4 online │ alice 127.0.0.1:7760 │ key AB12-CD34-EF56-7890
 *
 * `online` counts us. Each field has shorter forms, taken in SHRINK_ORDER
 * (our address first); the fingerprint stays whole to the end, as in the 1:1
 * bar. Pure but for RoomStatusBar, which puts the row in a blessed box.
 */
import type blessed from 'blessed';
import type { RosterEntry } from '../room/core-types.js';
import type { RoomStatus } from '../room/status.js';
import { sanitizeInline } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';
import { createRowsBox, type RowsBox } from './draw.js';
import { renderFields, SEPARATOR, type Tone } from './status-bar.js';

export interface RoomStatusState {
  room: string;
  /** Our display name (nick~abcd when another nick looks alike). */
  nick: string;
  listen: string;
  fingerprint: string;
  /** A rotation is running: the fingerprint shown is still the old one. */
  rotating: boolean;
  /** Seated members online, us included. */
  online: number;
  /** Seated members. */
  total: number;
  status: RoomStatus['kind'];
}

type Name = 'room' | 'who' | 'key';

interface Field {
  name: Name;
  variants: string[];
  tone: Tone;
}

// Below ~30 columns the room's count goes too, before the fingerprint would.
const SHRINK_ORDER: Name[] = ['who', 'room', 'who', 'room', 'who', 'room', 'key', 'room'];

/** The state of the bar from the roster and what the screen knows. */
export function roomStatusState(o: {
  room: string;
  roster: readonly RosterEntry[];
  nick: string;
  listen: string;
  fingerprint: string;
  rotating: boolean;
  status: RoomStatus['kind'];
}): RoomStatusState {
  const self = o.roster.find((e) => e.self);
  return {
    room: o.room,
    nick: self?.display ?? o.nick,
    listen: o.listen,
    fingerprint: o.fingerprint,
    rotating: o.rotating,
    online: o.roster.filter((e) => e.self || e.online).length,
    total: o.roster.length,
    status: o.status,
  };
}

function fields(s: RoomStatusState): Field[] {
  const room = sanitizeInline(s.room);
  const nick = sanitizeInline(s.nick);
  const count = `${s.online}/${s.total}`;
  const where: Record<RoomStatus['kind'], [string, Tone] | null> = {
    member: null,
    joining: ['joining…', 'warn'],
    left: ['left', 'bad'],
    removed: ['removed', 'bad'],
    refused: ['refused', 'bad'],
  };
  const state = where[s.status];
  const people = state === null ? [`${count} online`, count] : [state[0], state[0]];
  const fp = s.rotating ? `${s.fingerprint} rotating…` : s.fingerprint;
  const fpShort = s.rotating ? `${s.fingerprint} ↻` : s.fingerprint;
  return [
    {
      name: 'room',
      variants: [`room ${room} · ${people[0]}`, `${room} · ${people[1]}`, `${truncate(room, 10)} ${people[1]}`, people[1]!, ''],
      tone: state?.[1] ?? (s.online > 1 ? 'good' : 'plain'),
    },
    { name: 'who', variants: [`${nick} ${s.listen}`, nick, truncate(nick, 8), ''], tone: 'plain' },
    { name: 'key', variants: [`key ${fp}`, fp, fpShort], tone: s.rotating ? 'warn' : 'plain' },
  ];
}

function widthOf(chosen: Array<{ text: string }>): number {
  return 1 + chosen.reduce((w, f, i) => w + stringWidth(f.text) + (i > 0 ? SEPARATOR.length : 0), 0);
}

/** The fields as they fit `width` columns (with a leading space), before the final cut. */
export function roomStatusFields(s: RoomStatusState, width: number): Array<{ name: Name; text: string; tone: Tone }> {
  if (!Number.isInteger(width) || width < 1) throw new TypeError(`roomStatusFields: width must be an integer >= 1, got ${width}`);
  const all = fields(s).map((f) => ({ ...f, level: 0 }));
  const pick = (): Array<{ name: Name; text: string; tone: Tone }> =>
    all.map((f) => ({ name: f.name, text: f.variants[f.level] ?? '', tone: f.tone })).filter((f) => f.text !== '');
  let chosen = pick();
  for (const name of SHRINK_ORDER) {
    if (widthOf(chosen) <= width) break;
    const f = all.find((x) => x.name === name)!;
    if (f.level + 1 >= f.variants.length) continue;
    f.level += 1;
    chosen = pick();
  }
  return chosen;
}

/** Field by field, with the 1:1 bar's rule (status-bar.ts renderFields): the field that does not fit is cut with '…' and ends the row. */
function render(s: RoomStatusState, width: number, tagged: boolean): string {
  return renderFields(roomStatusFields(s, width), width, tagged);
}

/** The bar as plain text, at most `width` columns. */
export function roomStatusText(s: RoomStatusState, width: number): string {
  return render(s, width, false);
}

/** The room bar on screen: one row. */
export class RoomStatusBar {
  private readonly box: RowsBox;

  constructor(parent: blessed.Widgets.Screen, monochrome = false) {
    const style = monochrome ? { inverse: true } : { fg: 'white', bg: 'blue' };
    this.box = createRowsBox({ parent, left: 0, top: 0, height: 1, width: '100%', style });
  }

  place(top: number, width: number, state: RoomStatusState): void {
    this.box.element.top = top;
    this.box.setRows([render(state, Math.max(1, width), true)]);
  }
}
