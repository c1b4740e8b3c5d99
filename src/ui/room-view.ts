/**
 * The room's bus → what the room screen shows (#15), as bus-view.ts is for
 * a 1:1 chat: each fact becomes a pane line (room-lines.ts), the status
 * bar's state follows the roster and the key, and the member panel is told
 * when the roster changes. room-app.ts handles keys and commands.
 *
 * Lines typed while joining wait here and go once the room lets us in (as
 * in the headless mode). Missed messages are counted for the exit code, and
 * those reported while the session closes are kept for a line on stderr
 * once the terminal is back.
 */
import { formatAddress } from '../address/address.js';
import { MAX_MESSAGE_BYTES } from '../constants.js';
import type { RoomFact } from '../room/core-types.js';
import { roomFactText } from '../room/fact-text.js';
import { ROOM_LINE_HEADER_MAX_BYTES } from '../room/line.js';
import type { MemberId } from '../room/members.js';
import { isFinal } from '../room/status.js';
import { Attention } from './attention.js';
import type { ChatPane } from './chat-pane.js';
import { formatSize } from './paste.js';
import type { RoomTuiContext } from './room-context.js';
import { ownRoomLine, roomFactPaneLine } from './room-lines.js';
import { roomStatusState, type RoomStatusState } from './room-status.js';

/** The room line header (room/line.ts) leaves a little less than a 1:1 message. */
const ROOM_MESSAGE_MAX_BYTES = MAX_MESSAGE_BYTES - ROOM_LINE_HEADER_MAX_BYTES;

export interface RoomViewHooks {
  /** Something visible changed: render soon. */
  changed(): void;
  /** A member's line worth telling about (bell, title): it mentions us, or arrived while scrolled up or away. */
  notify(bell: boolean): void;
  /** The roster may have changed (the member panel reads it again). */
  roster(): void;
  /** We are out of the room for good after /leave: the screen may close. */
  left(): void;
}

export class RoomView {
  private fp: string;
  private rotatingNow = false;
  private early: Array<{ text: string; action: boolean }> = [];
  /** Told once that nobody else is in the room. */
  private alone = false;
  private missedCount = 0;
  /** Of missedCount, those reported while closing. */
  private missedAtClose = 0;
  /** Missed lines reported while closing (after the terminal is back, on stderr). */
  private closingMissed: string[] | null = null;
  private readonly offs: Array<() => void> = [];
  readonly attention = new Attention();

  constructor(
    private readonly ctx: RoomTuiContext,
    private readonly pane: ChatPane,
    private readonly hooks: RoomViewHooks,
  ) {
    this.me = ctx.opts.nick;
    this.fp = ctx.fingerprint();
    this.offs.push(
      ctx.bus.on('room:fact', (f) => this.fact(f)),
      ctx.bus.on('error', ({ severity, message }) => {
        if (severity === 'info') this.pane.system(message);
        else this.pane.error(message);
        hooks.changed();
      }),
    );
  }

  get rotating(): boolean {
    return this.rotatingNow;
  }

  get fingerprint(): string {
    return this.fp;
  }

  /** Messages reported missed during the session (the exit code is 1 when any). */
  get missed(): number {
    return this.missedCount;
  }

  /** Our nick as we set it (the profile's, or the last /nick): the one mentions are looked for. */
  private me: string;

  /** /nick NAME: a new version of our entry, gossiped to every member (for this run; the profile keeps its nick). */
  rename(nick: string): void {
    this.me = nick;
    this.ctx.input({ kind: 'set-self', nick });
  }

  /** Our display name (nick~abcd when another member's nick looks alike). */
  get nick(): string {
    return this.ctx.roster().find((e) => e.self)?.display ?? this.ctx.opts.nick;
  }

  statusState(): RoomStatusState {
    return roomStatusState({
      room: this.ctx.room,
      roster: this.ctx.roster(),
      nick: this.ctx.opts.nick,
      listen: formatAddress(this.ctx.listen),
      fingerprint: this.fp,
      rotating: this.rotatingNow,
      status: this.ctx.status().kind,
    });
  }

  greet(): void {
    const { ctx } = this;
    this.pane.system(`fernchat: room ${ctx.room}, you are ${ctx.opts.nick} (member ${ctx.memberId}), listening on ${formatAddress(ctx.listen)}`);
    this.pane.system(`key fingerprint ${this.fp} · F1 help · F3 members · Ctrl-K rotate the key · Ctrl-C quit`);
    for (const note of ctx.notes) this.pane.system(note);
    if (ctx.status().kind === 'joining') this.pane.system('joining the room: waiting for a member to let us in…');
  }

