import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bus, type TransferView } from '../../src/bus.js';
import { parseInputLine } from '../../src/app/headless-format.js';
import { HeadlessTransfers, transferEvent } from '../../src/app/headless-transfers.js';

function view(over: Partial<TransferView> = {}): TransferView {
  return {
    n: 1,
    id: '0123456789abcdef0123456789abcdef',
    direction: 'in',
    name: 'report.pdf',
    size: 1000,
    sha256Prefix: 'abcdef123456',
    state: 'offered',
    bytes: 0,
    resumedFrom: 0,
    rateBps: null,
    etaS: null,
    path: '/tmp/report.pdf.part',
    ...over,
  };
}

describe('headless transfers', () => {
  it('parses the transfer commands as the UI does, mistakes as one line', () => {
    assert.deepEqual(parseInputLine('/send ~/a b.txt'), { kind: 'transfer', command: { name: 'send', path: '~/a b.txt' } });
    assert.deepEqual(parseInputLine('/accept 2 ./in'), { kind: 'transfer', command: { name: 'accept', n: 2, dir: './in' } });
    assert.deepEqual(parseInputLine('/decline'), { kind: 'transfer', command: { name: 'decline', n: null } });
    assert.deepEqual(parseInputLine('/transfers'), { kind: 'transfer', command: { name: 'transfers' } });
    const bad = parseInputLine('/cancel');
    assert.equal(bad.kind, 'unknown');
    assert.match((bad as { message: string }).message, /^usage: \/cancel N/);
  });

  it('event names: state changes, progress only when bytes moved', () => {
    assert.equal(transferEvent(view(), undefined), 'offer');
    assert.equal(transferEvent(view({ direction: 'out' }), undefined), 'offered');
    assert.equal(transferEvent(view({ state: 'transferring' }), view()), 'accepted');
    assert.equal(transferEvent(view({ state: 'transferring', bytes: 10 }), view({ state: 'transferring' })), 'progress');
    assert.equal(transferEvent(view({ state: 'transferring' }), view({ state: 'transferring' })), null);
    assert.equal(transferEvent(view({ state: 'transferring' }), view({ state: 'paused' })), 'resumed');
    assert.equal(transferEvent(view({ state: 'done' }), view({ state: 'verifying' })), 'done');
  });

  it('stderr: one line per state change; --json: progress thinned per transfer; /accept goes on the bus', () => {
    const bus = new Bus();
    const out: string[] = [];
    const err: string[] = [];
    let now = 0;
    const h = new HeadlessTransfers({
      bus,
      wire: 'reliable',
      json: true,
      acceptDir: null,
      home: null,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      now: () => now,
      changed: () => {},
    });
    const accepts: unknown[] = [];
    bus.on('transfer:accept', (e) => accepts.push(e));
    bus.emit('transfer:update', view());
    assert.match(err[0]!, /^transfer 1: offered: report\.pdf \(1000 B, sha256 abcdef123456\) — \/accept 1 or \/decline 1$/);
    assert.equal(h.running().length, 0, 'an offer nobody answered does not keep the process');
    h.run({ name: 'accept', n: null });
    assert.deepEqual(accepts, [{ n: 1 }]);
    for (let i = 1; i <= 10; i += 1) {
      now = i * 100;
      bus.emit('transfer:update', view({ state: 'transferring', bytes: i * 10 }));
    }
    assert.equal(err.length, 2, err.join('\n'));
    const events = out.map((l) => JSON.parse(l) as { event: string; bytes: number });
    assert.deepEqual(
      events.map((e) => e.event),
      // accepted at 100 ms, then one progress 500 ms later: 10 updates in a second became 2 lines.
      ['offer', 'accepted', 'progress'],
    );
    assert.equal(h.running().length, 1);
    bus.emit('transfer:update', view({ state: 'done', bytes: 1000, path: '/tmp/report.pdf' }));
    assert.match(err.at(-1)!, /^transfer 1: ✓ saved to \/tmp\/report\.pdf/);
    assert.equal(JSON.parse(out.at(-1)!).event, 'done');
    assert.deepEqual(h.unfinished(), { failed: [], running: [] });
    h.close();
  });

  it('a name with escape sequences is shown without them', () => {
    const bus = new Bus();
    const err: string[] = [];
    new HeadlessTransfers({
      bus,
      wire: 'reliable',
      json: false,
      acceptDir: '/in',
      home: null,
      out: () => {},
      err: (l) => err.push(l),
      now: () => 0,
      changed: () => {},
    });
    bus.emit('transfer:update', view({ name: 'a\x1b[31mb' }));
    assert.ok(!err[0]!.includes('\x1b'));
    assert.match(err[0]!, /accepting it into \/in$/);
  });
});
