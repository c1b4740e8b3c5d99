/**
 * Interop both ways with the npm `fernet` package (always) and with Python's
 * cryptography.fernet (when python3 can import it; otherwise skipped with the
 * reason printed). Data goes to Python as JSON on stdin, never through a shell.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import fernetPkg from 'fernet'; // CommonJS; adds String.prototype.lpad, so it is imported in tests only
import { Fernet } from '../../src/crypto/fernet.js';
import { encodeKey, generateKey, parseKey } from '../../src/crypto/keys.js';
import { InvalidSignatureError } from '../../src/crypto/errors.js';

const MESSAGES = ['', 'hello', 'héllo wörld ✓', '日本語のテキスト', '🙂🚀 emoji', 'x'.repeat(1000), 'line1\nline2\r\n\ttab', '\u0000nul inside'];
/** fast-check strings of any code point but lone surrogates, which UTF-8 cannot carry. */
const unicodeText = fc.string({ unit: 'binary', maxLength: 200 });

// ------------------------------------------------------------------ npm fernet

function pkgEncrypt(keyText: string, message: string): string {
  return new fernetPkg.Token({ secret: new fernetPkg.Secret(keyText), ttl: 0 }).encode(message);
}
function pkgDecrypt(keyText: string, token: string, ttl = 0): string {
  return new fernetPkg.Token({ secret: new fernetPkg.Secret(keyText), token, ttl }).decode();
}

test('npm fernet: our tokens decrypt there (with and without its TTL check)', () => {
  const keyText = generateKey();
  const f = new Fernet(parseKey(keyText));
  for (const m of MESSAGES) {
    const token = f.encrypt(Buffer.from(m, 'utf8')).toString('latin1');
    assert.equal(pkgDecrypt(keyText, token), m);
    assert.equal(pkgDecrypt(keyText, token, 60), m);
  }
  fc.assert(
    fc.property(unicodeText, (m) => {
      assert.equal(pkgDecrypt(keyText, f.encrypt(Buffer.from(m, 'utf8')).toString('latin1')), m);
    }),
    { numRuns: 60 },
  );
});

test('npm fernet: its tokens decrypt here, and fail under another key', () => {
  const keyText = generateKey();
  const f = new Fernet(parseKey(keyText));
  for (const m of MESSAGES) {
    const token = pkgEncrypt(keyText, m);
    assert.equal(f.decrypt(token, { ttlS: 60 }).toString('utf8'), m);
    assert.equal(f.decrypt(Buffer.from(token, 'latin1')).toString('utf8'), m);
    assert.throws(() => new Fernet(randomBytes(32)).decrypt(token), InvalidSignatureError);
  }
  fc.assert(
    fc.property(unicodeText, (m) => {
      assert.equal(f.decrypt(pkgEncrypt(keyText, m)).toString('utf8'), m);
    }),
    { numRuns: 60 },
  );
});

// ---------------------------------------------------------------------- Python

const PY_SCRIPT = `
import base64, json, sys
from cryptography.fernet import Fernet, InvalidToken
req = json.load(sys.stdin)
op = req["op"]
b64 = lambda b: base64.b64encode(b).decode()
unb64 = base64.b64decode
if op == "decrypt":
    f = Fernet(req["key"].encode())
    out = [b64(f.decrypt(t.encode(), ttl=req["ttl"])) for t in req["tokens"]]
elif op == "encrypt":
    key = Fernet.generate_key()
    f = Fernet(key)
    out = {"key": key.decode(), "tokens": [f.encrypt(unb64(p)).decode() for p in req["plaintexts"]]}
elif op == "keys":
    out = [Fernet.generate_key().decode() for _ in range(req["n"])]
elif op == "parts":
    if not hasattr(Fernet, "_encrypt_from_parts"):
        out = None
    else:
        f = Fernet(req["key"].encode())
        out = [f._encrypt_from_parts(unb64(c["plain"]), c["ts"], unb64(c["iv"])).decode() for c in req["cases"]]
elif op == "at_time":
    f = Fernet(req["key"].encode())
    out = []
    for c in req["cases"]:
        try:
            f.decrypt_at_time(c["token"].encode(), c["ttl"], c["now"])
            out.append(True)
        except InvalidToken:
            out.append(False)
print(json.dumps(out))
`;

