/**
 * A datagram port: what the transport needs of a socket, and nothing more.
 *
 * Two implementations: `udp.ts` (a real node:dgram socket, IPv4 or IPv6) and
 * `memory.ts` (an in-process network with seeded loss, duplication,
 * reordering and delay, for tests and the bench). The transport cannot tell
 * them apart.
 */

export interface Address {
  host: string;
  port: number;
}

export interface DatagramPort {
  /**
   * Send one datagram. Never throws for network trouble (unreachable host,
   * ICMP refused, buffer full): that is reported through onError, because a
   * chat must survive its peer being down.
   */
  send(data: Buffer, to: Address): void;
  /** Receive datagrams; returns the unsubscribe function. */
  onDatagram(handler: (data: Buffer, from: Address) => void): () => void;
  /** Non-fatal socket errors; returns the unsubscribe function. */
  onError(handler: (err: Error) => void): () => void;
  /** The bound local address. */
  address(): Address;
  close(): Promise<void>;
}

/** "127.0.0.1:7755", "[::1]:7755". */
export function formatAddress(a: Address): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

export function sameAddress(a: Address | null, b: Address | null): boolean {
  if (a === null || b === null) return a === b;
  // Equal strings first: asked for every datagram received, and normalizing allocates.
  return a.port === b.port && (a.host === b.host || normalizeHost(a.host) === normalizeHost(b.host));
}

/** A host as compared: lower case, IPv4-mapped IPv6 ("::ffff:1.2.3.4") as the IPv4 form. */
export function normalizeHost(h: string): string {
  const lower = h.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}
