/**
 * A room session (#15): one socket, one Mesh (net/mesh.ts) with a member —
 * a (Connection, Bus) pair — per peer, one RoomCore (room/core.ts) that
 * decides, and this file between them, the way app/session.ts wires a 1:1
 * chat. The core does no I/O; this file does what it asks:
 *
 *   member bus                        core input
 *   ────────────────────────────────  ─────────────────────────────────────────
 *   peer:state online                 link-up (a new link id, room-links.ts)
 *   peer:state offline / left         link-down (the connection lives on)
 *   peer:restarted                    link-down + link-up (hello again)
 *   xfer:control {"t":"room:…"}       control
 *   message:received                  message (held until the link is bound)
 *   message:delivered / failed        delivered / failed (ids ↔ refs)
 *
 *   core action                       done here
 *   ────────────────────────────────  ─────────────────────────────────────────
 *   control                           xfer:send-control on the link's bus
 *   deliver                           send on the link's bus (id → ref kept)
 *   dial                              mesh.add (one member per address)
 *   close                             flush, then mesh.remove, then link-down
 *   save                              <configDir>/<profile>.members.json
 *   fact                              room:fact on the room bus
 *   rotate-excluding                  one info line: not wired yet
 *
 * Strangers that dial us under the room key are seated by the accept policy
 * while the mesh has a free connection (ENDPOINT_CONNECTIONS_MAX): fifteen
 * members and one spare, on which the core tells a 17th it is refused (see
 * seatable()). The
 * transfer service is not attached to room members: room:* controls are the
 * only controls on them.
 */
import { formatAddress, sameAddress } from '../address/address.js';
import { parseHostPort } from '../address/parse.js';
import { Bus, errorMessage, newMessageId } from '../bus.js';
import { systemClock } from '../clock.js';
import type { ChatOptions } from '../config/chat-options.js';
import type { RoomSettings } from '../config/room.js';
import { ENDPOINT_CONNECTIONS_MAX, ROOM_CLOSE_FLUSH_MS, ROOM_REDIAL_MS, ROOM_TICK_MS } from '../constants.js';
import { fingerprint } from '../crypto/keys.js';
import { Mesh } from '../net/mesh.js';
import type { MeshMember } from '../net/mesh-member.js';
import { bindUdp } from '../net/udp.js';
import type { LinkId, RoomAction, RoomInput } from '../room/core-types.js';
import { RoomCore } from '../room/core.js';
import { roster } from '../room/facts.js';
import type { RoomSession, RoomSessionDeps } from './room-session-types.js';
import { DeliveryRefs, HeldLines, RecentlyClosed, RoomLinks } from './room-links.js';
import { onMemberBus } from './room-member-bus.js';
import { MembersFile, membersFile } from './room-members-file.js';
import { roomStart } from './room-start.js';

export type { RoomSession, RoomSessionDeps };

