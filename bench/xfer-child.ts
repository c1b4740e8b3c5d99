/**
 * Figure 10's measuring process: one side of a file transfer — a UDP socket
 * on 127.0.0.1, a bus, the transport and the transfer service, as the app
 * wires them — in a process of its own, so each side has its own event loop
 * and its own resident memory. Driven by fig-transfer.ts over IPC; the key
 * arrives over IPC, never on a command line. Built here rather than with
 * openSession so the bench can pass the transport's maxBulkDatagramBytes.
 *
 *   parent → { type: 'open', … }           child → { type: 'ready', port, rssMB }
 *   parent → { type: 'set-peer', peer }     child → { type: 'online' } (each time the link comes up)
 *   parent → { type: 'send', paths }        the service offers each file (transfer:send)
 *                                           child → { type: 'update', view, t } on every change of state
 *   parent → { type: 'rtt', count, warmup, maxMs }   sequential chat ping-pong to the peer (which echoes):
 *   parent → { type: 'rtt-stop' }                    child → { type: 'rtt', samples, stopped } at count, deadline or stop
 *   parent → { type: 'report' }             child → { type: 'report', … } (memory, progress samples, path MTU)
 *   parent → { type: 'close' }              the child closes the service and the transport, and exits
 *
 * Times are epoch ms with sub-ms resolution (performance.timeOrigin +
 * performance.now()), comparable between the two children and the parent.
 */
import { readFileSync } from 'node:fs';
import { Bus, errorMessage, newMessageId, type TransferView } from '../src/bus.js';
import type { Address } from '../src/address/address.js';
import { DEFAULT_TRANSFER_MAX_FILE_BYTES } from '../src/constants.js';
import { parseKey } from '../src/crypto/keys.js';
import { Transport } from '../src/net/transport.js';
import { bindUdp } from '../src/net/udp.js';
import { TransferService } from '../src/transfer/service.js';
import { Deadline } from './budget.js';
import { pingPong, type Echoer } from './ping-pong.js';
import { HOST, messageText } from './sessions.js';

export interface XferOpen {
  type: 'open';
  key: string;
  nick: string;
  peer: Address | null;
  /** The transport's largest bulk datagram; undefined: its default (path MTU probing). */
  maxBulkDatagramBytes?: number;
  downloadDir: string;
  /** Auto-accept offers into this directory (the receiver), or null (the sender). */
  acceptDir: string | null;
  /** Echo every chat message back (the far end of the RTT ping-pong). */
  echo: boolean;
}

export type XferRequest =
  | XferOpen
  | { type: 'set-peer'; peer: Address }
  | { type: 'send'; paths: string[] }
  | { type: 'rtt'; count: number; warmup: number; maxMs: number }
  | { type: 'rtt-stop' }
  | { type: 'report' }
  | { type: 'close' };

/** Bytes of one transfer over time: [epoch ms, bytes] while it was transferring. */
export interface ProgressTrack {
  n: number;
  name: string;
  size: number;
  points: Array<[number, number]>;
}

export interface XferReport {
  type: 'report';
  /** Peak resident set of the process (VmHWM), in MB; null where /proc is missing. */
  hwmMB: number | null;
  /** Largest RSS sampled every SAMPLE_MS, in MB. */
  rssMaxMB: number;
  /** VmHWM when the side was ready (after the imports and the socket), in MB. */
  readyHwmMB: number | null;
  tracks: ProgressTrack[];
  /** The bulk datagram size the path MTU search settled on (or is trying), in bytes. */
  pmtu: number;
  datagramsIn: number;
  datagramsOut: number;
  retransmissions: number;
}

export type XferReply =
  | { type: 'ready'; port: number }
  | { type: 'online' }
  | { type: 'update'; view: TransferView; t: number }
  | { type: 'line'; text: string }
  | { type: 'rtt'; samples: number[]; stopped: null | 'deadline' | 'stall' }
  | XferReport
  | { type: 'error'; message: string };

/** How often progress and RSS are sampled, in ms. */
const SAMPLE_MS = 100;
/** An echo missing this long ends a ping-pong run, in ms (a lost chat message is retransmitted well within it). */
const RTT_STALL_MS = 5_000;
const RTT_BYTES = 100;
const MB = 1e6;

export const nowMs = (): number => performance.timeOrigin + performance.now();

/** VmHWM of this process from /proc/self/status, in MB; null off Linux. */
function vmHwmMB(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? (Number(m[1]) * 1024) / MB : null;
  } catch {
    return null;
  }
}

/** A deadline that also expires when told to stop. */
class StoppableDeadline extends Deadline {
  stopped = false;
  override expired(): boolean {
    return this.stopped || super.expired();
  }
}

