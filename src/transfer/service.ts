/**
 * The transfer service (PROTOCOL.md, "File transfer"): between the user's
 * transfer:* requests (the UI, headless mode, `fernchat send`) and the
 * transport's xfer:* / bulk:* events. It keeps the table of transfers (by
 * number, by file id, by stream), reads and writes the files (outgoing.ts,
 * incoming.ts), and the records that let them resume after a restart
 * (records.ts). It knows the rest of the program only through the bus.
 *
 * Trust: every control message comes from the authenticated peer over the
 * reliable chat stream, and is still checked — its shape (control.ts), that
 * it names a transfer in a state it can change (state.ts), and its numbers
 * (offsets within the file, the size against the limit). Names are
 * sanitised (names.ts) and every byte written stays inside the chosen
 * directory, in a .part file that becomes the final file only when the
 * SHA-256 of the whole file matches the offer.
 */
import { randomInt } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { newMessageId, type BusEvents, type TransferView } from '../bus.js';
import { systemClock, type Clock } from '../clock.js';
import { TRANSFER_ACTIVE_MAX } from '../constants.js';
import { codeOf, describeFsError } from '../config/fs.js';
import { RAW_WIRE_REFUSAL } from '../text/raw-wire.js';
import { tildePath } from '../text/tilde.js';
import { formatFileSize } from '../text/units.js';
import type { TransferServiceOptions } from './api.js';
import { encodeControl, parseControl, type Control } from './control.js';
import { fileId, hashPrefix } from './hash.js';
import { Incoming } from './incoming.js';
import { expandPath, sanitiseName } from './names.js';
import { Outgoing } from './outgoing.js';
import { RecordStore, type OutRecord, type Records } from './records.js';
import type { Host, Transfer } from './transfer.js';

/** Files at least this large get a line while they are hashed before the offer. */
const HASH_NOTICE_BYTES = 64 * 1024 * 1024;

export class TransferService {
  private readonly clock: Clock;
  private readonly home: string;
  private readonly store: RecordStore;
  private records: Records;
  private readonly byN = new Map<number, Outgoing | Incoming>();
  private readonly outs = new Map<string, Outgoing>();
  private readonly ins = new Map<string, Incoming>();
  private readonly recvStreams = new Map<number, Incoming>();
  /** Control message id → the transfer it belongs to (for xfer:control-failed). */
  private readonly sentControls = new Map<string, Transfer>();
  private nextN = 1;
  /** Restored outgoing transfers whose re-offer waits for the transport to start (its first peer:state). */
  private readonly unsent: Outgoing[] = [];
  private offs: Array<() => void> = [];
  private readonly host: Host;

  constructor(private readonly o: TransferServiceOptions) {
    this.clock = o.clock ?? systemClock;
    this.home = o.home ?? os.homedir();
    this.store = new RecordStore(o.stateFile, (line) => this.say('warning', line));
    this.records = { out: [], in: [], done: [] };
    const records = (): Records => this.records;
    this.host = {
      bus: o.bus,
      fs: o.fs ?? fs,
      now: () => this.clock.now(),
      control: (t, c) => this.controlOf(t, c),
      changed: (t, state) => this.changed(t, state),
      say: (severity, line) => this.say(severity, line),
      get records() {
        return records();
      },
      saveRecords: () => this.store.save(this.records),
      newSendStream: () => this.newSendStream(),
      bindRecv: (stream, t) => this.bindRecv(stream, t as Incoming | null),
    };
  }

  /** Subscribes to the bus and restores unfinished transfers (re-offering ours). Call before the transport starts. */
  start(): void {
    if (this.offs.length > 0) return;
    const { bus } = this.o;
    this.offs = [
      bus.on('transfer:send', ({ path: p }) => void this.send(p)),
      bus.on('transfer:accept', ({ n, dir }) => this.accept(n, dir)),
      bus.on('transfer:decline', ({ n }) => this.pick(n, 'decline')?.decline()),
      bus.on('transfer:cancel', ({ n }) => this.cancel(n)),
      bus.on('xfer:control', ({ body }) => this.control(body)),
      bus.on('xfer:control-failed', (e) => this.controlFailed(e)),
      bus.on('bulk:data', ({ stream, offset, data }) => this.recvStreams.get(stream)?.data(offset, data)),
      bus.on('bulk:acked', ({ stream, offset }) => this.sendStream(stream)?.ackedTo(offset)),
      bus.on('peer:restarted', () => this.peerRestarted()),
      bus.on('peer:state', ({ state }) => {
        // The transport's first fact (it says its state when it starts): it listens now, the restored offers can go.
        for (const t of this.unsent.splice(0)) t.offer();
        this.linkState(state === 'online');
      }),
    ];
    if (this.o.wire === 'raw') return;
    this.records = this.store.load();
    this.restore();
  }

  /** Unsubscribes; files are closed with what arrived written; unfinished transfers stay in the records for the next start. */
  async close(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
    await Promise.all([...this.byN.values()].map((t) => t.close()));
  }

