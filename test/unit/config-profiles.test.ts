import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addProfile,
  applyPatch,
  chooseProfile,
  getProfile,
  newProfile,
  parseProfilePatch,
  removeProfile,
  setProfile,
  useProfile,
} from '../../src/config/profiles.js';
import { type ConfigFile, emptyConfig } from '../../src/config/schema.js';
import { ConfigError, UsageError } from '../../src/errors.js';

const KEY_A = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const KEY_B = 'ERERERERERERERERERERERERERERERERERERERERERE=';

function twoProfiles(): ConfigFile {
  const cfg = emptyConfig();
  addProfile(cfg, 'alice', newProfile({ nick: 'alice', key: KEY_A }));
  addProfile(cfg, 'bob', newProfile({ nick: 'bob', key: KEY_B, peer: { host: '10.0.0.2', port: 7755 } }));
  return cfg;
}

describe('profile operations', () => {
  it('the first profile added becomes the default, the second does not', () => {
    const cfg = emptyConfig();
    assert.deepEqual(addProfile(cfg, 'a', newProfile({ nick: 'a', key: KEY_A })), { madeDefault: true });
    assert.deepEqual(addProfile(cfg, 'b', newProfile({ nick: 'b', key: KEY_A })), { madeDefault: false });
    assert.equal(cfg.defaultProfile, 'a');
  });

  it('add refuses an existing name unless forced, and a bad name', () => {
    const cfg = twoProfiles();
    assert.throws(
      () => addProfile(cfg, 'bob', newProfile({ nick: 'x', key: KEY_A })),
      (e: unknown) => e instanceof ConfigError && /"bob" already exists/.test(e.message),
    );
    assert.equal(cfg.profiles.bob!.nick, 'bob');
    addProfile(cfg, 'bob', newProfile({ nick: 'x', key: KEY_A }), { force: true });
    assert.equal(cfg.profiles.bob!.nick, 'x');
    assert.throws(() => addProfile(cfg, 'no spaces', newProfile({ nick: 'x', key: KEY_A })), /must be 1-32 characters/);
  });

  it('an unknown profile is one line listing the known names', () => {
    const cfg = twoProfiles();
    for (const op of [() => getProfile(cfg, 'carol'), () => useProfile(cfg, 'carol'), () => removeProfile(cfg, 'carol'), () => setProfile(cfg, 'carol', {})]) {
      assert.throws(op, (e: unknown) => e instanceof ConfigError && e.message === 'no profile named "carol" (known profiles: alice, bob)');
    }
    assert.throws(() => getProfile(emptyConfig(), 'x'), /there are no profiles yet/);
  });

  it('set changes only the given fields', () => {
    const cfg = twoProfiles();
    const before = structuredClone(cfg.profiles.bob!);
    setProfile(cfg, 'bob', { listenPort: 7100, ui: { mouse: true } });
    assert.deepEqual(cfg.profiles.bob, { ...before, listen: { ...before.listen, port: 7100 }, ui: { ...before.ui, mouse: true } });
    setProfile(cfg, 'bob', { peer: null });
    assert.equal(cfg.profiles.bob.peer, null);
    assert.deepEqual(cfg.profiles.alice, twoProfiles().profiles.alice);
  });

  it('removing the default clears defaultProfile; removing another keeps it', () => {
    const cfg = twoProfiles();
    assert.deepEqual(removeProfile(cfg, 'bob'), { wasDefault: false });
    assert.equal(cfg.defaultProfile, 'alice');
    assert.deepEqual(removeProfile(cfg, 'alice'), { wasDefault: true });
    assert.equal(cfg.defaultProfile, null);
    assert.deepEqual(cfg.profiles, {});
  });

  it('use sets the default; chooseProfile prefers --profile, then the default', () => {
    const cfg = twoProfiles();
    assert.equal(chooseProfile(cfg, undefined)?.name, 'alice');
    useProfile(cfg, 'bob');
    assert.equal(chooseProfile(cfg, undefined)?.name, 'bob');
    assert.equal(chooseProfile(cfg, 'alice')?.name, 'alice');
    assert.throws(() => chooseProfile(cfg, 'zed'), /no profile named "zed"/);
    assert.equal(chooseProfile(emptyConfig(), undefined), null);
  });
});

