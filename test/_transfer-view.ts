/** A TransferView for tests: a 12 MiB outgoing report.pdf, 45 % through, unless told otherwise. */
import type { TransferView } from '../src/bus.js';

export const MiB = 1024 * 1024;

export function transferView(over: Partial<TransferView> = {}): TransferView {
  const n = over.n ?? 2;
  return {
    n,
    id: `0123456789abcdef0123456789abcd${String(n).padStart(2, '0')}`,
    direction: 'out',
    name: 'report.pdf',
    size: 12 * MiB,
    sha256Prefix: '1a2b3c4d5e6f',
    state: 'transferring',
    bytes: 5.5 * MiB,
    resumedFrom: 0,
    rateBps: 3.1 * MiB,
    etaS: 4,
    path: '/home/bob/report.pdf',
    ...over,
  };
}
