/**
 * The one reading of an address a person typed: "HOST:PORT" (--peer, /peer,
 * `profile add --peer`) and a bare host (config file, invites). Pure.
 *
 * Config and UI word their errors differently (a flag name and the schema's
 * sentence there, a chat line here), so a failure carries a `kind` for them
 * to word as they like and a ready one-line `error` that the chat shows as is.
 * What is accepted is decided only here, so a peer that works on the
 * command line works in /peer and in the file.
 */
import { isIP, isIPv6 } from 'node:net';
import { HIDDEN_VALUE, looksSecret } from '../text/quote.js';
import type { Address } from './address.js';

/** Why a "HOST:PORT" text is not an address. An empty port ("host:") is a missing one. */
export type HostPortProblem = 'no-host' | 'no-port' | 'unbracketed-ipv6' | 'bracketed-not-ipv6' | 'bad-host' | 'bad-port';

/** The address, or why not: `error` is one line; it quotes the input with JSON escapes, never raw controls. */
export type HostPortResult = Address | { error: string; kind: HostPortProblem };

// RFC 1123 labels, plus '_' (Docker and NetBIOS names carry it and resolve); a trailing dot is the root.
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

// A key pasted where an address belongs (`/peer KEY`) is never quoted back (text/quote.ts).
const quoted = (s: string): string => (looksSecret(s) ? HIDDEN_VALUE : JSON.stringify(s));

/**
 * Why `host` is neither an IP address nor a host name, or null. Digits and
 * dots alone must be a valid IPv4 address: "1.2.3.999" is a typo, not a name.
 */
export function hostProblem(host: string): string | null {
  if (isIP(host) !== 0) return null;
  if (/^[\d.]+$/.test(host)) return `not an IPv4 address: ${quoted(host)}`;
  if (!HOSTNAME.test(host)) return `not a valid host name: ${quoted(host)}`;
  return null;
}

/**
 * "1.2.3.4:7755", "[::1]:7755", "host.name:7755" → host and port (1–65535),
 * surrounding space ignored. IPv6 needs brackets (a bare "::1:7755" is
 * ambiguous) and brackets hold only IPv6.
 */
export function parseHostPort(text: string): HostPortResult {
  if (typeof text !== 'string') throw new TypeError(`parseHostPort: expected a string, got ${typeof text}`);
  const input = text.trim();
  const shown = quoted(input);
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(input);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] === undefined) return fail('no-port', `missing port in ${shown} (expected [IPv6]:PORT, e.g. [::1]:7755)`);
    portText = bracketed[2];
    if (host === '') return fail('no-host', `missing host in ${shown} (expected [IPv6]:PORT, e.g. [::1]:7755)`);
    if (!isIPv6(host)) return fail('bracketed-not-ipv6', `not an IPv6 address: ${quoted(host)}`);
  } else {
    const colon = input.lastIndexOf(':');
    if (colon === -1) return fail('no-port', `missing port in ${shown} (expected HOST:PORT, e.g. 192.0.2.7:7755)`);
    host = input.slice(0, colon);
    portText = input.slice(colon + 1);
    if (host.includes(':')) return fail('unbracketed-ipv6', `IPv6 addresses need brackets: [${quoted(host).slice(1, -1)}]:PORT, e.g. [::1]:7755`);
    if (host === '') return fail('no-host', `missing host in ${shown} (expected HOST:PORT)`);
    const problem = hostProblem(host);
    if (problem !== null) return fail('bad-host', problem);
  }
  if (!/^\d{1,5}$/.test(portText) || +portText < 1 || +portText > 65_535) {
    return fail(portText === '' ? 'no-port' : 'bad-port', `port must be a number from 1 to 65535, got ${quoted(portText)}`);
  }
  return { host, port: +portText };
}

function fail(kind: HostPortProblem, error: string): HostPortResult {
  return { error, kind };
}
