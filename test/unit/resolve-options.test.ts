import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { newProfile } from '../../src/config/profiles.js';
import { type ChatFlags, keyCameFromProfile, NO_PROFILE_HINT, resolveChatOptions } from '../../src/config/resolve.js';
import { DEFAULT_UI, type Profile } from '../../src/config/schema.js';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_LINGER_S, DEFAULT_LISTEN_HOST, DEFAULT_TOKEN_TTL_S, DEFAULT_TRANSFER_MAX_FILE_BYTES } from '../../src/constants.js';
import { parseKey } from '../../src/crypto/keys.js';
import { UsageError } from '../../src/errors.js';

const KEY_A = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const KEY_B = 'ERERERERERERERERERERERERERERERERERERERERERE=';

function bobProfile(): Profile {
  return newProfile({
    nick: 'alice',
    key: KEY_B,
    listenHost: '127.0.0.1',
    listenPort: 7001,
    peer: { host: '127.0.0.1', port: 7002 },
    wire: 'raw',
    clockSkewS: 30,
    tokenTtlS: 45,
    ui: { term: 'screen', mouse: true },
  });
}

const flagsOnly = (flags: ChatFlags) => resolveChatOptions({ profileName: null, profile: null, flags, defaultNick: 'login' });
const withProfile = (flags: ChatFlags) => resolveChatOptions({ profileName: 'bob', profile: bobProfile(), flags, defaultNick: 'login' });

