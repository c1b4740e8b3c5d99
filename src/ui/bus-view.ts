/**
 * Bus facts → what the screen shows: chat lines in the pane and the status
 * bar's state. The UI's half of the bus contract lives here; app.ts handles
 * keys and commands and calls in for the requests it makes.
 *
 * Own messages: the line is added as `pending` when the user sends (before
 * the bus request, so even a synchronous failure finds it), then follows
 * message:sent / delivered / failed by bus message id. The pending count in
 * the status bar is the set of ids not yet delivered or failed.
 */
import type { LinkState, MessageKind } from '../bus.js';
import { MENTION_SCAN_CHARS } from '../constants.js';
import { errorMessage } from '../bus.js';
import { parseHostPort } from '../address/parse.js';
import { formatAddress } from '../address/address.js';
import { mentions } from '../text/mention.js';
import { isRawPeerAddress, peerNickShown, remoteNick } from '../text/nick.js';
import { sanitizeText } from '../text/sanitize.js';
import { Attention } from './attention.js';
import type { TuiContext } from './context.js';
import type { ChatPane } from './chat-pane.js';
import type { StatusState } from './status-bar.js';

export interface BusViewHooks {
  /** Something visible changed: render soon. */
  changed(): void;
  /**
   * A peer line worth telling about (bell / title): it arrived while the pane
   * is scrolled up (`unseen` new lines) or while away, or it mentions us
   * (`bell`: ring, where the profile enables it; the title is attention's).
   */
  notify(unseen: number, alert?: { bell: boolean }): void;
}

export class BusView {
  private nick: string;
  private peer: string | null;
  private peerNick: string | null = null;
  private fp: string;
  private rotatingNow = false;
  private link: LinkState = 'connecting';
  private rttMs: number | null = null;
  private readonly pending = new Set<string>();
  private readonly offs: Array<() => void> = [];
  /** Focus, unread lines and mentions (app.ts reports focus and keys to it). */
  readonly attention = new Attention();

  constructor(
    private readonly ctx: Pick<TuiContext, 'bus' | 'opts' | 'listen' | 'fingerprint' | 'peer' | 'title' | 'saveAs'>,
    private readonly pane: ChatPane,
    private readonly hooks: BusViewHooks,
  ) {
    this.nick = ctx.opts.nick;
    this.peer = ctx.peer ? formatAddress(ctx.peer) : null;
    this.fp = ctx.fingerprint;
    this.subscribe();
  }

  get rotating(): boolean {
    return this.rotatingNow;
  }

  get fingerprint(): string {
    return this.fp;
  }

  statusState(): StatusState {
    return {
      nick: this.nick,
      listen: formatAddress(this.ctx.listen),
      peer: this.peer,
      peerNick: this.peerNickShown(),
      fingerprint: this.fp,
      rotating: this.rotatingNow,
      link: this.link,
      rttMs: this.rttMs,
      wire: this.ctx.opts.wire,
      pending: this.pending.size,
    };
  }

  /** The peer's nick as shown (peerNickShown: the local nick rules, a suffix if it reads as ours), or null. */
  private peerNickShown(): string | null {
    return this.peerNick === null ? null : peerNickShown(this.peerNick, this.nick);
  }

  /** The peer's nick for Tab completion (as it names itself, by the local nick rules), or null before it is known. */
  completionNick(): string | null {
    return this.peerNick === null ? null : remoteNick(this.peerNick);
  }

  /** A message's sender as shown: a raw peer's address as it is, a nick by the local nick rules. */
  private shownNick(from: string): string {
    return isRawPeerAddress(from) ? from : peerNickShown(from, this.nick);
  }

  greet(): void {
    const { title } = this.ctx;
    this.pane.system(`${title ?? 'fernchat'}: you are ${this.nick}, listening on ${formatAddress(this.ctx.listen)} (${this.ctx.opts.wire} wire)`);
    this.pane.system(this.peer ? `talking to ${this.peer}` : 'waiting for the peer: its first datagram with our key tells us its address');
    const rotate = this.ctx.opts.wire === 'raw' ? '' : ' · Ctrl-K rotate the key';
    this.pane.system(`key fingerprint ${this.fp} · F1 help${rotate} · Ctrl-C quit`);
  }

  /** The user sends `text` (a message or an action) as bus message `id`. */
  sending(id: string, text: string, kind: MessageKind = 'message'): void {
    this.pane.add({ kind: 'own', nick: this.nick, text, delivery: 'pending', msgId: id, ...action(kind) });
    this.pending.add(id);
  }

  nickChanged(nick: string): void {
    this.nick = nick;
    this.pane.system(`you are now known as ${nick}`);
  }

  /** /save-profile NAME, /save-key FILE: keep the key in use (with the current nick and peer, for a profile). */
  saveAs(req: { kind: 'profile'; name: string } | { kind: 'key-file'; file: string }): void {
    if (!this.ctx.saveAs) {
      this.pane.error('nothing to save: this chat keeps no keys (the demo)');
      return;
    }
    const parsed = this.peer === null ? null : parseHostPort(this.peer);
    const peer = parsed === null || 'error' in parsed ? null : parsed;
    try {
      this.pane.system(this.ctx.saveAs(req.kind === 'profile' ? { ...req, nick: this.nick, peer } : req));
    } catch (err) {
      this.pane.error(`could not save: ${errorMessage(err)}`);
    }
  }

