/**
 * The history file as the chat shows it: the newest records of earlier
 * sessions, dimmed, above a "— history —" marker, and what /history says.
 */
import { isRawPeerAddress, peerNickShown } from '../text/nick.js';
import type { ChatPane } from './chat-pane.js';
import type { TuiContext } from './context.js';

export const HISTORY_MARKER = '— history —';

/** Puts the restored records and any reading problem in the pane; the marker only under records. */
export function showHistory(pane: ChatPane, ctx: Pick<TuiContext, 'history' | 'opts'>): void {
  const h = ctx.history;
  if (h === undefined) return;
  const own = ctx.opts.nick;
  for (const r of h.restored) {
    // The sender as it was then; a peer's nick by today's rules (it must not read as ours).
    const nick = r.dir === 'out' || isRawPeerAddress(r.from) ? r.from : peerNickShown(r.from, own);
    const line = { kind: r.dir === 'out' ? ('own' as const) : ('message' as const), nick, text: r.text, time: r.t, history: true };
    pane.add(r.kind === 'action' ? { ...line, action: true } : line);
  }
  for (const note of h.notes) pane.error(note);
  if (h.restored.length > 0) pane.add({ kind: 'marker', text: HISTORY_MARKER, history: true });
}

/** What /history [on|off] says; a chat without a history keeper says why. */
export function historyCommand(ctx: Pick<TuiContext, 'history' | 'opts'>, arg: 'on' | 'off' | null): string {
  if (ctx.history !== undefined) return ctx.history.command(arg);
  const name = ctx.opts.profileName;
  if (name === null) return 'history is not kept: this chat was not started from a profile (--profile NAME, with history on)';
  return `history is not kept: profile ${name} has it off (turn it on with: fernchat profile set ${name} --history on)`;
}