export async function openRoomSession(opts: ChatOptions, deps: RoomSessionDeps = {}): Promise<RoomSession> {
  const room: RoomSettings | undefined = opts.room;
  if (room === undefined) throw new TypeError('openRoomSession: the options are not a room profile');
  const clock = deps.clock ?? systemClock;
  const autoTick = deps.autoTick ?? true;
  const port = deps.port ?? (await bindUdp(opts.listen.host, opts.listen.port));
  const bus = new Bus();
  const note = (severity: 'info' | 'warning', message: string): void => bus.emit('error', { severity, message });
  const configDir = opts.configDir ?? null;
  const file = new MembersFile(configDir !== null && opts.profileName !== null ? membersFile(configDir, opts.profileName) : null, (l) => note('warning', l));
  const listen = port.address();
  const start = roomStart({ room, nick: opts.nick, listen: { host: opts.listen.host, port: listen.port }, saved: file.load(), now: clock.now() });
  const core = new RoomCore(start.core);
  const links = new RoomLinks<MeshMember>();
  const refs = new DeliveryRefs();
  const held = new HeldLines();
  const offs = new Map<MeshMember, Array<() => void>>();
  const memberOptions = {
    key: opts.key,
    nick: opts.nick,
    wire: 'reliable' as const,
    clockSkewS: opts.clockSkewS,
    tokenTtlS: opts.tokenTtlS,
  };
  let msgCount = 0;
  /** When each member was last seen online (its link went down then). */
  const lastSeen = new Map<string, number>();
  /** When the core wants its next tick (core.nextDeadline(), at least ROOM_TICK_MS after a tick), or null. */
  let coreDue: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let closing: Promise<void> | null = null;
  /** The address of the stranger the accept policy was last asked about. */
  let deciding: string | null = null;

  const mesh = new Mesh({
    port,
    clock,
    autoTick,
    ...(deps.byeLingerMs !== undefined ? { byeLingerMs: deps.byeLingerMs } : {}),
    accept: {
      keys: () => [opts.key],
      decide: ({ from }) => {
        deciding = formatAddress(from);
        return seatable(deciding) ? { bus: new Bus(), options: memberOptions } : null;
      },
      // Called at once after decide(), for that stranger: its address is known before its first datagram (a dial to it meanwhile must find it).
      accepted: (m) => attach(m, deciding),
    },
  });

  // ------------------------------------------------------------ core in, actions out

  const feed = (input: RoomInput): void => {
    let actions: RoomAction[];
    try {
      actions = core.handle(input, clock.now());
    } catch (err) {
      return note('warning', `room: internal error: ${errorMessage(err)}`);
    }
    for (const a of actions) act(a);
    releaseHeld();
    armCore();
  };

  const act = (a: RoomAction): void => {
    switch (a.kind) {
      case 'control': {
        const m = links.memberOf(a.link);
        m?.bus.emit('xfer:send-control', { id: newMessageId(), body: a.body });
        return;
      }
      case 'deliver': {
        const m = links.memberOf(a.link);
        // The link went down in this very batch: the core hears failed, and queues the message again.
        if (m === undefined) return queueMicrotask(() => feed({ kind: 'failed', link: a.link, ref: a.ref }));
        const id = newMessageId();
        refs.track(id, a.link, a.ref);
        m.bus.emit('send', { id, text: a.text });
        return;
      }
      case 'dial':
        return dial(a.address);
      case 'close': {
        const m = links.memberOf(a.link);
        if (m === undefined) return;
        const address = links.address(m);
        if (address !== null) recentlyClosed.closed(address, clock.now());
        void dismiss(m);
        return;
      }
      case 'save':
        return file.save(a.members);
      case 'fact':
        if (a.fact.kind === 'offline') lastSeen.set(a.fact.member, clock.now());
        return bus.emit('room:fact', a.fact);
      case 'rotate-excluding':
        return note(
          'info',
          'the key is not rotated yet: the kicked member is out of the member list, every member closes its links to it and refuses its hello, ' +
            'but it still holds the room key and could read what it captures; key rotation for rooms is not built yet',
        );
    }
  };

  const isBound = (link: LinkId): boolean => core.online().some((id) => core.linkOf(id) === link);

  /** Lines held on links the core has bound since. */
  const releaseHeld = (): void => {
    if (held.size === 0) return;
    for (const l of held.take(isBound)) feed({ kind: 'message', link: l.link, id: l.id, text: l.text });
  };

  // ------------------------------------------------------------ members

  const recentlyClosed = new RecentlyClosed(ROOM_REDIAL_MS);
  /**
   * Whether a stranger at `address` gets a connection: not once we were
   * refused (we have nothing to tell; a member that left or was removed
   * still answers with its tombstone), not from an address whose link was
   * just closed, and one connection is kept spare
   * (fifteen members and one more): a stranger past the room's capacity
   * still hears its refusal.
   */
  const seatable = (address: string): boolean => {
    if (closing !== null || links.size >= ENDPOINT_CONNECTIONS_MAX || core.status.kind === 'refused') return false;
    return !recentlyClosed.quiet(address, clock.now());
  };

  const dial = (address: string): void => {
    if (closing !== null || links.atAddress(address) !== undefined) return;
    const peer = parseHostPort(address);
    if ('error' in peer) return note('warning', `room: cannot dial ${address}: ${peer.error}`);
    if (mesh.members.some((m) => sameAddress(m.peerAddress(), peer))) return;
    if (links.size >= ENDPOINT_CONNECTIONS_MAX) return note('warning', `room: cannot dial ${address}: ${ENDPOINT_CONNECTIONS_MAX} connections open already`);
    const m = mesh.add(new Bus(), { ...memberOptions, peer });
    attach(m, formatAddress(peer));
  };

  const attach = (m: MeshMember, address: string | null): void => {
    links.open(m, address);
    const up = (): void => {
      const peer = m.peerAddress();
      if (peer !== null) links.setAddress(m, formatAddress(peer));
      const link = links.up(m);
      if (link !== null) feed({ kind: 'link-up', link, address: links.address(m) });
    };
    const down = (): void => {
      const link = links.down(m);
      if (link === null) return;
      held.drop(link);
      feed({ kind: 'link-down', link });
    };
    offs.set(
      m,
      onMemberBus(m.bus, {
        online: up,
        offline: down,
        restarted: () => {
          if (links.linkOf(m) === null) return;
          down();
          up();
        },
        control: (body) => {
          const link = links.linkOf(m);
          if (link !== null) feed({ kind: 'control', link, body });
        },
        message: (text) => {
          const link = links.linkOf(m);
          if (link === null) return;
          msgCount += 1;
          const line = { id: `${link}#${msgCount}`, text };
          if (isBound(link)) feed({ kind: 'message', link, ...line });
          else held.hold(link, line);
        },
        settled: (id, outcome) => {
          const r = refs.settle(id);
          if (r !== undefined) feed({ kind: outcome, link: r.link, ref: r.ref });
        },
        warning: (message) => note('warning', `${links.address(m) ?? 'a member'}: ${message}`),
      }),
    );
  };

  /** The core closed the link: what it handed over goes first (bounded), then bye, then the link is down and the member forgotten. */
  const dismiss = async (m: MeshMember): Promise<void> => {
    await m.flush(ROOM_CLOSE_FLUSH_MS);
    await mesh.remove(m);
    forget(m);
  };

  const forget = (m: MeshMember): void => {
    if (!links.has(m)) return;
    const link = links.forget(m);
    for (const off of offs.get(m) ?? []) off();
    offs.delete(m);
    if (link !== null && closing === null) {
      held.drop(link);
      feed({ kind: 'link-down', link });
    }
  };

  // ------------------------------------------------------------ the clock

  /** One timer for the core, at its next deadline (a redial, a stalled link's retry): re-armed after every input. */
  const armCore = (floor = 0): void => {
    if (!started || closing !== null) return;
    const d = core.nextDeadline();
    coreDue = d === null ? null : Math.max(d, floor);
    if (!autoTick) return;
    if (timer !== null) clearTimeout(timer);
    timer = coreDue === null ? null : setTimeout(tickCore, Math.max(0, coreDue - clock.now()));
    timer?.unref();
  };
  const tickCore = (): void => {
    if (!started || closing !== null) return;
    feed({ kind: 'tick' });
    // A deadline the tick did not move (nothing it could do yet) is not retried at once.
    armCore(clock.now() + ROOM_TICK_MS);
  };

  const session: RoomSession = {
    bus,
    core,
    mesh,
    listen,
    fingerprint: () => fingerprint(opts.key),
    linkInfo: (id) => {
      if (id === core.id || core.members.get(id) === undefined) return null;
      const link = core.linkOf(id);
      const m = link === undefined ? undefined : links.memberOf(link);
      if (m !== undefined) return { rttMs: m.stats().rttMs, lastSeen: clock.now() };
      return { rttMs: null, lastSeen: lastSeen.get(id) ?? null };
    },
    rotate: () => note('info', 'room key rotation is not wired yet'),
    roster: () => roster(core.members, core.id, (id) => core.linkOf(id) !== undefined),
    input: (input) => {
      if (closing === null) feed(input);
    },
    tick: () => {
      mesh.tick();
      if (coreDue !== null && clock.now() >= coreDue) tickCore();
    },
    nextDeadline: () => {
      const d = mesh.nextDeadline();
      if (closing !== null || coreDue === null) return d;
      return d === null ? coreDue : Math.min(d, coreDue);
    },
    inFlight: () => refs.size,
    start: () => {
      if (started || closing !== null) return;
      started = true;
      if (start.problem !== null) note('warning', `room: ${start.problem}`);
      if (start.fresh) file.save(start.core.members);
      mesh.start();
      feed({ kind: 'start' });
      // The profile's contacts too (a joiner's inviter): a member listening on every address has no address in the list, and nobody would dial it.
      if (core.status.kind === 'member') for (const c of room.contacts) dial(formatAddress(c));
    },
    close: () => {
      if (closing !== null) return closing;
      if (started) feed({ kind: 'shutdown' });
      closing = Promise.resolve();
      if (timer !== null) clearTimeout(timer);
      closing = mesh.close().finally(() => {
        for (const m of links.members()) forget(m);
      });
      return closing;
    },
  };
  if (deps.start ?? true) session.start();
  return session;
}