  /** /save: the current nick and peer back to the profile. */
  save(): void {
    const save = this.ctx.opts.saveSession;
    if (!save) {
      this.pane.error('nothing to save to: this chat was not started from a profile (start it with --profile NAME)');
      return;
    }
    const parsed = this.peer === null ? null : parseHostPort(this.peer);
    const peer = parsed === null || 'error' in parsed ? null : parsed;
    try {
      save({ nick: this.nick, peer });
      const where = this.ctx.opts.profileName === null ? 'the default profile' : `profile ${this.ctx.opts.profileName}`;
      this.pane.system(`saved nick ${this.nick}${peer ? ` and peer ${this.peer}` : ''} to ${where}`);
    } catch (err) {
      this.pane.error(`could not save: ${errorMessage(err)}`);
    }
  }

  closing(): void {
    this.pane.system('closing…');
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private subscribe(): void {
    const { bus } = this.ctx;
    const on = this.offs.push.bind(this.offs);
    const changed = (): void => this.hooks.changed();

    on(
      bus.on('message:received', ({ from, text, time, kind }) => {
        // A prefix is enough to ring for (a 4 MiB message is not sanitized whole here).
        const mention = mentions(sanitizeText(text.slice(0, MENTION_SCAN_CHARS)), this.nick);
        const advice = this.attention.peerLine(mention);
        if (advice.marker) this.pane.add({ kind: 'marker', text: '— unread —', time });
        this.pane.add({ kind: 'message', nick: this.shownNick(from), text, time, ...action(kind), ...(mention ? { mention: this.nick } : {}) });
        if (!this.pane.atBottom || advice.bell) this.hooks.notify(this.pane.buffer.newWhileScrolled, { bell: advice.bell || !this.pane.atBottom });
        changed();
      }),
    );
    on(
      bus.on('message:sent', ({ id, text, time, kind }) => {
        const line = this.pane.buffer.findByMsgId(id);
        const raw = this.ctx.opts.wire === 'raw';
        if (line === undefined) {
          this.pane.add({ kind: 'own', nick: this.nick, text, time, delivery: raw ? 'raw' : 'pending', msgId: id, ...action(kind) });
          if (!raw) this.pending.add(id);
        } else if (raw && line.delivery === 'pending') {
          this.pane.update(line.id, { delivery: 'raw' });
        }
        if (raw) this.pending.delete(id);
        changed();
      }),
    );
    on(
      bus.on('message:delivered', ({ id }) => {
        const line = this.pane.buffer.findByMsgId(id);
        if (line) this.pane.update(line.id, { delivery: 'delivered' });
        this.pending.delete(id);
        changed();
      }),
    );
    on(
      bus.on('message:failed', ({ id, text, reason, permanent }) => {
        const line = this.pane.buffer.findByMsgId(id);
        const mark = { delivery: 'failed', reason, ...(permanent === true ? { permanent } : {}) } as const;
        if (line) this.pane.update(line.id, mark);
        else this.pane.add({ kind: 'own', nick: this.nick, text, msgId: id, ...mark });
        this.pending.delete(id);
        changed();
      }),
    );
    on(
      bus.on('peer:address', ({ address, previous, reason }) => {
        // The greeting already said "talking to" the configured peer; only news is worth a line.
        const greeted = previous === null && address === this.peer;
        this.peer = address;
        // /peer names another peer: the old one's nick is not its nick.
        if (reason === 'configured' && previous !== null && previous !== address) this.peerNick = null;
        if (previous === null) {
          if (!greeted) this.pane.system(`peer address: ${address}`);
        } else if (previous !== address) this.pane.system(`peer address changed: ${previous} → ${address}${reason === 'roamed' ? ' (roamed)' : ''}`);
        changed();
      }),
    );
    on(
      bus.on('peer:state', ({ state }) => {
        const before = this.link;
        this.link = state;
        if (state !== before && state === 'online') this.pane.system('peer online');
        if (state !== before && state === 'offline') this.pane.system('peer offline — messages wait and go out when it is back');
        if (state !== before && state === 'left') this.pane.system(`${this.peerNickShown() ?? 'the peer'} left — messages wait and go out when it is back`);
        changed();
      }),
    );
    on(
      bus.on('peer:restarted', () => {
        this.pane.system('peer restarted (new session)');
        changed();
      }),
    );
    on(
      bus.on('peer:nick', ({ nick }) => {
        const before = this.peerNickShown();
        this.peerNick = nick;
        const now = this.peerNickShown();
        if (before !== null && before !== now) this.pane.system(`${before} is now known as ${now}`);
        changed();
      }),
    );
    on(
      bus.on('link:stats', (stats) => {
        // The status bar shows the latest sample, as ping does: the smoothed RTT (it drives the
        // retransmission timer) keeps the start-up stall of either process for dozens of samples.
        this.rttMs = stats.lastRttMs ?? stats.rttMs;
        changed();
      }),
    );
    on(
      bus.on('key:rotation-pending', ({ initiator }) => {
        if (!this.rotatingNow) this.pane.system(initiator === 'local' ? 'rotating the key…' : 'the peer is rotating the key…');
        this.rotatingNow = true;
        changed();
      }),
    );
    on(
      bus.on('key:rotated', ({ oldFingerprint, newFingerprint }) => {
        this.rotatingNow = false;
        this.fp = newFingerprint;
        this.pane.system(`key rotated: ${oldFingerprint} → ${newFingerprint}`);
        changed();
      }),
    );
    on(
      bus.on('key:rotation-failed', ({ reason }) => {
        this.rotatingNow = false;
        this.pane.error(`key rotation failed: ${reason} (the old key ${this.fp} is still in use)`);
        changed();
      }),
    );
    on(
      bus.on('error', ({ severity, message }) => {
        if (severity === 'info') this.pane.system(message);
        else this.pane.error(message);
        changed();
      }),
    );
  }
}

/** The line fields of a message kind: `action` only for an action, so plain lines stay as they were. */
function action(kind: MessageKind | undefined): { action?: true } {
  return kind === 'action' ? { action: true } : {};
}
