import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStatus, statusFields, statusText, type StatusState } from '../../src/ui/status-bar.js';
import { stringWidth } from '../../src/text/width.js';

const base: StatusState = {
  nick: 'alice',
  listen: '0.0.0.0:7755',
  peer: '127.0.0.1:40123',
  peerNick: 'bob',
  fingerprint: 'AB12-CD34-EF56-7890',
  rotating: false,
  link: 'online',
  rttMs: 3.4,
  wire: 'reliable',
  pending: 2,
};

/** What the terminal shows for a tagged string: tags gone, escapes undone. */
function visible(tagged: string): string {
  return tagged.replace(/\{\/?[a-z-]+\}/g, (t) => (t === '{open}' ? '{' : t === '{close}' ? '}' : ''));
}

describe('status bar layout', () => {
  test('a wide row shows every field in full', () => {
    const text = statusText(base, 200);
    for (const part of ['alice 0.0.0.0:7755', '→ bob 127.0.0.1:40123', '● online', 'rtt 3.4 ms', 'key AB12-CD34-EF56-7890', 'reliable', '2 pending']) {
      assert.ok(text.includes(part), `missing "${part}" in "${text}"`);
    }
  });

  test('at 80 columns the peer address and the whole fingerprint are still there', () => {
    const text = statusText(base, 80);
    assert.ok(stringWidth(text) <= 80, text);
    assert.ok(text.includes('127.0.0.1:40123'), text);
    assert.ok(text.includes('AB12-CD34-EF56-7890'), text);
    assert.ok(text.includes('online'), text);
  });

  test('never wider than the row, at every width', () => {
    const states: StatusState[] = [
      base,
      { ...base, peer: null, peerNick: null, link: 'connecting', rttMs: null },
      { ...base, nick: '漢字のニックネーム👍', peerNick: '🇫🇷🇫🇷🇫🇷', rotating: true, link: 'offline', pending: 12345 },
      { ...base, peer: '[2001:db8:1234:5678:9abc:def0:1234:5678]:65535' },
    ];
    for (const s of states) {
      for (let w = 1; w <= 160; w++) {
        const text = statusText(s, w);
        assert.ok(stringWidth(text) <= w, `width ${w}: "${text}" is ${stringWidth(text)} wide`);
        assert.equal(visible(formatStatus(s, w)), text, `tagged and plain forms differ at width ${w}`);
      }
    }
  });

  test('shrinking keeps fields in order and drops detail before identity', () => {
    const order = ['who', 'peer', 'link', 'rtt', 'key', 'wire', 'pending'];
    assert.deepEqual(
      statusFields(base, 200).map((f) => f.name),
      order,
    );
    for (let w = 40; w <= 120; w++) {
      const names: string[] = statusFields(base, w).map((f) => f.name);
      assert.deepEqual(
        names,
        order.filter((n) => names.includes(n)),
        `order at width ${w}`,
      );
      for (const must of ['who', 'peer', 'link', 'key']) assert.ok(names.includes(must), `${must} missing at width ${w}`);
    }
    // Down to 52 columns the peer's port survives beside the whole fingerprint: it is what the user checks.
    for (let w = 52; w <= 120; w++) assert.ok(statusText(base, w).includes('127.0.0.1:40123'), `peer cut at width ${w}: ${statusText(base, w)}`);
    const narrow = statusText(base, 60);
    assert.ok(!narrow.includes('0.0.0.0'), 'own listen address should go before the peer: ' + narrow);
    assert.ok(narrow.includes('alice'), narrow);
  });

  test('rotation pending shows "rotating…"', () => {
    assert.ok(statusText({ ...base, rotating: true }, 120).includes('AB12-CD34-EF56-7890 rotating…'));
    assert.ok(statusText({ ...base, rotating: true }, 50).includes('AB12-CD34-EF56-7890 ↻'), statusText({ ...base, rotating: true }, 50));
  });

  test('the fingerprint is always whole: every other field gives way first (down to 24 columns)', () => {
    const states: StatusState[] = [
      base,
      { ...base, peer: null, peerNick: null, link: 'connecting', rttMs: null },
      { ...base, nick: '漢字のニックネーム👍', peerNick: '🇫🇷🇫🇷🇫🇷', link: 'left', pending: 12345 },
      { ...base, peer: '[2001:db8:1234:5678:9abc:def0:1234:5678]:65535' },
    ];
    for (const s of states) {
      for (let w = 24; w <= 160; w++) assert.ok(statusText(s, w).includes('AB12-CD34-EF56-7890'), `width ${w}: ${statusText(s, w)}`);
    }
    assert.equal(statusText(base, 40), ' alice │ → │ ● │ AB12-CD34-EF56-7890');
    assert.equal(statusText(base, 24), ' ● │ AB12-CD34-EF56-7890');
  });

  test('link states and the waiting peer', () => {
    assert.ok(statusText({ ...base, link: 'offline' }, 120).includes('○ offline'));
    assert.ok(statusText({ ...base, link: 'left' }, 120).includes('– left'));
    assert.ok(statusText({ ...base, link: 'connecting' }, 120).includes('◌ connecting'));
    assert.ok(statusText({ ...base, peer: null, peerNick: null }, 120).includes('→ waiting for peer'));
    assert.ok(statusText({ ...base, rttMs: null }, 120).includes('rtt –'));
    assert.ok(statusText({ ...base, rttMs: 0.26 }, 120).includes('rtt 0.3 ms'), 'loopback RTTs keep a decimal');
    assert.ok(statusText({ ...base, rttMs: 41.6 }, 120).includes('rtt 42 ms'));
  });

  test('tones become colours; a nick cannot inject tags or escapes', () => {
    const tagged = formatStatus({ ...base, nick: '{red-fg}x{/red-fg}\x1b[2J', link: 'offline' }, 120);
    assert.ok(tagged.includes('{red-fg}○ offline{/red-fg}'), tagged);
    assert.ok(tagged.includes('{open}red-fg{close}x'), tagged);
    assert.ok(!tagged.includes('\x1b'), tagged);
    assert.ok(formatStatus(base, 120).includes('{green-fg}● online{/green-fg}'));
  });

  test('bad width is caller misuse', () => {
    assert.throws(() => statusText(base, 0), TypeError);
    assert.throws(() => statusText(base, 2.5), TypeError);
  });
});
