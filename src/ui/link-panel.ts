/**
 * F2: the link dashboard, drawn with blessed-contrib over the chat pane.
 *
 *   ┌ link (F2 closes) ─────────────────────────────────────────────┐
 *   │┌ RTT line chart, last 5 min ──────┐┌ loss sparkline ──────────┐│
 *   │└──────────────────────────────────┘└──────────────────────────┘│
 *   │┌ datagrams ─────────┐┌ key ─────────────────┐┌ transfers ─────┐│
 *   │└────────────────────┘└──────────────────────┘└────────────────┘│
 *   └────────────────────────────────────────────────────────────────┘
 *
 * What each widget shows is DashboardModel's (dashboard-model.ts, pure and
 * tested); where it goes is dashboardLayout's (dashboard-layout.ts). This file only draws. The
 * model is fed from the bus from the start, so the charts already hold the
 * last minutes when F2 is first pressed.
 *
 * blessed-contrib loads its whole widget zoo (maps, pictures, markdown) on
 * require: about 90 ms. Startup must not pay that, so it is imported on the
 * first F2 only (the only runtime reference to it is the dynamic import in
 * loadContrib); the chat never waits for it. Its widgets do not follow a
 * resize, so the panel is built from absolute sizes and rebuilt whenever the
 * screen changes size.
 */
import blessed from 'blessed';
import type { Bus } from '../bus.js';
import { dashboardLayout, type Rect } from './dashboard-layout.js';
import { DashboardModel, type DashboardView } from './dashboard-model.js';

export { formatDuration } from './dashboard-model.js';

type Contrib = typeof import('blessed-contrib');

let contribPromise: Promise<Contrib> | null = null;

/** blessed-contrib, loaded once, on demand. */
export function loadContrib(): Promise<Contrib> {
  contribPromise ??= import('blessed-contrib').then((m) => (m as unknown as { default?: Contrib }).default ?? m);
  return contribPromise;
}

interface LineChart {
  options: { maxY?: number };
  setData(data: Array<{ title: string; x: string[]; y: number[] }>): void;
}
interface Sparkline {
  width: unknown;
  setData(titles: string[], data: number[][]): void;
}

interface Gauge {
  setPercent(percent: number): void;
}

interface Widgets {
  container: blessed.Widgets.BoxElement;
  rtt: LineChart | null;
  loss: Sparkline | null;
  datagrams: blessed.Widgets.BoxElement;
  key: blessed.Widgets.BoxElement;
  keyColumns: number;
  transfers: blessed.Widgets.BoxElement | null;
  /** One contrib gauge per active transfer with room (dashboard-layout.ts), and its label's columns. */
  gauges: Array<{ gauge: Gauge; columns: number }>;
  /** Active transfers when built: a change rebuilds the panel (gauges come and go). */
  activeTransfers: number;
}

/** Fewest pane rows the dashboard is drawn in. */
const MIN_PANEL_ROWS = 5;

export class LinkPanel {
  readonly model: DashboardModel;
  private widgets: Widgets | null = null;
  private shown = false;
  private readonly offs: Array<() => void>;

  constructor(
    private readonly parent: blessed.Widgets.Screen,
    /** Rows the chat pane covers: the panel stays inside them. */
    private readonly paneHeight: () => number,
    bus: Bus,
    fingerprint: string,
    private readonly now: () => number = Date.now,
  ) {
    this.model = new DashboardModel(fingerprint);
    this.offs = [
      bus.on('link:stats', (stats) => {
        this.model.addStats(stats, this.now());
        this.fill();
      }),
      bus.on('key:rotated', ({ oldFingerprint, newFingerprint }) => {
        this.model.addRotation(this.now(), oldFingerprint, newFingerprint);
        this.fill();
      }),
      bus.on('key:rotation-failed', ({ reason }) => {
        this.model.addRotationFailure(this.now(), reason);
        this.fill();
      }),
      bus.on('transfer:update', (v) => {
        this.model.transfers.apply(v);
        if (this.widgets !== null && this.widgets.activeTransfers !== this.model.transfers.active().length && contribPromise !== null) {
          // A gauge comes or goes: lay the panel out again (contrib is loaded: the panel is built).
          void contribPromise.then((contrib) => {
            if (this.shown) this.build(contrib);
          });
        } else this.fill();
      }),
    ];
  }

  get visible(): boolean {
    return this.shown;
  }

  /** F2. The first call loads blessed-contrib. */
  async toggle(): Promise<void> {
    if (this.shown) {
      this.hide();
      return;
    }
    this.shown = true;
    const contrib = await loadContrib();
    if (!this.shown) return; // closed again while loading
    this.build(contrib);
  }

  hide(): void {
    this.shown = false;
    this.destroy();
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.hide();
  }

  /** After a resize: blessed-contrib widgets keep their first size, so build them again. */
  rebuild(onError: (err: unknown) => void): void {
    if (!this.shown || contribPromise === null) return;
    contribPromise
      .then((contrib) => {
        if (this.shown) this.build(contrib);
      })
      .catch(onError);
  }

