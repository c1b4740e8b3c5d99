import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ChatPane } from '../../src/ui/chat-pane.js';
import { historyCommand, showHistory } from '../../src/ui/history-view.js';
import { formatDay } from '../../src/ui/format.js';
import type { TuiHistory } from '../../src/ui/context.js';
import type { HistoryRecord } from '../../src/history/record.js';
import { createNullScreen } from '../../src/testing/null-screen.js';

const screen = createNullScreen(80, 20);
after(() => screen.destroy());
const T = new Date(2026, 11, 3, 17, 55).getTime();
const rec = (over: Partial<HistoryRecord>): HistoryRecord => ({ t: T, dir: 'in', from: 'bob', text: 'hi', kind: 'message', ...over });
const opts = (nick: string, profileName: string | null = 'bob') => ({ nick, profileName, wire: 'reliable' as const, ui: {} as never, debug: false });

/** The pane's rows as text, tags stripped. */
function rowsOf(pane: ChatPane): string[] {
  return pane.buffer.visibleRows(20).map((r) => r.replace(/\{[^}]*\}/g, '').trimEnd());
}

function history(restored: HistoryRecord[], notes: string[] = []): TuiHistory {
  return { restored, notes, command: (arg) => `command ${String(arg)}` };
}

describe('showHistory', () => {
  it('puts the records, oldest first, then the marker; a peer nick that reads as ours is marked', () => {
    // The pane's clock is the records' day: the marker carries no day line of its own, whatever today is.
    const pane = new ChatPane(screen.screen, { capacity: 300, seconds: false, colors: 256, clock: { now: () => T + 60_000 } });
    showHistory(pane, {
      opts: opts('alice'),
      history: history([
        rec({ dir: 'out', from: 'alice', text: 'mine' }),
        rec({ from: 'alice', text: 'a peer called alice' }),
        rec({ kind: 'action', text: 'waves' }),
      ]),
    });
    // The first line of the pane says its date (here the records' own), then the records, then the marker.
    assert.deepEqual(
      rowsOf(pane)
        .filter((r) => r !== '')
        .map((r) => r.trim()),
      [`— ${formatDay(T)} —`, '[17:55] <alice> mine', '[17:55] <alice(peer)> a peer called alice', '[17:55] * bob waves', '— history —'],
    );
  });

  it('shows reading problems, and no marker without records; nothing at all without a history', () => {
    const pane = new ChatPane(screen.screen, { capacity: 300, seconds: false, colors: 256 });
    showHistory(pane, { opts: opts('alice'), history: history([], ['history: /x/bob.history.jsonl line 3: not a JSON record — …']) });
    showHistory(pane, { opts: opts('alice') });
    const rows = rowsOf(pane).filter((r) => r !== '' && !r.includes(formatDay(T)) && !r.includes(formatDay(Date.now())));
    assert.equal(rows.length, 1, 'the reading problem and no marker');
    assert.match(rows[0]!, /-!- history: \/x\/bob\.history\.jsonl line 3: not a JSON record/);
  });
});

describe('/history', () => {
  it('asks the keeper when there is one, else says why nothing is kept', () => {
    assert.equal(historyCommand({ opts: opts('al'), history: history([]) }, 'off'), 'command off');
    assert.equal(
      historyCommand({ opts: opts('al', 'bob') }, null),
      'history is not kept: profile bob has it off (turn it on with: fernchat profile set bob --history on)',
    );
    assert.match(historyCommand({ opts: opts('al', null) }, null), /^history is not kept: this chat was not started from a profile/);
  });
});
