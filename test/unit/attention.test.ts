/**
 * ui/attention.ts: away (focus out) counts unread peer lines, the first one
 * gets the "— unread —" marker, mentions ring and stay in the title until seen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attention } from '../../src/ui/attention.js';

test('present: lines are not counted; only a mention rings', () => {
  const a = new Attention();
  assert.deepEqual(a.peerLine(false), { marker: false, bell: false });
  assert.equal(a.unread, 0);
  assert.equal(a.title('fernchat', 0), 'fernchat');
  assert.deepEqual(a.peerLine(true), { marker: false, bell: true });
  assert.equal(a.title('fernchat', 0), '(mentioned) fernchat');
  a.seen();
  assert.equal(a.title('fernchat', 0), 'fernchat');
});

test('away: every peer line counts and rings; the first gets the marker; focus in clears', () => {
  const a = new Attention();
  a.focusOut();
  assert.equal(a.presence, 'away');
  assert.deepEqual(a.peerLine(false), { marker: true, bell: true });
  assert.deepEqual(a.peerLine(false), { marker: false, bell: true });
  assert.deepEqual(a.peerLine(true), { marker: false, bell: true });
  assert.equal(a.unread, 3);
  assert.equal(a.title('fernchat', 7), '(3, mentioned) fernchat', 'away, the unread count wins over the scrolled-up count');
  a.seen();
  assert.equal(a.title('fernchat', 0), '(3, mentioned) fernchat', 'a key while away does not make it read');
  assert.equal(a.focusIn(), 3);
  assert.equal(a.presence, 'present');
  assert.equal(a.title('fernchat', 0), 'fernchat');
});

test('bad values: repeated and unmatched focus reports change nothing', () => {
  const a = new Attention();
  assert.equal(a.focusIn(), 0, 'focus in without focus out');
  a.focusOut();
  a.peerLine(false);
  a.focusOut();
  assert.equal(a.unread, 1, 'a second focus out keeps the count');
  assert.deepEqual(a.peerLine(false), { marker: false, bell: true }, 'and places no second marker');
  assert.equal(a.focusIn(), 2);
  assert.equal(a.focusIn(), 0);
  a.focusOut();
  assert.equal(a.focusIn(), 0, 'away with nothing arriving: no unread');
  assert.equal(a.title('fernchat', 2), '(2) fernchat', 'present and scrolled up: the scrolled-up count');
});
