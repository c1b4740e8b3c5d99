/**
 * A UDP peer address (an IP literal or, before resolving, a host name) and
 * the few pure facts about it that every layer needs: how it is written and
 * when two are the same. Parsing what a person typed is parse.ts; turning a
 * name into an IP is resolve.ts.
 */

export interface Address {
  host: string;
  port: number;
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
