import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatOptions } from '../../src/config/chat-options.js';
import { tuiOptions } from '../../src/ui/context.js';

test('tuiOptions: the UI gets what it reads of the chat options, never the key', () => {
  const saveSession = (): void => {};
  const opts: ChatOptions = {
    profileName: 'bob',
    nick: 'al',
    listen: { host: '127.0.0.1', port: 7001 },
    peer: { host: '127.0.0.1', port: 7002 },
    key: Buffer.alloc(32, 7),
    wire: 'raw',
    clockSkewS: 60,
    tokenTtlS: 0,
    ui: { scrollback: 100, bell: true, title: false, mouse: false, term: null, seconds: true },
    headless: false,
    json: false,
    lingerS: 5,
    debug: true,
    saveKey: () => {},
    saveSession,
  };
  assert.deepEqual(tuiOptions(opts), { profileName: 'bob', nick: 'al', wire: 'raw', ui: opts.ui, debug: true, saveSession });
  assert.ok(!('key' in tuiOptions(opts)));
  assert.ok(!('saveSession' in tuiOptions({ ...opts, saveSession: undefined })));
});
