/**
 * Attention: whether the user sees the chat, and what to tell them when they
 * do not. Pure; bus-view.ts feeds it peer lines, app.ts focus events and
 * keys, and both read what to do (a marker line, the bell, the title).
 *
 *            focus out (CSI O)
 *   present ───────────────────▶ away ── peer line: unread + 1 (the first
 *      ▲                          │       one is preceded by "— unread —")
 *      └──────────────────────────┘
 *            focus in (CSI I): unread back to 0
 *
 * A terminal that never reports focus never leaves `present`. Mentions of
 * our nick are remembered until the user is seen again (a key, focus in).
 * The title shows what is waiting: `(3) fernchat`, `(3, mentioned) fernchat`.
 */

export type Presence = 'present' | 'away';

export interface PeerLineAdvice {
  /** Put the "— unread —" marker before this line: the first to arrive while away. */
  marker: boolean;
  /** Worth the bell (where the profile enables it): a mention, or a line while away. */
  bell: boolean;
}

export class Attention {
  private state: Presence = 'present';
  private unreadCount = 0;
  private mentioned = false;

  get presence(): Presence {
    return this.state;
  }

  /** Peer lines that arrived while away. */
  get unread(): number {
    return this.unreadCount;
  }

  /** A mention arrived and the user has not been seen since. */
  get mentionPending(): boolean {
    return this.mentioned;
  }

  /** The terminal lost focus. Repeated reports change nothing. */
  focusOut(): void {
    if (this.state === 'away') return;
    this.state = 'away';
    this.unreadCount = 0;
  }

  /** The terminal has focus again; returns how many lines arrived meanwhile. */
  focusIn(): number {
    const unread = this.state === 'away' ? this.unreadCount : 0;
    this.state = 'present';
    this.unreadCount = 0;
    this.mentioned = false;
    return unread;
  }

  /** The user did something (a key): mentions are seen. Away stays away until focus returns. */
  seen(): void {
    if (this.state === 'present') this.mentioned = false;
  }

  /** A line from the peer (message or action) arrived; `mention`: it names our nick. */
  peerLine(mention: boolean): PeerLineAdvice {
    if (mention) this.mentioned = true;
    if (this.state === 'present') return { marker: false, bell: mention };
    this.unreadCount += 1;
    return { marker: this.unreadCount === 1, bell: true };
  }

  /**
   * The window title: `base`, after what waits — lines unread while away, or
   * else `scrolledUnseen` (new lines while scrolled up) — and a pending mention.
   */
  title(base: string, scrolledUnseen: number): string {
    const count = this.state === 'away' ? this.unreadCount : scrolledUnseen;
    const parts = [...(count > 0 ? [String(count)] : []), ...(this.mentioned ? ['mentioned'] : [])];
    return parts.length === 0 ? base : `(${parts.join(', ')}) ${base}`;
  }
}
