import dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UDP_SOCKET_BUFFER_BYTES } from '../constants.js';
import { errorMessage } from '../bus.js';
import { formatAddress, type Address } from '../address/address.js';
import type { DatagramPort } from './port.js';
import { PortHandlers } from './port-handlers.js';

/**
 * A real node:dgram socket as a DatagramPort.
 *
 * - The socket family follows the host: an IPv6 literal binds 'udp6', an IPv4
 *   literal 'udp4', a hostname is resolved with dns.lookup first.
 * - send() never throws. Synchronous throws (socket closed, bad port) and
 *   asynchronous failures (EINVAL, ENETUNREACH, ECONNREFUSED from an ICMP
 *   port-unreachable) go to onError handlers, and the socket stays open:
 *   a chat must survive its peer being down.
 * - An IPv6 socket sending to an IPv4 literal sends to the IPv4-mapped form
 *   (::ffff:a.b.c.d), which works when it is bound to '::' (dual stack) and
 *   fails through onError otherwise (e.g. bound to '::1'). An IPv4 socket
 *   cannot reach an IPv6 peer at all; that also surfaces through onError.
 *   Which family to bind for which peer is the caller's business.
 * - Source addresses in the IPv4-mapped form are reported as plain IPv4, so
 *   the peer address the user sees is the one they typed.
 * - Per datagram, the cheapest path node:dgram has for an unconnected socket:
 *   the socket's lookup answers an IP literal at once (node's default,
 *   dns.lookup, answers it a process.nextTick later, a deferral and a
 *   closure per send), and every send shares one completion callback, which
 *   reads the destination from the error (node's exception carries it).
 */

/** The socket could not be bound. One line, fit to show the user as is. */
export class BindError extends Error {
  /** The system error code (EADDRINUSE, EACCES, EADDRNOTAVAIL, ENOTFOUND…), if any. */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'BindError';
    this.code = code;
  }
}

const BIND_HINTS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed, try again',
  EAFNOSUPPORT: 'address family not supported on this machine',
};

/** Bind a UDP socket on host:port (port 0 = ephemeral). Rejects with BindError. */
export async function bindUdp(host: string, port: number): Promise<DatagramPort> {
  if (typeof host !== 'string' || host === '') throw new TypeError('bindUdp: host must be a non-empty string');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`bindUdp: port must be an integer 0..65535, got ${port}`);
  }
  const where = formatAddress({ host, port });
  let ip = host;
  let family = isIP(host);
  if (family === 0) {
    try {
      const found = await lookup(host);
      ip = found.address;
      family = found.family;
    } catch (err) {
      throw bindError(where, err);
    }
  }
  const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: literalLookup });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.close();
      reject(bindError(where, err));
    };
    socket.once('error', onError);
    socket.bind(port, ip, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  return new UdpPort(socket, family === 6);
}

/**
 * dgram's `lookup`: an IP literal (every destination the transport sends to;
 * names are resolved once, before) answered synchronously, anything else by
 * dns.lookup as usual.
 */
const literalLookup = ((host: string, options: unknown, callback: (err: Error | null, address: string, family: number) => void): void => {
  const family = isIP(host);
  if (family !== 0) callback(null, host, family);
  else dnsLookup(host, options as never, callback as never);
}) as unknown as typeof dnsLookup;

function bindError(where: string, err: unknown): BindError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const hint = code !== undefined ? BIND_HINTS[code] : undefined;
  const why = hint !== undefined ? `${hint} (${code})` : errorMessage(err);
  return new BindError(`cannot listen on ${where}: ${why}`, code);
}

class UdpPort implements DatagramPort {
  private readonly handlers = new PortHandlers('contain');
  private readonly local: Address;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly v6: boolean,
  ) {
    const a = socket.address();
    this.local = { host: a.address, port: a.port };
    // Best effort: Linux silently caps at rmem_max/wmem_max; other systems may refuse.
    for (const set of [() => socket.setRecvBufferSize(UDP_SOCKET_BUFFER_BYTES), () => socket.setSendBufferSize(UDP_SOCKET_BUFFER_BYTES)]) {
      try {
        set();
      } catch {
        // the default buffer still works, only bursts suffer
      }
    }
    // A permanent listener: an 'error' event without one would crash the process.
    socket.on('error', (err) => this.handlers.reportError(err));
    // The address object is built here for this datagram alone, so the first handler may keep it.
    socket.on('message', (msg, rinfo) => this.handlers.deliver(msg, { host: unmapV4(rinfo.address), port: rinfo.port }, true));
  }

  send(data: Buffer, to: Address): void {
    if (this.closing !== null) {
      this.reportError(new Error(`cannot send to ${formatAddress(to)}: the socket is closed`));
      return;
    }
    const host = this.v6 && isIP(to.host) === 4 ? `::ffff:${to.host}` : to.host;
    try {
      this.socket.send(data, to.port, host, this.sent);
    } catch (err) {
      this.reportError(new Error(`send to ${formatAddress(to)} failed: ${errorMessage(err)}`));
    }
  }

  onDatagram(handler: (data: Buffer, from: Address) => void): () => void {
    return this.handlers.onDatagram(handler);
  }

  onError(handler: (err: Error) => void): () => void {
    return this.handlers.onError(handler);
  }

  address(): Address {
    return { ...this.local };
  }

  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = new Promise<void>((resolve) => {
        try {
          this.socket.close(() => resolve());
        } catch {
          resolve(); // already closed underneath us
        }
      });
    }
    return this.closing;
  }

  /** Every send's completion. A failed send's exception names the destination it was for (as the socket saw it). */
  private readonly sent = (err: Error | null): void => {
    if (!err) return;
    const e = err as Error & { address?: string; port?: number };
    const to = e.address !== undefined && e.port !== undefined ? ` to ${formatAddress({ host: unmapV4(e.address), port: e.port })}` : '';
    this.reportError(new Error(`send${to} failed: ${errorMessage(err)}`));
  };

  private reportError(err: Error): void {
    this.handlers.reportError(err);
  }
}

function unmapV4(host: string): string {
  // Per datagram: a plain IPv4 source (the usual case) needs no string work.
  if (!host.includes(':')) return host;
  const lower = host.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : host;
}
