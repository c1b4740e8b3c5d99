/**
 * The F2 dashboard's model: a bounded history of link samples and key
 * rotations, and the numbers each widget shows. Pure — no blessed, no
 * clock; times come in with the facts — so every rule is tested without a
 * screen (test/unit/dashboard-model.test.ts). link-panel.ts draws it.
 *
 *   link:stats (cumulative, every STATS_INTERVAL_MS) ─┐
 *   key:rotated / key:rotation-failed ────────────────┼→ DashboardModel → view() → widgets
 *                                                      ┘
 * A sample keeps what happened in its interval (the difference between two
 * cumulative snapshots), so the charts show the last minutes, not the
 * session's average: loss is retransmitted / sent data frames in that
 * interval, or null when nothing was sent.
 */
import type { LinkStats } from '../bus.js';
import { transfersBox, type TransfersBox } from './dashboard-transfers.js';
import { TransferList } from './transfer-list.js';
import { DASHBOARD_HISTORY_SAMPLES, DASHBOARD_ROTATIONS, STATS_INTERVAL_MS } from '../constants.js';

/** One interval of the link, as the charts see it. */
export interface LinkSample {
  /** End of the interval, ms since the epoch. */
  time: number;
  /** Latest RTT sample, ms (null before the first). */
  rttMs: number | null;
  /** Retransmitted / sent data frames in this interval, percent; null when no data frame was sent. */
  lossPct: number | null;
  datagramsIn: number;
  datagramsOut: number;
  dropped: number;
  /** Data frames sent in this interval, first copies and retransmissions. */
  framesSent: number;
  retransmissions: number;
}

/** One entry of the rotation history: fingerprints and a time, never a key. */
export type RotationEntry = { time: number; outcome: 'rotated'; from: string; to: string } | { time: number; outcome: 'failed'; reason: string };

