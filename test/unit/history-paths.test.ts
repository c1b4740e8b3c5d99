import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultDataDir, historyFileName, resolveHistoryDir } from '../../src/history/paths.js';

const linux = (env: Record<string, string | undefined> = {}) => ({ env, platform: 'linux' as const, homedir: '/home/u' });

describe('history location', () => {
  it('is $XDG_DATA_HOME/fernchat, else ~/.local/share/fernchat', () => {
    assert.equal(resolveHistoryDir(undefined, linux({ XDG_DATA_HOME: '/xdg/data' })), '/xdg/data/fernchat');
    assert.equal(resolveHistoryDir(undefined, linux()), '/home/u/.local/share/fernchat');
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec says', () => {
    assert.equal(defaultDataDir(linux({ XDG_DATA_HOME: 'rel' })), '/home/u/.local/share/fernchat');
  });

  it('follows a chosen config directory (its profiles are other conversations), and FERNCHAT_DATA_DIR above all', () => {
    assert.equal(resolveHistoryDir('/cfg', linux({ XDG_DATA_HOME: '/xdg' })), '/cfg/history');
    assert.equal(resolveHistoryDir(null, linux({ FERNCHAT_CONFIG_DIR: '/envcfg' })), '/envcfg/history');
    assert.equal(resolveHistoryDir('/cfg', linux({ FERNCHAT_DATA_DIR: 'rel/data' })), path.resolve('rel/data'));
  });

  it('is one plain file per profile', () => {
    assert.equal(historyFileName('bob'), 'bob.history.jsonl');
    assert.equal(historyFileName('..'), '...history.jsonl');
    assert.throws(() => historyFileName('a/b'), TypeError);
  });
});
