/**
 * Loads the Fernet acceptance vectors (generate.json, verify.json,
 * invalid.json) vendored in `test/fixtures/fernet-spec/` (see its README), or
 * from $FERNCHAT_FERNET_SPEC_DIR when set. A missing or malformed folder is an
 * error, never a skip: the vectors are required.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This file lives in test/, so the repository root is its parent. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FERNET_SPEC_DIR = process.env['FERNCHAT_FERNET_SPEC_DIR'] ?? path.join(REPO_ROOT, 'test', 'fixtures', 'fernet-spec');

export interface GenerateVector {
  token: string;
  nowS: number;
  iv: Buffer;
  src: Buffer;
  secret: string;
}
export interface VerifyVector {
  token: string;
  nowS: number;
  ttlS: number;
  src: Buffer;
  secret: string;
}
export interface InvalidVector {
  desc: string;
  token: string;
  nowS: number;
  ttlS: number;
  secret: string;
}
export interface FernetSpec {
  generate: GenerateVector[];
  verify: VerifyVector[];
  invalid: InvalidVector[];
}

export function loadFernetSpec(): FernetSpec {
  if (!existsSync(FERNET_SPEC_DIR)) {
    throw new Error(
      `Fernet spec vectors not found at ${FERNET_SPEC_DIR} (they are vendored in test/fixtures/fernet-spec/, ` +
        'or set FERNCHAT_FERNET_SPEC_DIR); they are required, so this test fails instead of skipping',
    );
  }
  return {
    generate: readVectors('generate.json').map((v, i) => ({
      token: str(v, 'token', i),
      nowS: seconds(str(v, 'now', i)),
      iv: bytes(v, 'iv', i),
      src: Buffer.from(str(v, 'src', i), 'utf8'),
      secret: str(v, 'secret', i),
    })),
    verify: readVectors('verify.json').map((v, i) => ({
      token: str(v, 'token', i),
      nowS: seconds(str(v, 'now', i)),
      ttlS: num(v, 'ttl_sec', i),
      src: Buffer.from(str(v, 'src', i), 'utf8'),
      secret: str(v, 'secret', i),
    })),
    invalid: readVectors('invalid.json').map((v, i) => ({
      desc: str(v, 'desc', i),
      token: str(v, 'token', i),
      nowS: seconds(str(v, 'now', i)),
      ttlS: num(v, 'ttl_sec', i),
      secret: str(v, 'secret', i),
    })),
  };
}

type Raw = Record<string, unknown>;
let currentFile = '';

function readVectors(file: string): Raw[] {
  currentFile = file;
  const full = path.join(FERNET_SPEC_DIR, file);
  if (!existsSync(full)) throw new Error(`Fernet spec file missing: ${full}`);
  const parsed: unknown = JSON.parse(readFileSync(full, 'utf8'));
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`${full}: expected a non-empty array of vectors`);
  return parsed as Raw[];
}

function field(v: Raw, name: string, i: number): unknown {
  if (!(name in v)) throw new Error(`${currentFile} vector ${i}: missing "${name}"`);
  return v[name];
}
function str(v: Raw, name: string, i: number): string {
  const x = field(v, name, i);
  if (typeof x !== 'string') throw new Error(`${currentFile} vector ${i}: "${name}" is not a string`);
  return x;
}
function num(v: Raw, name: string, i: number): number {
  const x = field(v, name, i);
  if (typeof x !== 'number') throw new Error(`${currentFile} vector ${i}: "${name}" is not a number`);
  return x;
}
function bytes(v: Raw, name: string, i: number): Buffer {
  const x = field(v, name, i);
  if (!Array.isArray(x) || !x.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) {
    throw new Error(`${currentFile} vector ${i}: "${name}" is not an array of bytes`);
  }
  return Buffer.from(x as number[]);
}
/** RFC 3339 time with offset → whole seconds since the epoch. */
function seconds(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`${currentFile}: unparseable time "${iso}"`);
  return Math.floor(ms / 1000);
}
