/**
 * Reads an invite code's binary payload field by field (invite.ts, fc1;
 * room-invite.ts, fc2): fixed-size fields and length-prefixed UTF-8 text,
 * each named, so a short or odd payload fails with what was wrong.
 */
export class PayloadReader {
  private off = 0;

  constructor(
    private readonly p: Buffer,
    /** The error for a damaged payload, given what is wrong with it. */
    private readonly bad: (what: string) => Error,
  ) {}

  /** The next `n` bytes (a view, not a copy). */
  take(n: number, what: string): Buffer {
    if (this.off + n > this.p.length) throw this.bad(`${what} is cut short`);
    const b = this.p.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }

  /** One length byte, then that many bytes of UTF-8 (anything else is refused, not replaced). */
  text(what: string): string {
    const b = this.take(this.take(1, `${what} length`).readUInt8(0), what);
    const s = b.toString('utf8');
    if (!Buffer.from(s, 'utf8').equals(b)) throw this.bad(`its ${what} is not UTF-8`);
    return s;
  }

  /** Nothing may follow the last field (`last` names it). */
  end(last: string): void {
    if (this.off !== this.p.length) throw this.bad(`extra bytes after the ${last}`);
  }
}
