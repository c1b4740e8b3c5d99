/**
 * Free UDP ports for tests and the bench: bound to port 0, then released
 * (a small race, fine on a test machine).
 */
import dgram from 'node:dgram';

/** `n` distinct UDP ports that were free on `host` a moment ago. */
export function freeUdpPorts(n: 1, host?: string): Promise<[number]>;
export function freeUdpPorts(n: 2, host?: string): Promise<[number, number]>;
export function freeUdpPorts(n: 3, host?: string): Promise<[number, number, number]>;
export function freeUdpPorts(n: number, host?: string): Promise<number[]>;
export async function freeUdpPorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<dgram.Socket>((resolve, reject) => {
          const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
          s.once('error', reject);
          s.bind(0, host, () => resolve(s));
        }),
    ),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** The flags of a chat on `host`:`port` talking to the peer at `host`:`peer` (default loopback). */
export function loopbackFlags(port: number, peer: number, host = '127.0.0.1'): string[] {
  return ['--host', host, '--port', String(port), '--peer', `${host}:${peer}`];
}
