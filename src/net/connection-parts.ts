import type { Clock } from '../clock.js';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_TOKEN_TTL_S } from '../constants.js';
import { ActionQueue } from './actions.js';
import { BulkPath } from './bulk-path.js';
import type { ConnectionOptions } from './connection-options.js';
import { FrameReceiver } from './frame-receive.js';
import type { SessionId } from './frame.js';
import { Keyring } from './keyring.js';
import { PeerSessions } from './peer-session.js';
import { PeerState } from './peer-state.js';
import { RawDedupe } from './raw-dedupe.js';
import { RawReceiver } from './raw-receive.js';
import { ReceivePath } from './receive-path.js';
import { RecvWindow } from './reliable-recv.js';
import { RotationRunner } from './rotation-runner.js';
import { RtoEstimator } from './rto.js';
import { SendPath } from './send-path.js';
import { LinkCounters } from './stats.js';

/**
 * The parts of one Connection, built here and handed only to each other:
 * who gets which part is the whole wiring of the link, in one place. The
 * Connection keeps the result private; nothing else holds a part.
 */
export interface ConnectionParts {
  keyring: Keyring;
  sessions: PeerSessions;
  recv: RecvWindow;
  rto: RtoEstimator;
  counters: LinkCounters;
  out: ActionQueue;
  peer: PeerState;
  sender: SendPath;
  bulk: BulkPath;
  rotation: RotationRunner;
  frames: FrameReceiver;
  inbound: ReceivePath;
}

/** What the parts read of their connection: its clock (the time of the input being handled) and its nick. */
export interface ConnectionHandle {
  sessionId: SessionId;
  clock: Clock;
  nick(): string;
}

export function buildParts(o: ConnectionOptions, c: ConnectionHandle): ConnectionParts {
  const { wire } = o;
  const { sessionId, clock } = c;
  const ttlS = o.tokenTtlS ?? DEFAULT_TOKEN_TTL_S;
  const clockSkewS = o.clockSkewS ?? DEFAULT_CLOCK_SKEW_S;
  // Sessions and raw tokens are remembered as long as a token of theirs could still be accepted.
  const retainMs = (ttlS + clockSkewS) * 1000;
  const sessions = new PeerSessions(retainMs);
  const keyring = new Keyring(o.key, clock, o.pendingKey ?? null);
  const recv = new RecvWindow();
  const rto = new RtoEstimator();
  const counters = new LinkCounters();
  const out = new ActionQueue();
  const peer = new PeerState(o.peer, out);
  const rawSent = new RawDedupe(retainMs);
  const link = { wire, sessionId, peer: () => peer.address, peerSession: () => sessions.id, nick: c.nick, offline: () => peer.away };
  const sender = new SendPath(link, keyring, recv, counters, rawSent, out);
  const bulk = new BulkPath(
    {
      canSendData: () => sender.canSendData(),
      send: (type, payload, now) => sender.bulkFrame(type, payload, now),
      sackCount: () => sender.sackCount(),
      limitBulk: (bytes) => sender.limitBulk(bytes),
      path: () => (peer.address === null ? null : `${peer.address.host}|${peer.address.port}`),
    },
    rto,
    out,
    o.maxBulkDatagramBytes,
    o.congestionControl,
  );
  const rotation = new RotationRunner({ clock, keyring, sessionId, wire, roomKeys: o.roomKeys === true, sessions, peer, sender, out });
  const roomKeys = o.roomKeys === true;
  const frames = new FrameReceiver({ sessionId, roomKeys, keyring, sessions, recv, rto, peer, sender, bulk, rotation, counters, out });
  const raw = new RawReceiver({ wire, startedS: Math.floor(o.now / 1000), retainMs, sent: rawSent, peer, sender, counters, out });
  const inbound = new ReceivePath({ wire, keyring, decrypt: { ttlS, clockSkewS, binary: wire === 'reliable' }, peer, frames, raw, counters, out });
  return { keyring, sessions, recv, rto, counters, out, peer, sender, bulk, rotation, frames, inbound };
}
