import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_MESSAGE_BYTES, PASTE_CONFIRM_BYTES, PASTE_CONFIRM_LINES } from '../../src/constants.js';
import {
  countLines,
  formatSize,
  needsPasteConfirmation,
  PASTE_END,
  PASTE_START,
  PasteCollector,
  pasteMessage,
  PasteParser,
  refusedPasteLine,
  type PasteEvent,
} from '../../src/ui/paste.js';

const S = PASTE_START;
const E = PASTE_END;

/** Feed chunks, then flush; merge adjacent key events (chunking must not change the meaning). */
function run(chunks: Array<string | Uint8Array>, opts?: ConstructorParameters<typeof PasteParser>[0]): PasteEvent[] {
  const p = new PasteParser(opts);
  const events = [...chunks.flatMap((c) => p.push(c)), ...p.flush()];
  const merged: PasteEvent[] = [];
  for (const e of events) {
    const last = merged[merged.length - 1];
    if (e.kind === 'keys' && last?.kind === 'keys') last.data += e.data;
    else merged.push({ ...e });
  }
  return merged;
}

describe('PasteParser', () => {
  const cases: Array<[string, string[], PasteEvent[]]> = [
    ['plain keys pass through', ['abc'], [{ kind: 'keys', data: 'abc' }]],
    ['a paste', [`${S}hello${E}`], [{ kind: 'paste', text: 'hello' }]],
    [
      'keys around a paste keep their order',
      [`a${S}p${E}b`],
      [
        { kind: 'keys', data: 'a' },
        { kind: 'paste', text: 'p' },
        { kind: 'keys', data: 'b' },
      ],
    ],
    ['multi-line paste is ONE paste, CR → LF', [`${S}line 1\rline 2\r\nline 3${E}`], [{ kind: 'paste', text: 'line 1\nline 2\nline 3' }]],
    [
      'two pastes',
      [`${S}a${E}${S}b${E}`],
      [
        { kind: 'paste', text: 'a' },
        { kind: 'paste', text: 'b' },
      ],
    ],
    ['an empty paste', [`${S}${E}`], [{ kind: 'paste', text: '' }]],
    ['escape sequences inside a paste stay in its text (sanitized later)', [`${S}\x1b[31mred${E}`], [{ kind: 'paste', text: '\x1b[31mred' }]],
    ['nested start marker is dropped', [`${S}a${S}b${E}`], [{ kind: 'paste', text: 'ab' }]],
    ['stray end marker outside a paste is dropped', [`x${E}y`], [{ kind: 'keys', data: 'xy' }]],
    ['arrow keys and Alt-[ are not mistaken for markers', ['\x1b[A\x1b[2~\x1b['], [{ kind: 'keys', data: '\x1b[A\x1b[2~\x1b[' }]],
    ['a marker-like sequence that is not one', ['\x1b[200x'], [{ kind: 'keys', data: '\x1b[200x' }]],
    [
      'paste without end marker is released by flush, nothing lost',
      [`k${S}unfinished`],
      [
        { kind: 'keys', data: 'k' },
        { kind: 'paste', text: 'unfinished', partial: true },
      ],
    ],
    ['a lone Esc key is released by flush', ['\x1b'], [{ kind: 'keys', data: '\x1b' }]],
  ];
  for (const [name, chunks, expected] of cases) {
    test(name, () => assert.deepEqual(run(chunks), expected));
  }

  test('markers split at every position of the chunk give the same result', () => {
    const stream = `ab${S}x\ry${E}cd${S}${E}\x1b[A${E}z`;
    const expected = run([stream]);
    assert.deepEqual(expected, [
      { kind: 'keys', data: 'ab' },
      { kind: 'paste', text: 'x\ny' },
      { kind: 'keys', data: 'cd' },
      { kind: 'paste', text: '' },
      { kind: 'keys', data: '\x1b[Az' },
    ]);
    for (let i = 0; i <= stream.length; i++) {
      assert.deepEqual(run([stream.slice(0, i), stream.slice(i)]), expected, `split at ${i}`);
      for (let j = i; j <= stream.length; j++) {
        assert.deepEqual(run([stream.slice(0, i), stream.slice(i, j), stream.slice(j)]), expected, `split at ${i}, ${j}`);
      }
    }
  });

  test('one byte at a time', () => {
    const stream = `q${S}one\rtwo${E}w`;
    assert.deepEqual(run([...stream]), [
      { kind: 'keys', data: 'q' },
      { kind: 'paste', text: 'one\ntwo' },
      { kind: 'keys', data: 'w' },
    ]);
  });

  test('a held-back marker start does not leak out as keys before the next chunk', () => {
    const p = new PasteParser();
    assert.deepEqual(p.push('abc\x1b[20'), [{ kind: 'keys', data: 'abc' }]);
    assert.equal(p.pending, 'prefix');
    assert.deepEqual(p.push('0~pasted'), []);
    assert.equal(p.pending, 'paste');
    assert.deepEqual(p.push(E), [{ kind: 'paste', text: 'pasted' }]);
    assert.equal(p.pending, 'none');
  });

  test('1 MiB paste in 4 KiB chunks is one paste', () => {
    const body = 'x'.repeat(1023) + '\r';
    const text = body.repeat(1024);
    const stream = S + text + E;
    const chunks: string[] = [];
    for (let i = 0; i < stream.length; i += 4096) chunks.push(stream.slice(i, i + 4096));
    const p = new PasteParser();
    const events = chunks.flatMap((c) => p.push(c));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.kind, 'paste');
    assert.equal((events[0] as { text: string }).text, text.replaceAll('\r', '\n'));
    assert.equal(p.pending, 'none');
  });

  test('bytes: UTF-8 split across chunks is reassembled', () => {
    const bytes = Buffer.from(`${S}漢字👍${E}`);
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    assert.deepEqual(run(chunks), [{ kind: 'paste', text: '漢字👍' }]);
  });

  test('a paste over maxBytes is released in partial pieces, nothing lost', () => {
    const text = 'abcdefghij'.repeat(10);
    const events = run([S, ...text.match(/.{1,7}/g)!, E], { maxBytes: 32 });
    assert.ok(events.length > 1);
    assert.ok(events.slice(0, -1).every((e) => e.kind === 'paste' && e.partial === true));
    assert.equal(events.map((e) => (e.kind === 'paste' ? e.text : '')).join(''), text);
    for (const e of events) if (e.kind === 'paste') assert.ok(Buffer.byteLength(e.text) <= 32 + 7);
  });

  test('garbage: random mixes of markers and bytes lose no ordinary characters', () => {
    const alphabet = ['a', 'b', '\r', S, E, '\x1b', '[', '2', '0', '~', '1'];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const stream = Array.from({ length: 20 }, () => alphabet[rnd(alphabet.length)]).join('');
      const whole = run([stream]);
      const cut = rnd(stream.length + 1);
      assert.deepEqual(run([stream.slice(0, cut), stream.slice(cut)]), whole, JSON.stringify(stream));
      // Every 'a' and 'b' comes out somewhere.
      const out = whole.map((e) => (e.kind === 'keys' ? e.data : e.text)).join('');
      assert.equal(out.replace(/[^ab]/g, ''), stream.split(S).join('').split(E).join('').replace(/[^ab]/g, ''));
    }
  });

  test('bad maxBytes → TypeError', () => {
    assert.throws(() => new PasteParser({ maxBytes: 0 }), TypeError);
  });
});