describe('resolveChatOptions', () => {
  it('flags only: defaults for everything not given', () => {
    const { files, ...o } = flagsOnly({ key: KEY_A, headless: true, port: '7001', peer: '127.0.0.1:7002' });
    // The download directory's default depends on the machine (~/Downloads if it exists, else the current one).
    assert.equal(files?.acceptDir, null);
    assert.equal(files?.maxFileBytes, DEFAULT_TRANSFER_MAX_FILE_BYTES);
    assert.ok(files !== undefined && path.isAbsolute(files.downloadDir));
    assert.deepEqual(o, {
      profileName: null,
      nick: 'login',
      listen: { host: DEFAULT_LISTEN_HOST, port: 7001 },
      peer: { host: '127.0.0.1', port: 7002 },
      key: parseKey(KEY_A),
      wire: 'reliable',
      clockSkewS: DEFAULT_CLOCK_SKEW_S,
      tokenTtlS: DEFAULT_TOKEN_TTL_S,
      ui: { ...DEFAULT_UI },
      headless: true,
      json: false,
      lingerS: DEFAULT_LINGER_S,
      debug: false,
      pmtuProbe: true,
    });
  });

  it('a profile alone gives its values', () => {
    const o = withProfile({});
    assert.equal(o.profileName, 'bob');
    assert.equal(o.nick, 'alice');
    assert.deepEqual(o.listen, { host: '127.0.0.1', port: 7001 });
    assert.deepEqual(o.peer, { host: '127.0.0.1', port: 7002 });
    assert.ok(o.key.equals(parseKey(KEY_B)));
    assert.equal(o.wire, 'raw');
    assert.equal(o.clockSkewS, 30);
    assert.equal(o.tokenTtlS, 45);
    assert.equal(o.ui.term, 'screen');
    assert.equal(o.ui.mouse, true);
  });

  it('flags win over the profile', () => {
    const o = withProfile({
      nick: 'al',
      host: '::',
      port: '7100',
      peer: '[::1]:7200',
      key: KEY_A,
      wire: 'reliable',
      clockSkew: '5',
      term: 'xterm',
      mouse: false,
      headless: true,
      json: true,
      linger: '0.5',
      debug: true,
    });
    assert.equal(o.nick, 'al');
    assert.deepEqual(o.listen, { host: '::', port: 7100 });
    assert.deepEqual(o.peer, { host: '::1', port: 7200 });
    assert.ok(o.key.equals(parseKey(KEY_A)));
    assert.equal(o.wire, 'reliable');
    assert.equal(o.clockSkewS, 5);
    assert.equal(o.ui.term, 'xterm');
    assert.equal(o.ui.mouse, false);
    assert.equal(o.json, true);
    assert.equal(o.lingerS, 0.5);
    assert.equal(o.debug, true);
    assert.equal(o.tokenTtlS, 45);
  });

  it('does not change the profile it was given', () => {
    const p = bobProfile();
    resolveChatOptions({ profileName: 'bob', profile: p, flags: { term: 'xterm', mouse: false }, defaultNick: 'x' });
    assert.deepEqual(p, bobProfile());
  });

  it('no profile and no key: says how to create a profile', () => {
    assert.throws(
      () => flagsOnly({ peer: '127.0.0.1:7002' }),
      (e: unknown) => e instanceof UsageError && e.message === NO_PROFILE_HINT,
    );
    assert.match(NO_PROFILE_HINT, /fernchat profile add NAME --peer HOST:PORT/);
    assert.match(NO_PROFILE_HINT, /fernchat join -/);
    assert.match(NO_PROFILE_HINT, /--key-file FILE or \$FERNCHAT_KEY/);
    assert.doesNotMatch(NO_PROFILE_HINT, /--key KEY/, 'the hint does not teach a key on the command line');
  });

  it('a missing peer means "learn it from the first datagram"', () => {
    assert.equal(flagsOnly({ key: KEY_A }).peer, null);
  });

  const bad: Array<[ChatFlags, RegExp]> = [
    [{ port: '0' }, /^--port must be an integer 1-65535, got "0"$/],
    [{ port: '70000' }, /^--port must be an integer 1-65535, got "70000"$/],
    [{ port: 'abc' }, /^--port must be an integer 1-65535, got "abc"$/],
    [{ port: '7001x' }, /^--port must be an integer/],
    [{ port: '' }, /^--port must be an integer/],
    [{ peer: '127.0.0.1' }, /^--peer must be HOST:PORT .*the port is missing$/],
    [{ peer: '127.0.0.1:' }, /^--peer must be HOST:PORT .*the port is missing$/],
    [{ peer: ':7002' }, /^--peer must be HOST:PORT .*the host is missing$/],
    [{ peer: '[::1]' }, /^--peer must be HOST:PORT .*the port is missing$/],
    [{ peer: '::1:7755' }, /^--peer: write an IPv6 address in brackets/],
    [{ peer: '127.0.0.1:99999' }, /^--peer port must be an integer 1-65535/],
    [{ peer: 'bad host:7755' }, /^--peer host must be an IP address or a host name$/],
    [{ key: 'not-a-key' }, /^--key is not a valid Fernet key: key has 9 base64 characters/],
    [{ key: 'AAAA' }, /^--key is not a valid Fernet key: key decodes to 3 bytes/],
    [{ key: '' }, /^--key is not a valid Fernet key: key is empty$/],
    [{ wire: 'tcp' }, /^--wire must be one of: reliable, raw$/],
    [{ linger: '-1', headless: true }, /^--linger must be a number of seconds 0-3600, got "-1"$/],
    [{ linger: 'soon', headless: true }, /^--linger must be a number of seconds/],
    [{ clockSkew: '-3' }, /^--clock-skew must be a whole number of seconds 0-86400/],
    [{ nick: 'two words' }, /^--nick must be 1-32 printable characters without spaces$/],
    [{ host: 'a b' }, /^--host must be an IP address or a host name$/],
    [{ json: true }, /^--json works only with --headless$/],
  ];
  for (const [flags, re] of bad) {
    it(`rejects ${JSON.stringify(flags)} in one line naming the flag`, () => {
      const all = { key: KEY_A, ...flags };
      assert.throws(
        () => flagsOnly(all),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, String(e));
          assert.match(e.message, re);
          assert.ok(!e.message.includes('\n'));
          return true;
        },
      );
    });
  }

  it('never echoes a bad key', () => {
    const k = 'SECRETSECRETSECRETSECRETSECRETSECRETSECRE';
    assert.throws(
      () => flagsOnly({ key: k }),
      (e: Error) => !e.message.includes('SECRETSECRET'),
    );
  });

  it('a rotated key is saved back only when the key came from the profile', () => {
    assert.equal(keyCameFromProfile({ profileName: 'bob', profile: bobProfile(), flags: {}, defaultNick: 'x' }), true);
    assert.equal(keyCameFromProfile({ profileName: 'bob', profile: bobProfile(), flags: { key: KEY_A }, defaultNick: 'x' }), false);
    assert.equal(keyCameFromProfile({ profileName: null, profile: null, flags: { key: KEY_A }, defaultNick: 'x' }), false);
  });

  it('profile and profileName must come together', () => {
    assert.throws(() => resolveChatOptions({ profileName: 'x', profile: null, flags: { key: KEY_A }, defaultNick: 'x' }), TypeError);
  });
});
