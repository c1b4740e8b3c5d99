/**
 * Figure 10's anchor: the original app's way to move a file, in Python
 * (bench/python/file_send.py → file_recv.py): one Fernet token per datagram
 * of at most 1200 bytes, sent as fast as the sender can, no acks, no
 * retransmission. Its rate is what the receiver got per second (first to
 * last datagram); what it lost is what it sent minus what it got (and
 * the sender may stop at its time limit before the end of the file: unsent).
 */
import path from 'node:path';
import { encodeKey, generateKey, parseKey } from '../src/crypto/keys.js';
import { startPython } from './python.js';
import type { BenchFile } from './xfer-files.js';

export interface AnchorResult {
  /** What the receiver wrote, per second, in MB/s (1e6 bytes). */
  rateMBs: number;
  receivedBytes: number;
  /** Sent and never received. */
  lostBytes: number;
  sentBytes: number;
  /** Never sent: the sender stopped at its time limit. */
  unsentBytes: number;
  seconds: number;
}

interface RecvReport {
  received_bytes: number;
  bad: number;
  seconds: number;
}

/** Sends `f` once from file_send.py to file_recv.py (which writes into `dir`), within `budgetMs`. */
export async function pythonFileAnchor(f: BenchFile, dir: string, budgetMs: number): Promise<AnchorResult> {
  const key = encodeKey(parseKey(generateKey()));
  const maxS = budgetMs / 1000;
  const recv = startPython('file_recv.py', { key, path: path.join(dir, 'anchor.bin'), size: f.size, idle_s: 1.0, max_s: maxS }, budgetMs + 3_000);
  try {
    const { port } = (await recv.nextLine()) as { port: number };
    const send = startPython('file_send.py', { key, port, path: f.path, max_s: maxS }, budgetMs + 3_000);
    const [got, sent] = await Promise.all([recv.nextLine() as Promise<RecvReport>, send.nextLine() as Promise<{ sent_bytes: number }>]);
    await send.done;
    if (!(got.seconds > 0) || got.received_bytes <= 0) throw new Error(`its receiver got ${got.received_bytes} bytes`);
    return {
      rateMBs: got.received_bytes / got.seconds / 1e6,
      receivedBytes: got.received_bytes,
      lostBytes: sent.sent_bytes - got.received_bytes,
      sentBytes: sent.sent_bytes,
      unsentBytes: f.size - sent.sent_bytes,
      seconds: got.seconds,
    };
  } finally {
    recv.kill();
  }
}
