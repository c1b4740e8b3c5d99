/**
 * A room's history (#15): the same file and keeper as a 1:1 chat's
 * (history-keeper.ts, PROFILE.history.jsonl), fed from the room's facts —
 * each message shown (`in`, under the sender's display name, nick~abcd
 * when two nicks look alike) and each line of ours the room took (`sent`,
 * `out`). The keeper's warnings come back as the room bus's `error`.
 */
import { Bus } from '../bus.js';
import type { HistoryTarget } from '../config/chat-options.js';
import { keepHistory, type HistoryKeeper } from './history-keeper.js';

export function keepRoomHistory(room: Bus, target: HistoryTarget, nick: string, now: () => number = Date.now): HistoryKeeper {
  const bridge = new Bus();
  const offs = [
    bridge.on('error', (e) => room.emit('error', e)),
    room.on('room:fact', (f) => {
      if (f.kind === 'message') bridge.emit('message:received', { from: f.display, text: f.text, time: now(), kind: f.action === true ? 'action' : 'message' });
      else if (f.kind === 'sent')
        bridge.emit('message:sent', { id: `room-${f.seq}`, text: f.text, time: now(), kind: f.action === true ? 'action' : 'message' });
    }),
  ];
  const keeper = keepHistory(bridge, target, nick);
  return {
    ...keeper,
    close: () => {
      keeper.close();
      for (const off of offs.splice(0)) off();
    },
  };
}
