import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSlashLine } from '../../src/text/slash.js';

test('parseSlashLine: messages, the // escape, command names as typed and trimmed arguments', () => {
  const cases: Array<[string, ReturnType<typeof parseSlashLine>]> = [
    ['hello', { kind: 'message', text: 'hello' }],
    ['', { kind: 'message', text: '' }],
    ['  ', { kind: 'message', text: '  ' }],
    ['//rotate', { kind: 'message', text: '/rotate' }],
    ['// kept', { kind: 'message', text: '/ kept' }],
    ['/rotate', { kind: 'command', name: 'rotate', args: '' }],
    ['/Quit \t ', { kind: 'command', name: 'Quit', args: '' }],
    ['/nick  bob ', { kind: 'command', name: 'nick', args: 'bob' }],
    ['/peer\t[::1]:7755', { kind: 'command', name: 'peer', args: '[::1]:7755' }],
    ['/', { kind: 'command', name: '', args: '' }],
    ['/ rotate', { kind: 'command', name: '', args: 'rotate' }],
    ['/say a\nb', { kind: 'command', name: 'say', args: 'a\nb' }],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseSlashLine(line), want, JSON.stringify(line));
});
