import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta, formatFileSize, formatPercent, formatRate, percentOf } from '../../src/text/units.js';

describe('formatFileSize', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [12 * 1024 * 1024, '12.0 MiB'],
    [1024 * 1024 - 1, '1.0 MiB'], // 1023.999 KiB rounds to the next unit, never "1024.0 KiB"
    [2 * 1024 ** 3, '2.0 GiB'],
    [1.25 * 1024 ** 4, '1.3 TiB'],
    [5 * 1024 ** 6, '5120.0 PiB'],
  ];
  for (const [bytes, shown] of cases) test(`${bytes} → ${shown}`, () => assert.equal(formatFileSize(bytes), shown));
  test('a negative or non-finite size is a caller error', () => {
    assert.throws(() => formatFileSize(-1), TypeError);
    assert.throws(() => formatFileSize(Number.NaN), TypeError);
    assert.throws(() => formatFileSize(Number.POSITIVE_INFINITY), TypeError);
  });
});

describe('formatRate', () => {
  test('per second, in the size units', () => {
    assert.equal(formatRate(3.1 * 1024 * 1024), '3.1 MiB/s');
    assert.equal(formatRate(512), '512 B/s');
    assert.equal(formatRate(0), '0 B/s');
  });
  test('no rate yet is a dash', () => {
    assert.equal(formatRate(null), '–');
    assert.equal(formatRate(Number.NaN), '–');
    assert.equal(formatRate(-5), '–');
  });
});

describe('formatEta', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [3.2, '4s'],
    [59, '59s'],
    [60, '1m00s'],
    [125, '2m05s'],
    [3600 + 120, '1h02m'],
    [3 * 86400 + 4 * 3600, '3d04h'],
  ];
  for (const [s, shown] of cases) test(`${s} s → ${shown}`, () => assert.equal(formatEta(s), shown));
  test('unknown is empty', () => {
    assert.equal(formatEta(null), '');
    assert.equal(formatEta(Number.POSITIVE_INFINITY), '');
    assert.equal(formatEta(-1), '');
  });
});

describe('percentOf / formatPercent', () => {
  test('rounded down: 100% only when every byte is there', () => {
    assert.equal(percentOf(45, 100), 45);
    assert.equal(percentOf(999_999, 1_000_000), 99);
    assert.equal(percentOf(1_000_000, 1_000_000), 100);
    assert.equal(formatPercent(5, 10), '50%');
  });
  test('clamped, and an empty file is complete', () => {
    assert.equal(percentOf(0, 0), 100);
    assert.equal(percentOf(-3, 10), 0);
    assert.equal(percentOf(20, 10), 100);
  });
});
