/**
 * Every row of the bench table: what is measured, against which anchor, and
 * the goal from issue #7. Figures report Measurements by row id; verdict()
 * turns a spec and a measurement into a Row. Pure, no I/O.
 *
 * Ratios are always fernchat / anchor, so a goal reads the way the issue says
 * it: throughput "≥ 10×" the npm package, latency "≤ 3×" raw dgram.
 */

export type Status = 'PASS' | 'MISS' | 'INFO' | 'SKIP' | 'TIMEOUT' | 'ERROR';

export interface Check {
  /** What the check looks at: the ratio to the anchor, the measured value itself, or how far the value is above the anchor (value − anchor). */
  on: 'ratio' | 'value' | 'excess';
  op: '>=' | '<=';
  target: number;
}

export interface Goal extends Check {
  text: string;
  /** Further checks that must hold as well (a goal of the form "≥ 50 MB/s and ≥ 1×"). */
  and?: readonly Check[];
}

export interface RowSpec {
  id: string;
  figure: number;
  what: string;
  unit: string;
  anchorName: string;
  goal: Goal | null;
}

/** What a figure reports for one row. Missing numbers are null; `status` only for SKIP / TIMEOUT / ERROR. */
export interface Measurement {
  id: string;
  value: number | null;
  anchor: number | null;
  /** Shown beside the value: counts, p99, MB/s… */
  detail?: string;
  /** Shown beside the anchor (e.g. how many datagrams a fire-and-forget receiver got). */
  anchorDetail?: string;
  /** Why a number is missing, or what limits it; printed under the table. */
  note?: string;
  status?: 'SKIP' | 'TIMEOUT' | 'ERROR';
}

export interface Row extends RowSpec {
  value: number | null;
  anchor: number | null;
  ratio: number | null;
  detail: string;
  anchorDetail: string;
  status: Status;
  note: string;
}

const ratioGoal = (op: Goal['op'], target: number): Goal => ({ on: 'ratio', op, target, text: `${op === '>=' ? '≥' : '≤'} ${target}×` });
const valueGoal = (op: Goal['op'], target: number, text: string): Goal => ({ on: 'value', op, target, text });
/** "≥ N unit and ≥ K×": both the value and the ratio to the anchor. */
const valueAndRatioGoal = (target: number, unit: string, ratio: number): Goal => ({
  on: 'value',
  op: '>=',
  target,
  text: `≥ ${target} ${unit} and ≥ ${ratio}×`,
  and: [{ on: 'ratio', op: '>=', target: ratio }],
});

function fernetRows(size: string): RowSpec[] {
  return [
    { id: `fernet-${size}-npm`, figure: 1, what: `Fernet enc+dec ${size}`, unit: 'ops/s', anchorName: 'npm fernet', goal: ratioGoal('>=', 10) },
    { id: `fernet-${size}-py`, figure: 1, what: `Fernet enc+dec ${size}`, unit: 'ops/s', anchorName: 'Python cryptography', goal: ratioGoal('>=', 1.5) },
  ];
}

