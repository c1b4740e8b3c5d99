import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardLayout, GAUGE_ROWS, type Rect } from '../../src/ui/dashboard-layout.js';
import { DashboardModel } from '../../src/ui/dashboard-model.js';
import { gaugeLabel, transfersBox } from '../../src/ui/dashboard-transfers.js';
import { MiB, transferView as tv } from '../_transfer-view.js';

describe('transfersBox', () => {
  test('0 transfers: no gauge, the box says how to start one', () => {
    assert.deepEqual(transfersBox([], 4, 40), { title: 'transfers', lines: ['none — /send PATH offers a file'], gauges: [] });
  });
  test('1 transfer: one gauge with name, rate and ETA; percent rounded down', () => {
    const b = transfersBox([tv()], 4, 60);
    assert.deepEqual(b.gauges, [{ label: '2 → report.pdf · 3.1 MiB/s · ETA 4s', percent: 45 }]);
    assert.equal(b.title, 'transfers (1)');
    assert.deepEqual(b.lines, ['1 active, 0 ended']);
  });
  test('several: a gauge each while there is room, the rest listed; ended ones listed newest first, not gauged', () => {
    const views = [
      tv({ n: 1 }),
      tv({ n: 2, id: 'b'.repeat(32), direction: 'in', state: 'paused', name: 'b.iso' }),
      tv({ n: 3, id: 'c'.repeat(32), state: 'offered', bytes: 0, name: 'c.tar' }),
      tv({ n: 4, id: 'd'.repeat(32), state: 'done', bytes: 12 * MiB, name: 'd.txt' }),
      tv({ n: 5, id: 'e'.repeat(32), state: 'failed', name: 'e.txt' }),
    ];
    const b = transfersBox(views, 2, 60);
    assert.deepEqual(
      b.gauges.map((g) => g.label),
      ['1 → report.pdf · 3.1 MiB/s · ETA 4s', '2 ← b.iso · paused'],
    );
    assert.deepEqual(b.lines, ['3 active, 2 ended', '3 → c.tar 0% offered', '5 ✗ e.txt failed', '4 ✓ d.txt done']);
  });
  test('labels are cut to the gauge', () => {
    const b = transfersBox([tv({ name: 'x'.repeat(80) })], 1, 20);
    assert.equal(b.gauges[0]!.label.length, 20);
    assert.ok(b.gauges[0]!.label.endsWith('…'));
  });
  test('gaugeLabel per state', () => {
    assert.equal(gaugeLabel(tv({ state: 'offered', direction: 'in' })), '2 ← report.pdf · /accept 2?');
    assert.equal(gaugeLabel(tv({ state: 'verifying' })), '2 → report.pdf · checking sha256');
    assert.equal(gaugeLabel(tv({ rateBps: null, etaS: null })), '2 → report.pdf · –');
  });
  test('the dashboard model follows the transfers it is fed', () => {
    const m = new DashboardModel('F');
    m.transfers.apply(tv());
    m.transfers.apply(tv({ bytes: 9 * MiB }));
    assert.deepEqual(m.view(0, 80, 60, 2, 60).transfers.gauges, [{ label: '2 → report.pdf · 3.1 MiB/s · ETA 4s', percent: 75 }]);
  });
});

describe('dashboardLayout with transfer gauges', () => {
  const all = (l: ReturnType<typeof dashboardLayout>): Rect[] =>
    [l.rtt, l.loss, l.datagrams, l.key, l.transfers, ...l.gauges].filter((r): r is Rect => r !== null);
  const overlap = (a: Rect, b: Rect): boolean => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
  const sound = (w: number, h: number, n: number): ReturnType<typeof dashboardLayout> => {
    const l = dashboardLayout(w, h, n);
    const rects = all(l);
    for (const r of rects) assert.ok(r.left >= 0 && r.top >= 0 && r.left + r.width <= w && r.top + r.height <= h, `${JSON.stringify(r)} outside ${w} × ${h}`);
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) assert.ok(!overlap(rects[i]!, rects[j]!), `${JSON.stringify(rects[i])} overlaps ${JSON.stringify(rects[j])}`);
    return l;
  };
  test('0 transfers: as before, no gauges', () => {
    assert.deepEqual(sound(118, 31, 0), { ...dashboardLayout(118, 31), gauges: [] });
  });
  test('80 × 24 (78 × 19 inside): one gauge under the charts, full width', () => {
    const l = sound(78, 19, 1);
    assert.equal(l.gauges.length, 1);
    assert.deepEqual(l.gauges[0], { top: 6, left: 0, width: 78, height: GAUGE_ROWS });
    assert.ok(l.rtt !== null, 'the charts keep their minimum');
  });
  test('80 × 24, three transfers: two a row, the charts give way; the third takes its row', () => {
    const l = sound(78, 19, 3);
    assert.equal(l.rtt, null);
    assert.deepEqual(
      l.gauges.map((g) => [g.top, g.left, g.width]),
      [
        [0, 0, 39],
        [0, 39, 39],
        [6, 0, 78],
      ],
    );
  });
  test('80 × 24: two rows of two gauges at most; a fifth transfer is listed in the box instead', () => {
    assert.equal(sound(78, 19, 4).gauges.length, 4);
    assert.equal(sound(78, 19, 5).gauges.length, 4);
  });
  test('a tall panel: up to six gauges, charts kept when they fit', () => {
    const l = sound(118, 60, 9);
    assert.equal(l.gauges.length, 6);
    assert.ok(l.rtt !== null);
  });
  test('narrow: one a row; short: none', () => {
    assert.ok(sound(60, 30, 2).gauges.every((g) => g.left === 0 && g.width === 60));
    assert.equal(sound(100, 10, 3).gauges.length, 0);
  });
  test('bad count → TypeError', () => {
    assert.throws(() => dashboardLayout(10, 10, -1), TypeError);
  });
});
