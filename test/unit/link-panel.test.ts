import { createRequire } from 'node:module';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const contribLoaded = (): boolean => Object.keys(require.cache).some((k) => k.includes('blessed-contrib'));

test('blessed-contrib is loaded on the first F2 only, not by importing the UI', async () => {
  await import('../../src/ui/app.js');
  assert.equal(contribLoaded(), false, 'importing the UI loaded blessed-contrib');
  const { loadContrib } = await import('../../src/ui/link-panel.js');
  assert.equal(contribLoaded(), false);
  const contrib = await loadContrib();
  assert.equal(typeof contrib.sparkline, 'function');
  assert.equal(contribLoaded(), true);
  assert.equal(await loadContrib(), contrib, 'loaded once');
});

test('formatDuration', async () => {
  const { formatDuration } = await import('../../src/ui/link-panel.js');
  const cases: Array<[number, string]> = [
    [0, '0 ms'],
    [950, '950 ms'],
    [42_000, '42 s'],
    [185_000, '3 min 05 s'],
    [7_620_000, '2 h 07 min'],
    [-1, '–'],
    [Number.NaN, '–'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
});
