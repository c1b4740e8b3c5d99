import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerSessions, serialNewer } from '../../src/net/peer-session.js';
import { RETIRED_SESSIONS_MAX } from '../../src/constants.js';

const S = (n: number): string => n.toString(16).padStart(16, '0');
const STALE_MS = 720_000;

function proven(id: string, ts: number, now = 0): PeerSessions {
  const p = new PeerSessions(STALE_MS);
  p.adopt(id, 'first', ts, now);
  p.heard(ts, now, true);
  return p;
}

test('session verdicts, in order (a numbered table, as wireguard-go tests its replay window)', () => {
  const p = new PeerSessions(STALE_MS);
  const steps: Array<[string, () => unknown, unknown]> = [
    ['1 no session yet: first contact', () => p.classify(S(1), 100, 0), 'first'],
    ['2 adopt it', () => p.adopt(S(1), 'first', 100, 0), undefined],
    ['3 its frames are current', () => p.classify(S(1), 50, 1), 'current'],
    ['4 unproven: another session replaces it (it may be the real peer)', () => p.classify(S(2), 10, 2), 'first'],
    ['5 adopt the other', () => p.adopt(S(2), 'first', 10, 2), undefined],
    ['6 the unproven one was not retired', () => p.classify(S(1), 100, 3), 'first'],
    ['7 a frame to us proves S(2)', () => p.heard(20, 4, true), undefined],
    ['8 proven: an older ts is a recording', () => p.classify(S(1), 15, 5), 'stale'],
    ['9 proven: a newer ts is a restart', () => p.classify(S(3), 30, 6), 'restart'],
    ['10 adopt the restart', () => p.adopt(S(3), 'restart', 30, 6), undefined],
    ['11 it is vetted, not yet proven', () => [p.vetted, p.proven], [true, false]],
    ['12 the proven predecessor is retired', () => p.classify(S(2), 1_000, 7), 'retired'],
  ];
  for (const [name, run, want] of steps) assert.deepEqual(run(), want, name);
});

test('long silence (beyond TTL + skew) lets any new session in; so does unpin()', () => {
  const p = proven(S(1), 1_000, 0);
  assert.equal(p.classify(S(2), 500, STALE_MS), 'stale');
  assert.equal(p.classify(S(2), 500, STALE_MS + 1), 'restart');
  const q = proven(S(1), 1_000, 0);
  q.unpin();
  assert.equal(q.classify(S(2), 500, 1), 'restart');
});

test('ts comparison wraps at 2^32', () => {
  assert.equal(serialNewer(5, 0xffff_fff0), true);
  assert.equal(serialNewer(0xffff_fff0, 5), false);
  assert.equal(serialNewer(7, 7), false);
  const p = proven(S(1), 0xffff_fff0, 0);
  assert.equal(p.classify(S(2), 5, 1), 'restart');
});

test('packet numbers: replayed, newest, or older but in the window', () => {
  const p = proven(S(1), 0);
  assert.equal(p.checkPacket(5), 'newest');
  assert.equal(p.checkPacket(5), 'replayed');
  assert.equal(p.checkPacket(3), 'older');
  assert.equal(p.checkPacket(3), 'replayed');
  assert.equal(p.checkPacket(6), 'newest');
  p.adopt(S(2), 'restart', 1, 1);
  assert.equal(p.checkPacket(5), 'newest', 'a new session has a fresh window');
});

test('the retired list is bounded', () => {
  const p = proven(S(1), 0);
  for (let i = 2; i <= RETIRED_SESSIONS_MAX + 2; i++) {
    p.adopt(S(i), 'restart', i, i);
    p.heard(i, i, true);
  }
  assert.equal(p.classify(S(1), 10_000, 100), 'restart', 'the oldest fell off the list (it is long expired by then)');
  assert.equal(p.classify(S(3), 10_000, 100), 'retired');
});
