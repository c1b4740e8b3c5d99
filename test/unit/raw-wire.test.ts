/**
 * The raw-wire refusal is one sentence: text/raw-wire.ts for the transfer
 * service and the slash commands, and net's own copy (net imports no text
 * rules) that must say the same. No other source file spells it out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RAW_WIRE_CONTROL_REASON } from '../../src/net/send-path.js';
import { RAW_WIRE_REFUSAL } from '../../src/text/raw-wire.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

test("the transport's refusal of a control message is the UI's sentence", () => {
  assert.equal(RAW_WIRE_CONTROL_REASON, RAW_WIRE_REFUSAL);
  assert.match(RAW_WIRE_REFUSAL, /^file transfer needs the reliable wire \(this chat uses --wire raw\)$/);
});

test('only text/raw-wire.ts and net/send-path.ts spell the sentence out', () => {
  const holders = (fs.readdirSync(SRC, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => fs.readFileSync(path.join(SRC, f), 'utf8').includes(RAW_WIRE_REFUSAL))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  assert.deepEqual(holders, ['net/send-path.ts', 'text/raw-wire.ts']);
});