describe('parseProfilePatch', () => {
  it('parses every flag', () => {
    const patch = parseProfilePatch({
      nick: 'al',
      host: '::',
      port: '7001',
      peer: '[::1]:7002',
      key: ` ${KEY_A}\n`,
      wire: 'raw',
      clockSkew: '30',
      tokenTtl: '60',
      scrollback: '500',
      bell: true,
      title: false,
      mouse: true,
      seconds: true,
      term: 'screen',
    });
    assert.deepEqual(patch, {
      nick: 'al',
      listenHost: '::',
      listenPort: 7001,
      peer: { host: '::1', port: 7002 },
      key: KEY_A,
      wire: 'raw',
      clockSkewS: 30,
      tokenTtlS: 60,
      ui: { scrollback: 500, bell: true, title: false, mouse: true, seconds: true, term: 'screen' },
    });
  });

  it('--history on|off and --history-max in bytes or with a binary unit', () => {
    assert.deepEqual(parseProfilePatch({ history: 'on' }), { history: { enabled: true } });
    assert.deepEqual(parseProfilePatch({ history: 'OFF', historyMax: '10MiB' }), { history: { enabled: false, maxBytes: 10 * 1024 * 1024 } });
    for (const [text, bytes] of [
      ['524288', 524_288],
      ['512KiB', 524_288],
      ['512k', 524_288],
      ['1.5 M', 1_572_864],
      ['1GiB', 1024 ** 3],
      ['64KiB', 65_536],
    ] as const) {
      assert.equal(parseProfilePatch({ historyMax: text }).history?.maxBytes, bytes, text);
    }
  });

  it('a patch turning history on keeps the cap, and the other way round', () => {
    const cfg = emptyConfig();
    addProfile(cfg, 'h', newProfile({ nick: 'a', key: KEY_A, history: { maxBytes: 1 << 20 } }));
    assert.deepEqual(cfg.profiles.h!.history, { enabled: false, maxBytes: 1 << 20 });
    setProfile(cfg, 'h', parseProfilePatch({ history: 'on' }));
    assert.deepEqual(cfg.profiles.h!.history, { enabled: true, maxBytes: 1 << 20 });
  });

  it('"none" clears the peer and the term; absent flags give an empty patch', () => {
    assert.deepEqual(parseProfilePatch({ peer: 'none', term: 'none' }), { peer: null, ui: { term: null } });
    assert.deepEqual(parseProfilePatch({}), {});
  });

  const bad: Array<[Parameters<typeof parseProfilePatch>[0], RegExp]> = [
    [{ port: '0' }, /^--port must be an integer 1-65535, got "0"$/],
    [{ port: 'abc' }, /^--port must be an integer 1-65535, got "abc"$/],
    [{ peer: '10.0.0.1' }, /^--peer must be HOST:PORT .*the port is missing$/],
    [{ key: 'short' }, /^--key is not a valid Fernet key: /],
    [{ wire: 'udp' }, /^--wire must be one of: reliable, raw$/],
    [{ nick: 'a b' }, /^--nick must be 1-32 printable characters/],
    [{ clockSkew: '-5' }, /^--clock-skew must be a whole number of seconds/],
    [{ tokenTtl: '0' }, /^--token-ttl must be a whole number of seconds 1-/],
    [{ scrollback: '10' }, /^--scrollback must be a number of lines 100-/],
    [{ host: 'a b' }, /^--host must be an IP address or a host name$/],
    [{ term: 'x;rm' }, /^--term must be a terminal type/],
    [{ history: 'yes' }, /^--history must be on or off, got "yes"$/],
    [{ history: '' }, /^--history must be on or off, got ""$/],
    [{ historyMax: '10' }, /^--history-max must be a size from 64 KiB to 1 GiB, such as 10MiB, 512KiB or 1048576 \(bytes\), got "10"$/],
    [{ historyMax: '2GiB' }, /^--history-max must be a size from 64 KiB to 1 GiB/],
    [{ historyMax: '10 parsecs' }, /^--history-max must be a size/],
    [{ historyMax: '-1M' }, /^--history-max must be a size/],
    [{ historyMax: '1e9' }, /^--history-max must be a size/],
  ];
  for (const [flags, re] of bad) {
    it(`rejects ${JSON.stringify(flags)}`, () => {
      assert.throws(
        () => parseProfilePatch(flags),
        (e: unknown) => e instanceof UsageError && re.test(e.message),
      );
    });
  }
});

describe('applyPatch and an unfinished rotation', () => {
  const pending = { key: KEY_B, slot: 'next' as const };
  it('keeps the pending key when other fields change (profile set --nick during a rotation)', () => {
    const p = { ...newProfile({ nick: 'a', key: KEY_A }), pendingKey: pending };
    const q = applyPatch(p, { nick: 'b', listenPort: 7002 });
    assert.deepEqual(q.pendingKey, pending);
    assert.equal(q.nick, 'b');
  });
  it('drops it when the key itself is replaced (the rotation it belonged to is moot)', () => {
    const p = { ...newProfile({ nick: 'a', key: KEY_A }), pendingKey: pending };
    assert.equal(applyPatch(p, { key: KEY_B }).pendingKey, undefined);
  });
});