describe('needsPasteConfirmation', () => {
  const cases: Array<[string, string, boolean]> = [
    ['short', 'hello', false],
    ['empty', '', false],
    [`${PASTE_CONFIRM_LINES} lines`, 'x\n'.repeat(PASTE_CONFIRM_LINES), false],
    [`${PASTE_CONFIRM_LINES + 1} lines`, 'x\n'.repeat(PASTE_CONFIRM_LINES) + 'x', true],
    ['exactly the byte limit', 'x'.repeat(PASTE_CONFIRM_BYTES), false],
    ['one byte over', 'x'.repeat(PASTE_CONFIRM_BYTES + 1), true],
    ['bytes, not characters', '漢'.repeat(Math.floor(PASTE_CONFIRM_BYTES / 3) + 1), true],
    ['trailing newlines do not count as lines', 'x\n'.repeat(PASTE_CONFIRM_LINES) + '\n'.repeat(10), false],
    ['trailing newlines do not count as bytes', 'x'.repeat(PASTE_CONFIRM_BYTES) + '\n'.repeat(10), false],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.equal(needsPasteConfirmation(text), expected));
  }
  test('countLines', () => {
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\nb'), 2);
    assert.equal(countLines('\n\n'), 2);
  });
});

describe('pasteMessage: what a paste sends, at any size (the same rule as InputModel.submit)', () => {
  const cases: Array<[string, string, string | null]> = [
    ['as it is', 'a\nb', 'a\nb'],
    ['trailing newlines dropped', 'a\nb\n\n\n', 'a\nb'],
    ['leading newlines kept', '\n\na', '\n\na'],
    ['only newlines: nothing to send', '\n\n\n', null],
    ['only whitespace: nothing to send', ' \n\t\n', null],
    ['a big one ends the same way', `${'x\n'.repeat(PASTE_CONFIRM_LINES * 10)}\n`, 'x\n'.repeat(PASTE_CONFIRM_LINES * 10 - 1) + 'x'],
  ];
  for (const [name, text, expected] of cases) test(name, () => assert.equal(pasteMessage(text), expected));
});