  /** A line (or an action) from the user: to every member, or held while joining. False: over the size limit, not sent (one error line). */
  send(text: string, action: boolean): boolean {
    const bytes = Buffer.byteLength(text);
    if (bytes > ROOM_MESSAGE_MAX_BYTES) {
      this.pane.error(`message of ${formatSize(bytes)} is over the room's ${formatSize(ROOM_MESSAGE_MAX_BYTES)} limit: not sent; it is back in the input box`);
      return false;
    }
    const status = this.ctx.status().kind;
    if (isFinal(this.ctx.status())) {
      this.pane.error('not in the room any more: nothing sent');
      return true;
    }
    this.pane.add(ownRoomLine(this.nick, text, action));
    this.pane.bottom();
    if (status === 'joining') {
      if (this.early.length === 0) this.pane.system('not in the room yet: lines wait until the room lets us in');
      this.early.push({ text, action });
      return true;
    }
    if (!this.alone && this.ctx.roster().every((e) => e.self)) {
      this.alone = true;
      const profile = this.ctx.opts.profileName ?? 'ROOM';
      this.pane.system(`nobody else is in the room yet: the line goes nowhere (fernchat invite --profile ${profile} makes a code)`);
    }
    this.ctx.input({ kind: 'send', text, ...(action ? { action } : {}) });
    return true;
  }

  /** Lines still held (typed while joining). */
  get held(): number {
    return this.early.length;
  }

  /** The session is closing: missed lines from here on go to stderr after the terminal is back. */
  closing(): void {
    this.pane.system('closing…');
    this.closingMissed = [];
  }

  /** After the close, for stderr once the terminal is back: what it reported missed and the lines never sent; `failed` when anything was missed in the session. */
  afterClose(): { lines: string[]; failed: boolean } {
    const held = this.early.length;
    const lines = [...(this.closingMissed ?? [])];
    const before = this.missedCount - this.missedAtClose;
    if (before > 0) lines.unshift(`${before} message${before === 1 ? ' was' : 's were'} not delivered (missed) during the session: the -!- lines said to whom`);
    if (this.ctx.status().kind === 'left') lines.push(`you left the room ${this.ctx.room}: coming back takes a new invite`);
    if (held > 0) lines.push(`${held} line${held === 1 ? '' : 's'} not sent: the room did not let us in`);
    return { lines, failed: this.missedCount > 0 || held > 0 };
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private name = (id: MemberId): string => this.ctx.roster().find((e) => e.id === id)?.display ?? id;

  private fact(f: RoomFact): void {
    if (f.kind === 'missed') {
      this.missedCount += f.count;
      if (this.closingMissed !== null) {
        this.missedAtClose += f.count;
        this.closingMissed.push(roomFactText(f, this.name)?.text ?? '');
      }
    }
    if (f.kind === 'rotating') this.rotatingNow = true;
    if (f.kind === 'rotation-failed') this.rotatingNow = false;
    if (f.kind === 'key-changed') {
      this.rotatingNow = false;
      this.fp = this.ctx.fingerprint();
    }
    const shown = roomFactPaneLine(f, { nick: this.me, name: this.name });
    if (shown !== null) {
      if (f.kind === 'message') {
        const advice = this.attention.peerLine(shown.mention);
        if (advice.marker) this.pane.add({ kind: 'marker', text: '— unread —' });
        this.pane.add(shown.line);
        if (!this.pane.atBottom || advice.bell) this.hooks.notify(advice.bell || !this.pane.atBottom);
      } else this.pane.add(shown.line);
    }
    if (f.kind === 'status' && f.status.kind === 'member' && this.early.length > 0) {
      const lines = this.early;
      this.early = [];
      for (const l of lines) this.ctx.input({ kind: 'send', text: l.text, ...(l.action ? { action: true } : {}) });
    }
    if (f.kind === 'members-changed' || f.kind === 'online' || f.kind === 'offline' || f.kind === 'joined' || f.kind === 'left') this.hooks.roster();
    if (f.kind === 'status' && f.status.kind === 'left') this.hooks.left();
    this.hooks.changed();
  }
}
