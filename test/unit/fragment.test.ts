import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReassemblyError } from '../../src/net/errors.js';
import { MAX_FRAGMENTS, MAX_MESSAGE_FRAGMENTS, Reassembler, fragment } from '../../src/net/fragment.js';
import { MAX_DATA_PAYLOAD } from '../../src/net/frame.js';
import { MAX_ENCODED_MESSAGE_BYTES, encodeMessage } from '../../src/net/message.js';

function feed(r: Reassembler, parts: Buffer[]): Buffer | null {
  let out: Buffer | null = null;
  parts.forEach((p, i) => {
    const got = r.push(i, parts.length, p);
    if (i < parts.length - 1) assert.equal(got, null, `fragment ${i} of ${parts.length} completes nothing`);
    else out = got;
  });
  return out;
}

test('property: fragment then reassemble gives the message back; sizes and count are right', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 700 }), (bytes, max) => {
      const msg = Buffer.from(bytes);
      const parts = fragment(msg, max);
      assert.equal(parts.length, Math.max(1, Math.ceil(msg.length / max)));
      parts.forEach((p, i) => {
        assert.ok(p.length <= max);
        if (i < parts.length - 1) assert.equal(p.length, max, 'only the last fragment is short');
      });
      assert.deepEqual(feed(new Reassembler(), parts), msg);
    }),
    { numRuns: 200 },
  );
});

test('an empty message is one empty fragment', () => {
  const parts = fragment(Buffer.alloc(0), 100);
  assert.equal(parts.length, 1);
  assert.equal(parts[0]!.length, 0);
  assert.deepEqual(new Reassembler().push(0, 1, parts[0]!), Buffer.alloc(0));
});

test('fragments are views into the message, not copies', () => {
  const msg = Buffer.from('abcdefghij');
  const parts = fragment(msg, 4);
  assert.deepEqual(parts.map(String), ['abcd', 'efgh', 'ij']);
  msg[0] = 0x7a;
  assert.equal(parts[0]!.toString(), 'zbcd');
  assert.equal(parts[0]!.buffer, msg.buffer);
});

test('fragment: TypeError for a bad size or more than 65535 fragments', () => {
  assert.throws(() => fragment(Buffer.alloc(10), 0), TypeError);
  assert.throws(() => fragment(Buffer.alloc(10), 1.5), TypeError);
  assert.throws(() => fragment('x' as unknown as Buffer, 4), TypeError);
  assert.equal(fragment(Buffer.alloc(MAX_FRAGMENTS), 1).length, MAX_FRAGMENTS);
  assert.throws(() => fragment(Buffer.alloc(MAX_FRAGMENTS + 1), 1), TypeError);
});

test('a 1 MiB paste fits the fragment count at the data payload size', () => {
  const msg = encodeMessage({ nick: 'n', text: 'x'.repeat(1024 * 1024) });
  const parts = fragment(msg, MAX_DATA_PAYLOAD);
  assert.ok(parts.length <= MAX_FRAGMENTS);
  assert.deepEqual(feed(new Reassembler(), parts), msg);
});

test('Reassembler: inconsistencies throw ReassemblyError and reset for the next message', () => {
  const cases: Array<[string, (r: Reassembler) => void]> = [
    ['first fragment not 0', (r) => r.push(1, 3, Buffer.from('b'))],
    [
      'skipped index',
      (r) => {
        r.push(0, 3, Buffer.from('a'));
        r.push(2, 3, Buffer.from('c'));
      },
    ],
    [
      'repeated index',
      (r) => {
        r.push(0, 3, Buffer.from('a'));
        r.push(0, 3, Buffer.from('a'));
      },
    ],
    [
      'count changed mid-message',
      (r) => {
        r.push(0, 3, Buffer.from('a'));
        r.push(1, 4, Buffer.from('b'));
      },
    ],
    ['count 0', (r) => r.push(0, 0, Buffer.from('a'))],
    ['count over u16', (r) => r.push(0, 70_000, Buffer.from('a'))],
  ];
  for (const [name, run] of cases) {
    const r = new Reassembler();
    assert.throws(
      () => run(r),
      (e: unknown) => e instanceof ReassemblyError && e.name === 'ReassemblyError' && e.reason === 'malformed',
      name,
    );
    assert.equal(r.partialBytes, 0, `${name}: reset`);
    assert.deepEqual(feed(r, [Buffer.from('ok'), Buffer.from('!')]), Buffer.from('ok!'), `${name}: usable again`);
  }
});

test('Reassembler enforces the size limit (default MAX_ENCODED_MESSAGE_BYTES)', () => {
  const r = new Reassembler({ maxMessageBytes: 10 });
  assert.equal(r.push(0, 3, Buffer.alloc(4)), null);
  assert.equal(r.partialBytes, 4);
  assert.equal(r.push(1, 3, Buffer.alloc(4)), null);
  assert.throws(() => r.push(2, 3, Buffer.alloc(3)), ReassemblyError);
  assert.equal(r.partialBytes, 0);
  assert.deepEqual(feed(r, [Buffer.alloc(5), Buffer.alloc(5)]), Buffer.alloc(10), 'exactly the limit is fine');
  assert.throws(() => new Reassembler().push(0, 1, Buffer.alloc(MAX_ENCODED_MESSAGE_BYTES + 1)), ReassemblyError);
  assert.throws(() => new Reassembler({ maxMessageBytes: -1 }), TypeError);
});

test('partialBytes counts what is held; a completed message leaves nothing behind', () => {
  const r = new Reassembler();
  r.push(0, 2, Buffer.from('abc'));
  assert.equal(r.partialBytes, 3);
  assert.deepEqual(r.push(1, 2, Buffer.from('de')), Buffer.from('abcde'));
  assert.equal(r.partialBytes, 0);
  r.push(0, 2, Buffer.from('x'));
  r.reset();
  assert.equal(r.partialBytes, 0);
  assert.deepEqual(r.push(0, 1, Buffer.from('y')), Buffer.from('y'));
});

test('Reassembler memory is bounded by what it keeps: copies, a fragment-count cap, no empty middle fragments', () => {
  // A kept fragment is a copy: the plaintext it came from may be reused or freed.
  const r = new Reassembler();
  const plain = Buffer.from('xxabcyy');
  assert.equal(r.push(0, 2, plain.subarray(2, 5)), null);
  plain.fill(0);
  assert.deepEqual(r.push(1, 2, Buffer.from('de')), Buffer.from('abcde'));
  // The count a message announces is capped at what the largest message needs at the wire's fragment size.
  assert.equal(MAX_MESSAGE_FRAGMENTS, Math.ceil(MAX_ENCODED_MESSAGE_BYTES / MAX_DATA_PAYLOAD));
  assert.throws(() => new Reassembler().push(0, MAX_MESSAGE_FRAGMENTS + 1, Buffer.from('a')), ReassemblyError);
  assert.equal(new Reassembler().push(0, MAX_MESSAGE_FRAGMENTS, Buffer.from('a')), null);
  // An empty fragment carries nothing: only the last (or only) one may be empty.
  assert.throws(() => new Reassembler().push(0, 3, Buffer.alloc(0)), ReassemblyError);
  const e = new Reassembler();
  e.push(0, 2, Buffer.from('a'));
  assert.deepEqual(e.push(1, 2, Buffer.alloc(0)), Buffer.from('a'));
  assert.throws(() => new Reassembler({ maxFragments: 0 }), TypeError);
  assert.throws(() => new Reassembler({ maxFragments: MAX_FRAGMENTS + 1 }), TypeError);
});
