/**
 * The attacker of issue 11, for black-box tests of the transport: no
 * process, no Transport, only what a thief has — a key (the OLD one, copied
 * from a config file before a rotation), a tap on the wire (every datagram
 * recorded, with its addresses), and the ability to send crafted datagrams
 * from any address. It builds frames with the wire codec (src/net/frame.ts)
 * and Fernet (src/crypto/fernet.ts), exactly as PROTOCOL.md lays them out,
 * and reads recorded traffic with the key it holds.
 *
 * Nothing here looks inside a Transport: tests assert what the victim does
 * (bus events, fingerprint(), peerAddress(), stats(), dropCounts()).
 */
import { randomBytes } from 'node:crypto';
import { Fernet } from '../src/crypto/fernet.js';
import {
  decodeFrame,
  encodeFrame,
  encodeRotationPayload,
  mayExceedBaseSize,
  newSessionId,
  NO_SESSION,
  type Frame,
  type FrameType,
  type SessionId,
} from '../src/net/frame.js';
import { decodePack, encodePack } from '../src/net/pack.js';
import type { Address } from '../src/address/address.js';
import { sameAddress } from '../src/address/address.js';
import type { Clock } from '../src/clock.js';
import assert from 'node:assert/strict';
import type { BusEventName, PersistedKeys } from '../src/bus.js';
import { encodeKey, fingerprint } from '../src/crypto/keys.js';
import { Lab, type Peer } from './_transport-pair.js';

/** The largest packet number a frame can carry (48 bits). */
export const PACKET_TOP = 2 ** 48 - 1;

/** One datagram seen on the wire. */
export interface Tapped {
  from: Address;
  to: Address;
  data: Buffer;
}

/** A tap: every datagram that passes, in order. */
export class Recording {
  readonly all: Tapped[] = [];

  add(from: Address, to: Address, data: Buffer): void {
    this.all.push({ from: { ...from }, to: { ...to }, data: Buffer.from(data) });
  }

  get length(): number {
    return this.all.length;
  }

  /** Datagrams from `from` to `to` (null: any), recorded at index `since` or later and before `until`. */
  between(from: Address | null, to: Address | null, since = 0, until = this.all.length): Tapped[] {
    return this.all.slice(since, until).filter((d) => (from === null || sameAddress(d.from, from)) && (to === null || sameAddress(d.to, to)));
  }
}

/** What the attacker learned about one direction of the conversation by reading it with its key. */
export interface Learned {
  /** The sender's session id. */
  sender: SessionId;
  /** The receiver's session id as the sender knew it. */
  receiver: SessionId;
  /** The highest packet number seen from the sender. */
  lastPacket: number;
  /** The data seq the sender will use next (one above the highest seen), 0 if none. */
  nextSeq: number;
  /** The sender's newest ts. */
  lastTs: number;
  /** The cumulative ack it last sent. */
  ack: number;
}

export interface FrameFields {
  type: FrameType;
  /** Default: the attacker's own fresh session id. */
  sender?: SessionId;
  /** Default: all zero (unknown). */
  receiver?: SessionId;
  /** Default 1. */
  packet?: number;
  /** Default: the clock's ms mod 2^32. */
  ts?: number;
  ack?: number;
  sack?: Array<[number, number]>;
  seq?: number;
  fragIndex?: number;
  fragCount?: number;
  payload?: Buffer;
}

/** u8 kind (0: message), u8 nick length, nick, text: the body of a chat message (PROTOCOL.md "Payloads"). */
export function messageBody(nick: string, text: string): Buffer {
  const n = Buffer.from(nick, 'utf8');
  return Buffer.concat([Buffer.from([0, n.length]), n, Buffer.from(text, 'utf8')]);
}

export class Attacker {
  /** A session id of the attacker's own (a "fresh process"). */
  session: SessionId = newSessionId();
  private readonly fernet: Fernet;

  constructor(
    readonly key: Buffer,
    private readonly clock: Clock,
  ) {
    this.fernet = new Fernet(key);
  }

  /** A new session id, as a freshly started process would pick. */
  freshSession(): SessionId {
    this.session = newSessionId();
    return this.session;
  }

