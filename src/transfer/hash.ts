/**
 * SHA-256 of files and prefixes, read in pieces (a 2 GiB file is never in
 * memory), and the file id both sides name a transfer by.
 */
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { TRANSFER_READ_CHUNK_BYTES } from '../constants.js';

/** The SHA-256 of nothing: the prefix of a transfer that starts at 0. */
export const EMPTY_SHA256 = createHash('sha256').digest('hex');

/**
 * The file id: the same for the same file (content, size and name) on both
 * sides and across restarts, so a re-offer finds the transfer it continues,
 * and sending a file again after a failure resumes it.
 */
export function fileId(sha256: string, size: number, name: string): string {
  return createHash('sha256').update(`fernchat-file-id\0${sha256}\0${size}\0${name}`).digest('hex').slice(0, 32);
}

/** Feeds bytes [0, end) of an open file into `hash` (a new one by default); throws if the file is shorter. */
export async function hashPrefix(fh: FileHandle, end: number, hash: Hash = createHash('sha256')): Promise<Hash> {
  const buf = Buffer.allocUnsafe(Math.min(TRANSFER_READ_CHUNK_BYTES * 4, Math.max(end, 1)));
  let at = 0;
  while (at < end) {
    const want = Math.min(buf.length, end - at);
    const { bytesRead } = await fh.read(buf, 0, want, at);
    if (bytesRead === 0) throw new ShortFileError(at, end);
    hash.update(buf.subarray(0, bytesRead));
    at += bytesRead;
  }
  return hash;
}

/** The file ended before the bytes it should hold (it shrank). */
export class ShortFileError extends Error {
  constructor(
    readonly at: number,
    readonly expected: number,
  ) {
    super(`the file ends at byte ${at}, expected ${expected}`);
  }
}