describe('PasteCollector: a paste over the message limit is refused, not kept', () => {
  const take = (limit: number, pieces: string[]): ReturnType<PasteCollector['take']> => {
    const c = new PasteCollector(limit);
    for (const p of pieces) c.add(p);
    return c.take();
  };
  const cases: Array<[string, number, string[], ReturnType<PasteCollector['take']>]> = [
    ['under the limit: the text, joined', 10, ['ab', 'c\n', 'd'], { text: 'abc\nd' }],
    ['exactly the limit', 4, ['ab', 'cd'], { text: 'abcd' }],
    ['one byte over: refused, with its size and lines', 4, ['ab\n', 'cd'], { refused: { bytes: 5, lines: 2 } }],
    ['trailing newlines do not count, in one piece', 4, ['abcd\n\n'], { text: 'abcd\n\n' }],
    ['trailing newlines do not count, across pieces', 4, ['ab', 'cd\n', '\n', '\n'], { text: 'abcd\n\n\n' }],
    ['newlines followed by text do count', 4, ['ab', 'c\n', '\nd'], { refused: { bytes: 6, lines: 3 } }],
    ['refused size leaves out the trailing newlines', 4, ['abcde\n\n'], { refused: { bytes: 5, lines: 1 } }],
    ['bytes, not characters', 5, ['漢漢'], { refused: { bytes: 6, lines: 1 } }],
  ];
  for (const [name, limit, pieces, expected] of cases) test(name, () => assert.deepEqual(take(limit, pieces), expected));

  test('starts afresh after take()', () => {
    const c = new PasteCollector(3);
    c.add('abcdef');
    assert.ok('refused' in c.take());
    c.add('ab');
    assert.deepEqual(c.take(), { text: 'ab' });
  });

  test('the default limit is the message limit, and past it nothing is kept (5 MiB in 64 KiB pieces)', () => {
    const c = new PasteCollector();
    const piece = 'y'.repeat(64 * 1024 - 1) + '\n';
    for (let i = 0; i < 80; i++) c.add(piece);
    const kept = (c as unknown as { pieces: string[] }).pieces;
    assert.equal(kept.length, 0);
    assert.deepEqual(c.take(), { refused: { bytes: 80 * 64 * 1024 - 1, lines: 80 } });
    assert.ok(80 * 64 * 1024 > MAX_MESSAGE_BYTES);
  });

  test('bad limit → TypeError', () => {
    assert.throws(() => new PasteCollector(0), TypeError);
  });
});

describe('the refusal line', () => {
  test('formatSize: in the unit of the limits, rounded up', () => {
    assert.equal(formatSize(1), '1 byte');
    assert.equal(formatSize(900), '900 bytes');
    assert.equal(formatSize(1024), '1 KiB');
    assert.equal(formatSize(1025), '2 KiB');
    assert.equal(formatSize(MAX_MESSAGE_BYTES), '4 MiB');
    assert.equal(formatSize(MAX_MESSAGE_BYTES + 1), '4.1 MiB');
    assert.equal(formatSize(5_475_000), '5.3 MiB');
    assert.equal(formatSize(30 * 1024 * 1024), '30 MiB');
  });
  test('says the size, the limit, that it was not sent, and where the text is', () => {
    const line = refusedPasteLine({ bytes: 5_475_000, lines: 75_000 });
    assert.match(line, /^paste of 5\.3 MiB \(75,000 lines\) is over the 4 MiB message limit: not sent\./);
    assert.match(line, /not in the input box/);
    assert.match(line, /where you copied it from/);
  });
});