export const ROW_SPECS: readonly RowSpec[] = [
  ...fernetRows('100 B'),
  ...fernetRows('1 KiB'),
  ...fernetRows('64 KiB'),
  { id: 'rtt-p50', figure: 2, what: 'Loopback RTT p50', unit: 'µs', anchorName: 'raw dgram, no crypto', goal: ratioGoal('<=', 3) },
  { id: 'rtt-p99', figure: 2, what: 'Loopback RTT p99', unit: 'µs', anchorName: 'raw dgram, no crypto', goal: null },
  { id: 'tput-abs', figure: 3, what: 'Reliable throughput, 100 B, all acked', unit: 'msg/s', anchorName: '—', goal: valueGoal('>=', 10_000, '≥ 10,000 msg/s') },
  { id: 'tput-py', figure: 3, what: 'Reliable throughput, 100 B, all acked', unit: 'msg/s', anchorName: 'Python fire-and-forget', goal: ratioGoal('>=', 1) },
  { id: 'loss-delivered', figure: 4, what: 'Chaos 30% loss: delivered', unit: '%', anchorName: '—', goal: valueGoal('>=', 100, '= 100%') },
  { id: 'loss-tput', figure: 4, what: 'Chaos 30% loss: throughput', unit: 'msg/s', anchorName: 'same proxy, no loss', goal: null },
  { id: 'loss-p99', figure: 4, what: 'Chaos 30% loss: latency p99', unit: 'ms', anchorName: 'same proxy, no loss', goal: null },
  { id: 'pane-1k', figure: 5, what: 'Pane append+render p50, 1k lines', unit: 'ms', anchorName: 'blessed Log @1k', goal: null },
  { id: 'pane-10k', figure: 5, what: 'Pane append+render p50, 10k lines', unit: 'ms', anchorName: 'blessed Log @2k', goal: null },
  { id: 'pane-100k', figure: 5, what: 'Pane append+render p50, 100k lines', unit: 'ms', anchorName: 'blessed Log @2k', goal: valueGoal('<=', 1, '≤ 1 ms') },
  {
    id: 'pane-search-100k',
    figure: 5,
    what: 'Search step at 100k lines p99 (first search, n, N)',
    unit: 'ms',
    anchorName: 'one String.includes pass over 100k texts',
    goal: valueGoal('<=', 50, '≤ 50 ms'),
  },
  { id: 'pane-log-trend', figure: 5, what: 'blessed Log p50 growth 1k → 2k', unit: '×', anchorName: '—', goal: null },
  { id: 'startup-demo', figure: 6, what: 'Startup: demo first full frame', unit: 'ms', anchorName: 'node -e ""', goal: ratioGoal('<=', 4) },
  { id: 'startup-version', figure: 6, what: 'Startup: --version', unit: 'ms', anchorName: 'node -e ""', goal: null },
  { id: 'mem-10k', figure: 7, what: 'RSS after cap/10 messages received', unit: 'MB', anchorName: 'RSS before any socket', goal: null },
  { id: 'mem-100k', figure: 7, what: 'RSS after cap messages received', unit: 'MB', anchorName: 'RSS after cap/10', goal: null },
  { id: 'mem-past-cap', figure: 7, what: 'RSS after 1.3 × cap messages', unit: 'MB', anchorName: 'RSS after cap', goal: ratioGoal('<=', 1.1) },
  {
    id: 'pipe-py',
    figure: 8,
    what: 'Headless pipeline, 100 B lines, fresh start',
    unit: 'msg/s',
    anchorName: 'Python seed-style pair',
    goal: ratioGoal('>=', 1),
  },
  {
    id: 'giant-rss',
    figure: 9,
    what: 'UI RSS after six ~3.9 MB tab-heavy messages',
    unit: 'MB',
    anchorName: 'RSS before any socket',
    goal: valueGoal('<=', 300, '< 300 MB'),
  },
  { id: 'giant-typed', figure: 9, what: 'A line typed right after them reaches the peer', unit: 'ms', anchorName: '—', goal: valueGoal('<=', 100, '≤ 100 ms') },
  {
    id: 'draft-key',
    figure: 9,
    what: 'Keystroke with a 1 MiB draft (cursor mid-draft)',
    unit: 'ms',
    anchorName: 'cursor at the end',
    goal: valueGoal('<=', 10, '≤ 10 ms'),
  },
  {
    id: 'xfer-loopback-pmtu',
    figure: 10,
    what: 'File transfer, loopback, path MTU probing',
    unit: 'MB/s',
    anchorName: 'Python seed-style, 1200 B, no acks',
    goal: valueAndRatioGoal(50, 'MB/s', 1),
  },
  {
    id: 'xfer-loopback-1200',
    figure: 10,
    what: 'File transfer, loopback, 1200 B datagrams',
    unit: 'MB/s',
    anchorName: 'Python seed-style, 1200 B, no acks',
    goal: valueAndRatioGoal(25, 'MB/s', 1),
  },
  {
    id: 'xfer-bottleneck',
    figure: 10,
    what: 'File transfer, 10 MB/s bottleneck, 40 ms RTT, 1% loss',
    unit: 'MB/s',
    anchorName: '—',
    goal: valueGoal('>=', 7, '≥ 7 MB/s'),
  },
  {
    id: 'xfer-chat-rtt',
    figure: 10,
    what: 'Chat RTT p90 during that transfer',
    unit: 'ms',
    anchorName: 'idle, same proxy',
    goal: { on: 'excess', op: '<=', target: 100, text: '≤ idle + 100 ms' },
  },
  {
    id: 'xfer-fairness',
    figure: 10,
    what: 'Two transfers through the bottleneck: smaller share',
    unit: '%',
    anchorName: '—',
    goal: valueGoal('>=', 40, '40–60 % each'),
  },
  {
    id: 'xfer-rss-2g',
    figure: 10,
    what: 'Peak RSS moving 2 GiB on loopback (larger side)',
    unit: 'MB',
    anchorName: 'peak RSS before the transfer',
    goal: valueGoal('<=', 200, '≤ 200 MB'),
  },
  {
    id: 'room-burst',
    figure: 11,
    what: 'Room of 8 on loopback, 500 lines each at once: all shown everywhere',
    unit: 'ms',
    anchorName: 'room of 2, the same burst',
    goal: valueGoal('<=', 10_000, '≤ 10 s'),
  },
  { id: 'room-loss', figure: 11, what: 'The same, every socket losing 10 %', unit: 'ms', anchorName: 'no loss, same run', goal: null },
  {
    id: 'room-join',
    figure: 11,
    what: 'A 9th member joins: linked to all 8',
    unit: 'ms',
    anchorName: 'a 2nd joins a room of 1',
    goal: valueGoal('<=', 2_000, '≤ 2 s'),
  },
  {
    id: 'room-rss',
    figure: 11,
    what: 'RSS per member, rooms of 1 and 16 in one process',
    unit: 'MB',
    anchorName: 'RSS with 1 member',
    goal: valueGoal('<=', 5, '< 5 MB per member'),
  },
];