  private build(contrib: Contrib): void {
    this.destroy();
    const width = Math.max(2, this.parent.width as number);
    const height = Math.max(MIN_PANEL_ROWS, this.paneHeight());
    const container = blessed.box({
      parent: this.parent,
      top: 0,
      left: 0,
      width,
      height,
      label: ' link (F2 closes) ',
      border: { type: 'line' },
      style: { border: { fg: 'cyan' } },
    });
    const activeTransfers = this.model.transfers.active().length;
    const layout = dashboardLayout(Math.max(1, width - 2), Math.max(1, height - 2), activeTransfers);
    const framed = (r: Rect, label: string): Record<string, unknown> => ({
      parent: container,
      top: r.top,
      left: r.left,
      width: r.width,
      height: r.height,
      label: ` ${label} `,
      border: { type: 'line' },
      style: { border: { fg: 'blue' } },
    });
    const text = (r: Rect, label: string): blessed.Widgets.BoxElement => blessed.box({ ...framed(r, label), tags: false, wrap: false });
    // A contrib canvas makes its drawing context on 'attach', which a `parent` option fires inside
    // the constructor, before the canvas listens: so the chart is appended afterwards.
    const { parent: _parent, ...rttPlace } = layout.rtt ? framed(layout.rtt, 'RTT, ms') : {};
    const rtt = layout.rtt
      ? (contrib.line({
          ...rttPlace,
          style: { line: 'yellow', text: 'white', baseline: 'cyan', border: { fg: 'blue' } },
          xLabelPadding: 3,
          xPadding: 5,
          numYLabels: 4,
          showLegend: false,
          wholeNumbersOnly: false,
        } as never) as unknown as LineChart)
      : null;
    const loss = layout.loss
      ? (contrib.sparkline({
          ...framed(layout.loss, 'loss and traffic'),
          tags: true,
          style: { fg: 'red', titleFg: 'white', border: { fg: 'blue' } },
        }) as unknown as Sparkline)
      : null;
    if (rtt) container.append(rtt as unknown as blessed.Widgets.BoxElement);
    const gauges = layout.gauges.map((r) => {
      const { parent: _p, ...place } = framed(r, ' ');
      const gauge = contrib.gauge({ ...place, stroke: 'green', fill: 'white', style: { border: { fg: 'blue' } } } as never) as unknown as Gauge;
      container.append(gauge as unknown as blessed.Widgets.BoxElement);
      return { gauge, columns: Math.max(1, r.width - 6) };
    });
    this.widgets = {
      container,
      rtt,
      loss,
      datagrams: text(layout.datagrams, 'datagrams'),
      key: text(layout.key, 'key'),
      keyColumns: Math.max(1, layout.key.width - 2),
      transfers: layout.transfers ? blessed.box({ ...framed(layout.transfers, 'transfers'), wrap: true }) : null,
      gauges,
      activeTransfers,
    };
    container.setFront();
    this.fill();
  }

  /** The model into the widgets (when shown). */
  private fill(): void {
    const w = this.widgets;
    if (!w) return;
    const bars = w.loss ? Math.max(1, (w.loss.width as number) - 4) : 60;
    const v: DashboardView = this.model.view(this.now(), w.keyColumns, bars, w.gauges.length, w.gauges[0]?.columns ?? 30);
    if (w.rtt) {
      // contrib's chart divides by the point count and by maxY: never give it fewer than two points or a zero top.
      // Nor an empty label: its canvas writes an empty text as "null".
      const points = v.rtt.y.length >= 2;
      w.rtt.options.maxY = v.rtt.maxY;
      w.rtt.setData([{ title: v.rtt.title, x: points ? v.rtt.x : [' ', ' '], y: points ? v.rtt.y : [0, 0] }]);
      (w.rtt as unknown as blessed.Widgets.BoxElement).setLabel(` ${v.rtt.title} `);
    }
    if (w.loss) {
      // contrib's sparkline prints nothing for an empty series; one zero keeps the row.
      const series = [v.loss, ...v.traffic].map((t) => (t.values.length > 0 ? t.values : [0]));
      w.loss.setData([v.loss.title, ...v.traffic.map((t) => t.title)], series);
    }
    w.datagrams.setContent(v.datagrams.join('\n'));
    w.key.setContent(v.key.join('\n'));
    w.transfers?.setContent(v.transfers.lines.join('\n'));
    w.transfers?.setLabel(` ${v.transfers.title} `);
    v.transfers.gauges.forEach((g, i) => {
      const slot = w.gauges[i];
      if (slot === undefined) return;
      (slot.gauge as unknown as blessed.Widgets.BoxElement).setLabel(` ${g.label} `);
      // contrib reads a percent below 1.001 as a fraction (1 would draw as 100 %): a hair above it for 1.
      slot.gauge.setPercent(g.percent === 1 ? 1.002 : g.percent);
    });
  }

  private destroy(): void {
    this.widgets?.container.destroy();
    this.widgets = null;
  }
}
