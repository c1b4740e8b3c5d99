/**
 * The transfer service when the disk lets it down: the receiver's disk fills
 * up half way (its file-system calls are a stand-in whose writes fail with
 * ENOSPC), and the sender's file vanishes before the bytes start. Two
 * services on the in-memory network, real files in temp directories.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { TransferView } from '../../src/bus.js';
import type { ReceiverFs } from '../../src/transfer/api.js';
import { transferLine } from '../../src/ui/transfer-line.js';
import { TransferLab } from '../_transfer-lab.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;

/** node:fs/promises, but a disk with room for `room` bytes of writes: past it, a write fails with ENOSPC until free(). */
class SmallDisk {
  used = 0;
  failures = 0;
  constructor(private room: number) {}

  free(): void {
    this.room = Infinity;
  }

  readonly fs: ReceiverFs = {
    stat: fsp.stat,
    statfs: fsp.statfs,
    link: fsp.link,
    rename: fsp.rename,
    unlink: fsp.unlink,
    open: async (...args: Parameters<typeof fsp.open>) => this.wrap(await fsp.open(...args)),
  };

  private wrap(fh: FileHandle): FileHandle {
    const write = async (buf: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number; buffer: Buffer }> => {
      if (this.used + length > this.room) {
        this.failures += 1;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
      const r = await fh.write(buf, offset, length, position);
      this.used += r.bytesWritten;
      return r;
    };
    return new Proxy(fh, {
      get(target, prop): unknown {
        if (prop === 'write') return write;
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}

function file(lab: TransferLab, name: string, bytes: number): { path: string; data: Buffer } {
  const data = randomBytes(bytes);
  const p = path.join(lab.root, name);
  writeFileSync(p, data);
  return { path: p, data };
}

/** The line the chat pane shows for a view. */
const line = (v: TransferView | undefined): string => (v === undefined ? '(none)' : transferLine(v, null).text);

test('the receiver\'s disk fills up half way: one clear line there, "✗ … the receiver: …" at the sender, the .part kept; with room again, a new offer resumes from it', async () => {
  const disk = new SmallDisk(3 * MiB);
  const t = new TransferLab({ b: { acceptDir: '~/bob', fs: disk.fs } });
  try {
    const f = file(t, 'big.bin', 8 * MiB + 5);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'failed'), `the sender fails: ${JSON.stringify(t.a.latest())}`);
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'failed'));
    assert.equal(disk.failures, 1, 'the first failed write ends it');

    const rx = t.b.latest()[0]!;
    assert.equal(rx.endedBy, 'local');
    assert.equal(
      line(rx),
      `✗ big.bin: cannot write ${path.join(t.b.dir, 'big.bin.part')}: no space left on the device (what arrived is kept: accept the next offer of this file to resume)`,
    );
    assert.equal(t.b.updates.filter((v) => v.state === 'failed').length, 1, 'one failure line, not one per write');
    const tx = t.a.latest()[0]!;
    assert.equal(tx.endedBy, 'peer');
    assert.match(line(tx), /^✗ big\.bin: the receiver: cannot write .*big\.bin\.part: no space left on the device/);

    const part = path.join(t.b.dir, 'big.bin.part');
    const kept = statSync(part).size;
    assert.ok(kept > 0 && kept <= 3 * MiB, `the .part keeps what was written: ${kept}`);
    assert.equal(kept, disk.used);
    assert.equal(sha(readFileSync(part)), sha(f.data.subarray(0, kept)), 'a true prefix');

    disk.free();
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.a.latest().at(-1)?.state === 'done'), `sent again: ${JSON.stringify([t.a.latest(), t.b.latest(), t.b.lines])}`);
    assert.ok(await t.until(() => t.b.latest().at(-1)?.state === 'done'));
    const again = t.b.latest().at(-1)!;
    assert.equal(again.resumedFrom, kept, 'resumed from the kept prefix, not from 0');
    assert.equal(t.a.latest().at(-1)!.resumedFrom, kept);
    assert.equal(sha(readFileSync(path.join(t.b.dir, 'big.bin'))), sha(f.data));
    assert.deepEqual(readdirSync(t.b.dir), ['big.bin'], 'the .part is gone');
  } finally {
    await t.close();
  }
});

test("the sender's file vanishes before the receiver accepts: a clear failure on both sides, nothing saved", async () => {
  const t = new TransferLab();
  try {
    const f = file(t, 'gone.bin', 2 * MiB);
    t.a.peer.bus.emit('transfer:send', { path: f.path });
    assert.ok(await t.until(() => t.b.latest()[0]?.state === 'offered'));
    rmSync(f.path);
    t.b.peer.bus.emit('transfer:accept', { n: t.b.latest()[0]!.n });
    assert.ok(await t.until(() => t.a.latest()[0]?.state === 'failed' && t.b.latest()[0]?.state === 'failed'), JSON.stringify([t.a.latest(), t.b.latest()]));
    const tx = t.a.latest()[0]!;
    assert.equal(tx.endedBy, 'local');
    assert.equal(line(tx), `✗ gone.bin: cannot read ${f.path}: it is gone (moved or deleted since it was offered; send it again)`);
    const rx = t.b.latest()[0]!;
    assert.equal(rx.endedBy, 'peer');
    assert.match(line(rx), /^✗ gone\.bin: the sender: cannot read .*gone\.bin: it is gone/);
    assert.ok(!existsSync(path.join(t.b.dir, 'gone.bin')), 'nothing gets the final name');
    assert.ok(!readdirSync(t.b.dir).some((n) => n !== 'gone.bin.part'), JSON.stringify(readdirSync(t.b.dir)));
  } finally {
    await t.close();
  }
});
