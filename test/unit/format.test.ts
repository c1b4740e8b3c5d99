import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { deliveryMark, formatDay, formatFolded, formatLine, formatTime, type ChatLine } from '../../src/ui/format.js';
import { fnv1a, NICK_PALETTE_256, nickColor } from '../../src/ui/nick-color.js';
import { matchStyle } from '../../src/ui/search-highlight.js';
import { SearchQuery } from '../../src/ui/search-model.js';
import { stringWidth } from '../../src/text/width.js';

// Real blessed tag parsing (terminal 'xterm' needs no terminfo quirks), so
// the tests check what the pane will really show, not our idea of it.
const input = new PassThrough();
const output = new PassThrough();
const program = blessed.program({ input, output, terminal: 'xterm', extended: false });
after(() => {
  input.destroy();
  output.destroy();
});
// blessed's own tag parser (Element.prototype._parseTags; not in its type declarations).
const elementProto = (blessed as unknown as { Element: { prototype: { _parseTags(this: unknown, t: string): string } } }).Element.prototype;
const parseTags = (text: string): string => elementProto._parseTags.call({ parseTags: true, screen: { program } }, text);
/** The characters a row puts on screen. */
const visible = (row: string): string => parseTags(row).replace(/\x1b\[[\d;]*m/g, '');
/** The SGR codes a row applies. */
const sgr = (row: string): string[] => parseTags(row).match(/\x1b\[[\d;]*m/g) ?? [];

const T = new Date(2026, 10, 25, 9, 5, 7).getTime(); // local time: Wednesday 25 November 2026, 09:05:07
const opts = { seconds: false, colors: 256 };
const line = (over: Partial<ChatLine>): ChatLine => ({ id: 1, kind: 'message', time: T, nick: 'alice', text: 'hi', ...over });

describe('formatLine: what the user sees', () => {
  const cases: Array<[string, Partial<ChatLine>, number, string[]]> = [
    ['peer message', {}, 40, ['[09:05] <alice> hi']],
    ['own pending', { kind: 'own', nick: 'me', delivery: 'pending' }, 40, ['[09:05] <me> hi …']],
    ['own delivered', { kind: 'own', nick: 'me', delivery: 'delivered' }, 40, ['[09:05] <me> hi ✓']],
    ['own raw (no receipts)', { kind: 'own', nick: 'me', delivery: 'raw' }, 40, ['[09:05] <me> hi']],
    ['system', { kind: 'system', text: 'peer online' }, 40, ['[09:05] -!- peer online']],
    ['error', { kind: 'error', text: 'boom' }, 40, ['[09:05] -!- boom']],
    ['day separator centred', { kind: 'day', text: '' }, 44, ['       — Wednesday 25 November 2026 —']],
    ['day separator, narrow', { kind: 'day', text: '' }, 23, ['  — Wed 25 Nov 2026 —']],
    [
      'continuation rows indented under the text',
      { text: 'one two three four five' },
      26,
      ['[09:05] <alice> one two', '                three four', '                five'],
    ],
    ['hard newlines in a message', { text: 'a\nb' }, 40, ['[09:05] <alice> a', '                b']],
    ['empty text', { text: '' }, 40, ['[09:05] <alice> ']],
    ['tags in text stay literal', { text: '{bold}x{/bold}' }, 40, ['[09:05] <alice> {bold}x{/bold}']],
    ['tags in a nick stay literal', { nick: '{red-fg}eve' }, 40, ['[09:05] <{red-fg}eve> hi']],
    ['escape sequences removed', { text: '\x1b[2J\x1b]0;pwned\x07safe\u009b31m' }, 40, ['[09:05] <alice> safe']],
    ['bidi override removed', { text: 'abc\u202edef' }, 40, ['[09:05] <alice> abcdef']],
    ['newline in a nick shown inline', { nick: 'a\nb' }, 40, ['[09:05] <a⏎b> hi']],
    ['CJK wraps by width', { text: '漢字漢字漢字漢字' }, 26, ['[09:05] <alice> 漢字漢字漢', '                字漢字']],
    ['narrow pane: header on its own row', { text: 'hello world' }, 20, ['[09:05] <alice> ', 'hello world']],
  ];
  for (const [name, over, width, expected] of cases) {
    test(name, () => {
      const rows = formatLine(line(over), width, opts);
      assert.deepEqual(rows.map(visible), expected);
      for (const r of rows) assert.ok(stringWidth(visible(r)) <= width, `row wider than ${width}: ${visible(r)}`);
    });
  }

  test('failed own message says why and how to retry', () => {
    const rows = formatLine(line({ kind: 'own', nick: 'me', delivery: 'failed', reason: 'queue full' }), 200, opts);
    assert.equal(rows.map(visible).join(''), '[09:05] <me> hi ✗ failed: queue full — press Up, then Enter to retry');
  });

  test('seconds', () => {
    assert.deepEqual(formatLine(line({}), 40, { seconds: true, colors: 256 }).map(visible), ['[09:05:07] <alice> hi']);
  });

  test("'{bold}x{/bold}' from a peer applies no bold", () => {
    const rows = formatLine(line({ text: '{bold}x{/bold}', nick: 'zed' }), 60, { seconds: false, colors: 8 });
    // Only our own styling: grey is off at 8 colours, so the nick's colour is the only SGR pair.
    assert.ok(!sgr(rows[0]!).includes('\x1b[1m'), JSON.stringify(parseTags(rows[0]!)));
  });

  test('raw SGR in text never reaches the screen', () => {
    const rows = formatLine(line({ text: '\x1b[1mbold\x1b[0m' }), 40, { seconds: false, colors: 2 });
    assert.deepEqual(sgr(rows[0]!), []);
    assert.equal(visible(rows[0]!), '[09:05] <alice> bold');
  });

  test('styles: nick colour, dim time, own nick bold, system and error colours', () => {
    const [msg] = formatLine(line({}), 40, opts);
    assert.ok(msg!.includes(`{${nickColor('alice', 256)}-fg}alice{/`), msg);
    assert.ok(msg!.startsWith('{gray-fg}[09:05] {/gray-fg}'), msg);
    assert.ok(formatLine(line({ kind: 'own' }), 40, opts)[0]!.includes('{bold}alice{/bold}'));
    assert.ok(formatLine(line({ kind: 'system', text: 's' }), 40, opts)[0]!.includes('{136-fg}-!- {/136-fg}'));
    assert.ok(formatLine(line({ kind: 'system', text: 's' }), 40, { seconds: false, colors: 8 })[0]!.includes('{yellow-fg}'));
    assert.ok(formatLine(line({ kind: 'error', text: 'e' }), 40, opts)[0]!.includes('{red-fg}e{/red-fg}'));
    assert.ok(formatLine(line({ kind: 'own', delivery: 'delivered' }), 40, opts)[0]!.includes('{green-fg}✓{/green-fg}'));
  });

  test('monochrome terminals get no colour tags', () => {
    for (const kind of ['message', 'own', 'system', 'error'] as const) {
      const row = formatLine(line({ kind, delivery: 'delivered' }), 40, { seconds: false, colors: 2 })[0]!;
      assert.ok(!/-fg\}/.test(row), row);
    }
  });

  test('every row fits, for widths from 1 to 80', () => {
    const lines: ChatLine[] = [
      line({ text: 'The quick brown fox 漢字👨‍👩‍👧🇫🇷 jumps over the lazy dog, again and again.' }),
      line({ kind: 'own', nick: 'a-very-long-nickname-of-32-chars', delivery: 'failed', reason: 'transport closed' }),
      line({ kind: 'day', text: '' }),
      line({ kind: 'system', text: 'key rotated: AB12-CD34 → EF56-7890' }),
    ];
    for (let width = 1; width <= 80; width++) {
      for (const l of lines) {
        for (const r of formatLine(l, width, opts)) assert.ok(stringWidth(visible(r)) <= width, `width ${width}: ${JSON.stringify(visible(r))}`);
      }
    }
  });

  test('long peer nicks are cut to 32 columns', () => {
    const [row] = formatLine(line({ nick: 'x'.repeat(100), text: 't' }), 200, opts);
    assert.ok(visible(row!).includes(`<${'x'.repeat(31)}…>`));
  });

  test('bad width or kind → TypeError', () => {
    assert.throws(() => formatLine(line({}), 0, opts), TypeError);
    assert.throws(() => formatLine(line({ kind: 'bogus' as ChatLine['kind'] }), 10, opts), TypeError);
  });
});

describe('formatLine: /me actions, mentions, markers', () => {
  test('an action reads "* nick action", own and peer, with the delivery mark; the star is styled', () => {
    assert.deepEqual(formatLine(line({ action: true, text: 'waves' }), 40, opts).map(visible), ['[09:05] * alice waves']);
    const own = formatLine(line({ kind: 'own', action: true, text: 'waves', delivery: 'pending' }), 40, opts);
    assert.deepEqual(own.map(visible), ['[09:05] * alice waves …']);
    assert.ok(own[0]!.includes('{bold}{magenta-fg}* {/magenta-fg}{/bold}{bold}alice{/bold}'), own[0]);
    assert.deepEqual(formatLine(line({ action: true, text: 'one two three four' }), 26, opts).map(visible), [
      '[09:05] * alice one two',
      '                three four',
    ]);
    const mono = formatLine(line({ action: true, text: 'waves' }), 40, { seconds: false, colors: 2 })[0]!;
    assert.ok(mono.startsWith('[09:05] {bold}* {/bold}'), mono);
    assert.ok(!/-fg\}/.test(mono), mono);
  });

  test('a mention of our nick is highlighted where it is, in every case, and only there', () => {
    const [row] = formatLine(line({ text: 'hey Bob, bobby says bob!', mention: 'bob' }), 80, opts);
    assert.equal(visible(row!), '[09:05] <alice> hey Bob, bobby says bob!');
    const hl = '{bold}{underline}{166-fg}';
    assert.equal(row!.split(hl).length - 1, 2, row);
    assert.ok(row!.includes(`${hl}Bob{/166-fg}`) && row!.includes(`${hl}bob{/166-fg}`), row);
    assert.ok(!row!.includes(`${hl}bobby`), row);
    // 8 and 16 colours: yellow. No colour: bold and underlined (vt100 has both; reverse video is the search's).
    assert.ok(formatLine(line({ text: 'hi bob', mention: 'bob' }), 80, { seconds: false, colors: 8 })[0]!.includes('{bold}{underline}{yellow-fg}bob'));
    const [mono] = formatLine(line({ text: 'hi bob', mention: 'bob' }), 80, { seconds: false, colors: 2 });
    assert.ok(mono!.includes('{bold}{underline}bob{/underline}{/bold}') && !/-(fg|bg)\}/.test(mono!), mono);
    // A nick with regex characters; a mention in an action; escapes in the text do not move the ranges.
    const [re] = formatLine(line({ text: '\x1b[31m[m] hi [m]x', mention: '[m]' }), 80, opts);
    assert.equal(visible(re!), '[09:05] <alice> [m] hi [m]x');
    assert.equal(re!.split(hl).length - 1, 1, re);
    const [act] = formatLine(line({ action: true, text: 'pokes bob', mention: 'bob' }), 80, opts);
    assert.ok(act!.includes(`${hl}bob{/166-fg}`), act);
    // Own lines are never highlighted.
    const [own] = formatLine(line({ kind: 'own', text: 'bob', mention: 'bob' }), 80, opts);
    assert.ok(!own!.includes(hl), own);
  });

  test('a mention wrapped over two rows is highlighted on both; a folded line keeps its highlight', () => {
    const rows = formatLine(line({ text: 'aaaa bobbobbobbobbobbob', mention: 'bobbobbobbobbobbob' }), 26, opts);
    assert.deepEqual(rows.map(visible), ['[09:05] <alice> aaaa', '                bobbobbobb', '                obbobbob']);
    assert.ok(
      rows.slice(1).every((r) => r.includes('{166-fg}')),
      JSON.stringify(rows),
    );
    const folded = formatFolded(line({ text: `bob ${'x '.repeat(500)}`, mention: 'bob' }), 40, opts, 3);
    assert.ok(folded.folded && folded.rows[0]!.includes('{166-fg}bob'), JSON.stringify(folded.rows));
  });

  test('a mention and a search occurrence together: each keeps its style, both where they overlap', () => {
    const highlight = { query: new SearchQuery('hi b'), current: true, monochrome: false };
    const [row] = formatLine(line({ text: 'oh hi bob and bob', mention: 'bob' }), 80, { ...opts, highlight });
    assert.equal(visible(row!), '[09:05] <alice> oh hi bob and bob');
    const search = matchStyle(true, false);
    // "hi " searched only; "b" of the first bob both; "ob" mention only; the second bob mention only.
    assert.ok(row!.includes(`${search.open}hi ${search.close}`), row);
    assert.ok(row!.includes(`{bold}{underline}{166-fg}${search.open}b${search.close}{/166-fg}{/underline}{/bold}`), row);
    assert.ok(row!.includes('{bold}{underline}{166-fg}ob{/166-fg}{/underline}{/bold}'), row);
    assert.equal(row!.split('{166-fg}').length - 1, 3, row);
    // Without a mention, the search highlight alone (search-highlight.ts) as before.
    const [plain] = formatLine(line({ text: 'oh hi bob' }), 80, { ...opts, highlight });
    assert.ok(plain!.includes(`${search.open}hi b${search.close}`), plain);
  });

  test('a marker line is centred: "— unread —"', () => {
    assert.deepEqual(formatLine(line({ kind: 'marker', text: '— unread —' }), 20, opts).map(visible), ['     — unread —']);
    assert.deepEqual(formatLine(line({ kind: 'marker', text: '— unread —' }), 5, opts).map(visible), ['— unr']);
  });
});

