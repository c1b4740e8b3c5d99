import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkStats } from '../../src/bus.js';
import { DASHBOARD_HISTORY_SAMPLES } from '../../src/constants.js';
import { dashboardLayout, type Rect } from '../../src/ui/dashboard-layout.js';
import { DashboardModel, lossBarsOf, niceCeiling, Ring, type LinkSample } from '../../src/ui/dashboard-model.js';

const T0 = new Date(2026, 10, 25, 12, 43, 10).getTime();

function stats(over: Partial<LinkStats> = {}): LinkStats {
  return {
    rttMs: 5,
    lastRttMs: 4,
    lossPct: 0,
    datagramsIn: 0,
    datagramsOut: 0,
    dropped: 0,
    droppedBy: {},
    framesSent: 0,
    retransmissions: 0,
    pending: 0,
    keyAgeMs: 0,
    ...over,
  };
}

describe('Ring', () => {
  test('keeps the newest `capacity` items, oldest first', () => {
    const r = new Ring<number>(3);
    assert.deepEqual(r.toArray(), []);
    assert.equal(r.last(), undefined);
    for (let i = 1; i <= 5; i++) r.push(i);
    assert.deepEqual(r.toArray(), [3, 4, 5]);
    assert.equal(r.length, 3);
    assert.equal(r.last(), 5);
  });
  test('bad capacity → TypeError', () => {
    assert.throws(() => new Ring(0), TypeError);
    assert.throws(() => new Ring(1.5), TypeError);
  });
});

describe('DashboardModel: samples are intervals, not the session', () => {
  test('counts become per-interval differences; loss is retransmitted / sent in the interval', () => {
    const m = new DashboardModel('AAAA-BBBB-CCCC-DDDD');
    m.addStats(stats({ datagramsIn: 10, datagramsOut: 12, framesSent: 10, retransmissions: 0 }), T0);
    m.addStats(stats({ datagramsIn: 15, datagramsOut: 20, dropped: 2, framesSent: 20, retransmissions: 5, lastRttMs: 9 }), T0 + 1000);
    m.addStats(stats({ datagramsIn: 15, datagramsOut: 20, dropped: 2, framesSent: 20, retransmissions: 5, lastRttMs: null, rttMs: 7 }), T0 + 2000);
    const h = m.history();
    assert.deepEqual(
      h.map((s) => [s.datagramsIn, s.datagramsOut, s.dropped, s.framesSent, s.retransmissions, s.lossPct, s.rttMs]),
      [
        [10, 12, 0, 10, 0, 0, 4],
        [5, 8, 2, 10, 5, 50, 9],
        [0, 0, 0, 0, 0, null, 7], // nothing sent: no loss figure; no fresh sample: the smoothed RTT
      ],
    );
  });

  test('a counter that goes down (a new transport) starts again from its value', () => {
    const m = new DashboardModel('F');
    m.addStats(stats({ datagramsIn: 100 }), T0);
    m.addStats(stats({ datagramsIn: 3 }), T0 + 1000);
    assert.equal(m.history()[1]?.datagramsIn, 3);
  });

  test('the history is bounded: DASHBOARD_HISTORY_SAMPLES by default (5 minutes), whatever runs', () => {
    const m = new DashboardModel('F');
    for (let i = 0; i < DASHBOARD_HISTORY_SAMPLES + 50; i++) m.addStats(stats({ datagramsIn: i }), T0 + i * 1000);
    const h = m.history();
    assert.equal(h.length, DASHBOARD_HISTORY_SAMPLES);
    assert.equal(h[0]?.time, T0 + 50 * 1000);
    assert.equal(DASHBOARD_HISTORY_SAMPLES, 300);
  });

  test('rotation history: newest first, fingerprints and times only, bounded', () => {
    const m = new DashboardModel('AAAA-AAAA-AAAA-AAAA', { rotations: 2 });
    m.addStats(stats({ keyAgeMs: 65_000 }), T0);
    assert.deepEqual(m.view(T0).key, ['key AAAA-AAAA-AAAA-AAAA', 'age 1 min 05 s', 'no rotation yet (Ctrl-K rotates)']);
    m.addRotation(T0, 'AAAA-AAAA-AAAA-AAAA', 'BBBB-BBBB-BBBB-BBBB');
    m.addRotationFailure(T0 + 60_000, 'the peer did not answer');
    m.addRotation(T0 + 120_000, 'BBBB-BBBB-BBBB-BBBB', 'CCCC-CCCC-CCCC-CCCC');
    const key = m.view(T0 + 2000).key;
    assert.deepEqual(key, [
      'key CCCC-CCCC-CCCC-CCCC',
      'age 1 min 07 s', // the last stats' age, plus the time since
      'rotations, newest first:',
      '12:45:10 BBBB-BBBB-BBBB-BBBB → CCCC-CCCC-CCCC-CCCC',
      '12:44:10 failed: the peer did not answer',
    ]);
    assert.deepEqual(m.view(T0, 29).key[3], '12:45 BBBB-BBBB… → CCCC-CCCC…', 'a narrow key box shortens times and fingerprints');
    assert.ok(
      m
        .view(T0, 29)
        .key.filter((l) => !l.includes('failed'))
        .every((l) => l.length <= 29),
    );
  });
});

