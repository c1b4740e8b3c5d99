import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TransferLab } from '../_transfer-lab.js';

/*
 * The transfer service end to end: two services on two Transports over the
 * in-memory network, real files in temp directories.
 */

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function file(lab: TransferLab, name: string, bytes: number): { path: string; data: Buffer } {
  const data = randomBytes(bytes);
  const p = path.join(lab.root, name);
  writeFileSync(p, data);
  return { path: p, data };
}

test('/send, /accept: the receiver gets the file byte for byte under its name; both sides end done', async () => {
  const t = new TransferLab();
  try {
    const f = file(t, 'report.bin', 3 * 1024 * 1024 + 17);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.b.latest().some((v) => v.state === 'offered')), 'the offer arrives');
    const offer = t.b.latest()[0]!;
    assert.equal(offer.direction, 'in');
    assert.equal(offer.name, 'report.bin');
    assert.equal(offer.size, f.data.length);
    assert.equal(offer.sha256Prefix, sha(f.data).slice(0, 12));
    t.b.peer.bus.emit('transfer:accept', { n: offer.n });
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'done'), `sender done: ${JSON.stringify(t.a.latest()[0])}`);
    const got = t.b.view(offer.n)!;
    assert.equal(got.state, 'done');
    assert.equal(got.path, path.join(t.b.dir, 'report.bin'));
    assert.equal(sha(readFileSync(got.path)), sha(f.data));
    assert.deepEqual(readdirSync(t.b.dir), ['report.bin'], 'no .part left');
    assert.ok(t.b.updates.some((v) => v.n === offer.n && v.state === 'transferring'));
    assert.equal(t.a.latest()[0]!.bytes, f.data.length);
    assert.deepEqual(JSON.parse(readFileSync(t.a.stateFile, 'utf8')).out, [], 'the sender forgot the finished transfer');
  } finally {
    await t.close();
  }
});

test('the same file sent again after it arrived: nothing moves, both sides say the receiver already has it', async () => {
  const t = new TransferLab();
  try {
    const f = file(t, 'again.bin', 256 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.b.latest().some((v) => v.state === 'offered')));
    t.b.peer.bus.emit('transfer:accept', { n: t.b.latest()[0]!.n });
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'done'));
    const saved = t.b.latest()[0]!.path;
    const inUpdates = t.b.updates.length;
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.a.latest().filter((v) => v.state === 'done').length === 2), 'the second send ends done');
    const second = t.a.latest()[1]!;
    assert.equal(second.reason, 'the peer already has it');
    assert.equal(t.b.updates.length, inUpdates, 'no new transfer on the receiving side');
    assert.ok(
      t.b.lines.some((l) => l.includes('again.bin was offered again: you already have it') && l.includes(path.basename(saved))),
      `the receiver is told: ${JSON.stringify(t.b.lines)}`,
    );
    assert.deepEqual(readdirSync(t.b.dir), ['again.bin'], 'no second copy, no .part');
  } finally {
    await t.close();
  }
});

test('auto-accept into a directory; a name that exists gets " (1)"; the .part is 0600 while it arrives', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' } });
  try {
    writeFileSync(path.join(t.b.dir, 'notes.txt'), 'mine');
    const f = file(t, 'notes.txt', 2 * 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: '~/notes.txt' });
    let partMode: number | null = null;
    assert.ok(
      await t.until(() => {
        const part = path.join(t.b.dir, 'notes.txt.part');
        if (partMode === null && existsSync(part)) partMode = statSync(part).mode & 0o777;
        return t.a.latest()[0]?.state === 'done';
      }),
    );
    assert.equal(partMode, 0o600);
    assert.equal(readFileSync(path.join(t.b.dir, 'notes.txt'), 'utf8'), 'mine', 'never overwritten');
    assert.equal(sha(readFileSync(path.join(t.b.dir, 'notes (1).txt'))), sha(f.data));
  } finally {
    await t.close();
  }
});

