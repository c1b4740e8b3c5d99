/**
 * /save-profile NAME and /save-key FILE: keep the key a session holds —
 * typically one rotated in a `--key` or FERNCHAT_KEY session, which has no
 * profile or key file to write it to. Either makes the new profile or file
 * the session's: later rotations are written there too (key:persist).
 *
 * Shared by the full-screen UI and the headless mode. Each returns the line
 * to show, or throws an Error whose one-line message never holds a key.
 */
import type { Address } from '../address/address.js';
import type { ChatOptions } from '../config/chat-options.js';
import { writeKeyFile } from '../config/key-file.js';
import { fingerprint, parseKey } from '../crypto/keys.js';
import type { ChatSession } from './session.js';

export type SaveAsRequest = { kind: 'profile'; name: string; nick: string; peer: Address | null } | { kind: 'key-file'; file: string };

export function saveAs(session: Pick<ChatSession, 'keys' | 'persistTo' | 'listen'>, opts: Pick<ChatOptions, 'saveAsProfile'>, req: SaveAsRequest): string {
  const keys = session.keys();
  const fp = fingerprint(parseKey(keys.key));
  if (req.kind === 'profile') {
    if (opts.saveAsProfile === undefined) throw new Error('profiles cannot be saved from this chat');
    const later = opts.saveAsProfile(req.name, { nick: req.nick, peer: req.peer, listenPort: session.listen.port, keys });
    session.persistTo(later, `profile ${req.name}`);
    return `saved profile ${req.name} with the key in use (${fp}); later rotations are saved to it too — restart with: fernchat chat --profile ${req.name}`;
  }
  writeKeyFile(req.file, keys, { replace: false });
  session.persistTo((k) => writeKeyFile(req.file, k, { replace: true }), `key file ${req.file}`);
  return `wrote the key in use (${fp}) to ${req.file} (mode 600); later rotations are written there too — restart with: fernchat chat --key-file ${req.file}`;
}