describe('formatTime / formatDay / deliveryMark', () => {
  test('times', () => {
    assert.equal(formatTime(T, false), '09:05');
    assert.equal(formatTime(T, true), '09:05:07');
    assert.equal(formatTime(new Date(2026, 0, 1, 23, 59, 59).getTime(), true), '23:59:59');
  });
  test('days', () => {
    assert.equal(formatDay(T), 'Wednesday 25 November 2026');
    assert.equal(formatDay(new Date(2027, 0, 3).getTime()), 'Sunday 3 January 2027');
  });
  test('marks', () => {
    assert.equal(deliveryMark({ delivery: 'pending' }), '…');
    assert.equal(deliveryMark({ delivery: 'delivered' }), '✓');
    assert.equal(deliveryMark({ delivery: 'raw' }), '');
    assert.equal(deliveryMark({}), '');
    assert.equal(deliveryMark({ delivery: 'failed', reason: 'x\x1b[2Jy' }), '✗ failed: xy — press Up, then Enter to retry');
    // A permanent failure (too long for the wire) would fail again: no retry is suggested.
    assert.equal(
      deliveryMark({ delivery: 'failed', reason: 'too long for raw mode (max 831 bytes)', permanent: true }),
      '✗ failed: too long for raw mode (max 831 bytes)',
    );
  });
});

