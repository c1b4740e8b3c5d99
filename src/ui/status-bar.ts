/**
 * The status bar: one row between the chat pane and the input box.
 *
 *   alice 0.0.0.0:7755 → bob 127.0.0.1:7756 │ ● online │ rtt 3 ms │ key AB12-CD34-EF56-7890 │ reliable │ 2 pending
 *
 * Everything must fit one row at any width, so each field has shorter forms,
 * taken in SHRINK_ORDER (least useful detail first); whatever is still too
 * wide is cut with '…'. The fingerprint is never shortened (the README
 * promises it is always shown): every other field gives way first, down to
 * nothing, so it stays whole down to 24 columns. The layout is pure (statusFields / statusText) and
 * tested; StatusBar only puts it in a blessed box.
 */
import type blessed from 'blessed';
import type { LinkState, WireMode } from '../bus.js';
import { createRowsBox, type RowsBox } from './draw.js';
import { escapeTags, sanitizeInline } from '../text/sanitize.js';
import { stringWidth, truncate } from '../text/width.js';

export interface StatusState {
  nick: string;
  listen: string;
  /** Formatted peer address, or null while unknown. */
  peer: string | null;
  peerNick: string | null;
  fingerprint: string;
  /** A rotation is running: the fingerprint shown is still the old one. */
  rotating: boolean;
  link: LinkState;
  rttMs: number | null;
  wire: WireMode;
  /** Own messages not yet delivered. */
  pending: number;
}

export type Tone = 'plain' | 'good' | 'warn' | 'bad';

interface Field {
  name: 'who' | 'peer' | 'link' | 'rtt' | 'key' | 'wire' | 'pending';
  /** Longest first; the last is the shortest the field gets. */
  variants: string[];
  tone: Tone;
}

export const SEPARATOR = ' │ ';
/** Which field gives up detail first when the row is too narrow. */
const SHRINK_ORDER: Array<Field['name']> = [
  ...(['wire', 'who', 'rtt', 'peer', 'key', 'pending', 'link', 'key', 'wire', 'rtt', 'link', 'pending', 'who', 'pending'] as const),
  // Below ~52 columns: the peer address, then the nick, go before the fingerprint would.
  ...(['peer', 'peer', 'peer', 'peer', 'who', 'peer'] as const),
];

const LINK_TEXT: Record<LinkState, [long: string, word: string, symbol: string, tone: Tone]> = {
  online: ['● online', 'online', '●', 'good'],
  connecting: ['◌ connecting', 'connecting', '◌', 'warn'],
  offline: ['○ offline', 'offline', '○', 'bad'],
  left: ['– left', 'left', '–', 'warn'],
};

function clean(s: string): string {
  return sanitizeInline(s);
}

/** The fields at their longest. */
function fields(s: StatusState): Field[] {
  const nick = clean(s.nick);
  const peerAddr = s.peer ?? 'waiting for peer';
  const peerNick = s.peerNick ? clean(s.peerNick) : null;
  const [linkLong, linkWord, linkSymbol, linkTone] = LINK_TEXT[s.link];
  const rtt = s.rttMs === null ? '–' : `${s.rttMs < 10 ? s.rttMs.toFixed(1) : Math.round(s.rttMs)} ms`;
  // Narrow rows get whole milliseconds: a decimal must not cost the fingerprint its last group.
  const rttShort = s.rttMs === null ? '–' : s.rttMs < 1 ? '<1 ms' : `${Math.round(s.rttMs)} ms`;
  const fp = s.rotating ? `${s.fingerprint} rotating…` : s.fingerprint;
  // The shortest form is still the whole fingerprint.
  const fpShort = s.rotating ? `${s.fingerprint} ↻` : s.fingerprint;
  return [
    { name: 'who', variants: [`${nick} ${s.listen}`, nick, truncate(nick, 8), ''], tone: 'plain' },
    {
      name: 'peer',
      variants: [
        peerNick ? `→ ${peerNick} ${peerAddr}` : `→ ${peerAddr}`,
        `→ ${peerAddr}`,
        `→ ${truncate(peerAddr, 12)}`,
        `→ ${truncate(peerAddr, 6)}`,
        '→',
        '',
      ],
      tone: s.peer === null ? 'warn' : 'plain',
    },
    { name: 'link', variants: [linkLong, linkWord, linkSymbol], tone: linkTone },
    { name: 'rtt', variants: [`rtt ${rtt}`, rttShort, ''], tone: 'plain' },
    { name: 'key', variants: [`key ${fp}`, fp, fpShort], tone: s.rotating ? 'warn' : 'plain' },
    { name: 'wire', variants: [s.wire, s.wire === 'reliable' ? 'rel' : 'raw', ''], tone: 'plain' },
    {
      name: 'pending',
      variants: [`${s.pending} pending`, `${s.pending} pend`, s.pending === 0 ? '' : `${s.pending}…`, ''],
      tone: s.pending > 0 ? 'warn' : 'plain',
    },
  ];
}

