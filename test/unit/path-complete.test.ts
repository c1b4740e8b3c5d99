import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completePath, type DirEntry, type PathCompleteDeps } from '../../src/ui/path-complete.js';
import { listDir } from '../../src/ui/fs-lister.js';
import { InputModel } from '../../src/ui/input-model.js';
import { PATH_COMPLETE_LISTED } from '../../src/constants.js';

/** A fake disk: directory path → entries; names ending in / are directories. */
function disk(tree: Record<string, string[]>, home: string | null = '/home/bob'): PathCompleteDeps & { listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    home,
    list(dir) {
      listed.push(dir);
      const names = tree[dir];
      return names === undefined ? null : names.map((n): DirEntry => ({ name: n.replace(/\/$/, ''), dir: n.endsWith('/') }));
    },
  };
}

const fs = disk({
  '.': ['report.pdf', 'results/', 'docs/', '.hidden', 'notes.txt'],
  'docs/': ['a.md', 'b.md'],
  '/home/bob/': ['Downloads/', 'photo.jpg', '.ssh/'],
  '/home/bob/Downloads/': ['big.iso'],
  '/etc/': ['hosts', 'hostname', 'passwd'],
});
const c = (text: string, cursor = text.length): ReturnType<typeof completePath> => completePath(text, cursor, fs);

describe('completePath', () => {
  test('one match: completed; a file as it is, a directory with a trailing /', () => {
    assert.deepEqual(c('/send rep'), { text: '/send report.pdf', cursor: 16, matches: [] });
    assert.deepEqual(c('/send do'), { text: '/send docs/', cursor: 11, matches: [] });
    assert.deepEqual(c('/send docs/a'), { text: '/send docs/a.md', cursor: 15, matches: [] });
  });
  test('several: the longest common prefix, and the candidates listed as the shell does (dirs with /)', () => {
    assert.deepEqual(c('/send re'), { text: '/send re', cursor: 8, matches: ['report.pdf', 'results/'] });
    assert.deepEqual(c('/send /etc/h'), { text: '/send /etc/host', cursor: 15, matches: ['hostname', 'hosts'] });
    assert.deepEqual(c('/send docs/'), { text: '/send docs/', cursor: 11, matches: ['a.md', 'b.md'] });
  });
  test('~ and ~/ are the home directory; the line keeps the ~', () => {
    assert.deepEqual(c('/send ~'), { text: '/send ~/', cursor: 8, matches: [] });
    assert.deepEqual(c('/send ~/Do'), { text: '/send ~/Downloads/', cursor: 18, matches: [] });
    assert.deepEqual(c('/send ~/Downloads/b'), { text: '/send ~/Downloads/big.iso', cursor: 25, matches: [] });
    assert.deepEqual(c('/send ~/'), { text: '/send ~/', cursor: 8, matches: ['Downloads/', 'photo.jpg'] });
    assert.ok(fs.listed.includes('/home/bob/Downloads/'));
  });
  test('dot files only when the typed name starts with a dot', () => {
    assert.deepEqual(c('/send .h'), { text: '/send .hidden', cursor: 13, matches: [] });
    assert.deepEqual(c('/send ~/.'), { text: '/send ~/.ssh/', cursor: 13, matches: [] });
    assert.equal(
      c('/send ')!.matches.some((m) => m.startsWith('.')),
      false,
    );
  });
  test('nothing that fits, an unreadable directory, ~user, no home: null (Tab does what it did)', () => {
    assert.equal(c('/send zzz'), null);
    assert.equal(c('/send nope/x'), null);
    assert.equal(c('/send ~alice/x'), null);
    assert.equal(completePath('/send ~/x', 9, disk({}, null)), null);
  });
  test('only after /send, with the cursor at the end', () => {
    assert.equal(c('hello rep'), null);
    assert.equal(c('/sendx rep'), null);
    assert.equal(c('/send rep', 7), null, 'cursor inside the path');
    assert.deepEqual(c('/SEND  rep'), { text: '/SEND  report.pdf', cursor: 17, matches: [] });
  });
  test('a long list is cut, saying how many more', () => {
    const many = Array.from({ length: PATH_COMPLETE_LISTED + 7 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    const r = completePath('/send f', 7, disk({ '.': many }));
    assert.equal(r!.matches.length, PATH_COMPLETE_LISTED + 1);
    assert.equal(r!.matches.at(-1), '… 7 more');
    assert.equal(r!.text, '/send f0');
  });
  test('bad cursor → TypeError', () => {
    assert.throws(() => completePath('/send x', 9, fs), TypeError);
  });
});

test('InputModel: Tab after /send completes the path, before nicks and commands', () => {
  const m = new InputModel();
  m.insert('/send re');
  assert.deepEqual(m.complete(['rex'], fs), ['report.pdf', 'results/']);
  m.insert('p');
  assert.deepEqual(m.complete(['rex'], fs), []);
  assert.equal(m.submit(), '/send report.pdf');
  m.insert('/sen');
  m.complete([], fs);
  assert.equal(m.submit(), '/send ', 'the command itself still completes');
});

test('listDir: the real disk, directories and links to them marked, unreadable → null, bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fernchat-pathc-'));
  try {
    writeFileSync(join(dir, 'file.txt'), 'x');
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'sub'), join(dir, 'link'));
    const got = listDir(dir)!.sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(got, [
      { name: 'file.txt', dir: false },
      { name: 'link', dir: true },
      { name: 'sub', dir: true },
    ]);
    assert.equal(listDir(join(dir, 'missing')), null);
    assert.equal(listDir(dir, 2)!.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
