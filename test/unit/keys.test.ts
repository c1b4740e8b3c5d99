import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { encodeKey, fingerprint, generateKey, KEY_TEXT_CHARS, parseKey } from '../../src/crypto/keys.js';
import { KeyFormatError } from '../../src/crypto/errors.js';

const KEY_RE = /^[A-Za-z0-9_-]{43}=$/;
const FINGERPRINT_RE = /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/;

test('generateKey: 44 characters of padded urlsafe base64 that parse back to 32 fresh bytes', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const text = generateKey();
    assert.equal(text.length, KEY_TEXT_CHARS);
    assert.match(text, KEY_RE);
    const raw = parseKey(text);
    assert.equal(raw.length, 32);
    assert.equal(encodeKey(raw), text);
    seen.add(text);
  }
  assert.equal(seen.size, 50);
});

test('parseKey accepts padded and whitespace-wrapped forms of any 32 bytes, and refuses the unpadded one (as Python does)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom('', ' ', '\n', '\t ', '\r\n'), (bytes, ws) => {
      const raw = Buffer.from(bytes);
      const text = encodeKey(raw);
      assert.equal(text, raw.toString('base64url') + '=');
      assert.deepEqual(parseKey(text), raw);
      assert.deepEqual(parseKey(`${ws}${text}${ws}`), raw);
      assert.throws(() => parseKey(text.slice(0, -1)), KeyFormatError);
    }),
    { numRuns: 200 },
  );
});

/** Every problem gets one line that names it and never contains the key, nor any 8-character piece of it. */
function assertRejected(input: string, expected: RegExp): void {
  let error: unknown;
  try {
    parseKey(input);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof KeyFormatError, `accepted ${JSON.stringify(input)}`);
  assert.equal(error.name, 'KeyFormatError');
  assert.match(error.message, expected);
  assert.ok(!error.message.includes('\n'), 'message is one line');
  const core = input.trim();
  for (let i = 0; i + 8 <= core.length; i++) {
    assert.ok(!error.message.includes(core.slice(i, i + 8)), `message repeats part of the key: ${error.message}`);
  }
}

test('parseKey names each problem without repeating the key', () => {
  const good = generateKey();
  const at = (i: number, c: string): string => good.slice(0, i) + c + good.slice(i + 1);
  assertRejected('', /^key is empty$/);
  assertRejected('   \n', /^key is empty$/);
  assertRejected(at(7, 'é'), /^key contains U\+00E9 at position 8: a Fernet key is ASCII urlsafe base64/);
  assertRejected(good.slice(0, 43), /^key lacks its final '=' \(Python's Fernet refuses a key without it\); a Fernet key is 32 bytes/);
  assertRejected(at(7, '.'), /^key lacks its final '='|^key decodes to 31 bytes/);
  assertRejected(good.slice(0, 42), /^key decodes to 31 bytes; a Fernet key is 32 bytes \(44 characters of urlsafe base64\)$/);
  assertRejected(good.slice(0, 40) + '=', /^key decodes to 30 bytes; /);
  assertRejected(good.slice(0, 43) + 'AAAA', /^key decodes to 35 bytes; /);
  assertRejected(good.slice(0, 41), /^key has 41 base64 characters, which do not make whole bytes; a Fernet key is 32 bytes/);
});

test('parseKey takes what Python takes from a paste: stray spaces and line breaks, + and /, spare bits, text after the padding', () => {
  const raw = randomBytes(32);
  const text = encodeKey(raw);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text[42]!);
  assert.equal(last & 3, 0);
  assert.deepEqual(parseKey(text.slice(0, 42) + alphabet[last | 3] + '='), raw);
  assert.deepEqual(parseKey(text.slice(0, 22) + '\n' + text.slice(22)), raw);
  assert.deepEqual(parseKey(raw.toString('base64')), raw);
  assert.deepEqual(parseKey(text + '=garbage'), raw);
});

/** Candidate key texts: a valid key and the mutations a paste or a hand makes. */
function candidates(n: number): string[] {
  const out: string[] = [];
  const ascii = ' !"#$%&\'()*+,-./0123456789:;<=>?@AZaz_~\t\n=';
  const rnd = (k: number): number => Math.floor(Math.random() * k);
  for (let i = 0; i < n; i++) {
    const raw = randomBytes(rnd(4) === 0 ? 31 + rnd(3) : 32);
    let t = rnd(3) === 0 ? raw.toString('base64') : encodeKey(raw.length === 32 ? raw : randomBytes(32));
    if (raw.length !== 32) t = raw.toString('base64url') + '='.repeat(rnd(3));
    for (let m = rnd(3); m > 0; m--) {
      const p = rnd(t.length + 1);
      switch (rnd(5)) {
        case 0:
          t = t.slice(0, p) + t.slice(p + 1);
          break;
        case 1:
          t = t.slice(0, p) + ascii[rnd(ascii.length)] + t.slice(p);
          break;
        case 2:
          t = t.slice(0, p) + ascii[rnd(ascii.length)] + t.slice(p + 1);
          break;
        case 3:
          t = t.replace(/=+$/, '');
          break;
        default:
          t += '='.repeat(rnd(3));
      }
    }
    out.push(t);
  }
  return out;
}

const PYTHON_VERDICT = `
import sys, json, base64, binascii
from cryptography.fernet import Fernet
out = []
for t in json.load(sys.stdin):
    try:
        Fernet(t)
        out.append(base64.urlsafe_b64decode(t).hex())
    except (ValueError, binascii.Error):
        out.append(None)
print(json.dumps(out))
`;

test("parseKey accepts exactly the keys Python's Fernet accepts, as the same bytes", (t) => {
  const texts = candidates(3000);
  const r = spawnSync('python3', ['-c', PYTHON_VERDICT], { input: JSON.stringify(texts), encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    t.skip(`python3 with cryptography is not available (${r.error?.message ?? r.stderr.trim().split('\n').pop()})`);
    return;
  }
  const verdicts = JSON.parse(r.stdout) as Array<string | null>;
  let accepted = 0;
  texts.forEach((text, i) => {
    let ours: string | null;
    try {
      ours = parseKey(text).toString('hex');
    } catch (e) {
      assert.ok(e instanceof KeyFormatError);
      ours = null;
    }
    assert.equal(ours, verdicts[i], `for ${JSON.stringify(text)}`);
    if (ours !== null) accepted += 1;
  });
  assert.ok(accepted > 300 && accepted < 2700, `a mix of accepted and refused texts (${accepted} accepted)`);
});

test('caller misuse is a TypeError', () => {
  assert.throws(() => parseKey(undefined as unknown as string), TypeError);
  assert.throws(() => encodeKey(Buffer.alloc(31)), TypeError);
  assert.throws(() => fingerprint(Buffer.alloc(33)), TypeError);
  assert.throws(() => fingerprint('abc' as unknown as Buffer), TypeError);
});

test('fingerprint: format, deterministic, SHA-256 based, different keys differ', () => {
  const raw = randomBytes(32);
  const fp = fingerprint(raw);
  assert.match(fp, FINGERPRINT_RE);
  assert.equal(fingerprint(Buffer.from(raw)), fp);
  assert.equal(fingerprint(parseKey(encodeKey(raw))), fp);
  const digest = createHash('sha256').update(raw).digest('hex').toUpperCase();
  assert.equal(fp.replaceAll('-', ''), digest.slice(0, 16));
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(fingerprint(randomBytes(32)));
  assert.equal(seen.size, 200);
  const flipped = Buffer.from(raw);
  flipped[31]! ^= 1;
  assert.notEqual(fingerprint(flipped), fp);
});
