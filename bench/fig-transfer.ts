/**
 * Figure 10: file transfer (issue #14). Each side of a transfer is a process
 * of its own (xfer-child.ts: socket, bus, transport, the transfer service;
 * the receiver accepts into a temp directory by itself), as two users' apps
 * are. Measured, in this order:
 *
 *   1. loopback (xfer-loopback.ts): a 256 MiB file with path MTU probing,
 *      then with bulk datagrams held at 1200 bytes, against the seed-style
 *      Python pair (xfer-anchor.ts) on the same file; twice, alternating.
 *   2. bottleneck: through the chaos proxy as a 10 MB/s link each way with a
 *      queue of one BDP (400 kB), 20 ms each way, 1 % loss each way: the chat
 *      round trip idle (the anchor), then a 48 MB file while the sender runs
 *      chat ping-pongs to the receiver (which echoes) the whole time; then
 *      two 32 MB files at once, each one's share of the bytes over the
 *      interval both were moving.
 *   3. memory: a 2 GiB file on loopback; the peak resident set (VmHWM) of
 *      each process, the larger one reported.
 *
 * Files are made in a temp directory (one random 1 MiB block repeated) and
 * removed at the end; a quick run uses sizes of a few MB.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChaosOptions } from '../src/testing/chaos-proxy.js';
import { errorMessage } from '../src/bus.js';
import { Deadline } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { percentile } from './stats.js';
import { fairShares } from './xfer-fair.js';
import { makeFile, verifyCopy, type BenchFile } from './xfer-files.js';
import { loopback } from './xfer-loopback.js';
import { openXferPair, transfer, type Received } from './xfer-pair.js';
import { MiB, OPEN_MS, failed, fixed, mb, mbs, oneTransfer } from './xfer-run.js';

const FULL = { loopback: 256 * MiB, loopbackReps: 2, bottleneck: 48 * MiB, fair: 32 * MiB, big: 2048 * MiB, idlePings: 50, smallWindowMs: 8_000 };
const QUICK = { loopback: 4 * MiB, loopbackReps: 1, bottleneck: 1 * MiB, fair: 1 * MiB, big: 8 * MiB, idlePings: 10, smallWindowMs: 1_000 };
/** The bottleneck of the issue: 10 MB/s, 40 ms round trip, 1 % loss, a queue of one BDP (10 MB/s × 40 ms). */
const BOTTLENECK: ChaosOptions = { loss: 0.01, duplicate: 0, reorder: 0, delayMs: 20, rateBytesPerS: 10e6, queueBytes: 400_000, seed: 14 };
const PING_WARMUP = 5;

type Plan = typeof FULL;

/**
 * The bottleneck's rate with bulk datagrams held at 1200 bytes, over a
 * window of the transfer (it may be too slow to finish in the bench's time):
 * on loopback the proxy carries whatever the path MTU search finds (64 KiB),
 * and 1 % loss per datagram is then far less loss per byte than on a real
 * path, whose datagrams are ~1200-1500 bytes. Told in the row's note.
 */
async function smallDatagrams(plan: Plan, dir: string, f: BenchFile): Promise<string> {
  const recvDir = path.join(dir, 'bottleneck-1200');
  mkdirSync(recvDir);
  const pair = await openXferPair({ dir: recvDir, chaos: BOTTLENECK, maxBulkDatagramBytes: 1200, timeoutMs: OPEN_MS });
  try {
    pair.sender.send({ type: 'send', paths: [f.path] });
    await pair.receiver.until(() => (pair.receiver.updates.some((u) => u.view.state === 'transferring') ? true : undefined), OPEN_MS, 'the transfer starting');
    await new Promise((r) => setTimeout(r, plan.smallWindowMs));
    const rep = await pair.receiver.report(OPEN_MS);
    const pts = rep.tracks[0]?.points ?? [];
    if (pts.length < 2) return 'with bulk datagrams held at 1200 B: no progress samples';
    const [t0, b0] = pts[0]!;
    const [t1, b1] = pts[pts.length - 1]!;
    return `with bulk datagrams held at 1200 B the same bottleneck gave ${mbs(b1 - b0, t1 - t0).toFixed(2)} MB/s (${mb(b1 - b0)} in the first ${((t1 - t0) / 1000).toFixed(1)} s)`;
  } finally {
    await pair.close();
    rmSync(recvDir, { recursive: true, force: true });
  }
}

