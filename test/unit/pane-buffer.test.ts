import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFolded, type ChatLine } from '../../src/ui/format.js';
import { PaneBuffer } from '../../src/ui/pane-buffer.js';
import { wrap } from '../../src/text/wrap.js';

const DAY1 = new Date(2026, 10, 25, 12, 0).getTime();
const DAY2 = new Date(2026, 10, 26, 0, 1).getTime();

/** A plain formatter that counts its calls: "text ✓" for delivered, day lines as "== day ==". */
function counting() {
  const calls: number[] = [];
  const format = (line: ChatLine, width: number): string[] => {
    calls.push(line.id);
    if (line.kind === 'day') return ['== day =='.slice(0, width)];
    return wrap(line.text + (line.delivery === 'delivered' ? ' ✓' : ''), width);
  };
  return { calls, format };
}

function make(capacity = 1000, width = 20) {
  const c = counting();
  const buf = new PaneBuffer({ capacity, width, format: c.format });
  let id = 0;
  const add = (text: string, over: Partial<ChatLine> = {}): number => {
    id += 1;
    buf.append({ id, kind: 'message', time: DAY1, nick: 'n', text, ...over });
    return id;
  };
  return { buf, add, calls: c.calls };
}

describe('PaneBuffer basics', () => {
  test('an empty pane is blank rows', () => {
    const { buf } = make();
    assert.deepEqual(buf.visibleRows(3), ['', '', '']);
    assert.equal(buf.length, 0);
    assert.equal(buf.atBottom, true);
  });

  test('a short history sits at the bottom, padded on top', () => {
    const { buf, add } = make();
    add('one');
    add('two');
    assert.deepEqual(buf.visibleRows(4), ['', '', 'one', 'two']);
  });

  test('shows the newest rows, wrapped', () => {
    const { buf, add } = make(100, 5);
    add('aaaaa bbbbb');
    add('ccccc');
    assert.deepEqual(buf.visibleRows(2), ['bbbbb', 'ccccc']);
    assert.deepEqual(buf.visibleRows(0), []);
  });

  test('capacity evicts the oldest lines', () => {
    const { buf, add } = make(3);
    for (const t of ['1', '2', '3', '4', '5']) add(t);
    assert.equal(buf.length, 3);
    assert.deepEqual(buf.visibleRows(5), ['', '', '3', '4', '5']);
  });

  test('an evicted line can no longer be found or updated', () => {
    const { buf, add } = make(2);
    const first = add('a', { msgId: 'm1' });
    add('b');
    add('c');
    assert.equal(buf.findByMsgId('m1'), undefined);
    assert.equal(buf.findById(first), undefined);
    buf.update(first, { text: 'zzz' }); // ignored, no throw
    assert.deepEqual(buf.visibleRows(2), ['b', 'c']);
  });

  test('clear', () => {
    const { buf, add } = make();
    add('a', { msgId: 'm' });
    buf.clear();
    assert.equal(buf.length, 0);
    assert.equal(buf.findByMsgId('m'), undefined);
    assert.deepEqual(buf.visibleRows(2), ['', '']);
    add('b');
    assert.deepEqual(buf.visibleRows(2), ['', 'b']);
  });

  test('bad options → TypeError', () => {
    const format = counting().format;
    assert.throws(() => new PaneBuffer({ capacity: 0, width: 10, format }), TypeError);
    assert.throws(() => new PaneBuffer({ capacity: 10, width: 0, format }), TypeError);
    assert.throws(() => new PaneBuffer({ capacity: 1.5, width: 10, format }), TypeError);
    const { buf } = make();
    assert.throws(() => buf.visibleRows(-1), TypeError);
    assert.throws(() => buf.resize(0), TypeError);
    assert.throws(() => buf.scrollBy(0.5), TypeError);
  });
});

