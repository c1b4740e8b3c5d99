/**
 * `npm run bench -- --quick` still works: it runs, prints the table and
 * writes a results file with every row of issue #7, each with a figure or a
 * printed reason (a skipped anchor). Never a timing: the figures of a quick
 * run on a shared machine mean nothing. Plus the bench's pure helpers
 * (percentiles, verdicts, table layout).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROW_SPECS, completeFigure, specFor, verdict, type Row } from './rows.js';
import { median, percentile } from './stats.js';
import { formatValue, renderTable, type MachineInfo } from './table.js';
import { bytesAt, fairShares } from './xfer-fair.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The quick bench takes seconds; this only stops a broken one from hanging the runner, in ms. */
const RUN_LIMIT_MS = 210_000;

describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fernchat-bench-smoke-'));
  const out = path.join(dir, 'results.json');
  let child: ChildProcess | null = null;
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs, prints the table and writes every row', { timeout: RUN_LIMIT_MS + 10_000 }, async () => {
    const published = path.join(ROOT, 'bench', 'results.json');
    const publishedBefore = existsSync(published) ? statSync(published).mtimeMs : null;
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      let stdout = '';
      let stderr = '';
      child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', `--out=${out}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child?.kill('SIGKILL'), RUN_LIMIT_MS);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
    assert.equal(run.code, 0, `the bench failed:\n${run.stderr}\n${run.stdout}`);
    assert.deepEqual(readdirSync(dir), ['results.json'], 'the results file, and no temp file left behind');
    assert.equal(existsSync(published) ? statSync(published).mtimeMs : null, publishedBefore, '--quick must not touch bench/results.json');
    const results = JSON.parse(readFileSync(out, 'utf8')) as { machine: MachineInfo; rows: Row[] };
    assert.equal(results.machine.mode, 'quick');
    assert.match(run.stdout, /^fernchat bench \(quick\)/);
    assert.match(run.stdout, /machine: .+ cores/);
    assert.deepEqual(
      results.rows.map((r) => r.id),
      ROW_SPECS.map((s) => s.id),
      'every row of the issue, in order',
    );
    for (const row of results.rows) {
      assert.ok(run.stdout.includes(row.what), `row "${row.what}" is not in the printed table`);
      if (row.status === 'SKIP') {
        assert.match(row.note, /\S/, `${row.id} skipped without a reason`);
        console.log(`bench row ${row.id} skipped: ${row.note}`);
        continue;
      }
      assert.ok(['PASS', 'MISS', 'INFO'].includes(row.status), `${row.id}: ${row.status} — ${row.note}`);
      assert.equal(typeof row.value, 'number', `${row.id} has no figure`);
      assert.ok(Number.isFinite(row.value), `${row.id}: figure ${row.value}`);
    }
  });
});

