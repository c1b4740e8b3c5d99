import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tildePath } from '../../src/text/tilde.js';
import { arrow, isEnded, transferLine, transferTable } from '../../src/ui/transfer-line.js';
import { MiB, transferView as tv } from '../_transfer-view.js';

const HOME = '/home/bob';

describe('transferLine: one line per state', () => {
  test('outgoing, moving: arrow, name, bytes of size, percent, rate, ETA, how to cancel', () => {
    assert.deepEqual(transferLine(tv(), HOME), {
      kind: 'system',
      text: '→ report.pdf 5.5 MiB of 12.0 MiB  45%  3.1 MiB/s  ETA 4s · /cancel 2',
    });
  });
  test('incoming, no rate yet: a dash and no ETA; a resume says where it started', () => {
    const line = transferLine(tv({ direction: 'in', rateBps: null, etaS: null, resumedFrom: 3 * MiB }), HOME);
    assert.equal(line.text, '← report.pdf 5.5 MiB of 12.0 MiB  45%  – (resumed at 3.0 MiB) · /cancel 2');
  });
  test('an incoming offer names the size, the sha256 prefix and both answers', () => {
    assert.equal(
      transferLine(tv({ direction: 'in', state: 'offered', bytes: 0 }), HOME).text,
      'offered: report.pdf (12.0 MiB, sha256 1a2b3c4d5e6f) — /accept 2 or /decline 2',
    );
  });
  test('an outgoing offer waits for the peer', () => {
    assert.match(
      transferLine(tv({ state: 'offered', bytes: 0 }), HOME).text,
      /^→ report\.pdf \(12\.0 MiB, sha256 1a2b3c4d5e6f\): offered, waiting for the peer · \/cancel 2$/,
    );
  });
  test('paused and verifying', () => {
    assert.match(transferLine(tv({ state: 'paused' }), HOME).text, /45% {2}paused: the peer is away, resumes when it is back/);
    assert.equal(transferLine(tv({ state: 'verifying', direction: 'in', bytes: 12 * MiB }), HOME).text, '← report.pdf 12.0 MiB  100%  checking sha256…');
    assert.match(transferLine(tv({ state: 'verifying', bytes: 12 * MiB }), HOME).text, /the peer is checking sha256/);
  });
  test('done: incoming says where it was saved, home as ~', () => {
    const line = transferLine(tv({ direction: 'in', state: 'done', bytes: 12 * MiB, path: '/home/bob/Downloads/report.pdf' }), HOME);
    assert.deepEqual(line, { kind: 'system', text: '✓ saved to ~/Downloads/report.pdf (12.0 MiB, sha256 verified)' });
    assert.equal(transferLine(tv({ state: 'done', bytes: 12 * MiB }), HOME).text, '✓ sent report.pdf (12.0 MiB, sha256 verified by the peer)');
  });

  test('done after a resume: says where it resumed and how much moved this time', () => {
    assert.equal(
      transferLine(tv({ state: 'done', bytes: 12 * MiB, resumedFrom: 4 * MiB }), HOME).text,
      '✓ sent report.pdf (12.0 MiB, sha256 verified by the peer; resumed at 4.0 MiB, 8.0 MiB moved this time)',
    );
  });
  test('ended badly: an error line with ✗, the name and why', () => {
    assert.deepEqual(transferLine(tv({ state: 'failed', reason: 'sha256 mismatch' }), HOME), { kind: 'error', text: '✗ report.pdf: sha256 mismatch' });
    assert.equal(transferLine(tv({ state: 'failed', reason: 'disk full', endedBy: 'peer' }), HOME).text, '✗ report.pdf: disk full (on the peer’s side)');
    assert.equal(transferLine(tv({ state: 'failed' }), HOME).text, '✗ report.pdf: failed');
    assert.equal(transferLine(tv({ state: 'cancelled', endedBy: 'peer' }), HOME).text, '✗ report.pdf: cancelled by the peer');
    assert.equal(transferLine(tv({ state: 'cancelled', endedBy: 'local' }), HOME).text, '✗ report.pdf: cancelled');
    assert.equal(transferLine(tv({ state: 'declined', endedBy: 'peer', reason: 'too big' }), HOME).text, '✗ report.pdf: the peer declined it (too big)');
    assert.equal(
      transferLine(tv({ state: 'done', direction: 'out', endedBy: 'peer', reason: 'the peer already has it', bytes: 12 * 1024 * 1024 }), HOME).text,
      '✓ report.pdf: the peer already has it (12.0 MiB, sha256 verified by the peer)',
    );
    // The service's own words for an end are not repeated in brackets; what follows them is kept.
    assert.equal(transferLine(tv({ state: 'cancelled', endedBy: 'peer', reason: 'cancelled by the peer' }), HOME).text, '✗ report.pdf: cancelled by the peer');
    assert.equal(transferLine(tv({ state: 'cancelled', endedBy: 'local', reason: 'cancelled here' }), HOME).text, '✗ report.pdf: cancelled');
    assert.equal(transferLine(tv({ state: 'declined', endedBy: 'local', reason: 'declined here' }), HOME).text, '✗ report.pdf: declined');
    assert.equal(
      transferLine(tv({ state: 'declined', endedBy: 'peer', reason: 'declined by the peer: larger than 2 GiB' }), HOME).text,
      '✗ report.pdf: the peer declined it (larger than 2 GiB)',
    );
    assert.equal(
      transferLine(tv({ state: 'declined', endedBy: 'local', reason: 'declined: too many offers' }), HOME).text,
      '✗ report.pdf: declined (too many offers)',
    );
  });
});