  views(): TransferView[] {
    return [...this.byN.values()].map((t) => t.view());
  }

  // ------------------------------------------------------------------ the user's requests

  private async send(typed: string): Promise<void> {
    if (this.o.wire === 'raw') return this.say('warning', RAW_WIRE_REFUSAL);
    if (typeof typed !== 'string' || typed.trim() === '') return this.say('warning', 'usage: /send PATH');
    const p = expandPath(typed, this.home, process.cwd());
    let fh: fs.FileHandle;
    try {
      const st = await fs.stat(p);
      if (st.isDirectory()) return this.say('warning', `cannot send ${p}: it is a directory (send one file, e.g. an archive: tar czf dir.tgz dir)`);
      if (!st.isFile()) return this.say('warning', `cannot send ${p}: not a regular file`);
      fh = await fs.open(p, 'r');
    } catch (err) {
      return this.say('warning', `cannot send ${p}: ${codeOf(err) === 'ENOENT' ? 'no such file' : describeFsError(err)}`);
    }
    let record: OutRecord;
    try {
      const before = await fh.stat();
      const name = path.basename(p);
      if (before.size >= HASH_NOTICE_BYTES) this.say('info', `hashing ${name} (${formatFileSize(before.size)}) before offering it…`);
      const sha256 = (await hashPrefix(fh, before.size)).digest('hex');
      const after = await fh.stat();
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs)
        return this.say('warning', `cannot send ${p}: it changed while it was being read; try again`);
      record = { id: fileId(sha256, before.size, name), path: p, name, size: before.size, sha256, mtimeMs: before.mtimeMs };
    } catch (err) {
      return this.say('warning', `cannot send ${p}: ${describeFsError(err)}`);
    } finally {
      await fh.close().catch(() => undefined);
    }
    const running = this.outs.get(record.id);
    if (running !== undefined && !running.ended) return this.say('warning', `${record.name} is already being sent (transfer ${running.n})`);
    if (this.activeCount() >= TRANSFER_ACTIVE_MAX)
      return this.say('warning', `cannot send ${record.name}: ${TRANSFER_ACTIVE_MAX} transfers are running; wait for one to end`);
    this.records.out = [...this.records.out.filter((r) => r.id !== record.id), record];
    this.store.save(this.records);
    const t = this.addOut(record);
    t.offer();
  }

  private accept(n: number | undefined, dir: string | undefined): void {
    const t = this.pick(n, 'accept');
    if (t === undefined) return;
    const target = expandPath(dir ?? this.o.downloadDir, this.home, process.cwd());
    void t.accept(target);
  }

  private cancel(n: number): void {
    const t = this.byN.get(n);
    if (t === undefined) return this.say('warning', `no transfer ${n}`);
    t.cancel();
  }

  /** The incoming offer `n` (or the oldest waiting), for accept or decline; one line when there is none. */
  private pick(n: number | undefined, what: 'accept' | 'decline'): Incoming | undefined {
    const t = n === undefined ? [...this.ins.values()].find((x) => x.state === 'offered') : this.byN.get(n);
    if (t === undefined) {
      this.say('warning', n === undefined ? `no offer is waiting to ${what}` : `no transfer ${n}`);
      return undefined;
    }
    if (!(t instanceof Incoming) || t.state !== 'offered') {
      this.say('warning', `transfer ${t.n} is not an offer waiting for an answer`);
      return undefined;
    }
    return t;
  }

  // ------------------------------------------------------------------ the peer's messages

  private control(body: string): void {
    const parsed = parseControl(body);
    if (!parsed.ok) return this.say('info', `ignored a transfer message from the peer: ${parsed.reason}`);
    const c = parsed.control;
    switch (c.t) {
      case 'offer':
        return this.offered(c);
      case 'accept':
        return void this.outs.get(c.id)?.accepted(c.offset, c.prefix);
      case 'start':
        return void this.ins.get(c.id)?.start(c.stream, c.offset);
      case 'decline':
        return this.outs.get(c.id)?.endedByPeer('decline', `declined by the peer${c.reason !== '' && c.reason !== 'declined' ? `: ${c.reason}` : ''}`);
      case 'done':
        return this.outs.get(c.id)?.done();
      case 'cancel':
        if (c.by === 'sender') return this.ins.get(c.id)?.endedByPeer('cancel', 'cancelled by the peer');
        return this.outs.get(c.id)?.endedByPeer('cancel', 'cancelled by the peer');
      case 'fail':
        if (c.by === 'sender') return this.ins.get(c.id)?.endedByPeer('fail', c.reason || 'failed on the sending side');
        return this.outs.get(c.id)?.endedByPeer('fail', c.reason || 'failed on the receiving side');
    }
  }

  private offered(c: Extract<Control, { t: 'offer' }>): void {
    if (this.o.wire === 'raw') return;
    const known = this.ins.get(c.id);
    if (known !== undefined && !known.ended) {
      void known.reoffered();
      return;
    }
    const done = this.records.done.find((d) => d.id === c.id);
    if (done !== undefined) {
      // We finished it and the peer missed our answer (it restarted): say so again.
      void fs.stat(done.path).then(
        (st) => {
          if (st.size !== c.size) return this.forgetDone(c);
          this.controlOf(null, { t: 'done', id: c.id });
          this.say(
            'info',
            `${sanitiseName(c.name)} was offered again: you already have it (${tildePath(done.path, this.home)}, sha256 verified), nothing to transfer`,
          );
        },
        () => this.forgetDone(c),
      );
      return;
    }
    this.newOffer(c);
  }

  private forgetDone(c: Extract<Control, { t: 'offer' }>): void {
    this.records.done = this.records.done.filter((d) => d.id !== c.id);
    this.store.save(this.records);
    this.newOffer(c);
  }

  private newOffer(c: Extract<Control, { t: 'offer' }>): void {
    const record = this.records.in.find((r) => r.id === c.id && r.size === c.size && r.sha256 === c.sha256) ?? null;
    const name = record?.name ?? sanitiseName(c.name);
    const t = this.addIn(new Incoming(this.host, this.nextN++, c.id, name, c.size, c.sha256, record));
    if (c.size > this.o.maxFileBytes) return t.refuse(`too large: ${formatFileSize(c.size)}, the limit here is ${formatFileSize(this.o.maxFileBytes)}`);
    if (this.activeCount() > TRANSFER_ACTIVE_MAX) return t.refuse(`${TRANSFER_ACTIVE_MAX} transfers are already running here`);
    if (t.resumable) void t.accept(null);
    else if (this.o.acceptDir !== null) void t.accept(expandPath(this.o.acceptDir, this.home, process.cwd()));
  }

  private controlFailed({ id, reason }: BusEvents['xfer:control-failed']): void {
    const t = this.sentControls.get(id);
    this.sentControls.delete(id);
    if (t === undefined || t.ended) return;
    t.fail(`the peer could not be told: ${reason}`, false);
  }

  private peerRestarted(): void {
    for (const t of this.byN.values()) t.peerRestarted();
  }

  private linkState(online: boolean): void {
    for (const t of this.byN.values()) t.linkState(online);
  }

  // ------------------------------------------------------------------ the table

  private restore(): void {
    for (const r of this.records.in) {
      if (!r.accepted) continue;
      const t = this.addIn(new Incoming(this.host, this.nextN++, r.id, r.name, r.size, r.sha256, r, 'paused'));
      void fs.stat(r.part).then(
        (st) => t.restoredBytes(st.size),
        () => t.restoredBytes(0),
      );
    }
    for (const r of [...this.records.out]) {
      let why: string | null = null;
      try {
        const st = fsSync.statSync(r.path);
        if (st.size !== r.size || st.mtimeMs !== r.mtimeMs) why = `${r.path} changed since it was offered`;
      } catch (err) {
        why = `${r.path}: ${codeOf(err) === 'ENOENT' ? 'no such file' : describeFsError(err)}`;
      }
      if (why === null) this.unsent.push(this.addOut(r));
      else this.dropOut(r, why);
    }
  }

  private dropOut(r: OutRecord, why: string): void {
    this.say('warning', `not resuming the transfer of ${r.name}: ${why} (send it again)`);
    this.records.out = this.records.out.filter((x) => x.id !== r.id);
    this.store.save(this.records);
  }

  private addOut(r: OutRecord): Outgoing {
    const t = new Outgoing(this.host, this.nextN++, r);
    this.outs.set(r.id, t);
    this.byN.set(t.n, t);
    this.changed(t, true);
    return t;
  }

  private addIn(t: Incoming): Incoming {
    this.ins.set(t.id, t);
    this.byN.set(t.n, t);
    this.changed(t, true);
    return t;
  }

  private controlOf(t: Transfer | null, c: Control): void {
    const id = newMessageId();
    if (t !== null) this.sentControls.set(id, t);
    this.o.bus.emit('xfer:send-control', { id, body: encodeControl(c) });
  }

  private changed(t: Transfer, state: boolean): void {
    const now = this.clock.now();
    if (state) t.progress.emitted(now);
    else if (!t.progress.due(now)) return;
    this.o.bus.emit('transfer:update', t.view());
  }

  private say(severity: 'info' | 'warning', message: string): void {
    this.o.bus.emit('error', { severity, message });
  }

  private activeCount(): number {
    let n = 0;
    for (const t of this.byN.values()) if (!t.ended) n += 1;
    return n;
  }

  private newSendStream(): number {
    for (;;) {
      const s = randomInt(0, 2 ** 32 - 1);
      if (this.sendStream(s) === undefined) return s;
    }
  }

  private sendStream(stream: number): Outgoing | undefined {
    for (const t of this.outs.values()) if (t.stream === stream) return t;
    return undefined;
  }

  private bindRecv(stream: number, t: Incoming | null): boolean {
    if (t === null) {
      this.recvStreams.delete(stream);
      return true;
    }
    const other = this.recvStreams.get(stream);
    if (other !== undefined && other !== t && !other.ended) return false;
    this.recvStreams.set(stream, t);
    return true;
  }
}
