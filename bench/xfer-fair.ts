/**
 * How two transfers shared a link: each one's bytes over the interval both
 * were moving (from the later one's first byte to the earlier one's last),
 * from progress samples [time, bytes held], read between samples by linear
 * interpolation. Pure.
 */

export type Track = ReadonlyArray<readonly [number, number]>;

export interface Shares {
  shareA: number;
  shareB: number;
  /** Bytes both moved together over the interval. */
  bytes: number;
  /** The interval, in the samples' time unit (ms). */
  ms: number;
}

/** Bytes held at time t: interpolated between samples, clamped to the first and last. */
export function bytesAt(track: Track, t: number): number {
  if (track.length === 0) return 0;
  if (t <= track[0]![0]) return track[0]![1];
  for (let i = 1; i < track.length; i++) {
    const [t1, b1] = track[i]!;
    if (t <= t1) {
      const [t0, b0] = track[i - 1]!;
      return t1 === t0 ? b1 : b0 + ((b1 - b0) * (t - t0)) / (t1 - t0);
    }
  }
  return track[track.length - 1]![1];
}

/** When the track first held `size` bytes (its last sample if never). */
function finished(track: Track, size: number): number {
  return (track.find(([, b]) => b >= size) ?? track[track.length - 1]!)[0];
}

/** Null when the tracks never overlapped in time, or nothing moved while they did. */
export function fairShares(a: Track, b: Track, size: number): Shares | null {
  if (a.length === 0 || b.length === 0) return null;
  const start = Math.max(a[0]![0], b[0]![0]);
  const end = Math.min(finished(a, size), finished(b, size));
  if (!(end > start)) return null;
  const da = bytesAt(a, end) - bytesAt(a, start);
  const db = bytesAt(b, end) - bytesAt(b, start);
  if (!(da + db > 0)) return null;
  return { shareA: da / (da + db), shareB: db / (da + db), bytes: da + db, ms: end - start };
}