/** Fixed-capacity ring: push() drops the oldest once full. */
export class Ring<T> {
  private readonly items: Array<T | undefined>;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`Ring: capacity must be an integer >= 1, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[(this.start + this.count) % this.capacity] = item;
    if (this.count < this.capacity) this.count += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }

  last(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.start + this.count - 1) % this.capacity];
  }
}

export interface DashboardModelOptions {
  /** Samples kept for the charts (default DASHBOARD_HISTORY_SAMPLES: 5 minutes at one a second). */
  samples?: number;
  /** Rotation history entries kept (default DASHBOARD_ROTATIONS). */
  rotations?: number;
}

/** What the widgets show. */
export interface DashboardView {
  /** The RTT line chart: one point per sample with an RTT; x labels are local clock times. */
  rtt: { title: string; x: string[]; y: number[]; maxY: number };
  /** The loss sparkline: percent per bar, each bar `samplesPerBar` samples (0 where nothing was sent), oldest first. */
  loss: { title: string; values: number[]; samplesPerBar: number };
  /** Sparklines under the loss one, same bars: datagrams in, out and dropped per bar. */
  traffic: Array<{ title: string; values: number[] }>;
  /** The datagrams box, one row each. */
  datagrams: string[];
  /** The key box: fingerprint, age, then the rotation history, newest first. */
  key: string[];
  /** The transfers box and a gauge per active transfer, as many as `gaugeRoom` (dashboard-transfers.ts). */
  transfers: TransfersBox;
}

export class DashboardModel {
  private readonly samples: Ring<LinkSample>;
  private readonly rotations: Ring<RotationEntry>;
  private previous: LinkStats | null = null;
  private latest: LinkStats | null = null;
  private latestAt = 0;
  /** The transfers, from transfer:update (link-panel.ts feeds it). */
  readonly transfers = new TransferList();

  constructor(
    private fingerprint: string,
    opts: DashboardModelOptions = {},
  ) {
    this.samples = new Ring(opts.samples ?? DASHBOARD_HISTORY_SAMPLES);
    this.rotations = new Ring(opts.rotations ?? DASHBOARD_ROTATIONS);
  }

  /** A link:stats fact at `time`. */
  addStats(stats: LinkStats, time: number): void {
    const p = this.previous;
    const d = (now: number, before: number | undefined): number => (before === undefined || now < before ? now : now - before);
    const sent = d(stats.framesSent, p?.framesSent);
    const retransmissions = d(stats.retransmissions, p?.retransmissions);
    this.samples.push({
      time,
      rttMs: stats.lastRttMs ?? stats.rttMs,
      lossPct: sent === 0 ? null : Math.min(100, (100 * retransmissions) / sent),
      datagramsIn: d(stats.datagramsIn, p?.datagramsIn),
      datagramsOut: d(stats.datagramsOut, p?.datagramsOut),
      dropped: d(stats.dropped, p?.dropped),
      framesSent: sent,
      retransmissions,
    });
    this.previous = stats;
    this.latest = stats;
    this.latestAt = time;
  }

  addRotation(time: number, from: string, to: string): void {
    this.fingerprint = to;
    this.rotations.push({ time, outcome: 'rotated', from, to });
  }

  addRotationFailure(time: number, reason: string): void {
    this.rotations.push({ time, outcome: 'failed', reason });
  }

  history(): LinkSample[] {
    return this.samples.toArray();
  }

  rotationHistory(): RotationEntry[] {
    return this.rotations.toArray();
  }

  /**
   * The widgets' contents at `now`; `keyColumns` is the key box's inner width (fingerprints shorten below 50);
   * `gauges`: how many transfer gauges there is room for, `gaugeColumns` the width of their labels.
   */
  view(now: number, keyColumns = 80, lossBars = 60, gauges = 0, gaugeColumns = 30): DashboardView {
    const samples = this.samples.toArray();
    const withRtt = samples.filter((s) => s.rttMs !== null);
    const y = withRtt.map((s) => s.rttMs as number);
    const lastRtt = y[y.length - 1];
    const minutes = Math.max(1, Math.round((this.samples.capacity * STATS_SECONDS) / 60));
    const lastLoss = samples[samples.length - 1]?.lossPct;
    // Bars of one sample at first, growing until the whole history fits.
    const perBar = Math.max(1, Math.ceil(samples.length / Math.max(1, lossBars)));
    return {
      rtt: {
        title: `RTT ${lastRtt === undefined ? '–' : formatMs(lastRtt)} · last ${minutes} min`,
        x: withRtt.map((s) => clock(s.time)),
        y,
        maxY: niceCeiling(Math.max(0, ...y)),
      },
      loss: {
        title: `loss ${lastLoss == null ? '–' : `${lastLoss.toFixed(1)} %`} · ${perBar * STATS_SECONDS} s a bar`,
        values: lossBarsOf(samples, perBar),
        samplesPerBar: perBar,
      },
      traffic: [
        { title: 'datagrams in', values: sumBarsOf(samples, perBar, (s) => s.datagramsIn) },
        { title: 'datagrams out', values: sumBarsOf(samples, perBar, (s) => s.datagramsOut) },
        { title: 'dropped', values: sumBarsOf(samples, perBar, (s) => s.dropped) },
      ],
      datagrams: this.datagramLines(),
      key: this.keyLines(now, keyColumns),
      transfers: transfersBox(this.transfers.all(), gauges, gaugeColumns),
    };
  }

  private datagramLines(): string[] {
    const s = this.latest;
    if (s === null) return ['no link statistics yet'];
    const last = this.samples.last();
    const rate = (n: number | undefined): string => (n === undefined ? '' : ` (+${n.toLocaleString('en-US')})`);
    const reasons = Object.entries(s.droppedBy)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `${r} ${n.toLocaleString('en-US')}`);
    // Short rows: the box is a third of an 80-column screen.
    return [
      `in       ${num(s.datagramsIn)}${rate(last?.datagramsIn)}`,
      `out      ${num(s.datagramsOut)}${rate(last?.datagramsOut)}`,
      `retrans  ${num(s.retransmissions)} of ${num(s.framesSent)} (${s.lossPct.toFixed(1)} %)`,
      `dropped  ${num(s.dropped)}`,
      ...(reasons.length > 0 ? [`  ${reasons.join(', ')}`] : []),
    ];
  }

  private keyLines(now: number, columns: number): string[] {
    const age = this.latest === null ? '–' : formatDuration(this.latest.keyAgeMs + Math.max(0, now - this.latestAt));
    const lines = [`key ${this.fingerprint}`, `age ${age}`];
    const history = this.rotations.toArray().reverse();
    if (history.length === 0) return [...lines, 'no rotation yet (Ctrl-K rotates)'];
    const short = columns < 50;
    lines.push('rotations, newest first:');
    for (const r of history) {
      const t = short ? clock(r.time).slice(0, 5) : clock(r.time);
      if (r.outcome === 'rotated') lines.push(`${t} ${short ? shortFp(r.from) : r.from} → ${short ? shortFp(r.to) : r.to}`);
      else lines.push(`${t} failed: ${r.reason}`);
    }
    return lines;
  }
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

/** "0.4 ms", "12 ms". */
export function formatMs(v: number): string {
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** The chart's top: 1, 2 or 5 times a power of ten, at least `v` (and at least 1). */
export function niceCeiling(v: number): number {
  if (!Number.isFinite(v) || v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * Loss per bar of `perBar` samples: retransmitted / sent data frames over the
 * bar, in percent (0 when nothing was sent). Bars end at the newest sample.
 */
export function lossBarsOf(samples: readonly LinkSample[], perBar: number): number[] {
  const out: number[] = [];
  for (let end = samples.length; end > 0; end -= perBar) {
    let sent = 0;
    let again = 0;
    for (let i = Math.max(0, end - perBar); i < end; i++) {
      sent += samples[i]?.framesSent ?? 0;
      again += samples[i]?.retransmissions ?? 0;
    }
    out.push(sent === 0 ? 0 : Math.min(100, (100 * again) / sent));
  }
  return out.reverse();
}

/** A count summed per bar of `perBar` samples, bars ending at the newest sample. */
export function sumBarsOf(samples: readonly LinkSample[], perBar: number, pick: (s: LinkSample) => number): number[] {
  const out: number[] = [];
  for (let end = samples.length; end > 0; end -= perBar) {
    let n = 0;
    for (let i = Math.max(0, end - perBar); i < end; i++) n += pick(samples[i]!);
    out.push(n);
  }
  return out.reverse();
}

/** Seconds per sample, for the chart's title. */
const STATS_SECONDS = STATS_INTERVAL_MS / 1000;

function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** "12:43:10", local time. */
function clock(time: number): string {
  const d = new Date(time);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** "C92A-D2EA-FEB4-E2AC" → "C92A-D2EA…". */
function shortFp(fp: string): string {
  return fp.length > 9 ? `${fp.slice(0, 9)}…` : fp;
}
