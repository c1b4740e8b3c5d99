/**
 * The bench table as text: a header naming the machine and the date, one
 * line per row (fernchat's figure, the anchor measured in the same run, the
 * ratio, the goal, PASS / MISS), then the notes. Pure, no I/O.
 */
import type { Row } from './rows.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  /** "3.11.7, cryptography 48.0.0", or why Python figures are skipped. */
  python: string;
  os: string;
  date: string;
  mode: 'full' | 'quick';
}

const GROUPING = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A figure in its unit: counts grouped by thousands, small times with 3 significant digits. */
export function formatValue(x: number | null, unit: string): string {
  if (x === null || !Number.isFinite(x)) return '—';
  switch (unit) {
    case 'ops/s':
    case 'msg/s':
      return `${GROUPING.format(x)} ${unit}`;
    case '%':
      return `${x >= 99.95 && x < 100 ? x.toFixed(2) : x.toFixed(1)} %`;
    case 'MB':
      return `${x.toFixed(1)} MB`;
    case '×':
      return `${x.toFixed(2)}×`;
    default:
      return `${x >= 100 ? GROUPING.format(x) : x.toPrecision(3)} ${unit}`;
  }
}

export function formatRatio(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '—';
  return r >= 100 ? `${GROUPING.format(r)}×` : `${r.toPrecision(3)}×`;
}

function cell(main: string, detail: string): string {
  return detail === '' ? main : `${main} (${detail})`;
}

export function header(m: MachineInfo): string[] {
  return [
    `fernchat bench (${m.mode}) — ${m.date}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.os}; node ${m.node}; python ${m.python}`,
    'figures are medians of repeated runs; each anchor is measured in the same run; ratio = fernchat / anchor',
  ];
}

/** The table, aligned in columns, then numbered notes. */
export function renderTable(rows: readonly Row[], m: MachineInfo): string {
  const head = ['#', 'figure', 'fernchat', 'anchor', 'ratio', 'goal', 'result'];
  const notes: string[] = [];
  const body = rows.map((r) => {
    let result: string = r.status;
    if (r.note !== '') {
      notes.push(`[${notes.length + 1}] ${r.id}: ${r.note}`);
      result += ` [${notes.length}]`;
    }
    const anchor = r.anchorName === '—' ? '—' : `${r.anchorName}: ${cell(formatValue(r.anchor, r.unit), r.anchorDetail)}`;
    return [String(r.figure), r.what, cell(formatValue(r.value, r.unit), r.detail), anchor, formatRatio(r.ratio), r.goal?.text ?? '—', result];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cols: string[]): string =>
    cols
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  const out = [...header(m), '', line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)];
  if (notes.length > 0) out.push('', 'notes:', ...notes);
  return `${out.join('\n')}\n`;
}
