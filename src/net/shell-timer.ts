/**
 * The one timer of a shell (mesh.ts), for the earliest deadline of its
 * endpoint. Activity comes once per message while the deadlines mostly move
 * later (each frame sent postpones the ack, each ack the retransmissions):
 * an armed timer that fires no later than needed is kept, and when it fires
 * early tick() finds nothing due and re-arms. Only an earlier deadline
 * replaces it.
 */
export class ShellTimer {
  private timer: NodeJS.Timeout | null = null;
  /** When `timer` fires, on the clock. */
  private at = 0;

  constructor(private readonly fire: () => void) {}

  /** Fire at `deadline` (absolute ms on the clock that says `now`), or never (null). */
  arm(deadline: number | null, now: number): void {
    if (deadline === null) return this.clear();
    // At least 1 ms, so a deadline that tick() failed to clear cannot spin the loop.
    const fireAt = Math.max(now + 1, deadline);
    if (this.timer !== null) {
      if (this.at <= fireAt) return;
      clearTimeout(this.timer);
    }
    this.at = fireAt;
    this.timer = setTimeout(this.expired, fireAt - now);
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly expired = (): void => {
    this.timer = null;
    this.fire();
  };
}