interface Side {
  bus: Bus;
  transport: Transport;
  service: TransferService;
}

let side: Side | null = null;
let readyHwmMB: number | null = null;
let rssMax = 0;
let rttStop: StoppableDeadline | null = null;
const tracks = new Map<number, ProgressTrack>();
const lastState = new Map<number, TransferView['state']>();

function reply(m: XferReply): void {
  if (process.connected) process.send?.(m);
}

function sample(): void {
  rssMax = Math.max(rssMax, process.memoryUsage.rss());
  if (side === null) return;
  const t = nowMs();
  for (const v of side.service.views()) {
    if (v.state !== 'transferring' && v.state !== 'verifying' && v.state !== 'done') continue;
    let track = tracks.get(v.n);
    if (!track) tracks.set(v.n, (track = { n: v.n, name: v.name, size: v.size, points: [] }));
    const last = track.points.at(-1);
    if (last === undefined || last[1] < track.size) track.points.push([t, v.bytes]);
  }
}

async function open(m: XferOpen): Promise<void> {
  const port = await bindUdp(HOST, 0);
  const bus = new Bus();
  const transport = new Transport({
    bus,
    port,
    key: parseKey(m.key),
    nick: m.nick,
    wire: 'reliable',
    peer: m.peer,
    byeLingerMs: 0,
    ...(m.maxBulkDatagramBytes === undefined ? {} : { maxBulkDatagramBytes: m.maxBulkDatagramBytes }),
  });
  const service = new TransferService({
    bus,
    wire: 'reliable',
    stateFile: null,
    downloadDir: m.downloadDir,
    acceptDir: m.acceptDir,
    maxFileBytes: DEFAULT_TRANSFER_MAX_FILE_BYTES,
  });
  bus.on('peer:state', ({ state }) => state === 'online' && reply({ type: 'online' }));
  bus.on('transfer:update', (view) => {
    if (lastState.get(view.n) === view.state) return;
    lastState.set(view.n, view.state);
    sample();
    reply({ type: 'update', view, t: nowMs() });
  });
  bus.on('error', (e) => e.severity === 'warning' && reply({ type: 'line', text: e.message }));
  if (m.echo) bus.on('message:received', ({ text }) => bus.emit('send', { id: newMessageId(), text }));
  service.start();
  transport.start();
  side = { bus, transport, service };
  readyHwmMB = vmHwmMB();
  reply({ type: 'ready', port: port.address().port });
}

async function rtt(s: Side, m: { count: number; warmup: number; maxMs: number }): Promise<void> {
  rttStop = new StoppableDeadline(m.maxMs);
  const echoer: Echoer = {
    ping: (n) => s.bus.emit('send', { id: newMessageId(), text: messageText(n, RTT_BYTES) }),
    onPong: (h) => s.bus.on('message:received', ({ text }) => h(Number(/^#(\d+)/.exec(text)?.[1] ?? -1))),
  };
  const r = await pingPong(echoer, { count: m.count, warmup: m.warmup, deadline: rttStop, stallMs: RTT_STALL_MS });
  rttStop = null;
  reply({ type: 'rtt', samples: r.samples, stopped: r.stopped });
}

function report(s: Side): XferReport {
  sample();
  const st = s.transport.stats();
  return {
    type: 'report',
    hwmMB: vmHwmMB(),
    rssMaxMB: rssMax / MB,
    readyHwmMB,
    tracks: [...tracks.values()],
    pmtu: s.transport.bulkState().pmtu,
    datagramsIn: st.datagramsIn,
    datagramsOut: st.datagramsOut,
    retransmissions: st.retransmissions,
  };
}

function need(): Side {
  if (side === null) throw new Error('xfer-child: not open');
  return side;
}

async function handle(m: XferRequest): Promise<void> {
  switch (m.type) {
    case 'open':
      return open(m);
    case 'set-peer':
      return void need().bus.emit('set-peer', m.peer);
    case 'send':
      for (const p of m.paths) need().bus.emit('transfer:send', { path: p });
      return;
    case 'rtt':
      return rtt(need(), m);
    case 'rtt-stop':
      if (rttStop) rttStop.stopped = true;
      return;
    case 'report':
      return reply(report(need()));
    case 'close':
      clearInterval(sampler);
      if (side) {
        await side.service.close();
        await side.transport.close();
      }
      process.disconnect?.();
      setTimeout(() => process.exit(0), 200).unref();
      return;
  }
}

const sampler = setInterval(sample, SAMPLE_MS);
process.on('message', (m) => {
  handle(m as XferRequest).catch((err: unknown) => reply({ type: 'error', message: errorMessage(err) }));
});
// Orphaned (the figure was killed): leave rather than keep a socket and a half-written file.
process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