describe('DashboardModel.view: what each widget shows', () => {
  test('before any stats', () => {
    const v = new DashboardModel('F').view(T0);
    assert.deepEqual(v.datagrams, ['no link statistics yet']);
    assert.deepEqual(v.rtt.y, []);
    assert.equal(v.rtt.maxY, 1);
    assert.match(v.rtt.title, /^RTT – · last 5 min$/);
    assert.deepEqual(v.transfers.gauges, [], 'no transfers, no gauges');
    assert.deepEqual(v.transfers.lines, ['none — /send PATH offers a file']);
  });

  test('datagrams: totals with the last interval, drops by reason (largest first, zeros left out), retransmissions', () => {
    const m = new DashboardModel('F');
    m.addStats(stats({ datagramsIn: 1000, datagramsOut: 900 }), T0);
    m.addStats(
      stats({
        datagramsIn: 1234,
        datagramsOut: 1300,
        dropped: 7,
        droppedBy: { replayed: 5, unauthenticated: 2, flood: 0 },
        framesSent: 1300,
        retransmissions: 12,
        lossPct: (100 * 12) / 1300,
        pending: 1,
      }),
      T0 + 1000,
    );
    assert.deepEqual(m.view(T0 + 1000).datagrams, [
      'in       1,234 (+234)',
      'out      1,300 (+400)',
      'retrans  12 of 1,300 (0.9 %)',
      'dropped  7',
      '  replayed 5, unauthenticated 2',
    ]);
  });

  test('RTT chart: one point per sample with an RTT, clock labels, a round top', () => {
    const m = new DashboardModel('F');
    m.addStats(stats({ rttMs: null, lastRttMs: null }), T0);
    m.addStats(stats({ lastRttMs: 0.4 }), T0 + 1000);
    m.addStats(stats({ lastRttMs: 31 }), T0 + 2000);
    const { rtt } = m.view(T0 + 2000);
    assert.deepEqual(rtt.y, [0.4, 31]);
    assert.deepEqual(rtt.x, ['12:43:11', '12:43:12']);
    assert.equal(rtt.maxY, 50);
    assert.equal(rtt.title, 'RTT 31 ms · last 5 min');
  });

  test('loss sparkline: one sample a bar at first; bars grow to cover the whole history, ending at the newest sample', () => {
    const young = new DashboardModel('F', { samples: 300 });
    young.addStats(stats({ framesSent: 10 }), T0);
    young.addStats(stats({ framesSent: 20, retransmissions: 1 }), T0 + 1000);
    assert.deepEqual(young.view(T0, 80, 60).loss.values, [0, 10]);

    const m = new DashboardModel('F', { samples: 6 });
    for (let i = 1; i <= 6; i++) m.addStats(stats({ framesSent: i * 10, retransmissions: i === 6 ? 5 : 0 }), T0 + i * 1000);
    const { loss } = m.view(T0, 80, 3);
    assert.equal(loss.samplesPerBar, 2);
    assert.deepEqual(loss.values, [0, 0, 25]);
    assert.match(loss.title, /^loss 50\.0 % · 2 s a bar$/);
    assert.deepEqual(
      m.view(T0, 80, 3).traffic.map((t) => t.title),
      ['datagrams in', 'datagrams out', 'dropped'],
    );
  });

  test('lossBarsOf and niceCeiling', () => {
    const s = (framesSent: number, retransmissions: number): LinkSample => ({
      time: 0,
      rttMs: null,
      lossPct: null,
      datagramsIn: 0,
      datagramsOut: 0,
      dropped: 0,
      framesSent,
      retransmissions,
    });
    assert.deepEqual(lossBarsOf([s(10, 1), s(0, 0), s(10, 3)], 2), [10, 30]);
    assert.deepEqual(lossBarsOf([], 4), []);
    const ceilings: Array<[number, number]> = [
      [0, 1],
      [0.3, 1],
      [1.2, 2],
      [3, 5],
      [7, 10],
      [31, 50],
      [120, 200],
      [Number.NaN, 1],
    ];
    for (const [v, top] of ceilings) assert.equal(niceCeiling(v), top, String(v));
  });
});

