import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortHandlers } from '../../src/net/port-handlers.js';
import type { Address } from '../../src/net/port.js';

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
      assert.deepEqual(errors.map((e) => e.message), ['one']);
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
