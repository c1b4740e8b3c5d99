import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope } from '../../src/text/json-envelope.js';

const SHAPE = { version: 1, maxChars: 80, required: { ping: ['id'], pong: ['id', 'n'] }, optional: { ping: ['note'] } } as const;
const reason = (body: unknown): string => {
  const e = parseEnvelope(body, SHAPE);
  return e.ok ? 'ok' : e.reason;
};

test('an envelope of a known version and type with exactly its fields is taken; its fields come back', () => {
  const e = parseEnvelope('{"v":1,"t":"pong","id":"a","n":2}', SHAPE);
  assert.ok(e.ok);
  assert.equal(e.type, 'pong');
  assert.equal(e.fields['n'], 2);
  assert.equal(reason('{"v":1,"t":"ping","id":"a","note":"x"}'), 'ok', 'an optional field');
  assert.equal(reason('{"v":1,"t":"ping","id":"a"}'), 'ok', 'without it');
});

test('everything else is one reason, never a throw', () => {
  assert.equal(reason(42), 'not text');
  assert.equal(reason('x'.repeat(81)), 'longer than 80 characters');
  assert.equal(reason('{'), 'not JSON');
  assert.equal(reason('[1]'), 'not an object');
  assert.equal(reason('null'), 'not an object');
  assert.equal(reason('{"v":2,"t":"ping","id":"a"}'), 'version 2 (this fernchat speaks 1)');
  assert.equal(reason('{"v":1,"t":"toString","id":"a"}'), 'unknown type "toString"', 'no inherited names');
  assert.equal(reason('{"v":1,"t":"pong","id":"a"}'), 'pong: missing n');
  assert.equal(reason('{"v":1,"t":"pong","id":"a","n":1,"note":"x"}'), 'pong: unexpected field "note"', 'optional for ping only');
});