describe('dashboardLayout', () => {
  const inside = (r: Rect, w: number, h: number): boolean => r.left >= 0 && r.top >= 0 && r.left + r.width <= w && r.top + r.height <= h;
  const overlap = (a: Rect, b: Rect): boolean => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

  const cases: Array<[string, number, number, { charts: boolean; loss: boolean; transfers: boolean }]> = [
    ['a 120 × 33 pane: everything', 118, 31, { charts: true, loss: true, transfers: true }],
    ['80 × 24: everything', 78, 20, { charts: true, loss: true, transfers: true }],
    ['narrow: no transfers box', 60, 20, { charts: true, loss: true, transfers: false }],
    ['very narrow: the RTT chart takes the row', 40, 20, { charts: true, loss: false, transfers: false }],
    ['short: text boxes only', 100, 10, { charts: false, loss: false, transfers: true }],
  ];
  for (const [name, w, h, want] of cases) {
    test(name, () => {
      const l = dashboardLayout(w, h);
      assert.equal(l.rtt !== null, want.charts);
      assert.equal(l.loss !== null, want.loss);
      assert.equal(l.transfers !== null, want.transfers);
      const rects = [l.rtt, l.loss, l.datagrams, l.key, l.transfers].filter((r): r is Rect => r !== null);
      for (const r of rects) assert.ok(inside(r, w, h), `${JSON.stringify(r)} outside ${w} × ${h}`);
      for (let i = 0; i < rects.length; i++)
        for (let j = i + 1; j < rects.length; j++)
          assert.ok(!overlap(rects[i]!, rects[j]!), `${JSON.stringify(rects[i])} overlaps ${JSON.stringify(rects[j])}`);
      const row = rects.filter((r) => r.top === l.datagrams.top);
      assert.equal(
        row.reduce((n, r) => n + r.width, 0),
        w,
        'the text row fills the width',
      );
    });
  }
  test('without charts the boxes take every row; with them, seven', () => {
    assert.equal(dashboardLayout(100, 10).key.height, 10);
    assert.equal(dashboardLayout(100, 31).key.height, 7);
    assert.equal(dashboardLayout(100, 31).rtt?.height, 24);
  });
  test('bad size → TypeError', () => {
    assert.throws(() => dashboardLayout(0, 10), TypeError);
    assert.throws(() => dashboardLayout(10.5, 10), TypeError);
  });
});
