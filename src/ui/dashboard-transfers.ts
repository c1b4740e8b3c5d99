/**
 * The F2 dashboard's transfers: a gauge per active transfer (name, percent,
 * rate) and the transfers box beside the key box. Pure, from the views the
 * TransferList holds; link-panel.ts draws them (blessed-contrib gauges).
 *
 *   no transfers      box: "none — /send PATH offers a file"
 *   one, or several   a gauge each, as many as the layout has room for; the
 *                     box counts them, lists the ones without a gauge, then
 *                     the newest ended ones (✓ / ✗)
 */
import type { TransferView } from '../bus.js';
import { formatEta, formatPercent, formatRate, percentOf } from '../text/units.js';
import { truncate } from '../text/width.js';
import { arrow, isEnded } from './transfer-line.js';

export interface TransferGauge {
  /** The gauge's label: arrow, name, then the rate and time left, or the state when not moving. */
  label: string;
  percent: number;
}

export interface TransfersBox {
  title: string;
  lines: string[];
  gauges: TransferGauge[];
}

/** Ended transfers the box still lists, newest first. */
const ENDED_LISTED = 3;

/**
 * `views` (any order), `gaugeRoom` gauges the layout has room for, `columns`
 * the width of a gauge's label (and of the box's rows).
 */
export function transfersBox(views: readonly TransferView[], gaugeRoom: number, columns: number): TransfersBox {
  const all = [...views].sort((a, b) => a.n - b.n);
  const active = all.filter((v) => !isEnded(v));
  const ended = all.filter(isEnded).reverse().slice(0, ENDED_LISTED);
  const cut = (s: string): string => truncate(s, Math.max(1, columns));
  const gauged = active.slice(0, Math.max(0, gaugeRoom));
  const gauges = gauged.map((v) => ({ label: cut(gaugeLabel(v)), percent: percentOf(v.bytes, v.size) }));
  if (all.length === 0) return { title: 'transfers', lines: ['none — /send PATH offers a file'], gauges };
  const lines = [`${active.length} active, ${all.length - active.length} ended`];
  for (const v of active.slice(gauged.length)) lines.push(cut(`${v.n} ${arrow(v)} ${v.name} ${formatPercent(v.bytes, v.size)} ${v.state}`));
  for (const v of ended) lines.push(cut(`${v.n} ${v.state === 'done' ? '✓' : '✗'} ${v.name} ${v.state}`));
  return { title: `transfers (${active.length})`, lines, gauges };
}

/** "→ report.pdf · 3.1 MiB/s · ETA 4s", "← x.iso · paused". */
export function gaugeLabel(v: TransferView): string {
  const head = `${v.n} ${arrow(v)} ${v.name}`;
  switch (v.state) {
    case 'transferring': {
      const eta = formatEta(v.etaS);
      return `${head} · ${formatRate(v.rateBps)}${eta === '' ? '' : ` · ETA ${eta}`}`;
    }
    case 'offered':
      return `${head} · ${v.direction === 'in' ? `/accept ${v.n}?` : 'waiting for the peer'}`;
    case 'verifying':
      return `${head} · checking sha256`;
    default:
      return `${head} · ${v.state}`;
  }
}
