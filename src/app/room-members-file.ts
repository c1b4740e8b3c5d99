/**
 * A room member's saved member list (#15), in
 * `<configDir>/<profile>.members.json` (0600, written whole through a
 * temporary file and a rename, as transfer/records.ts does, so a kill never
 * leaves half a file): a restart comes back with the members it knew, their
 * addresses and the tombstones, and dials them. The text is the gossip
 * codec's (room/members-codec.ts), checked the same way on the way in. No
 * key material.
 *
 * A file that cannot be read as a member list is moved aside (never
 * deleted) and the session starts as if it had none, with one line saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_MODE } from '../config/paths.js';
import { describeFsError } from '../config/fs.js';
import { decodeMembers, encodeMembers } from '../room/members-codec.js';
import { isMemberId, type MemberId, type MemberSet } from '../room/members.js';
import type { SeenLines } from '../room/line.js';

export function membersFile(configDir: string, profile: string): string {
  return path.join(configDir, `${profile}.members.json`);
}

/** Reads and writes one member list; with file null, keeps nothing. */
export class MembersFile {
  constructor(
    readonly file: string | null,
    private readonly warn: (line: string) => void,
  ) {}

  /** The saved list, or null when there is none (first start, no profile, unreadable). */
  load(): MemberSet | null {
    if (this.file === null) return null;
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.warn(`room: cannot read ${this.file} (${describeFsError(err)}): starting without the saved member list`);
      return null;
    }
    const decoded = decodeMembers(text);
    if (decoded.ok) return decoded.members;
    const aside = `${this.file}.unreadable-${Date.now()}`;
    try {
      fs.renameSync(this.file, aside);
      this.warn(`room: ${this.file} is not a member list (${decoded.reason}); moved aside to ${aside}`);
    } catch (err) {
      this.warn(`room: ${this.file} is not a member list (${decoded.reason}) and could not be moved aside (${describeFsError(err)})`);
    }
    return null;
  }

  /** Writes the list whole; a failure is one warning (the room goes on; a restart would start from the older list). */
  save(members: MemberSet): void {
    if (this.file === null) return;
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(tmp, `${encodeMembers(members)}\n`, { mode: CONFIG_FILE_MODE });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing more to do
      }
      this.warn(`room: cannot save ${this.file} (${describeFsError(err)}): a restart would start from the older member list`);
    }
  }
}

export function seenFile(configDir: string, profile: string): string {
  return path.join(configDir, `${profile}.seen.json`);
}

/**
 * The last line shown from each member (room/line.ts SeenLines), written at
 * quit beside the member list (`<profile>.seen.json`, 0600): a line shown
 * just before the quit whose acknowledgement was lost comes again to the
 * next process, which drops it instead of showing it twice. After a crash
 * the file is the one of the last clean quit (or none): such a line may be
 * shown again. Anything unreadable counts as none (one line).
 */
export class SeenFile {
  constructor(
    readonly file: string | null,
    private readonly warn: (line: string) => void,
  ) {}

  load(): SeenLines {
    if (this.file === null) return [];
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.warn(`room: cannot read ${this.file} (${describeFsError(err)}): a line shown before the last quit may be shown again`);
      return [];
    }
    const ok = (e: unknown): e is { member: MemberId; incarnation: number; seq: number } => {
      const o = e as Record<string, unknown> | null;
      return typeof o === 'object' && o !== null && isMemberId(o['member']) && Number.isSafeInteger(o['incarnation']) && Number.isSafeInteger(o['seq']);
    };
    if (!Array.isArray(data) || data.length > SEEN_MAX || !data.every(ok)) {
      this.warn(`room: ${this.file} is not a list of lines shown: ignored (a line shown before the last quit may be shown again)`);
      return [];
    }
    return data.map((e) => ({ member: e.member, incarnation: e.incarnation, seq: e.seq }));
  }

  save(seen: SeenLines): void {
    if (this.file === null) return;
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(tmp, `${JSON.stringify(seen)}\n`, { mode: CONFIG_FILE_MODE });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      this.warn(`room: cannot save ${this.file} (${describeFsError(err)}): a line shown just now may be shown again after a restart`);
    }
  }
}

/** Entries a seen file may hold: one per member the list has ever held, bounded. */
const SEEN_MAX = 4096;