test('tildePath: only a whole home prefix becomes ~', () => {
  assert.equal(tildePath('/home/bob/x', '/home/bob'), '~/x');
  assert.equal(tildePath('/home/bob', '/home/bob/'), '~');
  assert.equal(tildePath('/home/bobby/x', '/home/bob'), '/home/bobby/x');
  assert.equal(tildePath('/srv/x', null), '/srv/x');
  assert.equal(tildePath('/srv/x', '/'), '/srv/x');
});

test('arrow and isEnded', () => {
  assert.equal(arrow({ direction: 'out' }), '→');
  assert.equal(arrow({ direction: 'in' }), '←');
  for (const s of ['done', 'failed', 'declined', 'cancelled'] as const) assert.ok(isEnded({ state: s }), s);
  for (const s of ['offered', 'transferring', 'paused', 'verifying'] as const) assert.ok(!isEnded({ state: s }), s);
});

describe('transferTable (/transfers)', () => {
  test('none yet: how to start one', () => {
    assert.deepEqual(transferTable([]), ['no transfers yet — /send PATH offers a file (Tab completes the path)']);
  });
  test('a header, then n, arrow, name, size, state, percent in aligned columns, by number', () => {
    const rows = transferTable([
      tv({ n: 10, name: 'b.iso', size: 2 * 1024 * MiB, bytes: 0, state: 'offered', direction: 'in' }),
      tv({ n: 2 }),
      tv({ n: 3, name: 'notes.txt', size: 900, bytes: 900, state: 'done' }),
    ]);
    assert.equal(rows[0], 'transfers: 3 (2 active) — /cancel N, /accept N, /decline N');
    assert.deepEqual(rows.slice(1), [
      ' 2  →  report.pdf  12.0 MiB  transferring     45%',
      ' 3  →  notes.txt      900 B  done            100%',
      '10  ←  b.iso        2.0 GiB  offered to you    0%',
    ]);
  });
  test('a long name is cut', () => {
    const [, row] = transferTable([tv({ name: 'x'.repeat(100) })]);
    assert.ok(row!.includes(`${'x'.repeat(39)}…`), row);
    assert.ok(!row!.includes('x'.repeat(41)));
  });
});