describe('nickColor', () => {
  test('stable across runs: standard FNV-1a (published test vectors), no per-process salt', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    assert.equal(fnv1a('foobar'), 0xbf9cf968);
    assert.equal(nickColor('alice', 256), String(NICK_PALETTE_256[fnv1a('alice') % NICK_PALETTE_256.length]));
    assert.equal(nickColor('alice', 8), ['red', 'green', 'blue', 'magenta', 'cyan'][fnv1a('alice') % 5]);
  });
  test('different nicks spread over the palette', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => nickColor(`user${i}`, 256)));
    assert.ok(seen.size >= NICK_PALETTE_256.length / 2, `only ${seen.size} colours used`);
  });
  test('256 colours: a cube index readable on black and on white', () => {
    for (const n of NICK_PALETTE_256) assert.ok(n >= 16 && n <= 231);
    assert.ok(NICK_PALETTE_256.length >= 16);
    assert.ok(NICK_PALETTE_256.includes(Number(nickColor('bob', 256))));
  });
  test('8 and 16 colours: basic hues, never black, white or yellow', () => {
    for (let i = 0; i < 100; i++) {
      for (const colors of [8, 16]) assert.ok(['red', 'green', 'blue', 'magenta', 'cyan'].includes(nickColor(`n${i}`, colors)));
    }
  });
  test('fewer than 8 colours: none', () => assert.equal(nickColor('alice', 2), ''));
  test('colors not a number → TypeError', () => assert.throws(() => nickColor('a', Number.NaN), TypeError));
});

