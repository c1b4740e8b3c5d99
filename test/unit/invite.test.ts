import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { decodeInvite, encodeInvite, INVITE_PREFIX, type Invite, InviteCodeError, inviteHostProblem, pickInviteHost } from '../../src/config/invite.js';
import { UsageError } from '../../src/errors.js';

/** Deterministic keys: the mangling tests rely on a 32-bit checksum, so a fixed code makes them pass or fail for good. */
function invite(host: string, port = 7755, nick = 'alice'): Invite {
  return { address: { host, port }, key: createHash('sha256').update(`${host}|${port}|${nick}`).digest(), nick };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

function assertRejected(code: string, context: string): void {
  assert.throws(
    () => decodeInvite(code),
    (e: unknown) => {
      assert.ok(e instanceof InviteCodeError, `${context}: ${String(e)}`);
      assert.ok(e instanceof UsageError, 'exit code 2 like any usage error');
      assert.ok(!e.message.includes('\n'));
      return true;
    },
    context,
  );
}

describe('invite codes', () => {
  for (const inv of [
    invite('192.168.1.20'),
    invite('::1', 7002),
    invite('fe80::1:2:3:4', 1),
    invite('vm2.example.org', 65535),
    invite('10.0.0.1', 7755, 'zoë_☃'),
  ]) {
    it(`roundtrips ${inv.address.host} port ${inv.address.port} nick ${inv.nick}`, () => {
      const code = encodeInvite(inv);
      assert.ok(code.startsWith(INVITE_PREFIX));
      assert.match(code, /^fc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{6}$/, 'one line, no padding, URL-safe');
      const back = decodeInvite(code);
      assert.deepEqual(back.address, inv.address);
      assert.equal(back.nick, inv.nick);
      assert.ok(back.key.equals(inv.key));
    });
  }

  it('survives a line wrapped by the terminal and surrounding blanks', () => {
    const inv = invite('10.1.2.3');
    const code = encodeInvite(inv);
    const wrapped = `  ${code.slice(0, 30)}\n${code.slice(30, 55)}\r\n ${code.slice(55)}\n`;
    assert.ok(decodeInvite(wrapped).key.equals(inv.key));
  });

  it('rejects the code truncated at every length', () => {
    const code = encodeInvite(invite('::1', 7002));
    for (let len = 0; len < code.length; len++) assertRejected(code.slice(0, len), `truncated to ${len}`);
  });

  it('rejects the code with any one character changed', () => {
    const code = encodeInvite(invite('192.168.56.102'));
    for (let i = 0; i < code.length; i++) {
      for (const c of ALPHABET) {
        if (c === code[i]) continue;
        const mangled = code.slice(0, i) + c + code.slice(i + 1);
        assertRejected(mangled, `position ${i} → ${c}`);
      }
    }
  });

  it('rejects a character dropped or doubled anywhere', () => {
    const code = encodeInvite(invite('10.0.0.7'));
    for (let i = 0; i < code.length; i++) {
      assertRejected(code.slice(0, i) + code.slice(i + 1), `dropped ${i}`);
      assertRejected(code.slice(0, i) + code[i] + code.slice(i), `doubled ${i}`);
    }
  });

  it('says what is wrong in the common cases', () => {
    const code = encodeInvite(invite('10.0.0.7'));
    assert.throws(() => decodeInvite(code.slice(0, -3)), /invite code is truncated or damaged \(checksum mismatch\) — copy the whole line/);
    assert.throws(() => decodeInvite(code.slice(0, 20)), /truncated or damaged \(the checksum part is missing\)/);
    assert.throws(() => decodeInvite(''), /invite code is empty/);
    assert.throws(() => decodeInvite('fc'), /truncated or damaged/);
    assert.throws(() => decodeInvite('fc2.abc.def'), /version fc2 is not supported/);
    assert.throws(() => decodeInvite('hello'), /not a fernchat invite code/);
  });

  it('the message never contains the key', () => {
    const inv = invite('10.0.0.7');
    const code = encodeInvite(inv);
    const keyText = inv.key.toString('base64url');
    try {
      decodeInvite(code.slice(0, -1));
      assert.fail('accepted a truncated code');
    } catch (e) {
      assert.ok(e instanceof Error && !e.message.includes(keyText.slice(0, 12)));
    }
  });

  it('refuses to encode what it could not decode', () => {
    assert.throws(() => encodeInvite({ ...invite('10.0.0.1'), key: Buffer.alloc(31) }), TypeError);
    assert.throws(() => encodeInvite(invite('not a host')));
    assert.throws(() => encodeInvite(invite('10.0.0.1', 0)));
    assert.throws(() => encodeInvite(invite('10.0.0.1', 7755, 'two words')));
  });
});

describe('pickInviteHost', () => {
  const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo => ({
    address,
    family,
    internal,
    netmask: '',
    mac: '',
    cidr: null,
    scopeid: 0,
  });
  const ifaces = {
    lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
    eth0: [nic('fe80::1', 'IPv6'), nic('192.168.56.101', 'IPv4')],
    eth1: [nic('10.0.0.5', 'IPv4')],
  };

  it('uses the listen host itself when it is not a wildcard', () => {
    assert.deepEqual(pickInviteHost('10.9.9.9', ifaces), { host: '10.9.9.9', iface: null });
  });

  it('picks the first non-internal IPv4 for 0.0.0.0 and ::', () => {
    assert.deepEqual(pickInviteHost('0.0.0.0', ifaces), { host: '192.168.56.101', iface: 'eth0' });
    assert.deepEqual(pickInviteHost('::', ifaces), { host: '192.168.56.101', iface: 'eth0' });
  });

  it('falls back to a global IPv6, and to null when there is nothing usable', () => {
    assert.deepEqual(pickInviteHost('::', { lo: ifaces.lo, eth0: [nic('fe80::1', 'IPv6'), nic('2001:db8::5', 'IPv6')] }), {
      host: '2001:db8::5',
      iface: 'eth0',
    });
    assert.equal(pickInviteHost('0.0.0.0', { lo: ifaces.lo }), null);
  });
});

describe('inviteHostProblem', () => {
  it('an address family the listening socket does not hear is a problem; a dual-stack socket or a host name is not', () => {
    assert.match(inviteHostProblem('0.0.0.0', '::1') ?? '', /listens on 0\.0\.0\.0 \(IPv4 only\), so a peer cannot reach it at the IPv6 address ::1/);
    assert.match(inviteHostProblem('192.0.2.1', '2001:db8::1') ?? '', /IPv4 only/);
    assert.match(inviteHostProblem('::1', '127.0.0.1') ?? '', /listens on ::1 \(IPv6 only\)/);
    assert.equal(inviteHostProblem('::', '127.0.0.1'), null);
    assert.equal(inviteHostProblem('::', '::1'), null);
    assert.equal(inviteHostProblem('0.0.0.0', '203.0.113.5'), null);
    assert.equal(inviteHostProblem('0.0.0.0', 'vm.example.com'), null);
  });
});
