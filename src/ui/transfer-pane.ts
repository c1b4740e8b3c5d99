/**
 * transfer:update facts → one line per transfer in the chat pane, rewritten
 * in place as the transfer moves (transfer-line.ts says what it reads), and
 * the TransferList the commands and the dashboard read.
 *
 * The line is found by a key in the pane's message-id index
 * (`transfer:<file id>`, which no bus message id can be: those start with
 * `m`), so an update costs O(1) whatever the scrollback holds, and re-formats
 * that one line only. A line that is gone (evicted, /clear) is added again
 * at the bottom by the next update.
 *
 * A new incoming offer is worth the user's attention as a mention is: it
 * rings the bell where the profile enables it, counts as unread while away
 * (with the "— unread —" marker before it) and shows in the title.
 */
import type { Bus, TransferView } from '../bus.js';
import type { Attention } from './attention.js';
import type { ChatPane } from './chat-pane.js';
import { runTransferCommand, type TransferCommand } from './transfer-commands.js';
import { transferLine } from './transfer-line.js';
import { TransferList } from './transfer-list.js';

export interface TransferPaneHooks {
  /** Something visible changed: render soon. */
  changed(): void;
  /** A new offer arrived: ring (where enabled) and retitle. */
  offered(): void;
}

/** The pane-index key of a transfer's line. */
export function transferLineKey(id: string): string {
  return `transfer:${id}`;
}

export class TransferPane {
  readonly list = new TransferList();
  private readonly off: () => void;

  constructor(
    private readonly o: { bus: Bus; wire: 'reliable' | 'raw'; pane: ChatPane; attention: Attention; home: string | null },
    private readonly hooks: TransferPaneHooks,
  ) {
    this.off = o.bus.on('transfer:update', (v) => this.update(v));
  }

  /** Runs /send, /accept, /decline, /cancel, /transfers. */
  command(c: TransferCommand): void {
    runTransferCommand(
      {
        bus: this.o.bus,
        wire: this.o.wire,
        transfers: this.list,
        say: (kind, text) => (kind === 'error' ? this.o.pane.error(text) : this.o.pane.system(text)),
      },
      c,
    );
    this.hooks.changed();
  }

  /** What a first quit says while transfers are not ended, or null when none is running. */
  quitWarning(): string | null {
    const n = this.list.active().length;
    if (n === 0) return null;
    return `${n} file transfer${n === 1 ? ' is' : 's are'} not finished: quit again to leave anyway (what arrived is kept, and the transfer resumes when both sides are back), or wait for ✓`;
  }

  dispose(): void {
    this.off();
  }

  private update(v: TransferView): void {
    const previous = this.list.apply(v);
    const { pane } = this.o;
    const { kind, text } = transferLine(v, this.o.home);
    const key = transferLineKey(v.id);
    const line = pane.buffer.findByMsgId(key);
    const newOffer = v.direction === 'in' && v.state === 'offered' && previous?.state !== 'offered';
    if (newOffer && this.o.attention.peerLine(true).marker) pane.add({ kind: 'marker', text: '— unread —' });
    if (line === undefined) pane.add({ kind, text, msgId: key });
    else if (line.text !== text || line.kind !== kind) pane.update(line.id, { kind, text });
    if (newOffer) this.hooks.offered();
    this.hooks.changed();
  }
}
