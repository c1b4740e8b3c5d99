/**
 * The transfer service's outside (src/transfer/service.ts): what a runner
 * (app/session.ts, `fernchat send`, the bench) gives it. The UI never sees
 * this: it talks to the service through the bus (transfer:* requests,
 * transfer:update facts).
 */
import type * as FsPromises from 'node:fs/promises';
import type { Bus, WireMode } from '../bus.js';
import type { Clock } from '../clock.js';

/** A profile's file settings (profiles.NAME.files, flags --download-dir, --accept-files, --max-file-size). */
export interface TransferSettings {
  /** Where /accept saves unless it names a directory: absolute. */
  downloadDir: string;
  /** Accept every offer (within maxFileBytes) into this directory without asking: absolute, or null to ask. */
  acceptDir: string | null;
  /** Offers larger than this are declined at once, with a line on both sides, in bytes. */
  maxFileBytes: number;
}

/**
 * The file-system calls that save a received file (incoming.ts: the .part,
 * its writes, the final name): node:fs/promises, or a stand-in in a test
 * (a disk that fills up half way).
 */
export type ReceiverFs = Pick<typeof FsPromises, 'open' | 'stat' | 'statfs' | 'link' | 'rename' | 'unlink'>;

export interface TransferServiceOptions extends TransferSettings {
  bus: Bus;
  wire: WireMode;
  /**
   * The JSON file that keeps unfinished transfers across restarts
   * (transfersStateFile(configDir, profile)); null keeps them in memory only
   * (the demo, a --key session): a restart then starts them over.
   */
  stateFile: string | null;
  clock?: Clock;
  /** For `~` in paths; default os.homedir(). */
  home?: string;
  /** What saves received files; default node:fs/promises. */
  fs?: ReceiverFs;
}