/** The row ids of one figure, in table order. */
export function rowIds(figure: number): string[] {
  return ROW_SPECS.filter((s) => s.figure === figure).map((s) => s.id);
}

export function specFor(id: string): RowSpec {
  const spec = ROW_SPECS.find((s) => s.id === id);
  if (!spec) throw new TypeError(`unknown bench row "${id}"`);
  return spec;
}

/** PASS / MISS against the goal; INFO when there is none; a reported SKIP / TIMEOUT / ERROR wins. */
export function verdict(spec: RowSpec, m: Measurement): Row {
  const r = m.value !== null && m.anchor !== null && Number.isFinite(m.value) && Number.isFinite(m.anchor) && m.anchor > 0 ? m.value / m.anchor : null;
  let status: Status;
  if (m.status) status = m.status;
  else if (spec.goal === null) status = m.value === null ? 'ERROR' : 'INFO';
  else {
    // Every check must hold; a check that cannot be made decides first (a missing anchor of a ratio: SKIP, anything else missing: ERROR).
    const checks = [spec.goal, ...(spec.goal.and ?? [])];
    const excess = m.value !== null && m.anchor !== null ? m.value - m.anchor : null;
    const looked = checks.map((c) => ({ c, x: c.on === 'ratio' ? r : c.on === 'excess' ? excess : m.value }));
    const unknown = looked.filter(({ x }) => x === null || !Number.isFinite(x));
    if (unknown.length > 0) status = m.value !== null && unknown.every(({ c }) => c.on === 'ratio') ? 'SKIP' : 'ERROR';
    else status = looked.every(({ c, x }) => (c.op === '>=' ? x! >= c.target : x! <= c.target)) ? 'PASS' : 'MISS';
  }
  return {
    ...spec,
    value: m.value,
    anchor: m.anchor,
    ratio: r,
    detail: m.detail ?? '',
    anchorDetail: m.anchorDetail ?? '',
    status,
    note: m.note ?? (status === 'ERROR' && m.value === null ? 'no figure was produced' : ''),
  };
}

/** Rows for every spec of `figure`: the reported ones, and TIMEOUT / ERROR for the ones the figure never reported. */
export function completeFigure(figure: number, reported: readonly Measurement[], missing: { status: 'TIMEOUT' | 'ERROR'; note: string }): Row[] {
  return rowIds(figure).map((id) => {
    const m = reported.find((x) => x.id === id) ?? { id, value: null, anchor: null, status: missing.status, note: missing.note };
    return verdict(specFor(id), m);
  });
}
