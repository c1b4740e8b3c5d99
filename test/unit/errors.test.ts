import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyFormatError } from '../../src/crypto/errors.js';
import { ConfigError, errorLine, exitCodeFor, UsageError } from '../../src/errors.js';
import { PeerLookupError } from '../../src/address/resolve.js';
import { BindError } from '../../src/net/udp.js';
import { HistoryError } from '../../src/history/file.js';

test('errors written for the user print as themselves, one line, with their exit code', () => {
  const cases: Array<[Error, number]> = [
    [new UsageError('--port must be a number'), 2],
    [new ConfigError('/x/config.json: profiles.a.key is not a key'), 2],
    [new KeyFormatError('key decodes to 31 bytes'), 2],
    [new PeerLookupError("cannot resolve the peer's host name nowhere.invalid (ENOTFOUND): check the spelling, or give an IP address"), 1],
    [new BindError('cannot listen on 0.0.0.0:7755: address already in use (EADDRINUSE)'), 1],
    [new HistoryError('cannot read /h/bob.history.jsonl: permission denied'), 1],
  ];
  for (const [err, code] of cases) {
    assert.equal(errorLine(err), `fernchat: ${err.message}`);
    assert.equal(exitCodeFor(err), code, err.name);
  }
});

test('anything else is an unexpected error: one line, a pointer to --debug, exit 1', () => {
  const line = errorLine(new TypeError('x is not a function\n    at foo (bar.js:1:1)'));
  assert.match(line, /^fernchat: unexpected error: x is not a function.*--debug/);
  assert.ok(!line.includes('\n'));
  assert.equal(exitCodeFor(new Error('boom')), 1);
});
