/**
 * Two chat peers with a transfer service each, on the in-memory network of
 * _transport-pair.ts (manual clock), with temp directories for their files
 * and their records. Restarting a peer closes its service and transport and
 * opens new ones on the same address, records and directories: a process
 * restart as the service sees it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TransferView } from '../src/bus.js';
import type { Address } from '../src/address/address.js';
import type { LinkConditions } from '../src/net/memory.js';
import type { ReceiverFs } from '../src/transfer/api.js';
import { TransferService } from '../src/transfer/service.js';
import { Lab, type Peer } from './_transport-pair.js';

export const A: Address = { host: '10.0.0.1', port: 7001 };
export const B: Address = { host: '10.0.0.2', port: 7002 };

export interface Side {
  peer: Peer;
  service: TransferService;
  dir: string;
  stateFile: string;
  /** Every transfer:update, in order. */
  updates: TransferView[];
  /** Every error/info line. */
  lines: string[];
  /** The latest view of transfer `n`. */
  view(n: number): TransferView | undefined;
  /** The latest views, one per transfer. */
  latest(): TransferView[];
}

export interface SideOptions {
  acceptDir?: string | null;
  maxFileBytes?: number;
  /** What saves received files (a full disk); default node:fs/promises. */
  fs?: ReceiverFs;
}

export class TransferLab {
  readonly lab: Lab;
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'fernchat-xfer-'));
  a!: Side;
  b!: Side;
  private readonly opts = new Map<string, SideOptions>();

  constructor(o: { seed?: number; conditions?: LinkConditions; a?: SideOptions; b?: SideOptions } = {}) {
    this.lab = new Lab({ seed: o.seed ?? 5, ...(o.conditions ? { conditions: o.conditions } : {}) });
    this.opts.set('alice', o.a ?? {});
    this.opts.set('bob', o.b ?? {});
    this.a = this.side('alice', A, B);
    this.b = this.side('bob', B, A);
  }

  /** A fresh side, or a restarted one (same directories and records). */
  side(name: 'alice' | 'bob', addr: Address, peerAddr: Address): Side {
    const dir = path.join(this.root, name);
    const stateFile = path.join(this.root, `${name}.transfers.json`);
    mkdirSync(dir, { recursive: true });
    const peer = this.lab.peer(name, addr, peerAddr, { start: false });
    const o = this.opts.get(name) ?? {};
    const service = new TransferService({
      bus: peer.bus,
      wire: 'reliable',
      stateFile,
      downloadDir: dir,
      acceptDir: o.acceptDir === undefined ? null : o.acceptDir,
      maxFileBytes: o.maxFileBytes ?? 1024 ** 4,
      clock: this.lab.clock,
      home: this.root,
      ...(o.fs ? { fs: o.fs } : {}),
    });
    const updates: TransferView[] = [];
    const lines: string[] = [];
    peer.bus.on('transfer:update', (v) => void updates.push(v));
    peer.bus.on('error', (e) => void lines.push(e.message));
    service.start();
    peer.transport.start();
    const latest = (): TransferView[] => {
      const m = new Map<number, TransferView>();
      for (const v of updates) m.set(v.n, v);
      return [...m.values()];
    };
    return { peer, service, dir, stateFile, updates, lines, view: (n) => latest().find((v) => v.n === n), latest };
  }

  /** Close `who`'s service and transport (a kill: no bye is awaited beyond the transport's close), then start it again. */
  async restart(who: 'a' | 'b'): Promise<Side> {
    const s = this[who];
    await s.service.close();
    await this.lab.close(s.peer);
    const next = who === 'a' ? this.side('alice', A, B) : this.side('bob', B, A);
    this[who] = next;
    return next;
  }

  /**
   * Cuts the link (every datagram lost) as soon as `who` has received `bytes` of bulk data: synchronously,
   * from its bulk:data event — the in-memory network moves megabytes between two steps of a test, and
   * progress events are paced by the (manual) clock. `cut.done` says when it happened.
   */
  cutLinkAfter(who: 'a' | 'b', bytes: number): { done: boolean } {
    const cut = { done: false };
    const off = this[who].peer.bus.on('bulk:data', ({ offset, data }) => {
      if (offset + data.length < bytes) return;
      off();
      this.lab.net.setConditions({ loss: 1 });
      cut.done = true;
    });
    return cut;
  }

  /** Advance until cond() or the bound; also gives file I/O its turns. */
  async until(cond: () => boolean, ms = 60_000, step = 20): Promise<boolean> {
    for (let t = 0; t <= ms; t += step) {
      if (cond()) return true;
      await this.lab.advance(step);
      await new Promise<void>((r) => setTimeout(r, 0));
    }
    return cond();
  }

  /** Closes everything; throws if either side ever reported an internal error (a handler threw). */
  async close(): Promise<void> {
    const internal = [...this.a.lines, ...this.b.lines].filter((l) => l.startsWith('internal error'));
    await this.a.service.close();
    await this.b.service.close();
    await this.lab.closeAll();
    rmSync(this.root, { recursive: true, force: true });
    if (internal.length > 0) throw new Error(`internal errors: ${internal.slice(0, 3).join(' | ')}`);
  }
}
