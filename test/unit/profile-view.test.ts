import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProfile, profileJson } from '../../src/commands/profile-view.js';
import { newProfile } from '../../src/config/profiles.js';
import { encodeKey } from '../../src/crypto/keys.js';

const KEY = encodeKey(Buffer.alloc(32, 1));
const PENDING = encodeKey(Buffer.alloc(32, 2));
const profile = { ...newProfile({ nick: 'alice', key: KEY }), pendingKey: { key: PENDING, slot: 'next' as const } };

test('profile show never prints an unfinished rotation’s pending key, not even with --reveal', () => {
  for (const reveal of [false, true]) {
    const json = profileJson('alice', profile, { isDefault: true, reveal });
    assert.ok(!json.includes(PENDING), `--json${reveal ? ' --reveal' : ''} leaks the pending key`);
    assert.ok(!('pendingKey' in (JSON.parse(json) as Record<string, unknown>)));
    assert.equal(json.includes(KEY), reveal, 'the key itself only with --reveal');
    const text = formatProfile('alice', profile, { isDefault: true, reveal }).join('\n');
    assert.ok(!text.includes(PENDING), `text${reveal ? ' --reveal' : ''} leaks the pending key`);
  }
});
