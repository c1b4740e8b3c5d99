/**
 * Figure 2: loopback round-trip latency, p50 and p99 of sequential
 * ping-pongs of 100 B messages — raw node:dgram with no crypto (two sockets,
 * the floor the machine allows) against the full fernchat reliable stack
 * (two sessions on real sockets: bus → transport → Fernet → UDP → Fernet →
 * transport → bus, and the echo back the same way, acks piggybacked).
 * Both run in this one process, so both pay for both ends. Runs alternate
 * (raw, fernchat, raw, …) and the medians of the runs' p50 and p99 are
 * reported, so load from elsewhere hits both alike.
 */
import dgram from 'node:dgram';
import { newMessageId } from '../src/bus.js';
import { Deadline } from './budget.js';
import type { FigureContext } from './figure-api.js';
import { pingPong, type Echoer, type PingPongResult } from './ping-pong.js';
import { HOST, messageText, openPair, type SessionPair } from './sessions.js';
import { median, summarize } from './stats.js';

const BYTES = 100;
const FULL = { count: 20_000, warmup: 500, reps: 3 };
const QUICK = { count: 50, warmup: 10, reps: 1 };
/** A reply missing this long ends the run (reported, never hung on), in ms. */
const STALL_MS = 3_000;

async function rawDgram(count: number, warmup: number, deadline: Deadline): Promise<PingPongResult> {
  const a = dgram.createSocket('udp4');
  const b = dgram.createSocket('udp4');
  try {
    await Promise.all([new Promise<void>((r) => a.bind(0, HOST, r)), new Promise<void>((r) => b.bind(0, HOST, r))]);
    const aPort = a.address().port;
    const bPort = b.address().port;
    b.on('message', (msg) => b.send(msg, aPort, HOST));
    const payloads = new Map<number, Buffer>();
    const echoer: Echoer = {
      ping: (n) => {
        const buf = Buffer.from(messageText(n, BYTES));
        payloads.set(n, buf);
        a.send(buf, bPort, HOST);
      },
      onPong: (h) => {
        const listener = (msg: Buffer): void => h(Number(/^#(\d+)/.exec(msg.toString('latin1'))?.[1] ?? -1));
        a.on('message', listener);
        return () => a.off('message', listener);
      },
    };
    return await pingPong(echoer, { count, warmup, deadline, stallMs: STALL_MS });
  } finally {
    a.close();
    b.close();
  }
}

async function fernchat(pair: SessionPair, count: number, warmup: number, deadline: Deadline): Promise<PingPongResult> {
  const { a, b } = pair;
  const offEcho = b.bus.on('message:received', ({ text }) => b.bus.emit('send', { id: newMessageId(), text }));
  const echoer: Echoer = {
    ping: (n) => a.bus.emit('send', { id: newMessageId(), text: messageText(n, BYTES) }),
    onPong: (h) => a.bus.on('message:received', ({ text }) => h(Number(/^#(\d+)/.exec(text)?.[1] ?? -1))),
  };
  try {
    return await pingPong(echoer, { count, warmup, deadline, stallMs: STALL_MS });
  } finally {
    offEcho();
  }
}

function ended(r: PingPongResult, count: number): string | undefined {
  if (r.stopped === null) return undefined;
  return `${r.stopped === 'stall' ? `a reply did not come within ${STALL_MS} ms` : 'stopped at the time budget'} after ${r.samples.length} of ${count} round trips`;
}

interface Runs {
  p50: number[];
  p99: number[];
  count: number;
  notes: string[];
}

function record(runs: Runs, r: PingPongResult, count: number, who: string): void {
  if (r.samples.length > 0) {
    const s = summarize(r.samples);
    runs.p50.push(s.p50 * 1000);
    runs.p99.push(s.p99 * 1000);
    runs.count += s.count;
  }
  const why = ended(r, count);
  if (why) runs.notes.push(`${who}: ${why}`);
}

export async function run(ctx: FigureContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const raw: Runs = { p50: [], p99: [], count: 0, notes: [] };
  const stack: Runs = { p50: [], p99: [], count: 0, notes: [] };
  const total = new Deadline(ctx.budgetMs * 0.9);
  const pair = await openPair(10_000);
  try {
    for (let rep = 0; rep < plan.reps; rep++) {
      // Each repetition gets its share of what is left (a slow first one cannot eat the others' time), and
      // within it raw dgram a quarter, fernchat the rest: one clock, so neither side's time runs out while
      // the other is measured.
      const slotMs = total.remaining() / (plan.reps - rep);
      record(raw, await rawDgram(plan.count, plan.warmup, total.sub(slotMs * 0.25)), plan.count, 'raw');
      record(stack, await fernchat(pair, plan.count, plan.warmup, total.sub(slotMs * 0.75)), plan.count, 'fernchat');
      ctx.log(
        `rtt run ${rep + 1}: raw dgram p50 ${raw.p50.at(-1)?.toFixed(0)} µs p99 ${raw.p99.at(-1)?.toFixed(0)} µs; fernchat p50 ${stack.p50.at(-1)?.toFixed(0)} µs p99 ${stack.p99.at(-1)?.toFixed(0)} µs`,
      );
    }
  } finally {
    await pair.close();
  }
  const notes = [...stack.notes, ...raw.notes].join('; ');
  const timedOut = stack.p50.length === 0 || raw.p50.length === 0;
  const detail = `${stack.p50.length} × ${plan.count.toLocaleString('en-US')} round trips, each run after ${plan.warmup.toLocaleString('en-US')} unmeasured (both sides)`;
  for (const [id, v, anchor] of [
    ['rtt-p50', stack.p50, raw.p50],
    ['rtt-p99', stack.p99, raw.p99],
  ] as const) {
    ctx.report({
      id,
      value: v.length > 0 ? median(v) : null,
      anchor: anchor.length > 0 ? median(anchor) : null,
      detail,
      ...(notes ? { note: notes } : {}),
      ...(timedOut ? { status: 'TIMEOUT' as const } : {}),
    });
  }
}
