import { PeerLookupError } from '../address/resolve.js';
import { BindError } from '../net/udp.js';
import type { StopSignal } from './signals.js';

/**
 * Opens a runner's session with its signal listener already in place (a
 * signal during start-up still ends cleanly). A socket that cannot be bound
 * or a peer name that does not resolve is one stderr line and null (the
 * runner exits 1), with the listener released; anything else is thrown.
 */
export async function openOrSay<T>(open: () => Promise<T>, stop: StopSignal, err: (line: string) => void): Promise<T | null> {
  try {
    return await open();
  } catch (e) {
    stop.release();
    if (e instanceof BindError || e instanceof PeerLookupError) {
      err(`fernchat: ${e.message}`);
      return null;
    }
    throw e;
  }
}