  /** The plaintext of a token under the attacker's key, or null (another key, or garbage). No TTL check: a thief keeps what it reads. */
  open(token: Buffer): Buffer | null {
    try {
      return this.fernet.decrypt(token, { binary: true });
    } catch {
      return null;
    }
  }

  /** The frame in a token under the attacker's key, or null. */
  read(token: Buffer): Frame | null {
    const plain = this.open(token);
    if (plain === null || plain.length === 0 || plain[0] !== 0xfc) return null;
    try {
      const f = decodeFrame(plain);
      return { ...f, payload: Buffer.from(f.payload) };
    } catch {
      return null;
    }
  }

  /** Whether `text` can be read from any of these datagrams with the attacker's key. */
  canRead(datagrams: Buffer[], text: string): boolean {
    return datagrams.some((d) => this.open(d)?.includes(Buffer.from(text, 'utf8')) === true);
  }

  /** How many of these datagrams decrypt under the attacker's key at all. */
  readable(datagrams: Buffer[]): number {
    return datagrams.filter((d) => this.open(d) !== null).length;
  }

  /** Read recorded traffic of one direction: session ids, packet numbers, seqs. Null if nothing could be read. */
  learn(datagrams: Buffer[]): Learned | null {
    let out: Learned | null = null;
    for (const d of datagrams) {
      const f = this.read(d);
      if (f === null) continue;
      out ??= { sender: f.sender, receiver: f.receiver, lastPacket: 0, nextSeq: 0, lastTs: 0, ack: 0 };
      if (f.sender !== out.sender) continue;
      if (f.receiver !== NO_SESSION) out.receiver = f.receiver;
      out.lastPacket = Math.max(out.lastPacket, f.packet);
      out.lastTs = f.ts;
      out.ack = Math.max(out.ack, f.ack);
      if (f.type === 'data') out.nextSeq = Math.max(out.nextSeq, f.seq + 1);
      if (f.type === 'pack') for (const r of decodePack(f.payload)) out.nextSeq = Math.max(out.nextSeq, r.seq + 1);
    }
    return out;
  }

  /** A token under the attacker's key, stamped with the clock's time. */
  seal(plain: Buffer): Buffer {
    return this.fernet.encrypt(plain, Math.floor(this.clock.now() / 1000));
  }

  /** A token's binary form (bulk and probe frames travel so), under the attacker's key. */
  sealBinary(plain: Buffer): Buffer {
    return this.fernet.encryptBinary(plain, Math.floor(this.clock.now() / 1000));
  }

  /** A frame, sealed in the form a real sender uses for its type (binary for bulk and probe). Defaults make a valid frame of the given type. */
  frame(f: FrameFields): Buffer {
    const isData = f.type === 'data';
    const seal = mayExceedBaseSize(f.type) ? (p: Buffer) => this.sealBinary(p) : (p: Buffer) => this.seal(p);
    return seal(
      encodeFrame({
        type: f.type,
        sender: f.sender ?? this.session,
        receiver: f.receiver ?? NO_SESSION,
        packet: f.packet ?? 1,
        ts: f.ts ?? this.clock.now() % 0x1_0000_0000,
        echoTs: 0,
        echoDelay: 0,
        ack: f.ack ?? 0,
        sack: f.sack ?? [],
        seq: isData ? (f.seq ?? 0) : 0,
        fragIndex: isData ? (f.fragIndex ?? 0) : 0,
        fragCount: isData ? (f.fragCount ?? 1) : 0,
        payload: f.payload ?? Buffer.alloc(0),
      }),
    );
  }

  /** Several one-fragment chat messages in one pack frame, claiming to come from `sender` to `receiver`, seqs from `seq` up. */
  pack(o: { sender: SessionId; receiver: SessionId; packet: number; seq: number; texts: string[]; nick?: string }): Buffer {
    const records = o.texts.map((text, i) => ({ seq: o.seq + i, fragIndex: 0, fragCount: 1, payload: messageBody(o.nick ?? 'mallory', text) }));
    return this.frame({ type: 'pack', sender: o.sender, receiver: o.receiver, packet: o.packet, payload: encodePack(records) });
  }

