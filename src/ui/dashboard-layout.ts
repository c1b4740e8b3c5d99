/**
 * Where the F2 dashboard's widgets go: a pure grid for a given size, so the
 * rules (what gives way on a short or narrow terminal) are tested without a
 * screen. link-panel.ts builds the widgets into these rectangles.
 */

/** A rectangle inside the panel's border, in cells. */
export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** Where each widget goes; null: no room for it at this size. */
export interface DashboardLayout {
  rtt: Rect | null;
  loss: Rect | null;
  datagrams: Rect;
  key: Rect;
  transfers: Rect | null;
  /** One gauge per active transfer that has room (dashboard-transfers.ts lists the rest in the transfers box). */
  gauges: Rect[];
}

/** Rows of the text boxes (border included): five datagram rows fit. */
const TEXT_ROWS = 7;
/** Below this height a chart shows nothing readable (contrib's line chart keeps 8 canvas dots for its axis). */
const MIN_CHART_ROWS = 6;
/** Rows of one transfer gauge: blessed-contrib's gauge draws its bar two rows down and its percent under it, in a border. */
export const GAUGE_ROWS = 6;
/** Gauges side by side from this width each (two columns from twice it). */
const MIN_GAUGE_COLUMNS = 36;
/** At most this many gauges; more transfers are listed in the transfers box. */
const MAX_GAUGES = 6;
/** Narrower than this, the transfers box is left out (the gauges above it say the most). */
const MIN_WIDTH_FOR_TRANSFERS = 72;
/** Narrower than this, the loss sparkline is left out and the RTT chart takes the row. */
const MIN_WIDTH_FOR_LOSS = 50;

/**
 * The dashboard's grid for an inner area of `width` × `height` cells:
 *
 *   ┌ RTT line chart ──────────────┐┌ loss sparkline ──┐   charts: the rows left
 *   └──────────────────────────────┘└──────────────────┘
 *   ┌ → report.pdf · 3.1 MiB/s ┐┌ ← x.iso · 1.0 MiB/s ┐   gauges: GAUGE_ROWS a row,
 *   └──────────────────────────┘└──────────────────────┘   only with active transfers
 *   ┌ datagrams ───────┐┌ key ──────────┐┌ transfers ───┐   text: TEXT_ROWS
 *   └──────────────────┘└───────────────┘└──────────────┘
 *
 * `transfers` active transfers get a gauge each, as many as fit (MAX_GAUGES
 * at most, two a row on a wide panel), before the charts: while files move
 * their progress matters more than the RTT history. Charts go first when rows
 * are short; transfers, then loss, when columns are.
 */
export function dashboardLayout(width: number, height: number, transfers = 0): DashboardLayout {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TypeError(`dashboardLayout: width and height must be integers >= 1, got ${width} × ${height}`);
  }
  if (!Number.isInteger(transfers) || transfers < 0) throw new TypeError(`dashboardLayout: transfers must be an integer >= 0, got ${transfers}`);
  const perRow = width >= 2 * MIN_GAUGE_COLUMNS ? 2 : 1;
  const gaugeRows = Math.min(Math.ceil(Math.min(transfers, MAX_GAUGES) / perRow), Math.floor((height - Math.min(TEXT_ROWS, height)) / GAUGE_ROWS));
  const shown = Math.min(transfers, MAX_GAUGES, gaugeRows * perRow);
  const gauges: Rect[] = [];
  for (let i = 0; i < shown; i++) {
    const row = Math.floor(i / perRow);
    const col = i % perRow;
    // The last gauge of an odd count takes the whole row.
    const alone = col === 0 && i === shown - 1;
    const w = alone ? width : col === 0 ? Math.floor(width / perRow) : width - Math.floor(width / perRow);
    gauges.push({ top: row * GAUGE_ROWS, left: col === 0 ? 0 : Math.floor(width / perRow), width: w, height: GAUGE_ROWS });
  }
  const gaugeTop = gaugeRows * GAUGE_ROWS;
  const chartRows = height - gaugeTop - Math.min(TEXT_ROWS, height - gaugeTop);
  const charts = chartRows >= MIN_CHART_ROWS;
  // The gauges sit under the charts (or at the top without them).
  for (const g of gauges) g.top += charts ? chartRows : 0;
  const top = (charts ? chartRows : 0) + gaugeTop;
  // Without charts the boxes take every row (a long drop list or rotation history shows more).
  const textRows = height - top;
  const withTransfers = width >= MIN_WIDTH_FOR_TRANSFERS;
  const dgWidth = Math.floor(width * (withTransfers ? 0.38 : 0.5));
  const keyWidth = withTransfers ? Math.floor(width * 0.4) : width - dgWidth;
  const withLoss = width >= MIN_WIDTH_FOR_LOSS;
  const rttWidth = withLoss ? Math.floor(width * 0.62) : width;
  return {
    rtt: charts ? { top: 0, left: 0, width: rttWidth, height: chartRows } : null,
    loss: charts && withLoss ? { top: 0, left: rttWidth, width: width - rttWidth, height: chartRows } : null,
    datagrams: { top, left: 0, width: dgWidth, height: textRows },
    key: { top, left: dgWidth, width: keyWidth, height: textRows },
    transfers: withTransfers ? { top, left: dgWidth + keyWidth, width: width - dgWidth - keyWidth, height: textRows } : null,
    gauges,
  };
}
