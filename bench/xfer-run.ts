/**
 * What figure 10's stages share: formatting, the rows of a failed stage, and
 * one file sent from a fresh pair of processes to the other and checked.
 */
import { rmSync } from 'node:fs';
import { errorMessage } from '../src/bus.js';
import { BenchTimeoutError } from './budget.js';
import type { Measurement } from './rows.js';
import { verifyCopy, type BenchFile } from './xfer-files.js';
import { openXferPair, transfer, type PairOptions, type Received } from './xfer-pair.js';

export const MiB = 1024 * 1024;
/** Opening a pair, a report: each bounded by this, in ms. */
export const OPEN_MS = 10_000;

export const mbs = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);
/** Sizes in MiB (the files are made in MiB), rates in MB/s (1e6 bytes). */
export const mb = (bytes: number): string => `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;
export const fixed = (x: number | null | undefined, d = 1): string => (x === null || x === undefined ? '?' : x.toFixed(d));

/** The rows a failed stage could not measure: TIMEOUT when it ran out of time, else ERROR, with the reason. */
export function failed(ids: string[], err: unknown): Measurement[] {
  const status = err instanceof BenchTimeoutError ? ('TIMEOUT' as const) : ('ERROR' as const);
  return ids.map((id) => ({ id, value: null, anchor: null, status, note: errorMessage(err) }));
}

/** One file from a fresh pair of processes to the other; checked byte for byte. */
export async function oneTransfer(
  o: PairOptions,
  f: BenchFile,
  ms: number,
): Promise<{ r: Received; pmtu: number; hwm: [number, number]; readyHwm: number | null }> {
  const pair = await openXferPair(o);
  try {
    const [r] = await transfer(pair, [f], ms);
    if (r!.view.state !== 'done') throw new Error(`the transfer ended ${r!.view.state}: ${r!.view.reason ?? ''}`);
    const [s, rcv] = await Promise.all([pair.sender.report(OPEN_MS), pair.receiver.report(OPEN_MS)]);
    const wrong = await verifyCopy(f, r!.view.path);
    if (wrong !== null) throw new Error(`the received copy is wrong: ${wrong}`);
    rmSync(r!.view.path, { force: true });
    const ready = [s.readyHwmMB, rcv.readyHwmMB].filter((x): x is number => x !== null);
    return { r: r!, pmtu: s.pmtu, hwm: [s.hwmMB ?? s.rssMaxMB, rcv.hwmMB ?? rcv.rssMaxMB], readyHwm: ready.length > 0 ? Math.max(...ready) : null };
  } finally {
    await pair.close();
  }
}
