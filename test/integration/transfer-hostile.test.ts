import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TRANSFER_ACTIVE_MAX } from '../../src/constants.js';
import { TransferLab, type Side } from '../_transfer-lab.js';

/*
 * A hostile peer (it holds the key: its control messages are authenticated)
 * drives its side by hand: offers whose name, size or hash lie, messages
 * out of turn, floods. The receiver writes nothing outside its download
 * directory, never gives a file its final name unless the hash matched, and
 * ends each bad transfer with one clear line.
 */

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const id = (): string => randomBytes(16).toString('hex');
let ctl = 0;

function say(s: Side, body: Record<string, unknown>): void {
  s.peer.bus.emit('xfer:send-control', { id: `evil-${++ctl}`, body: JSON.stringify({ v: 1, ...body }) });
}

/** Waits for the victim's accept of `fid`, then streams `data` on stream 77 as a sender would (without its checks). */
function streamOnAccept(attacker: Side, fid: string, data: Buffer): void {
  attacker.peer.bus.on('xfer:control', ({ body }) => {
    const c = JSON.parse(body) as { t: string; id: string };
    if (c.t !== 'accept' || c.id !== fid) return;
    say(attacker, { t: 'start', id: fid, stream: 77, offset: 0 });
    attacker.peer.bus.emit('bulk:open-send', { stream: 77, offset: 0 });
    attacker.peer.bus.emit('bulk:write', { stream: 77, data });
  });
}

function outsideFiles(t: TransferLab): string[] {
  return readdirSync(t.root).filter((f) => f !== 'alice' && f !== 'bob' && !f.endsWith('.transfers.json'));
}

test('a name that climbs out (../../etc/passwd) is saved inside the download directory under a flat name', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' } });
  try {
    const data = randomBytes(5000);
    const fid = id();
    streamOnAccept(t.a, fid, data);
    say(t.a, { t: 'offer', id: fid, name: '../../etc/passwd', size: data.length, sha256: sha(data) });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'done'), JSON.stringify(t.b.latest()));
    const v = t.b.latest()[0]!;
    assert.equal(path.dirname(v.path), t.b.dir);
    assert.equal(path.basename(v.path), '.._.._etc_passwd');
    assert.equal(sha(readFileSync(v.path)), sha(data));
    assert.deepEqual(outsideFiles(t), [], 'nothing written beside the download directory');
  } finally {
    await t.close();
  }
});

test('a hash that does not match: the file never gets its name, the .part is deleted, one clear failure on both sides', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' } });
  try {
    const data = randomBytes(70_000);
    const fid = id();
    streamOnAccept(t.a, fid, data);
    const failures: string[] = [];
    t.a.peer.bus.on('xfer:control', ({ body }) => void (body.includes('"fail"') && failures.push(body)));
    say(t.a, { t: 'offer', id: fid, name: 'setup.sh', size: data.length, sha256: '0'.repeat(64) });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'failed'));
    assert.match(t.b.latest()[0]!.reason ?? '', /SHA-256 mismatch/);
    assert.ok(await t.until(() => readdirSync(t.b.dir).length === 0), `left: ${readdirSync(t.b.dir).join(', ')}`);
    assert.ok(await t.until(() => failures.length === 1));
    assert.match(failures[0]!, /SHA-256 mismatch/);
  } finally {
    await t.close();
  }
});

test('a size that lies: more bytes than offered end the transfer, no file gets its final name', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' } });
  try {
    const data = randomBytes(50_000);
    const fid = id();
    streamOnAccept(t.a, fid, data);
    say(t.a, { t: 'offer', id: fid, name: 'small.txt', size: 10_000, sha256: sha(data.subarray(0, 10_000)) });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'failed'), JSON.stringify(t.b.latest()));
    assert.match(t.b.latest()[0]!.reason ?? '', /more than the 10000 bytes it offered/);
    assert.ok(!existsSync(path.join(t.b.dir, 'small.txt')));
    assert.deepEqual(outsideFiles(t), []);
  } finally {
    await t.close();
  }
});