test('decline: the sender hears it; cancel from the receiving side mid-way deletes the .part and ends the sender', async () => {
  const t = new TransferLab();
  try {
    const small = file(t, 'a.txt', 1000);
    t.a.peer.bus.emit('transfer:send', { path: small.path });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'offered'));
    t.b.peer.bus.emit('transfer:decline', { n: t.b.latest()[0]!.n });
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'declined'));
    assert.equal(t.a.latest()[0]!.endedBy, 'peer');
    assert.equal(t.b.latest()[0]!.state, 'declined');

    const big = file(t, 'big.bin', 40 * 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: big.path });
    assert.ok(await t.until(() => t.b.latest().some((v) => v.name === 'big.bin' && v.state === 'offered')));
    const n = t.b.latest().find((v) => v.name === 'big.bin')!.n;
    t.b.peer.bus.emit('transfer:accept', { n });
    assert.ok(await t.until(() => (t.b.view(n)?.bytes ?? 0) > 1024 * 1024));
    assert.ok(existsSync(path.join(t.b.dir, 'big.bin.part')));
    t.b.peer.bus.emit('transfer:cancel', { n });
    const out = (): ReturnType<typeof t.a.latest>[number] | undefined => t.a.latest().find((v) => v.name === 'big.bin');
    assert.ok(await t.until(() => out()?.state === 'cancelled'));
    assert.equal(out()!.endedBy, 'peer');
    assert.equal(t.b.view(n)!.state, 'cancelled');
    assert.ok(await t.until(() => !existsSync(path.join(t.b.dir, 'big.bin.part'))), 'the receiver deletes the partial file');
    assert.deepEqual(readdirSync(t.b.dir), []);
  } finally {
    await t.close();
  }
});

test('the sender cancels: the receiver ends it too and deletes its .part', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' } });
  try {
    const big = file(t, 'big.bin', 40 * 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: big.path });
    assert.ok(await t.until(() => (t.a.latest()[0]?.bytes ?? 0) > 1024 * 1024));
    t.a.peer.bus.emit('transfer:cancel', { n: t.a.latest()[0]!.n });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'cancelled'));
    assert.equal(t.b.latest()[0]!.endedBy, 'peer');
    assert.ok(await t.until(() => readdirSync(t.b.dir).length === 0));
  } finally {
    await t.close();
  }
});

test('the sender is killed half way and restarted: it re-offers, the receiver resumes from what it holds, nothing is sent twice', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' }, conditions: { delayMs: 10 } });
  try {
    const f = file(t, 'half.bin', 24 * 1024 * 1024);
    const cut = t.cutLinkAfter('b', 8 * 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => cut.done));
    await t.lab.advance(100);
    const a2 = await t.restart('a');
    t.lab.net.setConditions({});
    assert.equal(a2.latest()[0]?.name, 'half.bin', 'restored from the records');
    assert.ok(await t.until(() => a2.latest()[0]?.state === 'done'), JSON.stringify(a2.latest()[0]));
    const run = a2.updates.filter((v) => v.state === 'transferring').at(-1)!;
    assert.ok(run.resumedFrom >= 8 * 1024 * 1024, `resumed at ${run.resumedFrom}`);
    const received = t.b.latest().at(-1)!;
    assert.equal(received.state, 'done');
    assert.equal(received.resumedFrom, run.resumedFrom, 'the receiver resumed where the sender did');
    assert.equal(sha(readFileSync(received.path)), sha(f.data));
    assert.deepEqual(readdirSync(t.b.dir), ['half.bin']);
  } finally {
    await t.close();
  }
});

test('the receiver is killed half way and restarted: the .part stays, the sender re-offers, it resumes without asking', async () => {
  const t = new TransferLab({ conditions: { delayMs: 10 } });
  try {
    const f = file(t, 'half.bin', 24 * 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'offered'));
    const cut = t.cutLinkAfter('b', 8 * 1024 * 1024);
    t.b.peer.bus.emit('transfer:accept', { n: t.b.latest()[0]!.n });
    assert.ok(await t.until(() => cut.done));
    await t.lab.advance(100);
    const b2 = await t.restart('b');
    t.lab.net.setConditions({});
    const held = statSync(path.join(b2.dir, 'half.bin.part')).size;
    assert.ok(held >= 8 * 1024 * 1024);
    assert.ok(await t.until(() => b2.latest()[0]?.state === 'done'), JSON.stringify([b2.latest(), t.a.latest(), b2.lines, t.a.lines]));
    assert.equal(b2.latest()[0]!.resumedFrom, held);
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'done'));
    assert.equal(sha(readFileSync(path.join(b2.dir, 'half.bin'))), sha(f.data));
  } finally {
    await t.close();
  }
});