describe('PaneBuffer updates', () => {
  test('update by id re-renders that line', () => {
    const { buf, add } = make();
    const id = add('sent', { kind: 'own', delivery: 'pending', msgId: 'm1' });
    assert.deepEqual(buf.visibleRows(1), ['sent']);
    buf.update(id, { delivery: 'delivered' });
    assert.deepEqual(buf.visibleRows(1), ['sent ✓']);
  });

  test('find and update by msgId', () => {
    const { buf, add } = make();
    add('x', { kind: 'own', delivery: 'pending', msgId: 'm1' });
    add('y', { kind: 'own', delivery: 'pending', msgId: 'm2' });
    const line = buf.findByMsgId('m1');
    assert.equal(line?.text, 'x');
    buf.update(line.id, { delivery: 'delivered' });
    assert.equal(buf.findByMsgId('m1')?.delivery, 'delivered');
    assert.equal(buf.findByMsgId('m2')?.delivery, 'pending');
    assert.deepEqual(buf.visibleRows(2), ['x ✓', 'y']);
  });

  test('changing a msgId re-indexes it', () => {
    const { buf, add } = make();
    const id = add('x', { msgId: 'old' });
    buf.update(id, { msgId: 'new' });
    assert.equal(buf.findByMsgId('old'), undefined);
    assert.equal(buf.findByMsgId('new')?.id, id);
  });

  test('the caller’s object is copied, not kept', () => {
    const { buf } = make();
    const line: ChatLine = { id: 1, kind: 'message', time: DAY1, text: 'a' };
    buf.append(line);
    line.text = 'mutated';
    assert.deepEqual(buf.visibleRows(1), ['a']);
  });

  test('changing an id → TypeError', () => {
    const { buf, add } = make();
    const id = add('x');
    assert.throws(() => buf.update(id, { id: id + 1 }), TypeError);
  });
});

describe('PaneBuffer day separators', () => {
  test('added when the local date changes, not before the first line', () => {
    const { buf, add } = make();
    add('late', { time: DAY1 });
    add('later', { time: DAY1 + 1000 });
    add('after midnight', { time: DAY2 });
    assert.equal(buf.length, 4);
    assert.deepEqual(buf.visibleRows(4), ['late', 'later', '== day ==', 'after midnight']);
  });

  test('day separators get negative ids and do not count as new messages', () => {
    const { buf, add } = make(100, 20);
    for (let i = 0; i < 10; i++) add(`l${i}`);
    buf.visibleRows(3);
    buf.scrollBy(2);
    add('next day', { time: DAY2 });
    assert.equal(buf.newWhileScrolled, 1);
    assert.ok(buf.findById(-1)?.kind === 'day');
  });

  test('clear forgets the date', () => {
    const { buf, add } = make();
    add('a', { time: DAY1 });
    buf.clear();
    add('b', { time: DAY2 });
    assert.equal(buf.length, 1);
  });
});

