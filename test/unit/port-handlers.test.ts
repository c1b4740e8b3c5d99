import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortHandlers } from '../../src/net/port-handlers.js';
import type { Address } from '../../src/address/address.js';

const FROM: Address = { host: '127.0.0.1', port: 7755 };
const DATA = Buffer.from('x');

for (const bugs of ['contain', 'surface'] as const) {
  describe(`PortHandlers (${bugs})`, () => {
    test('every datagram handler runs, each with its own copy of the source', () => {
      const h = new PortHandlers(bugs);
      const seen: Address[] = [];
      h.onDatagram((_d, from) => {
        seen.push(from);
        from.port = 1;
      });
      h.onDatagram((_d, from) => seen.push(from));
      h.deliver(DATA, FROM);
      assert.deepEqual(seen, [{ host: '127.0.0.1', port: 1 }, FROM]);
      assert.notEqual(seen[1], FROM);
      assert.equal(FROM.port, 7755);
    });

    test('unsubscribe stops delivery, also from inside a delivery', () => {
      const h = new PortHandlers(bugs);
      let a = 0;
      let b = 0;
      let offB = (): void => {};
      h.onDatagram(() => {
        a++;
        offB();
      });
      offB = h.onDatagram(() => b++);
      h.deliver(DATA, FROM);
      h.deliver(DATA, FROM);
      assert.equal(a, 2);
      assert.equal(b, 1, 'the snapshot of the first delivery still held b');
      const errors: Error[] = [];
      const offE = h.onError((e) => errors.push(e));
      h.reportError(new Error('one'));
      offE();
      h.reportError(new Error('two'));
      assert.deepEqual(
        errors.map((e) => e.message),
        ['one'],
      );
    });

    test('a throwing datagram handler is reported and the others still run', () => {
      const h = new PortHandlers(bugs);
      const errors: Error[] = [];
      let after = 0;
      h.onError((e) => errors.push(e));
      h.onDatagram(() => {
        throw new Error('handler bug');
      });
      h.onDatagram(() => after++);
      h.deliver(DATA, FROM);
      assert.equal(after, 1);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.message, /^datagram handler failed: handler bug$/);
    });
  });
}

describe('PortHandlers: where an unheard bug goes', () => {
  const throwing = (h: PortHandlers): void => {
    h.onDatagram(() => {
      throw new Error('boom');
    });
  };
  test('contain: a handler throw with no error handler is dropped', () => {
    const h = new PortHandlers('contain');
    throwing(h);
    assert.doesNotThrow(() => h.deliver(DATA, FROM));
  });
  test('surface: a handler throw with no error handler is rethrown', () => {
    const h = new PortHandlers('surface');
    throwing(h);
    assert.throws(() => h.deliver(DATA, FROM), /boom/);
  });
  test('contain swallows a throwing error handler; surface lets it through', () => {
    for (const bugs of ['contain', 'surface'] as const) {
      const h = new PortHandlers(bugs);
      let later = 0;
      h.onError(() => {
        throw new Error('error handler bug');
      });
      h.onError(() => later++);
      if (bugs === 'contain') {
        h.reportError(new Error('x'));
        assert.equal(later, 1, 'the next error handler still ran');
      } else {
        assert.throws(() => h.reportError(new Error('x')), /error handler bug/);
      }
    }
  });
});

describe('PortHandlers: the cached handler list follows every change', () => {
  test('a handler added after a delivery gets the next datagram; one added during a delivery does not get that one', () => {
    const h = new PortHandlers('surface');
    const got: string[] = [];
    let added = false;
    h.onDatagram((d) => {
      got.push(`a:${d.toString()}`);
      if (!added) {
        added = true;
        h.onDatagram((d2) => got.push(`c:${d2.toString()}`));
      }
    });
    h.deliver(Buffer.from('1'), FROM);
    const offB = h.onDatagram((d) => got.push(`b:${d.toString()}`));
    h.deliver(Buffer.from('2'), FROM);
    offB();
    h.deliver(Buffer.from('3'), FROM);
    assert.deepEqual(got, ['a:1', 'a:2', 'c:2', 'b:2', 'a:3', 'c:3']);
  });

  test('unsubscribing twice, or re-subscribing the same handler, keeps one delivery per handler', () => {
    const h = new PortHandlers('surface');
    let n = 0;
    const handler = (): void => {
      n++;
    };
    const off = h.onDatagram(handler);
    h.onDatagram(handler);
    h.deliver(DATA, FROM);
    assert.equal(n, 1, 'a Set: the same handler once');
    off();
    off();
    h.deliver(DATA, FROM);
    assert.equal(n, 1);
    h.onDatagram(handler);
    h.deliver(DATA, FROM);
    assert.equal(n, 2);
  });

  test("fromIsFresh: the first handler may get the caller's object, every later one a clean copy", () => {
    const h = new PortHandlers('contain');
    const seen: Address[] = [];
    for (let i = 0; i < 3; i++) {
      h.onDatagram((_d, from) => {
        seen.push({ ...from });
        from.host = 'scribbled';
        from.port = 0;
      });
    }
    const fresh: Address = { host: '::1', port: 9 };
    h.deliver(DATA, fresh, true);
    const clean = { host: '::1', port: 9 };
    assert.deepEqual(seen, [clean, clean, clean], "later handlers never see the first one's scribbles");
    assert.equal(fresh.host, 'scribbled', 'the first handler was handed the fresh object itself');
    // Without the flag the caller's object is never handed out.
    seen.length = 0;
    const kept: Address = { host: '127.0.0.1', port: 1 };
    h.deliver(DATA, kept);
    const keptClean = { host: '127.0.0.1', port: 1 };
    assert.deepEqual(seen, [keptClean, keptClean, keptClean]);
    assert.deepEqual(kept, keptClean);
  });
});
