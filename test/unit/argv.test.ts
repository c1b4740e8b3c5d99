import { test } from 'node:test';
import assert from 'node:assert/strict';
import { glueDashedKeys, hasStrayDashedKey } from '../../src/commands/argv.js';

const DASH_KEY = '-38zuEqEaLZ5Ya7TpWFnU-hOdj2tAOTTJDlaGGkHYc4=';

test('a key starting with "-" after --key is glued to the flag', () => {
  assert.deepEqual(glueDashedKeys(['chat', '--key', DASH_KEY, '--headless']), ['chat', `--key=${DASH_KEY}`, '--headless']);
  assert.deepEqual(glueDashedKeys(['fingerprint', '--key', DASH_KEY.slice(0, -1)]), ['fingerprint', `--key=${DASH_KEY.slice(0, -1)}`]);
});

test('everything else is left alone', () => {
  const cases: string[][] = [
    ['chat', '--key', 'abc', '--headless'],
    ['chat', '--key', '--headless'],
    ['chat', '--key', '-x'],
    ['chat', '--nick', DASH_KEY],
    ['chat', `--key=${DASH_KEY}`],
    ['--', '--key', DASH_KEY],
    [],
  ];
  for (const args of cases) assert.deepEqual(glueDashedKeys(args), args, JSON.stringify(args));
});

test('a dashed key without --key is found (so the CLI refuses it without echoing it); one after --key is not', () => {
  assert.equal(hasStrayDashedKey(['chat', DASH_KEY]), true);
  assert.equal(hasStrayDashedKey([DASH_KEY]), true);
  assert.equal(hasStrayDashedKey(glueDashedKeys(['chat', '--key', DASH_KEY])), false);
  assert.equal(hasStrayDashedKey(['chat', '--headless', '-x']), false);
  assert.equal(hasStrayDashedKey(['--', DASH_KEY]), false);
});
