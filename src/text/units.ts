/**
 * Sizes, rates, times left and percentages as file transfers show them
 * (the chat pane's transfer line, /transfers, the F2 gauges; headless and
 * `fernchat send` may use them too). Pure; binary units, one decimal:
 *
 *   formatFileSize  0 B, 812 B, 1.5 KiB, 12.0 MiB, 2.0 GiB, 1.2 TiB
 *   formatRate      3.1 MiB/s (null: –)
 *   formatEta       4s, 2m05s, 1h02m, 3d04h (null, NaN, ∞: '')
 *   formatPercent   45% — rounded down, so 100% means every byte
 */

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "812 B", "1.5 KiB", "12.0 MiB", "2.0 GiB". Negative or not finite → TypeError. */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new TypeError(`formatFileSize: bytes must be a finite number >= 0, got ${bytes}`);
  if (bytes < 1024) return `${Math.floor(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  // 1023.96 KiB would print as "1024.0 KiB": move up while the rounded value reaches the next unit.
  while (unit < UNITS.length - 1 && Math.round(value * 10) / 10 >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** "3.1 MiB/s", "512 B/s"; null (no rate yet) → "–". */
export function formatRate(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '–';
  return `${formatFileSize(bytesPerSecond)}/s`;
}

/** Time left: "4s", "2m05s", "1h02m", "3d04h"; '' when unknown (null, negative, not finite). */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad2(h % 24)}h`;
}

/** Whole percent of `done` in `total`, rounded down and clamped to 0..100 (an empty file is 100%). */
export function percentOf(done: number, total: number): number {
  if (!(total > 0)) return 100;
  if (!(done > 0)) return 0;
  return Math.min(100, Math.floor((100 * done) / total));
}

/** "45%". */
export function formatPercent(done: number, total: number): string {
  return `${percentOf(done, total)}%`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
