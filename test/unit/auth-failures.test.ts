import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH_FAILURE_QUIET_MS, AUTH_FAILURE_THRESHOLD, AUTH_FAILURE_WINDOW_MS } from '../../src/constants.js';
import { AuthFailures } from '../../src/net/auth-failures.js';

const PEER = { host: '10.0.0.2', port: 7002 };
const OTHER = { host: '10.0.0.9', port: 7002 };
const T0 = 1_700_000_000_000;

test('AUTH_FAILURE_THRESHOLD failures from the peer within the window make one warning naming the address, never a key', () => {
  const f = new AuthFailures();
  for (let i = 1; i < AUTH_FAILURE_THRESHOLD; i++) assert.equal(f.failed(PEER, PEER, T0 + i), null);
  const msg = f.failed(PEER, PEER, T0 + AUTH_FAILURE_THRESHOLD);
  assert.equal(msg, 'datagrams from 10.0.0.2:7002 fail authentication — different key? compare /fingerprint');
});

test('table: which failures count', () => {
  // [what, peer, from-addresses with times (ms after T0), warnings expected]
  const cases: Array<[string, typeof PEER | null, Array<[typeof PEER, number]>, number]> = [
    [
      'no peer address yet: nothing counts',
      null,
      [
        [PEER, 0],
        [PEER, 1],
        [PEER, 2],
      ],
      0,
    ],
    [
      'another address: not counted',
      PEER,
      [
        [OTHER, 0],
        [OTHER, 1],
        [OTHER, 2],
        [OTHER, 3],
      ],
      0,
    ],
    [
      'mixed: only the peer counts',
      PEER,
      [
        [PEER, 0],
        [OTHER, 1],
        [PEER, 2],
        [OTHER, 3],
      ],
      0,
    ],
    [
      'spread wider than the window',
      PEER,
      [
        [PEER, 0],
        [PEER, AUTH_FAILURE_WINDOW_MS],
        [PEER, 2 * AUTH_FAILURE_WINDOW_MS + 1],
      ],
      0,
    ],
    [
      'inside the window',
      PEER,
      [
        [PEER, 0],
        [PEER, AUTH_FAILURE_WINDOW_MS / 2],
        [PEER, AUTH_FAILURE_WINDOW_MS],
      ],
      1,
    ],
    ['a flood: one warning per quiet period', PEER, Array.from({ length: 1000 }, (_, i): [typeof PEER, number] => [PEER, i]), 1],
    [
      'the flood goes on past the quiet period: a second warning',
      PEER,
      Array.from({ length: 200 }, (_, i): [typeof PEER, number] => [PEER, i * (AUTH_FAILURE_QUIET_MS / 100)]),
      2,
    ],
  ];
  for (const [what, peer, events, expected] of cases) {
    const f = new AuthFailures();
    let warnings = 0;
    for (const [from, t] of events) if (f.failed(from, peer, T0 + t) !== null) warnings += 1;
    assert.equal(warnings, expected, what);
  }
});

test('a datagram from the peer that authenticates starts the count over; one from elsewhere does not', () => {
  const f = new AuthFailures();
  assert.equal(f.failed(PEER, PEER, T0), null);
  assert.equal(f.failed(PEER, PEER, T0 + 1), null);
  f.authenticated(OTHER, PEER);
  assert.notEqual(f.failed(PEER, PEER, T0 + 2), null, 'still three in a row from the peer');
  const g = new AuthFailures();
  g.failed(PEER, PEER, T0);
  g.failed(PEER, PEER, T0 + 1);
  g.authenticated(PEER, PEER);
  assert.equal(g.failed(PEER, PEER, T0 + 2), null);
  assert.equal(g.failed(PEER, PEER, T0 + 3), null);
  assert.notEqual(g.failed(PEER, PEER, T0 + 4), null);
});

test('an IPv4-mapped source is the same peer', () => {
  const f = new AuthFailures();
  const mapped = { host: '::ffff:10.0.0.2', port: 7002 };
  f.failed(mapped, PEER, T0);
  f.failed(mapped, PEER, T0 + 1);
  assert.notEqual(f.failed(mapped, PEER, T0 + 2), null);
});