function widthOf(chosen: Array<{ text: string }>): number {
  return 1 + chosen.reduce((w, f, i) => w + stringWidth(f.text) + (i > 0 ? SEPARATOR.length : 0), 0);
}

/** Fields shrunk to nothing are left out, separator and all. */
function present<T extends { text: string }>(fields: T[]): T[] {
  return fields.filter((f) => f.text !== '');
}

/** The fields as they fit `width` columns (with a leading space), before the final cut. */
export function statusFields(s: StatusState, width: number): Array<{ name: Field['name']; text: string; tone: Tone }> {
  if (!Number.isInteger(width) || width < 1) throw new TypeError(`statusFields: width must be an integer >= 1, got ${width}`);
  // `level` indexes `variants`: it starts at 0 and only grows while a shorter variant exists.
  const all = fields(s).map((f) => ({ ...f, level: 0 }));
  const pick = (): Array<{ name: Field['name']; text: string; tone: Tone }> =>
    present(all.map((f) => ({ name: f.name, text: f.variants[f.level] ?? '', tone: f.tone })));
  let chosen = pick();
  for (const name of SHRINK_ORDER) {
    if (widthOf(chosen) <= width) break;
    const f = all.find((x) => x.name === name);
    if (f === undefined || f.level + 1 >= f.variants.length) continue;
    f.level += 1;
    chosen = pick();
  }
  return chosen;
}

const TONE_TAG: Record<Tone, string | null> = { plain: null, good: 'green-fg', warn: 'yellow-fg', bad: 'red-fg' };

/**
 * Lays the row out part by part; the part that does not fit is cut with '…'
 * and ends the row. One walk serves both the plain and the tagged form, so
 * they cannot disagree on what is visible.
 */
function render(s: StatusState, width: number, tagged: boolean): string {
  return renderFields(statusFields(s, width), width, tagged);
}

/** A status row from its fields (the 1:1 bar's, the room bar's): plain, or with blessed colour tags. */
export function renderFields(fields: ReadonlyArray<{ text: string; tone: Tone }>, width: number, tagged: boolean): string {
  const parts: Array<{ text: string; tone: Tone }> = [{ text: ' ', tone: 'plain' }];
  fields.forEach((f, i) => {
    if (i > 0) parts.push({ text: SEPARATOR, tone: 'plain' });
    parts.push(f);
  });
  let out = '';
  let used = 0;
  for (const p of parts) {
    const w = stringWidth(p.text);
    const cut = used + w > width;
    const text = cut ? truncate(p.text, width - used) : p.text;
    const tag = tagged ? TONE_TAG[p.tone] : null;
    const body = tagged ? escapeTags(text) : text;
    out += tag && text ? `{${tag}}${body}{/${tag}}` : body;
    used += stringWidth(text);
    if (cut) break;
  }
  return out;
}

/** The bar as plain text, at most `width` columns. */
export function statusText(s: StatusState, width: number): string {
  return render(s, width, false);
}

/** The bar with blessed tags (tones as colours); its visible text is statusText(s, width). */
export function formatStatus(s: StatusState, width: number): string {
  return render(s, width, true);
}

/** The bar on screen: one row, painted cell by cell (nicks may hold emoji). */
export class StatusBar {
  private readonly box: RowsBox;

  /** `monochrome`: the terminal has no colours, so the bar is in reverse video instead of white on blue. */
  constructor(parent: blessed.Widgets.Screen, monochrome = false) {
    const style = monochrome ? { inverse: true } : { fg: 'white', bg: 'blue' };
    this.box = createRowsBox({ parent, left: 0, top: 0, height: 1, width: '100%', style });
  }

  get element(): blessed.Widgets.BoxElement {
    return this.box.element;
  }

  /** Places the bar on row `top` and fills it for `width` columns. */
  place(top: number, width: number, state: StatusState): void {
    this.box.element.top = top;
    this.box.setRows([formatStatus(state, Math.max(1, width))]);
  }
}
