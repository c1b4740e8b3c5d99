/**
 * Figure 11's memory child (run with --expose-gc by fig-room.ts): a room of
 * N real room sessions in this process on 127.0.0.1. Two points go to the
 * parent over IPC, each after a full GC: the room idle in its full mesh, then
 * after each member sent BURST lines and every member showed them all.
 *
 *   node --expose-gc --import tsx bench/room-child.ts N BURST
 */
import { burst, fullMesh, openRoom, waitFor } from './room-sessions.js';

export interface RoomPoint {
  members: number;
  /** Lines each member sent before this point (0: the idle mesh). */
  sent: number;
  rssMB: number;
  heapUsedMB: number;
  /** null when the room formed and every line was shown; else why not. */
  problem: string | null;
}

const STEP_MS = 30_000;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

function report(point: RoomPoint): void {
  if (process.send) process.send(point);
  else process.stdout.write(`${JSON.stringify(point)}\n`);
}

async function main(): Promise<void> {
  const [n, count] = process.argv.slice(2).map(Number);
  if (!(Number.isInteger(n) && n! >= 1 && Number.isInteger(count) && count! >= 0)) throw new TypeError('usage: room-child.ts N BURST');
  const room = await openRoom(n!);
  const point = (sent: number, problem: string | null): void => {
    collect();
    const mem = process.memoryUsage();
    report({ members: n!, sent, rssMB: mem.rss / 1e6, heapUsedMB: mem.heapUsed / 1e6, problem });
  };
  // Acks and the last stats land before memory is read: nothing in flight.
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 500));
  try {
    if (!(await waitFor(() => fullMesh(room.members), STEP_MS, 20))) return point(0, `no full mesh of ${n} within ${STEP_MS} ms`);
    await settle();
    point(0, null);
    if (count === 0) return;
    for (const m of room.members) for (const text of burst(m, count!)) m.session.input({ kind: 'send', text });
    const want = (n! - 1) * count!;
    const shown = await waitFor(() => room.members.every((m) => m.shown >= want), STEP_MS, 20);
    await settle();
    point(count!, shown ? null : `not every line shown within ${STEP_MS} ms`);
  } finally {
    await room.close();
  }
}

const orphaned = (): never => process.exit(1);
process.on('disconnect', orphaned);
await main();
process.off('disconnect', orphaned);
process.disconnect?.();
setTimeout(() => process.exit(), 200).unref();