  /** A hello from the attacker's (fresh) session: "I am the peer, just restarted". */
  hello(o: { nick?: string; packet?: number; ts?: number; receiver?: SessionId } = {}): Buffer {
    return this.frame({
      type: 'hello',
      payload: Buffer.from(o.nick ?? 'mallory'),
      packet: o.packet ?? 1,
      ...(o.ts !== undefined ? { ts: o.ts } : {}),
      ...(o.receiver ? { receiver: o.receiver } : {}),
    });
  }

  /** A one-fragment chat message claiming to come from `sender` to `receiver`. */
  data(o: { sender: SessionId; receiver: SessionId; packet: number; seq: number; text: string; nick?: string; ack?: number }): Buffer {
    return this.frame({
      type: 'data',
      sender: o.sender,
      receiver: o.receiver,
      packet: o.packet,
      seq: o.seq,
      ack: o.ack ?? 0,
      fragIndex: 0,
      fragCount: 1,
      payload: messageBody(o.nick ?? 'alice', o.text),
    });
  }

  /** A rotation frame with the given rotation id (8 bytes) and, for offer/accept, a public key (32 bytes). */
  rotation(
    type: 'rot-offer' | 'rot-accept' | 'rot-confirm' | 'rot-confirm-ack' | 'rot-abort',
    o: { sender: SessionId; receiver: SessionId; packet: number; rid: Buffer; pub?: Buffer },
  ): Buffer {
    const withPub = type === 'rot-offer' || type === 'rot-accept';
    const payload = encodeRotationPayload(withPub ? { rid: o.rid, pub: o.pub ?? randomBytes(32) } : { rid: o.rid });
    return this.frame({ type, sender: o.sender, receiver: o.receiver, packet: o.packet, payload });
  }
}

// ------------------------------------------------------------- the scenario
// Two Transports on a manual MemoryNetwork (test/_transport-pair.ts), a tap on
// the wire, one completed rotation, and a thief holding the old key; plus the
// checks every attack test makes, on public API only.

/** alice's and bob's addresses in the scenario. */
export const A: Address = { host: '10.0.0.1', port: 7001 };
export const B: Address = { host: '10.0.0.2', port: 7002 };

export const KEY_EVENTS: BusEventName[] = ['key:rotated', 'key:rotation-pending', 'key:rotation-failed'];

/** Every `key:persist` (what the profile saver writes) a peer emitted, once watchPersist() was called for it. */
const persisted = new WeakMap<Peer, PersistedKeys[]>();
export function watchPersist(p: Peer): void {
  const list: PersistedKeys[] = [];
  persisted.set(p, list);
  p.bus.on('key:persist', (e) => void list.push(e));
}

/** How many of each event a peer has seen so far. */
export type Mark = Record<string, number>;
export function mark(p: Peer): Mark {
  const m: Mark = Object.fromEntries(Object.entries(p.events).map(([k, v]) => [k, v.length]));
  m['key:persist'] = persisted.get(p)?.length ?? 0;
  return m;
}

export function since<K extends BusEventName>(p: Peer, m: Mark, name: K): Peer['events'][K] {
  return p.events[name].slice(m[name] ?? 0) as Peer['events'][K];
}

export interface Rotated {
  lab: Lab;
  tap: Recording;
  a: Peer;
  b: Peer;
  oldKey: Buffer;
  oldFp: string;
  newFp: string;
  /** Tap index where the rotation began: everything before it is readable under the old key. */
  rotationAt: number;
  /** Holds only the old key. */
  thief: Attacker;
}

