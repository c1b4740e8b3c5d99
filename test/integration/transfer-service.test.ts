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