describe('PaneBuffer scrolling', () => {
  function filled(n: number, height = 3) {
    const m = make(1000, 20);
    for (let i = 0; i < n; i++) m.add(`line ${i}`);
    m.buf.visibleRows(height);
    return m;
  }

  test('scrollBy up and down, atBottom', () => {
    const { buf } = filled(10);
    assert.deepEqual(buf.visibleRows(3), ['line 7', 'line 8', 'line 9']);
    buf.scrollBy(2);
    assert.equal(buf.atBottom, false);
    assert.deepEqual(buf.visibleRows(3), ['line 5', 'line 6', 'line 7']);
    buf.scrollBy(-1);
    assert.deepEqual(buf.visibleRows(3), ['line 6', 'line 7', 'line 8']);
    buf.scrollBy(-1);
    assert.equal(buf.atBottom, true);
    assert.deepEqual(buf.visibleRows(3), ['line 7', 'line 8', 'line 9']);
  });

  test('scrolling past the top stops at the first row; past the bottom follows again', () => {
    const { buf } = filled(10);
    buf.scrollBy(1000);
    assert.deepEqual(buf.visibleRows(3), ['line 0', 'line 1', 'line 2']);
    buf.scrollBy(-1000);
    assert.equal(buf.atBottom, true);
  });

  test('scrollToTop / scrollToBottom', () => {
    const { buf } = filled(10);
    buf.scrollToTop();
    assert.deepEqual(buf.visibleRows(3), ['line 0', 'line 1', 'line 2']);
    buf.scrollToBottom();
    assert.deepEqual(buf.visibleRows(3), ['line 7', 'line 8', 'line 9']);
  });

  test('a history shorter than the pane cannot scroll', () => {
    const { buf } = filled(2);
    buf.scrollBy(5);
    assert.equal(buf.atBottom, true);
    buf.scrollToTop();
    assert.equal(buf.atBottom, true);
    assert.deepEqual(buf.visibleRows(3), ['', 'line 0', 'line 1']);
  });

  test('scrolls by rows inside a wrapped line', () => {
    const m = make(100, 4);
    m.add('aaaa bbbb cccc');
    m.add('dddd');
    m.buf.visibleRows(2);
    m.buf.scrollBy(1);
    assert.deepEqual(m.buf.visibleRows(2), ['bbbb', 'cccc']);
  });

  test('new lines while scrolled do not move the view and are counted', () => {
    const { buf, add } = filled(10);
    buf.scrollBy(3);
    const before = buf.visibleRows(3);
    add('new 1');
    add('new 2');
    assert.deepEqual(buf.visibleRows(3), before);
    assert.equal(buf.newWhileScrolled, 2);
    buf.scrollToBottom();
    assert.equal(buf.newWhileScrolled, 0);
    assert.deepEqual(buf.visibleRows(3), ['line 9', 'new 1', 'new 2']);
  });

  test('the new-messages count counts messages from the peer only: not system or error lines, nor our own', () => {
    const { buf, add } = filled(10);
    buf.scrollBy(3);
    add('peer online', { kind: 'system' });
    add('boom', { kind: 'error' });
    add('mine', { kind: 'own' });
    assert.equal(buf.newWhileScrolled, 0);
    add('theirs');
    add('theirs too');
    assert.equal(buf.newWhileScrolled, 2);
  });

  test('newWhileScrolled resets when scrolling down reaches the bottom', () => {
    const { buf, add } = filled(10);
    buf.scrollBy(1);
    add('x');
    assert.equal(buf.newWhileScrolled, 1);
    buf.scrollBy(-100);
    assert.equal(buf.newWhileScrolled, 0);
    assert.equal(buf.atBottom, true);
  });

  test('lines appended while following are not counted', () => {
    const { buf, add } = filled(3);
    add('x');
    assert.equal(buf.newWhileScrolled, 0);
  });

  test('a taller pane at the top fills from the first row', () => {
    const { buf } = filled(10, 3);
    buf.scrollToTop();
    assert.deepEqual(buf.visibleRows(5), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });

  test('the view survives eviction of the lines it showed', () => {
    const m = make(5, 20);
    for (let i = 0; i < 5; i++) m.add(`l${i}`);
    m.buf.visibleRows(2);
    m.buf.scrollToTop();
    for (let i = 5; i < 8; i++) m.add(`l${i}`);
    assert.deepEqual(m.buf.visibleRows(2), ['l3', 'l4']);
    assert.equal(m.buf.atBottom, false);
  });
});

describe('PaneBuffer resize', () => {
  test('re-wraps at the new width', () => {
    const { buf, add } = make(100, 20);
    add('aaaa bbbb cccc');
    assert.deepEqual(buf.visibleRows(3), ['', '', 'aaaa bbbb cccc']);
    buf.resize(4);
    assert.deepEqual(buf.visibleRows(3), ['aaaa', 'bbbb', 'cccc']);
    buf.resize(9);
    assert.deepEqual(buf.visibleRows(3), ['', 'aaaa bbbb', 'cccc']);
  });

  test('lazily: resize formats nothing, the next render formats only what it shows', () => {
    const m = make(10_000, 20);
    for (let i = 0; i < 10_000; i++) m.add(`line ${i}`);
    m.buf.visibleRows(10);
    m.calls.length = 0;
    m.buf.resize(7);
    assert.equal(m.calls.length, 0);
    m.buf.visibleRows(10);
    assert.ok(m.calls.length <= 10, `formatted ${m.calls.length} lines for 10 rows`);
  });

  test('a scrolled view keeps its line after a resize', () => {
    const { buf } = (() => {
      const m = make(100, 20);
      for (let i = 0; i < 20; i++) m.add(`word${i} word${i}`);
      m.buf.visibleRows(3);
      return m;
    })();
    buf.scrollBy(10);
    const bottomBefore = buf.visibleRows(3)[2];
    buf.resize(6);
    const rows = buf.visibleRows(3);
    assert.ok(rows.every((r) => r.length <= 6));
    assert.ok(bottomBefore!.startsWith(rows[2]!) || rows[2]!.startsWith('word'), `${bottomBefore} / ${rows}`);
    assert.equal(buf.atBottom, false);
  });
});

describe('PaneBuffer at 100,000 lines', () => {
  test('visibleRows returns exactly height rows', () => {
    const m = make(100_000, 80);
    for (let i = 0; i < 100_000; i++) m.add(`message number ${i}`);
    assert.equal(m.buf.length, 100_000);
    for (const h of [1, 24, 50]) {
      const rows = m.buf.visibleRows(h);
      assert.equal(rows.length, h);
      assert.equal(rows[h - 1], 'message number 99999');
    }
    m.buf.scrollToTop();
    assert.equal(m.buf.visibleRows(24)[0], 'message number 0');
  });

  test('append + render is not quadratic: only the visible lines are ever formatted', () => {
    const m = make(100_000, 80);
    const height = 40;
    for (let i = 0; i < 99_000; i++) m.add(`message ${i}`);
    assert.equal(m.calls.length, 0, 'append formats nothing');
    for (let i = 99_000; i < 100_000; i++) {
      m.add(`message ${i}`);
      assert.equal(m.buf.visibleRows(height).length, height);
    }
    // One format per new line, plus the first screenful: O(renders), not O(history).
    assert.ok(m.calls.length <= 1_000 + height, `format() called ${m.calls.length} times`);
  });

  test('paging through the whole history formats each line about once', () => {
    const m = make(100_000, 80);
    const height = 50;
    for (let i = 0; i < 100_000; i++) m.add(`message ${i}`);
    m.buf.visibleRows(height);
    m.buf.scrollToTop();
    let pages = 0;
    while (!m.buf.atBottom && pages < 3_000) {
      m.buf.visibleRows(height);
      m.buf.scrollBy(-height);
      pages++;
    }
    assert.equal(m.buf.atBottom, true);
    assert.ok(pages >= 1_999 && pages <= 2_000, `${pages} pages`);
    assert.ok(m.calls.length <= 100_000 + 4 * height, `format() called ${m.calls.length} times`);
  });

  test('memory stays bounded: the row cache holds at most cacheLines lines', () => {
    const c = counting();
    const buf = new PaneBuffer({ capacity: 1_000, width: 20, format: c.format, cacheLines: 10 });
    for (let i = 0; i < 1_000; i++) buf.append({ id: i, kind: 'message', time: DAY1, text: `m${i}` });
    buf.visibleRows(5);
    c.calls.length = 0;
    buf.visibleRows(5);
    assert.equal(c.calls.length, 0, 'cached');
    buf.scrollToTop();
    buf.visibleRows(5);
    buf.scrollToBottom();
    c.calls.length = 0;
    buf.visibleRows(5);
    assert.ok(c.calls.length <= 5, 'recently shown lines are still cached or reformatted at most once');
  });
});

describe('PaneBuffer stays bounded whatever a peer sends', () => {
  const fmt = { seconds: false, colors: 256 };
  const giant = (i: number): string => `#${i} ${`${'\t'.repeat(30)}cell\t\tcell\n`.repeat(110_000)}`;

  test('a folded 4 MB message is formatted to foldRows rows, never wrapped in full', () => {
    const calls: number[] = [];
    const buf = new PaneBuffer({
      capacity: 1_000,
      width: 80,
      foldRows: 10,
      format: (line, width, maxRows) => {
        calls.push(maxRows);
        return formatFolded(line, width, fmt, maxRows);
      },
    });
    const text = giant(0);
    assert.ok(text.length > 4_000_000);
    buf.append({ id: 1, kind: 'message', time: DAY1, nick: 'eve', text });
    const rows = buf.visibleRows(30);
    assert.deepEqual(calls, [10]);
    assert.equal(rows.filter((r) => r !== '').length, 10);
    assert.match(rows[29]!, /more lines/);
    assert.equal(buf.cacheSize.rows, 10);
    assert.equal(buf.foldedLine()?.id, 1);
  });

  test('after many giant messages the row cache and the text held stay within their bounds', () => {
    const buf = new PaneBuffer({
      capacity: 100_000,
      width: 100,
      foldRows: 40,
      cacheRows: 200,
      maxChars: 20_000_000,
      format: (line, width, maxRows) => formatFolded(line, width, fmt, maxRows),
    });
    let id = 0;
    for (let i = 0; i < 12; i++) {
      buf.append({ id: ++id, kind: 'message', time: DAY1, nick: 'eve', text: giant(i) });
      for (let j = 0; j < 20; j++) buf.append({ id: ++id, kind: 'message', time: DAY1, nick: 'eve', text: `small ${j}` });
      buf.visibleRows(50);
      buf.scrollBy(120);
      buf.visibleRows(50);
      buf.scrollToBottom();
      assert.ok(buf.cacheSize.rows <= 200, `${buf.cacheSize.rows} rows cached`);
      assert.ok(buf.textChars <= 20_000_000, `${buf.textChars} chars held`);
    }
    // The oldest giant messages went to make room; the newest is still there.
    assert.ok(buf.length < 12 * 21);
    assert.match(buf.findById(id - 20)!.text, /^#11 /);
  });

  test('the row cache evicts by rows as well as by lines', () => {
    const c = counting();
    const buf = new PaneBuffer({ capacity: 1_000, width: 4, format: c.format, cacheRows: 12 });
    for (let i = 0; i < 100; i++) buf.append({ id: i, kind: 'message', time: DAY1, text: 'aaaa bbbb cccc' }); // 3 rows each
    buf.visibleRows(20);
    assert.ok(buf.cacheSize.rows <= 12, `${buf.cacheSize.rows}`);
    buf.scrollToTop();
    buf.visibleRows(20);
    assert.ok(buf.cacheSize.rows <= 12, `${buf.cacheSize.rows}`);
  });

  test('setFoldRows re-formats on the next render; foldedLine finds the newest folded line on screen, else any', () => {
    const buf = new PaneBuffer({ capacity: 100, width: 40, foldRows: 4, format: (line, width, maxRows) => formatFolded(line, width, fmt, maxRows) });
    buf.append({ id: 1, kind: 'message', time: DAY1, nick: 'a', text: 'x\n'.repeat(50) });
    buf.append({ id: 2, kind: 'message', time: DAY1, nick: 'a', text: 'y\n'.repeat(50) });
    for (let i = 3; i < 30; i++) buf.append({ id: i, kind: 'message', time: DAY1, nick: 'a', text: 'short' });
    buf.visibleRows(5);
    assert.equal(buf.foldedLine()?.id, 2, 'none on screen: the newest folded line');
    buf.scrollToTop();
    buf.visibleRows(5);
    assert.equal(buf.foldedLine()?.id, 2);
    buf.setFoldRows(200);
    assert.equal(buf.foldedLine(), undefined);
    assert.throws(() => buf.setFoldRows(1), TypeError);
  });
});
