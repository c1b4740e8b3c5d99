/**
 * ui/alerts.ts: the bell and the title as attention.ts decides them, only
 * where the profile enables them, and a title written only when it changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alerts } from '../../src/ui/alerts.js';
import { Attention } from '../../src/ui/attention.js';

function make(bell: boolean, title: boolean) {
  const wrote: string[] = [];
  let scrolled = 0;
  const attention = new Attention();
  const alerts = new Alerts({
    bell,
    title,
    base: 'fernchat',
    attention,
    scrolledUnseen: () => scrolled,
    screen: { bell: () => void wrote.push('BEL'), setTitle: (t) => void wrote.push(t) },
  });
  return { alerts, attention, wrote, scroll: (n: number) => (scrolled = n) };
}

test('a mention rings and retitles; the next key clears the title; keys alone write nothing', () => {
  const { alerts, attention, wrote } = make(true, true);
  alerts.seen();
  alerts.seen();
  assert.deepEqual(wrote, [], 'the start title is already on the terminal');
  attention.peerLine(true);
  alerts.peerLine(true);
  alerts.seen();
  alerts.seen();
  assert.deepEqual(wrote, ['BEL', '(mentioned) fernchat', 'fernchat']);
});

test('away: the title counts, focus in clears it; scrolled up: the scrolled-up count', () => {
  const { alerts, attention, wrote, scroll } = make(true, true);
  alerts.focus(false);
  for (let i = 0; i < 2; i++) alerts.peerLine(attention.peerLine(false).bell);
  alerts.focus(true);
  assert.deepEqual(wrote, ['BEL', '(1) fernchat', 'BEL', '(2) fernchat', 'fernchat']);
  wrote.length = 0;
  scroll(3);
  alerts.peerLine(true);
  scroll(0);
  alerts.seen();
  assert.deepEqual(wrote, ['BEL', '(3) fernchat', 'fernchat']);
});

test('profile off: no bell, no title, whatever happens', () => {
  const { alerts, attention, wrote } = make(false, false);
  alerts.focus(false);
  alerts.peerLine(attention.peerLine(true).bell);
  alerts.focus(true);
  alerts.seen();
  assert.deepEqual(wrote, []);
  const bellOnly = make(true, false);
  bellOnly.alerts.peerLine(true);
  bellOnly.alerts.peerLine(false);
  assert.deepEqual(bellOnly.wrote, ['BEL']);
});
