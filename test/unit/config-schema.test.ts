import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_LISTEN_HOST, DEFAULT_PORT, DEFAULT_TOKEN_TTL_S } from '../../src/constants.js';
import { DEFAULT_UI, SchemaError, validateConfig } from '../../src/config/schema.js';

const ZERO_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const example = JSON.parse(readFileSync(new URL('../../config.example.json', import.meta.url), 'utf8')) as unknown;

/** A full valid profile, as JSON would give it. */
function goodProfile(): Record<string, unknown> {
  return {
    nick: 'alice',
    listen: { host: '0.0.0.0', port: 7001 },
    peer: { host: '::1', port: 7002 },
    key: ZERO_KEY,
    wire: 'raw',
    clockSkewS: 30,
    tokenTtlS: 90,
    ui: { scrollback: 500, bell: true, title: false, mouse: true, term: 'xterm', seconds: true },
    history: { enabled: true, maxBytes: 1048576 },
    files: { downloadDir: '~/dl', acceptDir: null, maxFileSize: 1024 },
  };
}

function withField(path: string[], value: unknown): unknown {
  const p = goodProfile();
  let o: Record<string, unknown> = p;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[path.at(-1)!];
  else o[path.at(-1)!] = value;
  return { defaultProfile: 'alice', profiles: { alice: p } };
}

