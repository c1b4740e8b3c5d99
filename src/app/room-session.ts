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
import { Mesh } from '../net/mesh.js';
import type { MeshMember } from '../net/mesh-member.js';
import { bindUdp } from '../net/udp.js';
import type { LinkId, RoomAction, RoomInput } from '../room/core-types.js';
import { RoomCore } from '../room/core.js';
import { roster } from '../room/facts.js';
import { displayName } from '../room/display.js';
import { seating, type MemberId } from '../room/members.js';
import { RoomRekey } from '../room/rekey.js';
import { encodeRotationControl, looksLikeRotationControl, parseRotationControl } from '../room/rotation-control.js';
import { RoomKeys } from './room-keys.js';
import type { RoomSession, RoomSessionDeps } from './room-session-types.js';
import { DeliveryRefs, HeldLines, RecentlyClosed, RoomLinks } from './room-links.js';
import { onMemberBus } from './room-member-bus.js';
import { MembersFile, membersFile, SeenFile, seenFile } from './room-members-file.js';
import { roomStart } from './room-start.js';

export type { RoomSession, RoomSessionDeps };

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

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
  const seen = new SeenFile(configDir !== null && opts.profileName !== null ? seenFile(configDir, opts.profileName) : null, (l) => note('warning', l));
  const listen = port.address();
  const start = roomStart({ room, nick: opts.nick, listen: { host: opts.listen.host, port: listen.port }, saved: file.load(), now: clock.now() });
  const core = new RoomCore({ ...start.core, seen: seen.load() });
  const links = new RoomLinks<MeshMember>();
  const refs = new DeliveryRefs();
  const held = new HeldLines();
  const offs = new Map<MeshMember, Array<() => void>>();
  const keys = new RoomKeys(opts.key, opts, (l) => note('warning', l));
  /** A member connection's options: the room key in use, keys set by the room's rotation only (roomKeys). */
  const memberOptions = (key: Buffer = keys.current) => ({
    key,
    nick: opts.nick,
    wire: 'reliable' as const,
    roomKeys: true,
    clockSkewS: opts.clockSkewS,
    tokenTtlS: opts.tokenTtlS,
  });
  let msgCount = 0;
  /** When each member was last seen online (its link went down then). */
  const lastSeen = new Map<string, number>();
  /** When the core wants its next tick (core.nextDeadline(), at least ROOM_TICK_MS after a tick), or null. */
  let coreDue: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let closing: Promise<void> | null = null;
  /** The stranger the accept policy was last asked about: its address, and whether its seat is a stale one (a retired key). */
  let deciding: { address: string; stale: boolean } | null = null;

  const mesh = new Mesh({
    port,
    clock,
    autoTick,
    ...(deps.byeLingerMs !== undefined ? { byeLingerMs: deps.byeLingerMs } : {}),
    accept: {
      keys: () => keys.acceptKeys(clock.now()),
      decide: ({ from, key }) => {
        const address = formatAddress(from);
        const seat = closing === null ? keys.seatFor(key) : null;
        deciding = { address, stale: seat === 'stale' };
        if (seat === 'stale') return { bus: new Bus(), options: memberOptions(key) };
        return seat === 'member' && seatable(address) ? { bus: new Bus(), options: memberOptions() } : null;
      },
      // Called at once after decide(), for that stranger: its address is known before its first datagram (a dial to it meanwhile must find it).
      accepted: (m) => (deciding?.stale === true ? tellStale(m) : attach(m, deciding?.address ?? null)),
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
        // A member bound anew learns the epoch of the key we share (a restarted member, a joiner: room/rotation.ts).
        if (a.fact.kind === 'online' && rekey.epoch > 0) sendControl(a.fact.member, encodeRotationControl({ t: 'room:rot-epoch', epoch: rekey.epoch }));
        if (a.fact.kind === 'left') rekey.gone(a.fact.member);
        return bus.emit('room:fact', a.fact);
      case 'rotate-excluding': {
        const why = rekey.start(true, a.member);
        if (why !== null) bus.emit('room:fact', { kind: 'rotation-failed', line: `the kick's key rotation cannot start: ${why}; /rotate once it ends` });
        return;
      }
    }
  };

  const boundTo = (link: LinkId): MemberId | undefined => core.online().find((id) => core.linkOf(id) === link);
  const isBound = (link: LinkId): boolean => boundTo(link) !== undefined;

  const sendControl = (member: MemberId, body: string): void => {
    const link = core.linkOf(member);
    const m = link === undefined ? undefined : links.memberOf(link);
    m?.bus.emit('xfer:send-control', { id: newMessageId(), body });
  };

  // ------------------------------------------------------------ the room key

  const rekey = new RoomRekey({
    me: core.id,
    now: () => clock.now(),
    key: () => keys.current,
    online: () => core.online(),
    seated: () => seating(core.members).seated.map((e) => e.id),
    display: (id) => displayName(core.members, id),
    send: sendControl,
    installNext: (key) => {
      for (const m of links.members()) m.setNextKey(key);
    },
    dropNext: (key) => {
      for (const m of links.members()) m.dropNextKey(key);
    },
    save: (key) => keys.save(key),
    switchTo: (key, _epoch, missed) => {
      keys.switchTo(key, clock.now());
      for (const m of links.members()) m.switchKey(key);
      // Connections to members that did not follow (missed, offline, still dialling) go: such a peer speaks the old
      // key, which our connection to it would only `learn` from; without one it is a stranger under a retired key,
      // and a stale seat tells it the key changed (tellStale). The core dials the seated ones again, under the new key.
      const out = new Set(missed);
      for (const m of links.members()) {
        const link = links.linkOf(m);
        const id = link === null ? undefined : boundTo(link);
        if (id === undefined || out.has(id)) void dismiss(m);
      }
    },
    fact: (f) => bus.emit('room:fact', f),
  });

  /** A room rotation control from the link: only from the member it is bound to; room:rekeyed from anyone who holds our key. */
  const rotationControl = (link: LinkId, body: string): void => {
    const parsed = parseRotationControl(body);
    if (!parsed.ok) return note('warning', `room: ${parsed.reason}`);
    if (parsed.control.t === 'room:rekeyed') {
      if (staleTold) return;
      staleTold = true;
      return bus.emit('room:fact', {
        kind: 'stale-key',
        line: 'the room key changed while you were away (a key rotation this member missed): the members no longer read this key — ask one of them for a new invite (fernchat invite), then fernchat join CODE',
      });
    }
    const from = boundTo(link);
    // The epoch names the key both ends of this link hold (it opened under it): it may come before our side bound the link.
    if (parsed.control.t === 'room:rot-epoch') rekey.control(from ?? core.id, parsed.control);
    else if (from !== undefined) rekey.control(from, parsed.control);
    armCore();
  };
  let staleTold = false;

  /**
   * A stranger under a retired key (it missed a rotation, or was kicked):
   * its seat hears room:rekeyed once it is online, then closes; nothing it
   * sends reaches the core.
   */
  const tellStale = (m: MeshMember): void => {
    keys.staleOpened();
    let told = false;
    const off = m.bus.on('peer:state', ({ state }) => {
      if (state !== 'online' || told) return;
      told = true;
      m.bus.emit('xfer:send-control', { id: newMessageId(), body: encodeRotationControl({ t: 'room:rekeyed' }) });
      setTimeout(() => void mesh.remove(m).finally(done), ROOM_CLOSE_FLUSH_MS).unref();
    });
    const done = (): void => {
      off();
      keys.staleClosed();
    };
    // A seat that never comes online is given back after the same time.
    setTimeout(() => told || void mesh.remove(m).finally(done), 2 * ROOM_CLOSE_FLUSH_MS).unref();
  };

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
    const m = mesh.add(new Bus(), { ...memberOptions(), peer });
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
          if (link === null) return;
          if (looksLikeRotationControl(body)) rotationControl(link, body);
          else feed({ kind: 'control', link, body });
        },
        rotated: () =>
          // After the rest of this datagram's frames: a commit that came with it names who missed the rotation.
          queueMicrotask(() => {
            if (closing !== null) return;
            rekey.promoted();
            armCore();
          }),
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
    const d = earliest(core.nextDeadline(), rekey.nextDeadline());
    coreDue = d === null ? null : Math.max(d, floor);
    if (!autoTick) return;
    if (timer !== null) clearTimeout(timer);
    timer = coreDue === null ? null : setTimeout(tickCore, Math.max(0, coreDue - clock.now()));
    timer?.unref();
  };
  const tickCore = (): void => {
    if (!started || closing !== null) return;
    rekey.tick();
    feed({ kind: 'tick' });
    // A deadline the tick did not move (nothing it could do yet) is not retried at once.
    armCore(clock.now() + ROOM_TICK_MS);
  };

  const session: RoomSession = {
    bus,
    core,
    mesh,
    listen,
    fingerprint: () => keys.fingerprint(),
    linkInfo: (id) => {
      if (id === core.id || core.members.get(id) === undefined) return null;
      const link = core.linkOf(id);
      const m = link === undefined ? undefined : links.memberOf(link);
      if (m !== undefined) return { rttMs: m.stats().rttMs, lastSeen: clock.now() };
      return { rttMs: null, lastSeen: lastSeen.get(id) ?? null };
    },
    rotating: () => rekey.state.kind !== 'idle',
    rotate: () => {
      if (closing !== null) return;
      if (core.status.kind !== 'member') return bus.emit('room:fact', { kind: 'rotation-failed', line: 'not in the room (yet): nothing to rotate' });
      const why = rekey.start(false);
      if (why !== null) bus.emit('room:fact', { kind: 'rotation-failed', line: why });
      armCore();
    },
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
      if (started) {
        feed({ kind: 'shutdown' });
        seen.save(core.seenLines());
      }
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
