import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus, type BusEvents } from '../../src/bus.js';
import { COMMANDS, parseInput } from '../../src/ui/commands.js';
import { helpLines } from '../../src/ui/help-overlay.js';
import { RAW_WIRE_REFUSAL } from '../../src/text/raw-wire.js';
import { parseTransferCommand, runTransferCommand, type TransferCommand } from '../../src/ui/transfer-commands.js';
import { TransferList } from '../../src/ui/transfer-list.js';
import { transferView as tv } from '../_transfer-view.js';

describe('parsing', () => {
  const ok = (line: string): unknown => {
    const r = parseInput(line);
    assert.ok(r.ok, `${line}: ${r.ok ? '' : r.error}`);
    return r.command;
  };
  const err = (line: string): string => {
    const r = parseInput(line);
    assert.ok(!r.ok, `${line} should be refused`);
    return r.error;
  };
  test('/send PATH keeps the path as typed (spaces, ~); shell quotes around it go', () => {
    assert.deepEqual(ok('/send ~/report.pdf'), { name: 'send', path: '~/report.pdf' });
    assert.deepEqual(ok('/send my file.pdf'), { name: 'send', path: 'my file.pdf' });
    assert.deepEqual(ok("/send 'my file.pdf'"), { name: 'send', path: 'my file.pdf' });
    assert.deepEqual(ok('/SEND "x y"'), { name: 'send', path: 'x y' });
  });
  test('/send without a path: usage', () => {
    assert.match(err('/send'), /^usage: \/send PATH/);
    assert.match(err('/send   '), /^usage: \/send PATH/);
  });
  test('/accept and /decline: N optional', () => {
    assert.deepEqual(ok('/accept'), { name: 'accept', n: null });
    assert.deepEqual(ok('/accept 2'), { name: 'accept', n: 2 });
    assert.deepEqual(ok('/decline #3'), { name: 'decline', n: 3 });
    assert.match(err('/accept two'), /^\/accept: N must be a transfer number \(1, 2, …\), got "two"/);
    assert.match(err('/decline 0'), /N must be a transfer number/);
  });
  test('/accept [N] [DIR]: a directory typed as a path, quotes as in a shell', () => {
    assert.deepEqual(ok('/accept 2 ~/inbox'), { name: 'accept', n: 2, dir: '~/inbox' });
    assert.deepEqual(ok('/accept ./in'), { name: 'accept', n: null, dir: './in' });
    assert.deepEqual(ok("/accept #4 '/tmp/my files'"), { name: 'accept', n: 4, dir: '/tmp/my files' });
    assert.match(err('/accept 2 inbox'), /DIR as a path \(\.\/inbox\)/);
    assert.match(err('/accept 0 ~/in'), /N must be a transfer number/);
    assert.match(err('/decline 2 ~/in'), /N must be a transfer number/);
  });
  test('/cancel N: N required and a number', () => {
    assert.deepEqual(ok('/cancel 7'), { name: 'cancel', n: 7 });
    assert.match(err('/cancel'), /^usage: \/cancel N/);
    assert.match(err('/cancel x'), /^\/cancel: N must be a transfer number/);
    assert.match(err('/cancel -1'), /N must be a transfer number/);
    assert.match(err('/cancel 1.5'), /N must be a transfer number/);
  });
  test('a key pasted as N is never quoted back', () => {
    assert.match(err('/cancel Zm9vYmFyYmF6cXV1eGZvb2JhcmJhenF1dXhmb29iYXI='), /<hidden: looks like a key or invite code>/);
  });
  test('/transfers takes no arguments', () => {
    assert.deepEqual(ok('/transfers'), { name: 'transfers' });
    assert.equal(err('/transfers all'), '/transfers takes no arguments');
  });
  test('unrelated names are not transfer commands', () => {
    assert.equal(parseTransferCommand('nick', 'x'), null);
  });
  test('listed for Tab and in the help overlay', () => {
    for (const name of ['send', 'accept', 'decline', 'cancel', 'transfers'])
      assert.ok(
        COMMANDS.some((c) => c.name === name),
        name,
      );
    const help = helpLines(100).join('\n');
    for (const usage of ['/send PATH', '/accept [N] [DIR]', '/decline [N]', '/cancel N', '/transfers']) assert.ok(help.includes(usage), usage);
  });
});

