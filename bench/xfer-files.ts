/**
 * Files for figure 10: made cheaply (one random 1 MiB block written over and
 * over, so a 2 GiB file costs a write, not 2 GiB of randomness; Fernet and
 * the transfer see no difference) with their SHA-256 computed as they are
 * written, and the received file's SHA-256 checked against it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const BLOCK_BYTES = 1024 * 1024;

export interface BenchFile {
  path: string;
  size: number;
  sha256: string;
}

/** A file of `size` bytes in `dir`; its own random block, so two files never share a SHA-256. */
export async function makeFile(dir: string, name: string, size: number): Promise<BenchFile> {
  const file = path.join(dir, name);
  const block = randomBytes(BLOCK_BYTES);
  const hash = createHash('sha256');
  const fh = await fs.open(file, 'w');
  try {
    for (let done = 0; done < size;) {
      const n = Math.min(BLOCK_BYTES, size - done);
      const piece = n === BLOCK_BYTES ? block : block.subarray(0, n);
      await fh.write(piece);
      hash.update(piece);
      done += n;
    }
  } finally {
    await fh.close();
  }
  return { path: file, size, sha256: hash.digest('hex') };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: BLOCK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Null when the file at `received` is `f` byte for byte (size and SHA-256), else what differs. */
export async function verifyCopy(f: BenchFile, received: string): Promise<string | null> {
  let size: number;
  try {
    size = (await fs.stat(received)).size;
  } catch {
    return `no file at ${received}`;
  }
  if (size !== f.size) return `received ${size} of ${f.size} bytes`;
  const got = await sha256File(received);
  return got === f.sha256 ? null : `SHA-256 differs (${got.slice(0, 12)} ≠ ${f.sha256.slice(0, 12)})`;
}