test('a .part that does not match the file (prefix hash differs) is started over, and the result is still right', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' } });
  try {
    const f = file(t, 'x.bin', 5 * 1024 * 1024);
    const cut = t.cutLinkAfter('b', 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => cut.done));
    await t.lab.advance(100);
    const b2 = await t.restart('b');
    t.lab.net.setConditions({});
    // Corrupt what the receiver holds: its prefix no longer matches the sender's.
    const part = path.join(b2.dir, 'x.bin.part');
    const held = readFileSync(part);
    held[10] = held[10]! ^ 0xff;
    writeFileSync(part, held);
    assert.ok(await t.until(() => b2.latest()[0]?.state === 'done'), JSON.stringify([b2.latest(), t.a.latest(), b2.lines, t.a.lines]));
    assert.equal(b2.latest()[0]!.resumedFrom, 0, 'started over');
    assert.equal(sha(readFileSync(path.join(b2.dir, 'x.bin'))), sha(f.data));
  } finally {
    await t.close();
  }
});

test('a link that drops for minutes: the transfer pauses and finishes when it is back', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' }, conditions: { delayMs: 10 } });
  try {
    const f = file(t, 'slow.bin', 12 * 1024 * 1024);
    const cut = t.cutLinkAfter('b', 2 * 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => cut.done));
    await t.lab.advance(3 * 60_000);
    assert.ok(
      t.a.updates.some((v) => v.state === 'paused'),
      'paused while the link was down',
    );
    t.lab.net.setConditions({ delayMs: 10 });
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'done', 120_000), JSON.stringify(t.a.latest()[0]));
    assert.equal(sha(readFileSync(path.join(t.b.dir, 'slow.bin'))), sha(f.data));
  } finally {
    await t.close();
  }
});

test('several transfers at once in both directions, chat lines during them', async () => {
  const t = new TransferLab({ a: { acceptDir: '~/alice' }, b: { acceptDir: '~/bob' }, conditions: { loss: 0.02, delayMs: 5 } });
  try {
    const ab = [file(t, 'ab1.bin', 3 * 1024 * 1024), file(t, 'ab2.bin', 2 * 1024 * 1024)];
    const ba = [file(t, 'ba1.bin', 2 * 1024 * 1024 + 3)];
    for (const f of ab) t.a.peer.bus.emit('transfer:send', { path: f.path });
    for (const f of ba) t.b.peer.bus.emit('transfer:send', { path: f.path });
    for (let i = 0; i < 10; i++) t.a.peer.send(`line ${i}`);
    const outDone = (s: typeof t.a): number => s.latest().filter((v) => v.direction === 'out' && v.state === 'done').length;
    assert.ok(await t.until(() => outDone(t.a) === 2 && outDone(t.b) === 1, 120_000), JSON.stringify([t.a.latest(), t.b.latest()]));
    for (const f of ab) assert.equal(sha(readFileSync(path.join(t.b.dir, path.basename(f.path)))), sha(f.data));
    for (const f of ba) assert.equal(sha(readFileSync(path.join(t.a.dir, path.basename(f.path)))), sha(f.data));
    assert.ok(await t.until(() => t.b.peer.texts().length === 10));
    assert.deepEqual(
      t.b.peer.texts(),
      Array.from({ length: 10 }, (_, i) => `line ${i}`),
    );
  } finally {
    await t.close();
  }
});

test('/send refuses with one line: no such file, a directory, the same file twice at once', async () => {
  const t = new TransferLab();
  try {
    t.a.peer.bus.emit('transfer:send', { path: '~/nope.txt' });
    t.a.peer.bus.emit('transfer:send', { path: '~/alice' });
    const f = file(t, 'twice.bin', 1000);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.a.latest().length === 1));
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.a.lines.length >= 3));
    assert.match(t.a.lines.join('\n'), /cannot send \S*nope\.txt: no such file/);
    assert.match(t.a.lines.join('\n'), /cannot send \S*alice: it is a directory/);
    assert.match(t.a.lines.join('\n'), /twice\.bin is already being sent \(transfer 1\)/);
    assert.equal(t.a.latest().length, 1);
  } finally {
    await t.close();
  }
});

test('/accept into a directory that does not exist: one line, the offer still waits; then into one that does', async () => {
  const t = new TransferLab();
  try {
    const f = file(t, 'a.txt', 100);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'offered'));
    const n = t.b.latest()[0]!.n;
    t.b.peer.bus.emit('transfer:accept', { n, dir: '~/missing' });
    assert.ok(await t.until(() => t.b.lines.length > 0));
    assert.match(t.b.lines[0]!, /cannot accept a\.txt: \S*missing: no such directory/);
    assert.equal(t.b.view(n)!.state, 'offered');
    t.b.peer.bus.emit('transfer:accept', { n, dir: '~/alice' });
    assert.ok(await t.until(() => t.b.view(n)?.state === 'done'));
    assert.equal(readFileSync(path.join(t.root, 'alice', 'a.txt'), 'utf8'), f.data.toString('utf8'));
  } finally {
    await t.close();
  }
});