function pythonUnavailable(): string | null {
  const r = spawnSync('python3', ['-c', 'import cryptography.fernet'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return `python3 not runnable (${r.error.message}); Python interop not tested`;
  if (r.status !== 0) return 'python3 cannot import cryptography (pip install cryptography); Python interop not tested';
  return null;
}
const skipReason = pythonUnavailable();

function py(request: object): unknown {
  const r = spawnSync('python3', ['-c', PY_SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const PLAINTEXTS = [
  Buffer.alloc(0),
  Buffer.from('hello'),
  Buffer.from([0, 255, 128, 10, 13]),
  randomBytes(15),
  randomBytes(16),
  randomBytes(1000),
  randomBytes(64 * 1024),
];

test('Python: our keys and tokens are accepted and decrypt there', (t) => {
  if (skipReason) {
    console.log(`skip: ${skipReason}`);
    t.skip(skipReason);
    return;
  }
  const keyText = generateKey();
  const f = new Fernet(parseKey(keyText));
  const tokens = PLAINTEXTS.map((p) => f.encrypt(p).toString('latin1'));
  const out = py({ op: 'decrypt', key: keyText, ttl: 60, tokens }) as string[];
  assert.deepEqual(
    out.map((b) => Buffer.from(b, 'base64')),
    PLAINTEXTS,
  );
});

test('Python: its keys parse here and its tokens decrypt here', (t) => {
  if (skipReason) {
    console.log(`skip: ${skipReason}`);
    t.skip(skipReason);
    return;
  }
  const keys = py({ op: 'keys', n: 20 }) as string[];
  for (const k of keys) assert.equal(encodeKey(parseKey(k)), k);
  const out = py({ op: 'encrypt', plaintexts: PLAINTEXTS.map((p) => p.toString('base64')) }) as { key: string; tokens: string[] };
  const f = new Fernet(parseKey(out.key));
  assert.deepEqual(
    out.tokens.map((tok) => f.decrypt(tok, { ttlS: 60 })),
    PLAINTEXTS,
  );
});

test('Python: byte-identical tokens from the same key, time, IV and plaintext', (t) => {
  if (skipReason) {
    console.log(`skip: ${skipReason}`);
    t.skip(skipReason);
    return;
  }
  const keyText = generateKey();
  const f = new Fernet(parseKey(keyText));
  const cases = Array.from({ length: 40 }, (_, i) => ({
    plain: randomBytes(i * 7),
    ts: Math.floor(Math.random() * 2 ** 40),
    iv: randomBytes(16),
  }));
  const out = py({
    op: 'parts',
    key: keyText,
    cases: cases.map((c) => ({ plain: c.plain.toString('base64'), ts: c.ts, iv: c.iv.toString('base64') })),
  }) as string[] | null;
  if (out === null) {
    const reason = 'this cryptography has no Fernet._encrypt_from_parts; byte-identical check not run';
    console.log(`skip: ${reason}`);
    t.skip(reason);
    return;
  }
  assert.deepEqual(
    out,
    cases.map((c) => f.encrypt(c.plain, c.ts, c.iv).toString('latin1')),
  );
});

test('Python: ttl and clock-skew verdicts agree at the boundaries', (t) => {
  if (skipReason) {
    console.log(`skip: ${skipReason}`);
    t.skip(skipReason);
    return;
  }
  const keyText = generateKey();
  const f = new Fernet(parseKey(keyText));
  const ts = 1_700_000_000;
  const token = f.encrypt(Buffer.from('t'), ts).toString('latin1');
  const cases: Array<{ token: string; ttl: number; now: number }> = [];
  for (const ttl of [0, 1, 60]) {
    for (const delta of [-62, -61, -60, -59, -1, 0, 1, ttl - 1, ttl, ttl + 1, ttl + 2]) cases.push({ token, ttl, now: ts + delta });
  }
  const python = py({ op: 'at_time', key: keyText, cases }) as boolean[];
  const ours = cases.map((c) => {
    try {
      f.decrypt(c.token, { ttlS: c.ttl, nowS: c.now });
      return true;
    } catch {
      return false;
    }
  });
  assert.deepEqual(ours, python);
  assert.ok(python.includes(true) && python.includes(false), 'the cases straddle both boundaries');
});
