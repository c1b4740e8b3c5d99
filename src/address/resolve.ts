import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Address } from './address.js';

/** A peer host name that does not resolve: the user's to fix (a typo, no DNS). One line, no stack. */
export class PeerLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerLookupError';
  }
}

/**
 * A peer given by name is resolved once, before the transport uses it: kept
 * as a name, every datagram would cost a DNS lookup, and the first answer
 * (from the IP) would look like the peer moving. IP literals pass untouched.
 */
export async function resolvePeer(peer: Address): Promise<Address> {
  if (isIP(peer.host) !== 0) return peer;
  try {
    const { address } = await lookup(peer.host);
    return { host: address, port: peer.port };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PeerLookupError(`cannot resolve the peer's host name ${peer.host}${code ? ` (${code})` : ''}: check the spelling, or give an IP address`);
  }
}