/** Tap the wire; alice (A) and bob (B) chat; alice rotates (Ctrl-K); both end on one new key. */
export async function rotatedPair(): Promise<Rotated> {
  const lab = new Lab();
  const tap = new Recording();
  lab.net.capture((from, to, data) => tap.add(from, to, data));
  const a = lab.peer('alice', A, B);
  const b = lab.peer('bob', B, A);
  watchPersist(a);
  watchPersist(b);
  await lab.advance(100);
  a.send('hello bob');
  b.send('hello alice');
  await lab.advance(500);
  assert.deepEqual(b.texts(), ['hello bob']);
  assert.deepEqual(a.texts(), ['hello alice']);
  const oldKey = Buffer.from(lab.key);
  const oldFp = fingerprint(oldKey);
  const rotationAt = tap.length;
  a.bus.emit('rotate', {});
  await lab.advance(1_000);
  const [ra] = a.events['key:rotated'];
  const [rb] = b.events['key:rotated'];
  assert.ok(ra && rb, 'the rotation completed on both sides');
  assert.equal(ra.newFingerprint, rb.newFingerprint);
  assert.notEqual(ra.newFingerprint, oldFp);
  assert.equal(a.transport.fingerprint(), ra.newFingerprint);
  assert.equal(b.transport.fingerprint(), ra.newFingerprint);
  return { lab, tap, a, b, oldKey, oldFp, newFp: ra.newFingerprint, rotationAt, thief: new Attacker(oldKey, lab.clock) };
}

/** Both sides can still read each other: a fresh message each way arrives, exactly once. */
export async function chatWorks(lab: Lab, a: Peer, b: Peer, tag: string, ms = 30_000): Promise<void> {
  a.send(`${tag} a→b`);
  b.send(`${tag} b→a`);
  const ok = await lab.until(() => b.texts().includes(`${tag} a→b`) && a.texts().includes(`${tag} b→a`), ms, 100);
  assert.ok(ok, `${tag}: chat works both ways (b got a→b: ${b.texts().includes(`${tag} a→b`)}, a got b→a: ${a.texts().includes(`${tag} b→a`)})`);
  assert.equal(b.texts().filter((x) => x === `${tag} a→b`).length, 1, `${tag}: delivered once to b`);
  assert.equal(a.texts().filter((x) => x === `${tag} b→a`).length, 1, `${tag}: delivered once to a`);
}

/** The victim still holds the new key and said nothing about keys since `m`; nothing it ever emitted carries the old key. */
export function noRollback(s: Rotated, victim: Peer, m: Mark, tag: string): void {
  assert.equal(victim.transport.fingerprint(), s.newFp, `${tag}: ${victim.name} still holds the new key`);
  for (const name of KEY_EVENTS) assert.deepEqual(since(victim, m, name), [], `${tag}: ${victim.name} emitted no ${name} after the attack`);
  const oldText = encodeKey(s.oldKey);
  assert.ok(!victim.events['key:rotated'].some((e) => e.key === oldText || e.newFingerprint === s.oldFp), `${tag}: no key:rotated would save the old key`);
  const persists = (persisted.get(victim) ?? []).slice(m['key:persist'] ?? 0);
  assert.ok(!persists.some((e) => e.key === oldText || e.pendingKey?.key === oldText), `${tag}: no key:persist after the attack would save the old key`);
}

/** The victim's peer is where it was and did not restart. */
export function noRoam(victim: Peer, where: Address, m: Mark, tag: string): void {
  assert.deepEqual(victim.transport.peerAddress(), where, `${tag}: ${victim.name}'s peer did not move`);
  assert.deepEqual(since(victim, m, 'peer:address'), [], `${tag}: no peer:address event`);
  assert.deepEqual(since(victim, m, 'peer:restarted'), [], `${tag}: no "peer restarted"`);
}

export function noForgedDelivery(p: Peer, marker: string, tag: string): void {
  assert.deepEqual(
    p.texts().filter((x) => x.includes(marker)),
    [],
    `${tag}: ${p.name} delivered none of the attacker's text`,
  );
}

/** What the thief reads, with the old key, from one direction of the traffic recorded before the rotation. */
export function learnBefore(s: Rotated, from: Address, to: Address): Learned {
  const l = s.thief.learn(s.tap.between(from, to, 0, s.rotationAt).map((d) => d.data));
  assert.ok(l !== null, 'the thief reads the pre-rotation traffic');
  return l;
}

/** The next packet number the sender will use, as the thief estimates it: every frame is one datagram, counted on the tap. */
export function nextPacketOf(s: Rotated, from: Address, learned: Learned): number {
  return learned.lastPacket + s.tap.between(from, null, s.rotationAt).length + 1;
}