async function bottleneck(ctx: FigureContext, plan: Plan, dir: string, total: Deadline): Promise<void> {
  const recvDir = path.join(dir, 'bottleneck');
  mkdirSync(recvDir);
  const f = await makeFile(dir, 'bottleneck.bin', plan.bottleneck);
  let small: string;
  try {
    small = await smallDatagrams(plan, dir, f);
  } catch (err) {
    small = `with bulk datagrams held at 1200 B: ${errorMessage(err)}`;
  }
  ctx.log(`transfer through the bottleneck: ${small}`);
  const fair = [await makeFile(dir, 'fair-a.bin', plan.fair), await makeFile(dir, 'fair-b.bin', plan.fair)];
  let pair: Awaited<ReturnType<typeof openXferPair>> | null = null;
  try {
    pair = await openXferPair({ dir: recvDir, chaos: BOTTLENECK, timeoutMs: OPEN_MS });
    const { sender } = pair;
    sender.send({ type: 'rtt', count: plan.idlePings, warmup: PING_WARMUP, maxMs: 20_000 });
    const idle = await sender.next('rtt', 25_000);
    const idleP90 = idle.samples.length > 0 ? percentile(idle.samples, 90) : null;
    ctx.log(`transfer: idle chat RTT through the proxy p90 ${fixed(idleP90)} ms (${idle.samples.length} round trips)`);
    // The ping-pong runs for as long as the transfer does; the transfer's time bounds it.
    const slot = total.remaining() * 0.5;
    sender.send({ type: 'rtt', count: 1_000_000, warmup: 0, maxMs: slot });
    let r: Received;
    try {
      [r] = (await transfer(pair, [f], slot)) as [Received];
    } finally {
      sender.send({ type: 'rtt-stop' });
    }
    const busy = await sender.next('rtt', 10_000);
    const pmtu = (await sender.report(OPEN_MS)).pmtu;
    if (r.view.state !== 'done') throw new Error(`the transfer ended ${r.view.state}: ${r.view.reason ?? ''}`);
    const wrong = await verifyCopy(f, r.view.path);
    if (wrong !== null) throw new Error(`the received copy is wrong: ${wrong}`);
    const rate = mbs(f.size, r.endT - r.startT);
    const st = pair.proxy!.stats.aToB;
    ctx.log(
      `transfer through the bottleneck: ${rate.toFixed(2)} MB/s, bulk datagrams ${pmtu} B; chat RTT p90 ${fixed(busy.samples.length ? percentile(busy.samples, 90) : null)} ms`,
    );
    ctx.report({
      id: 'xfer-bottleneck',
      value: rate,
      anchor: null,
      detail: `${mb(f.size)} in ${((r.endT - r.startT) / 1000).toFixed(1)} s, SHA-256 checked; bulk datagrams ${pmtu} B; proxy A→B: ${st.dropped} lost, ${st.queueDropped} queue drops of ${st.received}`,
      note: `the proxy runs on loopback, so the path MTU search settles on ${pmtu} B datagrams, and 1 % loss per datagram is far less per byte than on a real path; ${small}`,
    });
    const busyP90 = busy.samples.length > 0 ? percentile(busy.samples, 90) : null;
    ctx.report({
      id: 'xfer-chat-rtt',
      value: busyP90,
      anchor: idleP90,
      detail: `p50 ${fixed(busy.samples.length ? percentile(busy.samples, 50) : null)} ms, max ${fixed(busy.samples.length ? Math.max(...busy.samples) : null)} ms; ${busy.samples.length} round trips`,
      anchorDetail: `${idle.samples.length} round trips`,
      ...(busy.stopped === 'stall' ? { note: 'an echo did not come back within 5 s during the transfer' } : {}),
    });
  } catch (err) {
    for (const m of failed(['xfer-bottleneck', 'xfer-chat-rtt', 'xfer-fairness'], err)) ctx.report(m);
    await pair?.close();
    return;
  }
  try {
    const got = await transfer(pair, fair, total.remaining() * 0.4);
    for (const g of got) if (g.view.state !== 'done') throw new Error(`${g.name} ended ${g.view.state}: ${g.view.reason ?? ''}`);
    const rep = await pair.receiver.report(OPEN_MS);
    const tracks = fair.map((x) => rep.tracks.find((t) => t.name === path.basename(x.path)));
    if (tracks.some((t) => t === undefined)) throw new Error('the receiver has no progress record of one of the transfers');
    const s = fairShares(tracks[0]!.points, tracks[1]!.points, plan.fair);
    if (s === null) throw new Error('the two transfers never moved bytes at the same time');
    ctx.log(`transfer fairness: ${fixed(s.shareA * 100)} % / ${fixed(s.shareB * 100)} % over ${fixed(s.ms / 1000)} s`);
    ctx.report({
      id: 'xfer-fairness',
      value: 100 * Math.min(s.shareA, s.shareB),
      anchor: null,
      detail: `${fixed(s.shareA * 100)} % / ${fixed(s.shareB * 100)} % of ${mb(s.bytes)} over the ${fixed(s.ms / 1000)} s both moved; 2 × ${mb(plan.fair)}`,
    });
  } catch (err) {
    ctx.report(failed(['xfer-fairness'], err)[0]!);
  } finally {
    await pair.close();
  }
}

async function memory(ctx: FigureContext, plan: Plan, dir: string, total: Deadline): Promise<void> {
  const recvDir = path.join(dir, 'big');
  mkdirSync(recvDir);
  try {
    const f = await makeFile(dir, 'big.bin', plan.big);
    const { r, hwm, readyHwm } = await oneTransfer({ dir: recvDir, timeoutMs: OPEN_MS }, f, total.remaining() * 0.9);
    rmSync(f.path, { force: true });
    const [s, rcv] = hwm;
    ctx.log(`transfer ${mb(f.size)}: peak RSS sender ${fixed(s)} MB, receiver ${fixed(rcv)} MB`);
    ctx.report({
      id: 'xfer-rss-2g',
      value: Math.max(s, rcv),
      anchor: readyHwm,
      anchorDetail: 'the larger side, once its socket was open',
      detail: `sender ${fixed(s)} MB, receiver ${fixed(rcv)} MB (VmHWM); ${mb(f.size)} at ${mbs(f.size, r.endT - r.startT).toFixed(1)} MB/s, SHA-256 checked`,
    });
  } catch (err) {
    ctx.report(failed(['xfer-rss-2g'], err)[0]!);
  }
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fernchat-bench-xfer-'));
  // One clock: each stage gets a share of what is left, so a slow one cannot starve the rest.
  const total = new Deadline(ctx.budgetMs * 0.92);
  try {
    await loopback(ctx, plan.loopback, plan.loopbackReps, dir, total.sub(total.remaining() * 0.45));
    await bottleneck(ctx, plan, dir, total.sub(total.remaining() * 0.5));
    await memory(ctx, plan, dir, total);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
