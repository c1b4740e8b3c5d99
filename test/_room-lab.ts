/**
 * Room sessions (src/app/room-session.ts) on the in-memory network: one
 * Lab (test/_transport-pair.ts: a manual MemoryNetwork and a ManualClock),
 * a temp config dir per member (its members file), one invite of the
 * creator's. Deterministic: time moves only in lab.advance()/until().
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatAddress, type Address } from '../src/address/address.js';
import { Prng } from '../src/net/impairment.js';
import type { LinkConditions } from '../src/net/memory.js';
import type { DatagramPort } from '../src/net/port.js';
import { openRoomSession, type RoomSession } from '../src/app/room-session.js';
import { randomId, type RoomSettings } from '../src/config/room.js';
import type { RoomFact } from '../src/room/core-types.js';
import { testChatOptions } from '../src/testing/chat-options.js';
import { parseKey } from '../src/crypto/keys.js';
import { Lab } from './_transport-pair.js';

export interface RoomProc {
  nick: string;
  addr: Address;
  room: RoomSettings;
  session: RoomSession;
  facts: RoomFact[];
  notes: string[];
  /** Message texts received, by sender member id, in order (across restarts). */
  got: Map<string, string[]>;
  /** The room key as its profile holds it: what a rotation saved (saveKeys), what a restart opens with. */
  key: Buffer;
}

export class RoomLab {
  readonly lab: Lab;
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'fernchat-roomlab-'));
  readonly invite: string;
  readonly procs: RoomProc[] = [];
  private creator: RoomProc | null = null;
  private readonly closed = new Set<RoomSession>();
  /** Pairs of addresses (host:port, sorted, joined by a space) that cannot reach each other. */
  private readonly blocked = new Set<string>();
  /** Member ids (and the invite id) from the seed when one is given, so that a seed replays the same room. */
  private readonly newId: () => string;

  /** `seed` and `conditions` go to the lab's MemoryNetwork (loss, duplication, reordering on every link). */
  constructor(opts: { seed?: number; conditions?: LinkConditions } = {}) {
    this.lab = new Lab(opts);
    const ids = opts.seed === undefined ? null : new Prng(opts.seed ^ 0x5eed);
    this.newId = ids === null ? () => randomId() : () => randomId((n) => ids.bytes(n));
    this.invite = this.newId();
  }

  get clock(): Lab['clock'] {
    return this.lab.clock;
  }

  /** The creator: a fresh room with one open invite. */
  async found(nick: string): Promise<RoomProc> {
    const room: RoomSettings = {
      name: 'club',
      memberId: this.newId(),
      contacts: [],
      invites: [{ id: this.invite, expires: this.clock.now() + 86_400_000 }],
      joinedWith: null,
    };
    const p = await this.open(nick, this.nextAddr(), room);
    this.creator = p;
    return p;
  }

  /** A joiner with the creator's invite (or with invite id `invite` of the creator's). */
  async join(nick: string, invite = this.invite): Promise<RoomProc> {
    const c = this.creator;
    if (c === null) throw new TypeError('found() first');
    const room: RoomSettings = {
      name: 'club',
      memberId: this.newId(),
      contacts: [c.addr],
      invites: [],
      joinedWith: { invite, inviter: c.room.memberId, expires: this.clock.now() + 86_400_000 },
    };
    return this.open(nick, this.nextAddr(), room);
  }

  /** Quits `p` (the session closes, its port is unbound). */
  async stop(p: RoomProc): Promise<void> {
    if (this.closed.has(p.session)) return;
    this.closed.add(p.session);
    await p.session.close();
  }

  /** A new process for `p`: same member id, same config dir (its saved list), same address; what it received so far is kept. */
  async restart(p: RoomProc): Promise<RoomProc> {
    await this.stop(p);
    const fresh = await this.open(p.nick, p.addr, p.room, p.got, p.key);
    Object.assign(p, { session: fresh.session, facts: fresh.facts, notes: fresh.notes });
    this.procs.splice(this.procs.indexOf(fresh), 1);
    return p;
  }

  /** Datagrams between a member of `a` and one of `b` are lost, both ways, until heal(). */
  partition(a: readonly RoomProc[], b: readonly RoomProc[]): void {
    for (const x of a) for (const y of b) this.blocked.add(pair(x.addr, y.addr));
  }

  heal(): void {
    this.blocked.clear();
  }

  live(): RoomProc[] {
    return this.procs.filter((p) => !this.closed.has(p.session));
  }

  async closeAll(): Promise<void> {
    for (const p of this.procs) await this.stop(p);
    this.lab.net.close();
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private nextAddr(): Address {
    const n = this.procs.length + 1;
    return { host: `10.0.0.${n}`, port: 7000 + n };
  }

  private async open(nick: string, addr: Address, room: RoomSettings, got = new Map<string, string[]>(), key: Buffer = this.lab.key): Promise<RoomProc> {
    const configDir = path.join(this.root, nick);
    fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
    const opts = testChatOptions({ listen: addr, key, nick, room, profileName: 'club', configDir });
    opts.saveKeys = (k) => {
      p.key = parseKey(k.key);
    };
    const inner = this.lab.net.port(addr.host, addr.port);
    const port: DatagramPort = {
      send: (data, to) => void (this.blocked.has(pair(addr, to)) || inner.send(data, to)),
      onDatagram: (h) => inner.onDatagram((data, from) => void (this.blocked.has(pair(addr, from)) || h(data, from))),
      onError: (h) => inner.onError(h),
      address: () => inner.address(),
      close: () => inner.close(),
    };
    const session = await openRoomSession(opts, {
      port,
      clock: this.clock,
      autoTick: false,
      byeLingerMs: 0,
      start: false,
    });
    const p: RoomProc = { nick, addr, room, session, facts: [], notes: [], got, key };
    session.bus.on('room:fact', (f) => {
      p.facts.push(f);
      if (f.kind === 'message') {
        const list = got.get(f.from) ?? [];
        list.push(f.text);
        got.set(f.from, list);
      }
    });
    session.bus.on('error', (e) => void p.notes.push(`${e.severity}: ${e.message}`));
    this.lab.drive({ tick: () => this.closed.has(session) || session.tick(), nextDeadline: () => (this.closed.has(session) ? null : session.nextDeadline()) });
    session.start();
    this.procs.push(p);
    return p;
  }
}

function pair(a: Address, b: Address): string {
  return [formatAddress(a), formatAddress(b)].sort().join(' ');
}

/** Every live member has a link to every other live member. */
export function fullMesh(procs: readonly RoomProc[]): boolean {
  return procs.every((p) => p.session.core.online().length === procs.length - 1);
}