describe('formatFolded: a message longer than a screenful', () => {
  const giant = (text: string, over: Partial<ChatLine> = {}) => line({ text, ...over });

  test('a short message is not folded and is exactly formatLine', () => {
    const l = line({ text: 'one two three four five' });
    assert.deepEqual(formatFolded(l, 26, opts, 6), { rows: formatLine(l, 26, opts), folded: false });
  });

  test('first rows, then "… N more lines · size · Ctrl-O reads it all", within maxRows', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const r = formatFolded(giant(text), 80, opts, 5);
    assert.equal(r.folded, true);
    assert.deepEqual(r.rows.map(visible), [
      '[09:05] <alice> line 0',
      '                line 1',
      '                line 2',
      '                line 3',
      '                … 996 more lines · 9 KiB · Ctrl-O reads it all',
    ]);
    for (const row of r.rows) assert.ok(stringWidth(visible(row)) <= 80);
    // Narrower: the marker row says less, never more than fits.
    assert.equal(visible(formatFolded(giant(text), 60, opts, 5).rows[4]!), '                … 996 more lines · Ctrl-O');
  });

  test('a 4 MB tab-heavy message gives at most maxRows rows, each within the width', () => {
    const text = `${'\t'.repeat(40)}cell\tcell\t\t\tcell\n`.repeat(90_000);
    assert.ok(text.length > 4_000_000);
    for (const width of [12, 40, 120]) {
      const r = formatFolded(giant(text), width, opts, 8);
      assert.equal(r.folded, true);
      assert.ok(r.rows.length <= 8, `${r.rows.length} rows`);
      for (const row of r.rows) assert.ok(stringWidth(visible(row)) <= width, `width ${width}: ${visible(row)}`);
    }
  });

  test('one giant line: "the rest of the line"; an own message keeps its delivery mark on the marker row', () => {
    const r = formatFolded(giant('x'.repeat(4_000_000), { kind: 'own', nick: 'me', delivery: 'delivered' }), 90, opts, 3);
    assert.equal(r.rows.length, 3);
    assert.match(visible(r.rows[2]!), /^ +… the rest of the line · 4\.0 MB · Ctrl-O reads it all ✓$/);
  });

  test('escape sequences that eat the prefix: the prefix grows until the rows are there', () => {
    const text = '\x1b]0;'.concat('t'.repeat(50_000), '\x07', 'a\n'.repeat(100));
    const r = formatFolded(giant(text), 40, opts, 4);
    assert.equal(r.folded, true);
    assert.deepEqual(r.rows.slice(0, 3).map(visible), ['[09:05] <alice> a', '                a', '                a']);
  });

  test('maxRows < 2 → TypeError', () => {
    assert.throws(() => formatFolded(line({}), 40, opts, 1), TypeError);
  });
});

