import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostProblem, parseHostPort, type HostPortProblem } from '../../src/address/parse.js';

describe('parseHostPort', () => {
  const ok: Array<[string, string, number]> = [
    ['127.0.0.1:7755', '127.0.0.1', 7755],
    ['[::1]:7755', '::1', 7755],
    ['[fe80::1%eth0]:7755', 'fe80::1%eth0', 7755],
    ['[::ffff:1.2.3.4]:80', '::ffff:1.2.3.4', 80],
    ['localhost:65535', 'localhost', 65535],
    ['host.name:7755', 'host.name', 7755],
    ['Host-1.Example.COM.:22', 'Host-1.Example.COM.', 22],
    [' 10.0.0.1:7755 ', '10.0.0.1', 7755],
    ['my_service:7755', 'my_service', 7755],
  ];
  for (const [input, host, port] of ok) {
    test(JSON.stringify(input), () => assert.deepEqual(parseHostPort(input), { host, port }));
  }
  const bad = [
    '',
    ':',
    '1.2.3.4',
    '1.2.3.4:0',
    '1.2.3.4:-1',
    '1.2.3.4:1e3',
    '1.2.3.4:007755',
    'a..b:1',
    '-a.com:1',
    `${'a'.repeat(64)}.com:1`,
    '[::1:7755',
    '[]:1',
    'host:port',
  ];
  for (const input of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => assert.ok('error' in parseHostPort(input)));
  }
});

describe('parseHostPort: the kind of each failure (callers word their errors by it)', () => {
  const cases: Array<[string, HostPortProblem]> = [
    ['1.2.3.4', 'no-port'],
    ['1.2.3.4:', 'no-port'],
    ['[::1]', 'no-port'],
    ['[::1]:', 'no-port'],
    [':7755', 'no-host'],
    ['[]:7755', 'no-host'],
    ['::1:7755', 'unbracketed-ipv6'],
    ['[localhost]:7755', 'bracketed-not-ipv6'],
    ['[1.2.3.4]:7755', 'bracketed-not-ipv6'],
    ['1.2.3.999:7755', 'bad-host'],
    ['bad host:7755', 'bad-host'],
    ['1.2.3.4:65536', 'bad-port'],
    ['1.2.3.4: 7755', 'bad-port'],
  ];
  for (const [input, kind] of cases) {
    test(JSON.stringify(input), () => {
      const r = parseHostPort(input);
      assert.ok('error' in r, 'rejected');
      assert.equal(r.kind, kind);
    });
  }
  test('the error is one line and quotes controls as JSON escapes', () => {
    for (const input of ['a\x1b[2Jb', 'x\ny:1', 'h:\x1b]0;t\x07', '[\x1b]:1']) {
      const r = parseHostPort(input);
      assert.ok('error' in r, JSON.stringify(input));
      assert.ok(!/[\x00-\x1f\x7f]/.test(r.error), `${JSON.stringify(r.error)} holds a control`);
    }
  });
  test('a non-string is caller misuse', () => {
    assert.throws(() => parseHostPort(7755 as unknown as string), TypeError);
  });
});

describe('hostProblem', () => {
  test('IP addresses and host names pass', () => {
    for (const host of ['127.0.0.1', '::1', 'fe80::1%eth0', 'localhost', 'a-b.example.org.', 'my_service', 'x'.repeat(63)]) {
      assert.equal(hostProblem(host), null, host);
    }
  });
  test('digits and dots alone must be IPv4', () => {
    assert.match(hostProblem('1.2.3.999') ?? '', /^not an IPv4 address: "1\.2\.3\.999"$/);
    assert.match(hostProblem('127.1') ?? '', /not an IPv4 address/);
  });
  test('anything else is not a host name', () => {
    for (const host of ['', 'a b', 'a..b', '-a.com', 'x'.repeat(64), 'bad!', `${'a.'.repeat(127)}a`]) {
      assert.match(hostProblem(host) ?? '', /^not a valid host name: /, JSON.stringify(host));
    }
  });
});
