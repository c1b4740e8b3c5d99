/**
 * Rooms of real room sessions (src/app/room-session.ts: a UDP socket, a mesh,
 * a room core each) in one process on 127.0.0.1, for figure 11 and its
 * memory child: a creator with one invite, joiners with its code, every
 * member at its own loopback port. Optionally each socket drops its outgoing
 * datagrams at random (src/net/impairment.ts, seeded): both directions of
 * every link lose, acks and hellos too, as through the chaos proxy.
 */
import { randomBytes } from 'node:crypto';
import type { Address } from '../src/address/address.js';
import { openRoomSession, type RoomSession } from '../src/app/room-session.js';
import { randomId, type RoomSettings } from '../src/config/room.js';
import { decideFate, Prng, type LinkConditions } from '../src/net/impairment.js';
import type { DatagramPort } from '../src/net/port.js';
import { bindUdp } from '../src/net/udp.js';
import { testChatOptions } from '../src/testing/chat-options.js';
import { HOST } from './sessions.js';

const DAY_MS = 86_400_000;

export interface BenchMember {
  nick: string;
  id: string;
  session: RoomSession;
  /** Texts shown, by sender member id, in order. */
  got: Map<string, string[]>;
  /** Messages shown so far, from anyone. */
  shown: number;
  /** `missed` facts seen (a queue overflowed, or lines owed at quit). */
  missed: number;
}

export interface BenchRoom {
  members: BenchMember[];
  /** A new member joins with the creator's invite. */
  join(nick: string): Promise<BenchMember>;
  close(): Promise<void>;
}

/** A socket whose outgoing datagrams meet `conditions` (drawn from `prng`) before they leave. */
function impaired(inner: DatagramPort, prng: Prng, conditions: LinkConditions): DatagramPort {
  return {
    send: (data, to) => {
      const fate = decideFate(prng, conditions);
      for (let i = 0; i < fate.copies; i++) inner.send(data, to);
    },
    onDatagram: (h) => inner.onDatagram(h),
    onError: (h) => inner.onError(h),
    address: () => inner.address(),
    close: () => inner.close(),
  };
}

/** A room of `n` members (the first its creator); resolves once the members are open (not yet linked: see fullMesh). */
export async function openRoom(n: number, o: { conditions?: LinkConditions; seed?: number } = {}): Promise<BenchRoom> {
  const key = randomBytes(32);
  const invite = randomId();
  const prng = new Prng(o.seed ?? 11);
  const members: BenchMember[] = [];
  let creator: { id: string; addr: Address } | null = null;

  const open = async (nick: string, room: RoomSettings): Promise<BenchMember> => {
    const udp = await bindUdp(HOST, 0);
    const port = o.conditions ? impaired(udp, prng, o.conditions) : udp;
    const opts = testChatOptions({ key, nick, room, listen: { host: HOST, port: udp.address().port }, profileName: null });
    const session = await openRoomSession(opts, { port, byeLingerMs: 0, start: false });
    const m: BenchMember = { nick, id: room.memberId, session, got: new Map(), shown: 0, missed: 0 };
    session.bus.on('room:fact', (f) => {
      if (f.kind === 'message') {
        const list = m.got.get(f.from) ?? [];
        list.push(f.text);
        m.got.set(f.from, list);
        m.shown += 1;
      } else if (f.kind === 'missed') m.missed += f.count;
    });
    session.start();
    members.push(m);
    return m;
  };

  const join = (nick: string): Promise<BenchMember> => {
    if (creator === null) throw new TypeError('openRoom: no creator');
    return open(nick, {
      name: 'bench',
      memberId: randomId(),
      contacts: [creator.addr],
      invites: [],
      joinedWith: { invite, inviter: creator.id, expires: Date.now() + DAY_MS },
    });
  };

  const first = await open('m00', {
    name: 'bench',
    memberId: randomId(),
    contacts: [],
    invites: [{ id: invite, expires: Date.now() + DAY_MS }],
    joinedWith: null,
  });
  creator = { id: first.id, addr: first.session.listen };
  for (let i = 1; i < n; i++) await join(`m${String(i).padStart(2, '0')}`);
  return {
    members,
    join,
    close: async () => {
      await Promise.all(members.map((m) => m.session.close()));
    },
  };
}

/** Every member is seated and has a bound link to every other one (a joiner's link is bound by the hello before the list that seats it arrives). */
export function fullMesh(members: readonly BenchMember[]): boolean {
  return members.every((m) => m.session.core.status.kind === 'member' && members.every((o) => o === m || m.session.core.linkOf(o.id) !== undefined));
}

/** Polls `cond` every few ms until it holds (true) or `ms` pass (false). */
export async function waitFor(cond: () => boolean, ms: number, everyMs = 5): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (cond()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return cond();
}

/** The texts member `m` sends in a burst: `nick i`. */
export function burst(m: BenchMember, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${m.nick} ${i}`);
}

/** Whether every member showed every other member's burst exactly once and in order (null), or the first member and sender that did not. */
export function checkBursts(members: readonly BenchMember[], count: number): string | null {
  for (const m of members)
    for (const o of members) {
      if (o === m) continue;
      const got = m.got.get(o.id) ?? [];
      const want = burst(o, count);
      if (got.length !== want.length || got.some((t, i) => t !== want[i])) return `${m.nick} showed ${got.length} of ${count} from ${o.nick}, or not in order`;
    }
  return null;
}