describe('history lines (an earlier session)', () => {
  const GREY = '\x1b[90m';
  test('a restored line is all grey: time, nick (not its colour), text; an own one without a delivery mark', () => {
    for (const l of [
      line({ history: true }),
      line({ kind: 'own', nick: 'me', history: true }),
      line({ kind: 'system', text: 'peer online', history: true }),
      line({ action: true, text: 'waves', history: true }),
    ]) {
      const [row] = formatLine(l, 60, opts);
      const codes = sgr(row!);
      assert.ok(codes.length > 0, 'styled');
      // Every visible character sits inside a grey span: the brackets around the nick too.
      assert.equal(row!.replace(/\{gray-fg\}.*?\{\/gray-fg\}/g, '').trim(), '', `nothing outside grey in ${row!}`);
      assert.ok(
        codes.every((c) => c === GREY || c === '\x1b[39m' || c === '\x1b[m' || c === '\x1b[0m'),
        `only grey and resets in ${JSON.stringify(codes)}`,
      );
    }
    assert.equal(visible(formatLine(line({ kind: 'own', nick: 'me', history: true }), 60, opts)[0]!), '[09:05] <me> hi');
    const live = sgr(formatLine(line({}), 60, opts)[0]!);
    assert.ok(
      live.some((c) => c !== GREY && !['\x1b[39m', '\x1b[m', '\x1b[0m'].includes(c)),
      `a live line keeps its nick colour: ${JSON.stringify(live)}`,
    );
  });

  test('the history marker is centred and dim, and cut to a narrow pane', () => {
    const [row] = formatLine(line({ kind: 'marker', text: '— history —', history: true }), 31, opts);
    assert.equal(visible(row!), '          — history —');
    assert.ok(sgr(row!).includes(GREY));
    assert.equal(stringWidth(visible(formatLine(line({ kind: 'marker', text: '— history —', history: true }), 5, opts)[0]!)), 5);
  });
});
