/**
 * Input history that never loses typing: the unsent draft is kept while the
 * user browses older entries, and so are edits made to a recalled entry, until
 * the next submit. Oldest entries are dropped past `max`; a repeat of the
 * newest entry is stored once.
 *
 *   entries:  [ e0, e1, e2 ]  draft
 *   index:       0   1   2      3   ← up() moves left, down() right
 */

export class InputHistory {
  private readonly entries: string[] = [];
  /** The entry shown; entries.length = the draft. */
  private index = 0;
  private draft = '';
  private readonly edits = new Map<number, string>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 0) throw new TypeError(`InputHistory: max must be an integer >= 0, got ${max}`);
  }

  get length(): number {
    return this.entries.length;
  }

  /**
   * The text to show instead of `current` one entry older, or null at the
   * oldest. `current` (what the box holds now) is remembered for the way back.
   */
  up(current: string): string | null {
    if (this.index === 0) return null;
    this.leave(current);
    this.index -= 1;
    return this.shown();
  }

  /** One entry newer (after the newest: the draft), or null when already on the draft. */
  down(current: string): string | null {
    if (this.index >= this.entries.length) return null;
    this.leave(current);
    this.index += 1;
    return this.shown();
  }

  /** A sent text: stored as the newest entry; the draft and edits are forgotten. */
  push(text: string): void {
    if (this.max > 0 && this.entries[this.entries.length - 1] !== text) {
      this.entries.push(text);
      if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    }
    this.draft = '';
    this.edits.clear();
    this.index = this.entries.length;
  }

  private leave(current: string): void {
    if (this.index === this.entries.length) this.draft = current;
    else if (current !== this.entries[this.index]) this.edits.set(this.index, current);
    else this.edits.delete(this.index);
  }

  private shown(): string {
    if (this.index === this.entries.length) return this.draft;
    // index runs from 0 to entries.length, and entries.length (the draft) returned above.
    return this.edits.get(this.index) ?? this.entries[this.index]!;
  }
}