describe('bench helpers', () => {
  test('percentile is nearest-rank: always a measured sample', () => {
    const xs = [5, 1, 4, 2, 3];
    assert.equal(percentile(xs, 50), 3);
    assert.equal(percentile(xs, 99), 5);
    assert.equal(percentile(xs, 0), 1);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.throws(() => percentile(xs, 101), TypeError);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([3, 1, 2]), 2);
  });

  test('verdict: the ratio goal reads as the issue says, both directions', () => {
    assert.equal(verdict(specFor('fernet-100 B-npm'), { id: 'fernet-100 B-npm', value: 50, anchor: 5 }).status, 'PASS'); // 10×
    assert.equal(verdict(specFor('fernet-100 B-npm'), { id: 'fernet-100 B-npm', value: 49, anchor: 5 }).status, 'MISS');
    assert.equal(verdict(specFor('rtt-p50'), { id: 'rtt-p50', value: 30, anchor: 10 }).status, 'PASS'); // 3×
    assert.equal(verdict(specFor('rtt-p50'), { id: 'rtt-p50', value: 31, anchor: 10 }).status, 'MISS');
    assert.equal(verdict(specFor('pane-100k'), { id: 'pane-100k', value: 1.2, anchor: 8 }).status, 'MISS'); // goal on the value, not the ratio
    assert.equal(verdict(specFor('rtt-p99'), { id: 'rtt-p99', value: 1, anchor: 1 }).status, 'INFO');
    const skipped = verdict(specFor('tput-py'), {
      id: 'tput-py',
      value: 10,
      anchor: null,
      status: 'SKIP',
      note: 'skipped: python3 with cryptography not found',
    });
    assert.equal(skipped.status, 'SKIP');
    assert.equal(skipped.ratio, null);
  });

  test('verdict: a goal of two checks needs both; an excess goal looks at value − anchor', () => {
    const pmtu = (value: number, anchor: number | null): string => verdict(specFor('xfer-loopback-pmtu'), { id: 'xfer-loopback-pmtu', value, anchor }).status;
    assert.equal(pmtu(60, 50), 'PASS');
    assert.equal(pmtu(60, 70), 'MISS'); // fast enough, but below the anchor
    assert.equal(pmtu(40, 20), 'MISS'); // above the anchor, but under 50 MB/s
    assert.equal(pmtu(60, null), 'SKIP'); // no anchor: the ratio cannot be checked
    const rtt = (value: number, anchor: number): string => verdict(specFor('xfer-chat-rtt'), { id: 'xfer-chat-rtt', value, anchor }).status;
    assert.equal(rtt(140, 40), 'PASS');
    assert.equal(rtt(141, 40), 'MISS');
    assert.equal(verdict(specFor('xfer-chat-rtt'), { id: 'xfer-chat-rtt', value: 50, anchor: null }).status, 'ERROR');
  });

  test('fair shares: bytes of each over the interval both moved, interpolated between samples', () => {
    const a: Array<[number, number]> = [
      [0, 0],
      [100, 100],
      [200, 200],
      [300, 300],
    ];
    const b: Array<[number, number]> = [
      [100, 0],
      [200, 50],
      [300, 100],
      [400, 300],
    ];
    assert.equal(bytesAt(a, 150), 150);
    assert.equal(bytesAt(a, -5), 0);
    assert.equal(bytesAt(a, 999), 300);
    // Both moved from 100 (b's start) to 300 (a held all 300): a 200 bytes, b 100.
    const s = fairShares(a, b, 300)!;
    assert.equal(s.ms, 200);
    assert.equal(s.bytes, 300);
    assert.ok(Math.abs(s.shareA - 2 / 3) < 1e-9);
    assert.equal(
      fairShares(
        a,
        [
          [400, 0],
          [500, 300],
        ],
        300,
      ),
      null,
      'never moved at the same time',
    );
  });

  test('a figure that never reported a row gets it as TIMEOUT with the reason', () => {
    const rows = completeFigure(2, [{ id: 'rtt-p50', value: 40, anchor: 10 }], { status: 'TIMEOUT', note: 'timeout: 40 s' });
    assert.deepEqual(
      rows.map((r) => [r.id, r.status]),
      [
        ['rtt-p50', 'MISS'],
        ['rtt-p99', 'TIMEOUT'],
      ],
    );
    assert.equal(rows[1]!.note, 'timeout: 40 s');
  });

  test('the table has the header, one line per row and numbered notes', () => {
    const machine: MachineInfo = {
      cpu: 'Test CPU',
      cores: 2,
      node: 'v20',
      python: '3.11, cryptography 48',
      os: 'Linux',
      date: '2026-01-01T00:00:00Z',
      mode: 'full',
    };
    const rows = [
      verdict(specFor('rtt-p50'), { id: 'rtt-p50', value: 48.9, anchor: 10.8 }),
      verdict(specFor('tput-py'), { id: 'tput-py', value: 9000, anchor: null, status: 'SKIP', note: 'skipped: python3 with cryptography not found' }),
    ];
    const text = renderTable(rows, machine).split('\n');
    assert.match(text[0]!, /2026-01-01/);
    assert.match(text[1]!, /Test CPU, 2 cores/);
    const rtt = text.find((l) => l.includes('Loopback RTT p50'))!;
    assert.match(rtt, /48\.9 µs .*10\.8 µs .*4\.53× .*≤ 3× .*MISS/);
    assert.match(
      text.find((l) => l.includes('Reliable throughput'))!,
      /9,000 msg\/s .*SKIP \[1\]/,
    );
    assert.ok(text.includes('[1] tput-py: skipped: python3 with cryptography not found'));
    assert.equal(formatValue(null, 'ms'), '—');
    assert.equal(formatValue(1234.4, 'ops/s'), '1,234 ops/s');
  });
});
