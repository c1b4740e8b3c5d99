/**
 * The bell and the window title, as attention.ts decides them, written to
 * the terminal where the profile enables them (ui.bell, ui.title). app.ts
 * calls in on keys, scrolls, focus reports and the peer lines bus-view.ts
 * flags; the title is written only when it changes, so keys cost nothing.
 */
import type { Attention } from './attention.js';

export interface AlertsOptions {
  bell: boolean;
  title: boolean;
  /** The title without counts ('fernchat', 'fernchat demo'). */
  base: string;
  attention: Attention;
  /** New lines while the pane is scrolled up, 0 at the bottom. */
  scrolledUnseen: () => number;
  screen: { bell(): void; setTitle(title: string): void };
}

export class Alerts {
  /** The title last written; the screen wrote `base` at start. */
  private shown: string;

  constructor(private readonly o: AlertsOptions) {
    this.shown = o.base;
  }

  /** A key or a scroll: the user is here, a mention is seen; back at the bottom the count goes. */
  seen(): void {
    this.o.attention.seen();
    this.updateTitle();
  }

  /** A peer line worth telling about (bus-view.ts): ring if `bell`, and retitle. */
  peerLine(bell: boolean): void {
    if (this.o.bell && bell) this.o.screen.bell();
    this.updateTitle();
  }

  /** The terminal reported focus (mode 1004): away while out; back in, the count clears. */
  focus(focused: boolean): void {
    if (focused) this.o.attention.focusIn();
    else this.o.attention.focusOut();
    this.updateTitle();
  }

  private updateTitle(): void {
    if (!this.o.title) return;
    const title = this.o.attention.title(this.o.base, this.o.scrolledUnseen());
    if (title === this.shown) return;
    this.shown = title;
    this.o.screen.setTitle(title);
  }
}
