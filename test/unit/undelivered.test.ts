import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../src/bus.js';
import { UndeliveredLog } from '../../src/ui/undelivered.js';

function setup(): { bus: Bus; log: UndeliveredLog } {
  const bus = new Bus();
  return { bus, log: new UndeliveredLog(bus) };
}

test('a message that failed during the chat is reported, not only those failed at shutdown', () => {
  const { bus, log } = setup();
  bus.emit('send', { id: 'a', text: 'too big' });
  bus.emit('message:failed', { id: 'a', text: 'too big', reason: 'message too long', permanent: true });
  bus.emit('send', { id: 'b', text: 'fine' });
  bus.emit('message:delivered', { id: 'b', time: 0 });
  bus.emit('send', { id: 'c', text: 'pending at quit' });
  bus.emit('message:failed', { id: 'c', text: 'pending at quit', reason: 'not delivered: the chat closed' });
  assert.deepEqual(log.texts(), ['too big', 'pending at quit']);
});

test('a failed message sent again (Up, Enter) and then delivered is no longer reported', () => {
  const { bus, log } = setup();
  bus.emit('send', { id: 'a', text: 'hello' });
  bus.emit('message:failed', { id: 'a', text: 'hello', reason: 'queue full' });
  bus.emit('send', { id: 'b', text: 'hello' });
  assert.deepEqual(log.texts(), ['hello'], 'still failed while the retry is in flight');
  bus.emit('message:delivered', { id: 'b', time: 0 });
  assert.deepEqual(log.texts(), []);
});

test('one delivery forgets one failure: the same text failed twice and delivered once is reported once', () => {
  const { bus, log } = setup();
  for (const id of ['a', 'b']) {
    bus.emit('send', { id, text: 'x' });
    bus.emit('message:failed', { id, text: 'x', reason: 'queue full' });
  }
  bus.emit('send', { id: 'c', text: 'x' });
  bus.emit('message:delivered', { id: 'c', time: 0 });
  assert.deepEqual(log.texts(), ['x']);
});

test('a failure with no send seen (the transport refused at once) is reported; dispose() stops listening', () => {
  const { bus, log } = setup();
  bus.emit('message:failed', { id: 'z', text: 'lonely', reason: 'closed' });
  log.dispose();
  bus.emit('message:failed', { id: 'y', text: 'after', reason: 'closed' });
  assert.deepEqual(log.texts(), ['lonely']);
});

test('raw wire: a message is done once sent (no receipts), so nothing is kept in flight and a re-sent failure is forgotten', () => {
  const bus = new Bus();
  const log = new UndeliveredLog(bus, 'raw');
  bus.emit('send', { id: 'a', text: 'hi' });
  bus.emit('message:failed', { id: 'a', text: 'hi', reason: 'no peer address yet' });
  bus.emit('send', { id: 'b', text: 'hi' });
  bus.emit('message:sent', { id: 'b', text: 'hi', time: 0, kind: 'message' });
  assert.deepEqual(log.texts(), []);
  assert.equal((log as unknown as { inFlight: Map<string, string> }).inFlight.size, 0);
});

test('reliable wire: message:sent is not delivery', () => {
  const { bus, log } = setup();
  bus.emit('send', { id: 'a', text: 'hi' });
  bus.emit('message:failed', { id: 'a', text: 'hi', reason: 'queue full' });
  bus.emit('send', { id: 'b', text: 'hi' });
  bus.emit('message:sent', { id: 'b', text: 'hi', time: 0, kind: 'message' });
  assert.deepEqual(log.texts(), ['hi']);
});