test('an offer over the size limit is declined without asking; the sender is told why', async () => {
  const t = new TransferLab({ b: { maxFileBytes: 1000 } });
  try {
    const p = path.join(t.root, 'big.bin');
    writeFileSync(p, randomBytes(5000));
    t.a.peer.bus.emit('transfer:send', { path: p });
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'declined'));
    assert.match(t.a.latest()[0]!.reason ?? '', /declined by the peer: too large: 4\.9 KiB, the limit here is 1000 B/);
    assert.equal(t.b.latest()[0]!.state, 'declined');
  } finally {
    await t.close();
  }
});

test('messages out of turn change nothing: a start nobody asked for, an accept for a file never offered, malformed bodies', async () => {
  const t = new TransferLab();
  try {
    const fid = id();
    say(t.a, { t: 'offer', id: fid, name: 'x', size: 10, sha256: 'a'.repeat(64) });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'offered'));
    say(t.a, { t: 'start', id: fid, stream: 5, offset: 0 });
    say(t.b, { t: 'accept', id: id(), offset: 0, prefix: 'b'.repeat(64) });
    for (const body of [
      '{',
      '[]',
      '{"v":2,"t":"offer"}',
      '{"v":1,"t":"rm -rf","id":"x"}',
      JSON.stringify({ v: 1, t: 'offer', id: fid, name: 'x', size: -1, sha256: 'a'.repeat(64) }),
    ]) {
      t.a.peer.bus.emit('xfer:send-control', { id: `bad-${++ctl}`, body });
    }
    say(t.a, { t: 'done', id: fid });
    await t.lab.advance(500);
    assert.equal(t.b.latest()[0]!.state, 'offered', 'still waiting for the user');
    assert.ok(t.b.lines.some((l) => /ignored a start for x that no accept asked for/.test(l)));
    assert.equal(t.b.lines.filter((l) => l.startsWith('ignored a transfer message from the peer')).length, 5, t.b.lines.join('\n'));
    assert.deepEqual(readdirSync(t.b.dir), []);
    assert.deepEqual(t.a.latest(), [], 'the accept for a file never offered made nothing on the sender');
  } finally {
    await t.close();
  }
});

test(`an offer flood: past ${TRANSFER_ACTIVE_MAX} transfers at once the rest are declined`, async () => {
  const t = new TransferLab();
  try {
    for (let i = 0; i < TRANSFER_ACTIVE_MAX + 8; i++) say(t.a, { t: 'offer', id: id(), name: `f${i}`, size: 10, sha256: 'a'.repeat(64) });
    assert.ok(await t.until(() => t.b.latest().length === TRANSFER_ACTIVE_MAX + 8));
    const states = t.b.latest().map((v) => v.state);
    assert.equal(states.filter((s) => s === 'offered').length, TRANSFER_ACTIVE_MAX);
    assert.equal(states.filter((s) => s === 'declined').length, 8);
  } finally {
    await t.close();
  }
});

test('a receiver that claims done before the bytes were acknowledged: the sender fails the transfer, it does not report success', async () => {
  const t = new TransferLab({ b: { acceptDir: '~/bob' } });
  try {
    const p = path.join(t.root, 'big.bin');
    writeFileSync(p, randomBytes(16 * 1024 * 1024));
    const cut = t.cutLinkAfter('b', 1024 * 1024);
    t.a.peer.bus.emit('transfer:send', { path: p });
    assert.ok(await t.until(() => cut.done));
    say(t.b, { t: 'done', id: t.a.latest()[0]!.id });
    t.lab.net.setConditions({});
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'failed'), JSON.stringify(t.a.latest()));
    assert.match(t.a.latest()[0]!.reason ?? '', /the peer said it has the whole file after only \d+ of 16777216 bytes/);
  } finally {
    await t.close();
  }
});
