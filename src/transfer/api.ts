/**
 * The transfer service's outside (src/transfer/service.ts): what a runner
 * (app/session.ts, `fernchat send`, the bench) gives it. The UI never sees
 * this: it talks to the service through the bus (transfer:* requests,
 * transfer:update facts).
 */
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
}
