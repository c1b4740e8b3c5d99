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
}

/** Rows of the text boxes (border included): five datagram rows fit. */
const TEXT_ROWS = 7;
/** Below this height a chart shows nothing readable (contrib's line chart keeps 8 canvas dots for its axis). */
const MIN_CHART_ROWS = 6;
/** Narrower than this, the transfers box is left out (it is empty until file transfer lands). */
const MIN_WIDTH_FOR_TRANSFERS = 72;
/** Narrower than this, the loss sparkline is left out and the RTT chart takes the row. */
const MIN_WIDTH_FOR_LOSS = 50;

/**
 * The dashboard's grid for an inner area of `width` × `height` cells:
 *
 *   ┌ RTT line chart ──────────────┐┌ loss sparkline ──┐   charts: the rows left
 *   └──────────────────────────────┘└──────────────────┘
 *   ┌ datagrams ───────┐┌ key ──────────┐┌ transfers ───┐   text: TEXT_ROWS
 *   └──────────────────┘└───────────────┘└──────────────┘
 *
 * Charts go first when rows are short; transfers, then loss, when columns are.
 * The transfers box is the place for the gauges of file transfers.
 */
export function dashboardLayout(width: number, height: number): DashboardLayout {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TypeError(`dashboardLayout: width and height must be integers >= 1, got ${width} × ${height}`);
  }
  const chartRows = height - Math.min(TEXT_ROWS, height);
  const charts = chartRows >= MIN_CHART_ROWS;
  const top = charts ? chartRows : 0;
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
  };
}
