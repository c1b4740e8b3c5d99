import { ReassemblyError } from './errors.js';
import { MAX_DATA_PAYLOAD } from './frame.js';
import { MAX_ENCODED_MESSAGE_BYTES } from './message.js';

/**
 * Cutting a message body into fragments that each fit one data frame, and
 * gluing them back together.
 *
 * The reliable layer delivers fragments to the Reassembler in sequence order,
 * so reassembly is a plain append: no holes, no reordering buffer here. What
 * it must still guard against is a peer that authenticated but lies about
 * counts or sizes — that is a ReassemblyError (drop and count), never a crash
 * or an unbounded buffer.
 *
 * Memory held is bounded by what is kept, not only by payload bytes: a kept
 * fragment is copied (a view would keep its whole decrypted plaintext alive),
 * the fragment count is capped at what the largest message needs at the
 * sender's fragment size, and an empty fragment that is not the last is
 * refused (it carries nothing, and thousands of them would cost memory for
 * nothing).
 */

/** Most fragments the fragmenter makes of one message: the frag count is a u16. */
export const MAX_FRAGMENTS = 0xffff;

/** Most fragments a received message may announce: the largest message body cut at MAX_DATA_PAYLOAD. */
export const MAX_MESSAGE_FRAGMENTS = Math.ceil(MAX_ENCODED_MESSAGE_BYTES / MAX_DATA_PAYLOAD);

/** At least one fragment (an empty message is one empty fragment); views into `message`, not copies. */
export function fragment(message: Buffer, maxFragmentBytes: number): Buffer[] {
  if (!Buffer.isBuffer(message)) throw new TypeError('fragment: message must be a Buffer');
  if (!Number.isInteger(maxFragmentBytes) || maxFragmentBytes < 1) {
    throw new TypeError(`fragment: maxFragmentBytes must be a positive integer, got ${maxFragmentBytes}`);
  }
  const count = Math.max(1, Math.ceil(message.length / maxFragmentBytes));
  if (count > MAX_FRAGMENTS) {
    throw new TypeError(`fragment: ${message.length} bytes need ${count} fragments, more than ${MAX_FRAGMENTS}`);
  }
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    out.push(message.subarray(i * maxFragmentBytes, (i + 1) * maxFragmentBytes));
  }
  return out;
}

export interface ReassemblerOptions {
  /** Largest message accepted, in bytes; default MAX_ENCODED_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /** Most fragments a message may announce; default MAX_MESSAGE_FRAGMENTS. */
  maxFragments?: number;
}

export class Reassembler {
  private readonly maxBytes: number;
  private readonly maxFragments: number;
  private parts: Buffer[] = [];
  private count = 0;
  private bytes = 0;

  constructor(opts: ReassemblerOptions = {}) {
    const max = opts.maxMessageBytes ?? MAX_ENCODED_MESSAGE_BYTES;
    if (!Number.isInteger(max) || max < 0) throw new TypeError(`Reassembler: maxMessageBytes must be an integer >= 0, got ${max}`);
    this.maxBytes = max;
    const frags = opts.maxFragments ?? MAX_MESSAGE_FRAGMENTS;
    if (!Number.isInteger(frags) || frags < 1 || frags > MAX_FRAGMENTS) {
      throw new TypeError(`Reassembler: maxFragments must be an integer 1..${MAX_FRAGMENTS}, got ${frags}`);
    }
    this.maxFragments = frags;
  }

  /**
   * Add the next fragment. Returns the whole message on its last fragment,
   * else null. A single-fragment message is returned as given (nothing is
   * held); a fragment of a longer one is copied before it is kept. On ReassemblyError the partial message is discarded (and so is
   * the offending fragment): the next message starts at fragment 0.
   */
  push(fragIndex: number, fragCount: number, data: Buffer): Buffer | null {
    const problem = this.check(fragIndex, fragCount, data);
    if (problem) {
      this.reset();
      throw new ReassemblyError(problem);
    }
    if (fragCount === 1) return data;
    this.parts.push(Buffer.from(data));
    this.count = fragCount;
    this.bytes += data.length;
    if (this.parts.length < fragCount) return null;
    const whole = Buffer.concat(this.parts, this.bytes);
    this.reset();
    return whole;
  }

  reset(): void {
    this.parts = [];
    this.count = 0;
    this.bytes = 0;
  }

  /** Bytes held for the message in progress. */
  get partialBytes(): number {
    return this.bytes;
  }

  private check(fragIndex: number, fragCount: number, data: Buffer): string | null {
    if (!Number.isInteger(fragCount) || fragCount < 1 || fragCount > this.maxFragments) return `bad fragment count ${fragCount} (1..${this.maxFragments})`;
    const expected = this.parts.length;
    if (fragIndex !== expected) return `fragment ${fragIndex} arrived where ${expected} was expected`;
    if (expected > 0 && fragCount !== this.count) return `fragment count changed from ${this.count} to ${fragCount} mid-message`;
    if (data.length === 0 && fragIndex < fragCount - 1) return `empty fragment ${fragIndex} of ${fragCount}`;
    if (this.bytes + data.length > this.maxBytes) return `message exceeds ${this.maxBytes} bytes`;
    return null;
  }
}
