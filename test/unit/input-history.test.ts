import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputHistory } from '../../src/ui/input-history.js';

describe('InputHistory', () => {
  test('empty history: nothing to recall', () => {
    const h = new InputHistory(10);
    assert.equal(h.up('draft'), null);
    assert.equal(h.down('draft'), null);
  });

  test('walk up and down, the draft comes back', () => {
    const h = new InputHistory(10);
    h.push('a');
    h.push('b');
    assert.equal(h.up('typing'), 'b');
    assert.equal(h.up('b'), 'a');
    assert.equal(h.up('a'), null);
    assert.equal(h.down('a'), 'b');
    assert.equal(h.down('b'), 'typing');
    assert.equal(h.down('typing'), null);
  });

  test('edits to recalled entries survive browsing, and are dropped on push', () => {
    const h = new InputHistory(10);
    h.push('a');
    h.push('b');
    assert.equal(h.up(''), 'b');
    assert.equal(h.up('b!'), 'a');
    assert.equal(h.down('a'), 'b!');
    h.push('c');
    assert.equal(h.up(''), 'c');
    assert.equal(h.up('c'), 'b', 'the edit is gone, the entry unchanged');
  });

  test('max and duplicates', () => {
    const h = new InputHistory(2);
    for (const t of ['a', 'b', 'b', 'c']) h.push(t);
    assert.equal(h.length, 2);
    assert.equal(h.up(''), 'c');
    assert.equal(h.up('c'), 'b');
    assert.equal(h.up('b'), null);
  });

  test('max 0 keeps nothing', () => {
    const h = new InputHistory(0);
    h.push('a');
    assert.equal(h.up(''), null);
  });

  test('bad max → TypeError', () => {
    assert.throws(() => new InputHistory(-1), TypeError);
    assert.throws(() => new InputHistory(1.5), TypeError);
  });
});
