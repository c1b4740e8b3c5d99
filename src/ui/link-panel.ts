/**
 * F2: the link panel — RTT sparkline, loss, datagrams in / out / dropped,
 * key age — drawn with blessed-contrib.
 *
 * blessed-contrib loads its whole widget zoo (maps, pictures, markdown) on
 * require: about 90 ms. Startup must not pay that, so it is imported on the
 * first F2 only (the only runtime reference to it is the dynamic import in
 * loadContrib). Its layouts do not follow a resize, so the panel is built
 * from absolute sizes and rebuilt whenever the screen changes size.
 */
import blessed from 'blessed';
import type { LinkStats } from '../bus.js';

type Contrib = typeof import('blessed-contrib');

let contribPromise: Promise<Contrib> | null = null;

/** blessed-contrib, loaded once, on demand. */
export function loadContrib(): Promise<Contrib> {
  contribPromise ??= import('blessed-contrib').then((m) => (m as unknown as { default?: Contrib }).default ?? m);
  return contribPromise;
}

/** "950 ms", "42 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function ms(v: number | null): string {
  return v === null ? '–' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** The panel's numbers, one per row. */
export function linkPanelLines(stats: LinkStats | null): string[] {
  if (stats === null) return ['no link statistics yet'];
  return [
    `rtt       ${ms(stats.rttMs)} (last ${ms(stats.lastRttMs)})`,
    `loss      ${stats.lossPct.toFixed(1)} %`,
    `datagrams in ${stats.datagramsIn} · out ${stats.datagramsOut} · dropped ${stats.dropped}`,
    `pending   ${stats.pending}`,
    `key age   ${formatDuration(stats.keyAgeMs)}`,
  ];
}

const PANEL_WIDTH = 64;
const PANEL_HEIGHT = 13;
const SPARK_HEIGHT = 4;

export class LinkPanel {
  private container: blessed.Widgets.BoxElement | null = null;
  private spark: { setData(titles: string[], data: number[][]): void; width: unknown } | null = null;
  private numbers: blessed.Widgets.BoxElement | null = null;
  private shown = false;
  private stats: LinkStats | null = null;
  private history: number[] = [];

  constructor(
    private readonly parent: blessed.Widgets.Screen,
    /** Rows the chat pane covers: the panel stays inside them. */
    private readonly paneHeight: () => number,
  ) {}

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

  update(stats: LinkStats, rttHistory: number[]): void {
    this.stats = stats;
    this.history = rttHistory;
    this.fill();
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
    const screenWidth = this.parent.width as number;
    const width = Math.min(PANEL_WIDTH, screenWidth);
    const height = Math.max(3, Math.min(PANEL_HEIGHT, this.paneHeight()));
    this.container = blessed.box({
      parent: this.parent,
      top: 0,
      left: Math.max(0, screenWidth - width),
      width,
      height,
      label: ' link (F2 closes) ',
      border: { type: 'line' },
      padding: { left: 1, right: 1 },
      style: { border: { fg: 'cyan' } },
    });
    const inner = Math.max(1, width - 4);
    const sparkHeight = Math.min(SPARK_HEIGHT, Math.max(0, height - 2 - 5));
    if (sparkHeight >= 2) {
      this.spark = contrib.sparkline({
        parent: this.container,
        top: 0,
        left: 0,
        width: inner,
        height: sparkHeight,
        tags: true,
        style: { fg: 'green', titleFg: 'white' },
      });
    }
    this.numbers = blessed.box({ parent: this.container, top: sparkHeight, left: 0, width: inner, height: Math.max(1, height - 2 - sparkHeight), tags: false });
    this.container.setFront();
    this.fill();
  }

  private fill(): void {
    if (!this.container) return;
    if (this.spark) {
      const room = Math.max(1, (this.spark.width as number) - 2);
      const data = this.history.slice(-room);
      const last = this.history[this.history.length - 1];
      // contrib's sparkline prints nothing for an empty series; one zero keeps the row.
      this.spark.setData([`RTT ${last === undefined ? '–' : ms(last)}`], [data.length > 0 ? data : [0]]);
    }
    this.numbers?.setContent(linkPanelLines(this.stats).join('\n'));
  }

  private destroy(): void {
    this.container?.destroy();
    this.container = null;
    this.spark = null;
    this.numbers = null;
  }
}