describe('config schema', () => {
  it('accepts config.example.json, with two 1:1 profiles, a room profile and the visibly fake all-zero key', () => {
    const cfg = validateConfig(example);
    assert.deepEqual(Object.keys(cfg.profiles).sort(), ['book-club', 'local-test', 'vm2']);
    assert.equal(cfg.defaultProfile, 'vm2');
    assert.equal(cfg.profiles.vm2!.key, ZERO_KEY);
    // The second profile sets every field away from its default: prove they are read, not defaulted.
    const lt = cfg.profiles['local-test']!;
    assert.equal(lt.wire, 'raw');
    assert.equal(lt.ui.term, 'xterm-256color');
    assert.equal(lt.ui.mouse, true);
    assert.equal(lt.listen.port, 7002);
  });

  it('keeps every field of a full profile as given', () => {
    const cfg = validateConfig(withField(['nick'], 'alice'));
    assert.deepEqual(cfg.profiles.alice, goodProfile());
  });

  it('fills defaults for optional fields and an absent file body', () => {
    const cfg = validateConfig({ profiles: { a: { nick: 'a', key: ZERO_KEY } } });
    assert.equal(cfg.defaultProfile, null);
    assert.deepEqual(cfg.profiles.a, {
      nick: 'a',
      listen: { host: DEFAULT_LISTEN_HOST, port: DEFAULT_PORT },
      peer: null,
      key: ZERO_KEY,
      wire: 'reliable',
      clockSkewS: DEFAULT_CLOCK_SKEW_S,
      tokenTtlS: DEFAULT_TOKEN_TTL_S,
      ui: { ...DEFAULT_UI },
      history: { enabled: false, maxBytes: 10 * 1024 * 1024 },
      files: { downloadDir: null, acceptDir: null, maxFileSize: 16 * 1024 ** 3 },
    });
    assert.deepEqual(validateConfig({}), { defaultProfile: null, profiles: {} });
  });

  it('canonicalizes a key Python accepts (standard alphabet, surrounding space)', () => {
    const cfg = validateConfig({ profiles: { a: { nick: 'a', key: ` ${ZERO_KEY.replace('A', '+')}\n` } } });
    assert.equal(cfg.profiles.a!.key, ZERO_KEY.replace('A', '-'));
  });

  // Each case: where to put what, and the field the message must name.
  const bad: Array<[string, string[], unknown]> = [
    ['profiles.alice.listen.port', ['listen', 'port'], 0],
    ['profiles.alice.listen.port', ['listen', 'port'], 70000],
    ['profiles.alice.listen.port', ['listen', 'port'], '7001'],
    ['profiles.alice.listen.port', ['listen', 'port'], 7001.5],
    ['profiles.alice.listen.host', ['listen', 'host'], 'not a host'],
    ['profiles.alice.peer.port', ['peer', 'port'], undefined],
    ['profiles.alice.peer.host', ['peer', 'host'], ''],
    ['profiles.alice.peer', ['peer'], 'example.com:7755'],
    ['profiles.alice.key', ['key'], 'AAAA'],
    // Python's Fernet refuses a key without its '=' too.
    ['profiles.alice.key', ['key'], ZERO_KEY.slice(0, -1)],
    ['profiles.alice.key', ['key'], undefined],
    ['profiles.alice.nick', ['nick'], 'two words'],
    ['profiles.alice.nick', ['nick'], ''],
    ['profiles.alice.nick', ['nick'], 'x'.repeat(33)],
    ['profiles.alice.wire', ['wire'], 'tcp'],
    ['profiles.alice.clockSkewS', ['clockSkewS'], -1],
    ['profiles.alice.tokenTtlS', ['tokenTtlS'], 0],
    ['profiles.alice.ui.scrollback', ['ui', 'scrollback'], 5],
    ['profiles.alice.ui.bell', ['ui', 'bell'], 'yes'],
    ['profiles.alice.ui.term', ['ui', 'term'], 'x y'],
    ['profiles.alice.ui.colour', ['ui', 'colour'], true],
    ['profiles.alice.prot', ['prot'], 7001],
    ['profiles.alice.ui', ['ui'], []],
    ['profiles.alice.history.enabled', ['history', 'enabled'], 'on'],
    ['profiles.alice.history.maxBytes', ['history', 'maxBytes'], 1000],
    ['profiles.alice.history.maxBytes', ['history', 'maxBytes'], 2 * 1024 ** 3],
    ['profiles.alice.history.maxBytes', ['history', 'maxBytes'], '10MiB'],
    ['profiles.alice.history.keep', ['history', 'keep'], true],
    ['profiles.alice.history', ['history'], true],
  ];
  for (const [field, where, value] of bad) {
    it(`rejects ${where.join('.')} = ${JSON.stringify(value)} naming ${field}`, () => {
      assert.throws(
        () => validateConfig(withField(where, value)),
        (err: unknown) => {
          assert.ok(err instanceof SchemaError, String(err));
          assert.equal(err.path, field);
          assert.ok(err.message.startsWith(`${field} `), err.message);
          assert.ok(!err.message.includes('\n'));
          return true;
        },
      );
    });
  }

  it('never repeats a bad key in the message', () => {
    const secretish = 'SECRETSECRETSECRETSECRETSECRETSECRETSECRE';
    assert.throws(
      () => validateConfig({ profiles: { a: { nick: 'a', key: secretish } } }),
      (err: Error) => !err.message.includes('SECRETSECRET'),
    );
  });

  it('rejects bad top-level shapes and names', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[], /top level must be a JSON object/],
      [null, /top level must be a JSON object/],
      [{ profiles: [] }, /: profiles must be a JSON object/],
      [{ profile: {} }, /: profile is not a known field/],
      [{ defaultProfile: 'ghost', profiles: {} }, /: defaultProfile must be null or the name of a profile/],
      [{ defaultProfile: 3, profiles: {} }, /: defaultProfile /],
      [{ profiles: { 'bad name': { nick: 'a', key: ZERO_KEY } } }, /profile name "bad name" must be 1-32 characters/],
      [JSON.parse(`{"profiles": {"__proto__": {"nick": "a", "key": "${ZERO_KEY}"}}}`), /"__proto__" is reserved/],
    ];
    for (const [data, re] of cases) assert.throws(() => validateConfig(data), re, JSON.stringify(data));
  });

  it("tolerates conf's own __internal__ key", () => {
    assert.deepEqual(validateConfig({ __internal__: { migrations: {} }, profiles: {} }).profiles, {});
  });
});