describe('running', () => {
  type Req = { name: keyof BusEvents; payload: unknown };
  function host(wire: 'reliable' | 'raw' = 'reliable'): { run(c: TransferCommand): void; reqs: Req[]; said: Array<[string, string]>; list: TransferList } {
    const bus = new Bus();
    const reqs: Req[] = [];
    for (const name of ['transfer:send', 'transfer:accept', 'transfer:decline', 'transfer:cancel'] as const)
      bus.on(name, (payload) => reqs.push({ name, payload }));
    const said: Array<[string, string]> = [];
    const list = new TransferList();
    return { reqs, said, list, run: (c) => runTransferCommand({ bus, wire, transfers: list, say: (k, t) => said.push([k, t]) }, c) };
  }

  test('/send emits transfer:send with the path as typed', () => {
    const h = host();
    h.run({ name: 'send', path: '~/report.pdf' });
    assert.deepEqual(h.reqs, [{ name: 'transfer:send', payload: { path: '~/report.pdf' } }]);
    assert.deepEqual(h.said, []);
  });

  test('on the raw wire every transfer command says why, and nothing is emitted', () => {
    const h = host('raw');
    for (const c of [
      { name: 'send', path: 'x' },
      { name: 'accept', n: null },
      { name: 'decline', n: 1 },
      { name: 'cancel', n: 1 },
    ] as TransferCommand[])
      h.run(c);
    assert.deepEqual(h.reqs, []);
    assert.deepEqual(
      h.said.map(([k, t]) => `${k}: ${t}`),
      new Array(4).fill(`error: ${RAW_WIRE_REFUSAL}`),
    );
    assert.equal(RAW_WIRE_REFUSAL, 'file transfer needs the reliable wire (this chat uses --wire raw)');
    h.run({ name: 'transfers' });
    assert.match(h.said[4]![1], /^no transfers: file transfer needs the reliable wire/);
  });

  test('/accept without N takes the oldest waiting offer; with N checks it is an offer to us', () => {
    const h = host();
    h.run({ name: 'accept', n: null });
    assert.deepEqual(h.said.pop(), ['error', 'no offer is waiting to accept — /transfers lists the transfers']);
    h.list.apply(tv({ n: 1, state: 'transferring', direction: 'in' }));
    h.list.apply(tv({ n: 3, state: 'offered', direction: 'in' }));
    h.list.apply(tv({ n: 4, state: 'offered', direction: 'in' }));
    h.list.apply(tv({ n: 5, state: 'offered', direction: 'out' }));
    h.run({ name: 'accept', n: null });
    h.run({ name: 'decline', n: 4 });
    h.run({ name: 'accept', n: null, dir: '~/inbox' });
    assert.deepEqual(h.reqs, [
      { name: 'transfer:accept', payload: { n: 3 } },
      { name: 'transfer:decline', payload: { n: 4 } },
      { name: 'transfer:accept', payload: { n: 3, dir: '~/inbox' } },
    ]);
    h.run({ name: 'accept', n: 9 });
    h.run({ name: 'accept', n: 1 });
    h.run({ name: 'decline', n: 5 });
    assert.deepEqual(
      h.said.map(([, t]) => t),
      [
        'no transfer 9 — /transfers lists them',
        'transfer 1 is not waiting for an answer (it is transferring)',
        'transfer 5 is one you are sending: only the peer can decline it (/cancel 5 stops it)',
      ],
    );
    assert.equal(h.reqs.length, 3);
  });

  test('/cancel N: either direction while not ended; unknown and ended N say so', () => {
    const h = host();
    h.list.apply(tv({ n: 1, direction: 'in' }));
    h.list.apply(tv({ n: 2, state: 'done' }));
    h.run({ name: 'cancel', n: 1 });
    h.run({ name: 'cancel', n: 2 });
    h.run({ name: 'cancel', n: 3 });
    assert.deepEqual(h.reqs, [{ name: 'transfer:cancel', payload: { n: 1 } }]);
    assert.deepEqual(h.said, [
      ['error', 'transfer 2 has already ended (done)'],
      ['error', 'no transfer 3 — /transfers lists them'],
    ]);
  });

  test('/transfers prints the table', () => {
    const h = host();
    h.run({ name: 'transfers' });
    assert.match(h.said[0]![1], /^no transfers yet/);
    h.list.apply(tv({ n: 1 }));
    h.run({ name: 'transfers' });
    assert.equal(h.said.length, 3);
    assert.match(h.said[2]![1], /^1 {2}→ {2}report\.pdf {2}12\.0 MiB {2}transferring {2}45%$/);
  });
});

describe('TransferList', () => {
  test('by number; active and waiting offers', () => {
    const l = new TransferList();
    assert.equal(l.apply(tv({ n: 2 })), undefined);
    l.apply(tv({ n: 1, state: 'offered', direction: 'in' }));
    l.apply(tv({ n: 3, state: 'failed' }));
    assert.deepEqual(
      l.all().map((v) => v.n),
      [1, 2, 3],
    );
    assert.deepEqual(
      l.active().map((v) => v.n),
      [1, 2],
    );
    assert.deepEqual(
      l.waitingOffers().map((v) => v.n),
      [1],
    );
  });
  test('apply returns the previous view and keeps a copy', () => {
    const l = new TransferList();
    const v = tv({ n: 1, bytes: 10 });
    l.apply(v);
    v.bytes = 99;
    assert.equal(l.get(1)?.bytes, 10);
    assert.equal(l.apply(tv({ n: 1, bytes: 20 }))?.bytes, 10);
  });
  test('the same file id under a new number replaces the old entry', () => {
    const l = new TransferList();
    l.apply(tv({ n: 1, id: 'f'.repeat(32) }));
    const before = l.apply(tv({ n: 4, id: 'f'.repeat(32), state: 'paused' }));
    assert.equal(before?.n, 1);
    assert.deepEqual(
      l.all().map((v) => v.n),
      [4],
    );
  });
});
