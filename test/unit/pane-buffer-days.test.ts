/**
 * PaneBuffer with `datedStart` (the chat pane's setting): the first line says
 * the date, and so does each line on a new local date; marker lines
 * ("— unread —") are not counted as new messages. Times are fixed local
 * times around midnight, never the real clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatLine } from '../../src/ui/format.js';
import { PaneBuffer } from '../../src/ui/pane-buffer.js';

const BEFORE = new Date(2026, 11, 3, 23, 59, 59).getTime(); // Thursday, one second to midnight
const AFTER = new Date(2026, 11, 4, 0, 0, 0).getTime(); // Friday, midnight

function make(datedStart: boolean) {
  const format = (line: ChatLine): string[] => [line.kind === 'day' ? `== ${new Date(line.time).getDate()} ==` : `${line.kind}:${line.text}`];
  const buf = new PaneBuffer({ capacity: 100, width: 30, format, datedStart });
  let id = 0;
  const add = (text: string, time: number, kind: ChatLine['kind'] = 'message'): void => {
    id += 1;
    buf.append({ id, kind, time, text });
  };
  return { buf, add };
}

test('datedStart: the first line, and the first after clear(), get the date; then only a change of date does', () => {
  const { buf, add } = make(true);
  add('a', BEFORE);
  add('b', BEFORE);
  add('c', AFTER);
  add('d', AFTER + 1);
  assert.deepEqual(buf.visibleRows(6), ['== 3 ==', 'message:a', 'message:b', '== 4 ==', 'message:c', 'message:d']);
  buf.clear();
  add('e', AFTER + 2);
  assert.deepEqual(buf.visibleRows(2), ['== 4 ==', 'message:e']);
});

test('without datedStart the first line has no date (the default, as before)', () => {
  const { buf, add } = make(false);
  add('a', BEFORE);
  add('b', AFTER);
  assert.deepEqual(buf.visibleRows(3), ['message:a', '== 4 ==', 'message:b']);
});

test('a marker line is not a new message while scrolled up; a day separator comes before the marker when it opens the day', () => {
  const { buf, add } = make(true);
  for (let i = 0; i < 10; i++) add(`l${i}`, BEFORE);
  buf.visibleRows(3);
  buf.scrollBy(2);
  add('— unread —', AFTER, 'marker');
  add('x', AFTER);
  assert.equal(buf.newWhileScrolled, 1);
  buf.scrollToBottom();
  assert.deepEqual(buf.visibleRows(3), ['== 4 ==', 'marker:— unread —', 'message:x']);
});
